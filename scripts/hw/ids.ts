// Student ids as the grader uses them in file names and rows.
import { createHash } from "node:crypto";

const ID_MAX_CHARS = 64, ID_MAX_BYTES = 192; // 192 UTF-8 bytes + ".ipynb" stay under a file name's 255 bytes
const bytes = (s: string) => Buffer.byteLength(s, "utf8");
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const lossyUtf8 = new TextDecoder("utf-8", { ignoreBOM: true });

/** A file name's text: its bytes as UTF-8, or null when they are not valid UTF-8. */
export function utf8OrNull(raw: Uint8Array): string | null {
  try {
    return strictUtf8.decode(raw);
  } catch {
    return null;
  }
}

// one valid UTF-8 sequence, or any single byte (which is then not part of a valid sequence)
const UTF8_SEQ = /[\x00-\x7f]|[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2}|[\x80-\xff]/g;

/** A file name as shown in reports: its text, with each byte that is not valid UTF-8 written as \xNN. */
export function showName(raw: Buffer): string {
  const text = utf8OrNull(raw);
  if (text !== null) return text;
  return raw.toString("latin1").replace(UTF8_SEQ, (seq) =>
    seq.length === 1 && seq.charCodeAt(0) >= 0x80 ? "\\x" + seq.charCodeAt(0).toString(16).padStart(2, "0") : Buffer.from(seq, "latin1").toString("utf8"));
}

/**
 * A student id as the grader uses it in file names and rows, from a name (text, or a file name's raw bytes).
 * Unicode letters, digits and marks (김철수, José) and . _ - of the NFC-normalised name are kept, anything
 * else becomes _ (so does each byte that is not valid UTF-8), and an id never starts with . or - (no hidden
 * files, no options, no CSV formulas). When the id is not exactly the name as given (sanitised, or not in
 * NFC: an NFD 김철수 is not the NFC one) or the name is longer than 64 characters (192 bytes), 8 hex digits
 * of the sha256 of the name's bytes as given are appended (after at most 55 characters of it), so distinct
 * names never merge into one id; the same name always gives the same id. Idempotent:
 * safeId(safeId(x)) === safeId(x).
 */
export function safeId(raw: unknown): string {
  const given = Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw), "utf8");
  const text = Buffer.isBuffer(raw) ? lossyUtf8.decode(raw) : String(raw);
  let chars = Array.from(text.normalize("NFC"), (ch) => (/^[._\-\p{L}\p{N}\p{M}]$/u.test(ch) ? ch : "_"));
  if (!chars.length || chars[0] === "." || chars[0] === "-") chars = ["_", ...chars];
  let s = chars.join("");
  if (!given.equals(Buffer.from(s, "utf8")) || chars.length > ID_MAX_CHARS || bytes(s) > ID_MAX_BYTES) {
    chars = chars.slice(0, ID_MAX_CHARS - 9);
    while (bytes(chars.join("")) > ID_MAX_BYTES - 9) chars.pop();
    s = chars.join("") + "-" + createHash("sha256").update(given).digest("hex").slice(0, 8);
  }
  return s;
}

/** A bundle's student id: its folder name (text or raw bytes), without the `<assignment>-` that `submit`
 * puts in front. The manifest's `student` is text the student wrote; it is compared with this, never trusted. */
export function bundleId(folderName: string | Buffer, assignment?: string): string {
  let name = Buffer.isBuffer(folderName) ? folderName : Buffer.from(folderName, "utf8");
  const prefix = assignment ? Buffer.from(assignment + "-", "utf8") : null;
  if (prefix && name.length > prefix.length && name.subarray(0, prefix.length).equals(prefix)) name = name.subarray(prefix.length);
  return safeId(name);
}
