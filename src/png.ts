// A greyscale PNG as a data: URI, for digitGrid's image traces (a digit costs ~200 bytes in the
// notebook instead of 784 numbers). The container is written here (signature, IHDR, IDAT, IEND
// chunks with their CRC-32); the compression is Node's zlib.
import * as zlib from "zlib";

let crcTable: Uint32Array | undefined;
function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = crcTable[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, body: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + body.length);
  out.writeUInt32BE(body.length, 0);
  out.write(type, 4, "latin1");
  Buffer.from(body).copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + body.length)), 8 + body.length);
  return out;
}

/**
 * An 8-bit greyscale PNG (0 = black, 255 = white) as a `data:image/png;base64,...` URI; pixels row-major.
 * Used by digitGrid so a digit costs ~200 bytes in the notebook instead of 784 numbers.
 * Example: greyPngDataUri(2, 1, Uint8Array.from([0, 255])).
 */
export function greyPngDataUri(width: number, height: number, pixels: Uint8Array): string {
  if (pixels.length !== width * height) {
    throw new Error(`greyPngDataUri: ${pixels.length} pixels for a ${width}×${height} image`);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // colour type: greyscale
  const raw = Buffer.alloc((width + 1) * height);
  for (let r = 0; r < height; r++) {
    raw[r * (width + 1)] = 0; // filter: none
    Buffer.from(pixels.buffer, pixels.byteOffset + r * width, width).copy(raw, r * (width + 1) + 1);
  }
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk("IHDR", ihdr),
    pngChunk("IDAT", zlib.deflateSync(raw, { level: 9 })),
    pngChunk("IEND", new Uint8Array(0)),
  ]);
  return "data:image/png;base64," + png.toString("base64");
}
