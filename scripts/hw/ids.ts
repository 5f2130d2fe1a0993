// Student ids as the grader uses them in file names and rows.
import { createHash } from "node:crypto";

const ID_MAX_CHARS = 64, ID_MAX_BYTES = 192; // 192 UTF-8 bytes + ".ipynb" stay under a file name's 255 bytes
const bytes = (s: string) => Buffer.byteLength(s, "utf8");

/**
 * A student id as the grader uses it in file names and rows. The name is NFC-normalised; Unicode letters,
 * digits and marks (김철수, José) and . _ - are kept, anything else becomes _, and an id never starts with .
 * or - (no hidden files, no options, no CSV formulas). When that changed the name or it is longer than 64
 * characters (192 bytes), 8 hex digits of the name's sha256 are appended (after at most 55 characters of
 * it), so distinct names never merge into one id; the same name always gives the same id. Idempotent:
 * safeId(safeId(x)) === safeId(x).
 */
export function safeId(raw: unknown): string {
  const name = String(raw).normalize("NFC");
  let chars = Array.from(name, (ch) => (/^[._\-\p{L}\p{N}\p{M}]$/u.test(ch) ? ch : "_"));
  if (!chars.length || chars[0] === "." || chars[0] === "-") chars = ["_", ...chars];
  let s = chars.join("");
  if (s !== name || chars.length > ID_MAX_CHARS || bytes(s) > ID_MAX_BYTES) {
    chars = chars.slice(0, ID_MAX_CHARS - 9);
    while (bytes(chars.join("")) > ID_MAX_BYTES - 9) chars.pop();
    s = chars.join("") + "-" + createHash("sha256").update(name, "utf8").digest("hex").slice(0, 8);
  }
  return s;
}

/** A bundle's student id: its folder name, without the `<assignment>-` that `submit` puts in front. The
 * manifest's `student` is text the student wrote; it is compared with this, never trusted. */
export function bundleId(folderName: string, assignment?: string): string {
  let name = folderName;
  if (assignment && name.startsWith(assignment + "-") && name.length > assignment.length + 1) name = name.slice(assignment.length + 1);
  return safeId(name);
}
