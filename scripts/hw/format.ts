// Number and text formatting the grader's reports use (printf-style %g, %e, %f), written out once so that
// feedback, CSV and console lines show numbers the same way everywhere.

/** printf's %g with 6 significant digits: 6 → "6", 0.6667 → "0.6667", 1e-7 → "1e-07". */
export function fmtG(x: unknown): string {
  if (typeof x !== "number") return String(x);
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0" : "0";
  const exp = Math.floor(Math.log10(Math.abs(Number(x.toPrecision(6)))));
  if (exp < -4 || exp >= 6) return fmtE(x, 5, true);
  const s = x.toFixed(Math.max(0, 5 - exp));
  return s.includes(".") ? s.replace(/\.?0+$/, "") : s;
}

/** printf's %.<digits>e: 0.000123 with 2 → "1.23e-04" (an exponent of at least two digits). */
export function fmtE(x: number, digits: number, stripZeros = false): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  const [mant, e] = x.toExponential(digits).split("e");
  const m = stripZeros && mant.includes(".") ? mant.replace(/\.?0+$/, "") : mant;
  const n = Number(e);
  return `${m}e${n < 0 ? "-" : "+"}${String(Math.abs(n)).padStart(2, "0")}`;
}

/** printf's %.<digits>f, exact ties rounded to even as Python does (0.0625 → "0.062"). */
export function fmtF(x: number, digits: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  const scaled = x * 10 ** digits;
  if (Math.abs(scaled % 1) === 0.5) {
    const even = 2 * Math.round(scaled / 2);
    return (even / 10 ** digits).toFixed(digits);
  }
  return x.toFixed(digits);
}

/** Python's round(x, digits): exact ties to even. */
export function round(x: number, digits = 2): number {
  const scaled = x * 10 ** digits;
  const r = Math.abs(scaled % 1) === 0.5 ? 2 * Math.round(scaled / 2) : Math.round(scaled);
  return r / 10 ** digits;
}

/** The first `n` characters (code points, not UTF-16 units) of `s`. */
export function head(s: string, n: number): string {
  const chars = Array.from(s);
  return chars.length <= n ? s : chars.slice(0, n).join("");
}

/** The last `n` characters of `s`. */
export function tail(s: string, n: number): string {
  const chars = Array.from(s);
  return chars.length <= n ? s : chars.slice(chars.length - n).join("");
}

/** Lines as Python's str.splitlines() cuts them (\n, \r\n, \r and the other Unicode line breaks). */
export function splitLines(s: string): string[] {
  const parts = s.split(/\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/);
  if (parts.length && parts[parts.length - 1] === "") parts.pop();
  return parts;
}

/** Python's repr() of a string, for messages that quote a value. */
export function reprStr(s: string): string {
  const q = s.includes("'") && !s.includes('"') ? '"' : "'";
  const body = s.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/\r/g, "\\r").replace(/\t/g, "\\t");
  return q + (q === "'" ? body.replace(/'/g, "\\'") : body) + q;
}

/** Left-justified in `width` characters (printf's %-Ns). */
export const ljust = (s: string, width: number) => s + " ".repeat(Math.max(0, width - Array.from(s).length));
/** Right-justified in `width` characters (printf's %Ns). */
export const rjust = (s: string, width: number) => " ".repeat(Math.max(0, width - Array.from(s).length)) + s;
