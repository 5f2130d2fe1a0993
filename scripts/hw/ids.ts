// Student ids as the grader uses them in file names and rows.

/** Letters, digits, . _ - only, never starting with . or - (no hidden files, no options, no CSV formulas), at most 64 characters. */
export function safeId(raw: unknown): string {
  let s = Array.from(String(raw).replace(/[^A-Za-z0-9._-]/gu, "_")).slice(0, 64).join("");
  if (!s || s[0] === "." || s[0] === "-") s = "_" + s.slice(0, 63);
  return s;
}
