// Comparing the values a probe reported with the expected values, outside the kernel. Every message is
// fixed text: it names the field and the expected vs actual shape or the largest error, never a value.
import type { Case } from "./plan-types";
import { fmtE, fmtF } from "./format";
import { isDict } from "./notebook";

export type Verdict = [ok: boolean, message: string];

const isList = Array.isArray;
const shapeStr = (r: unknown, c: unknown) => `(${dim(r)}×${dim(c)})`;
const dim = (x: unknown) => (typeof x === "number" && Number.isFinite(x) ? String(Math.trunc(x)) : "?");

/** What a reported value is, by type and shape only. */
export function describe(v: unknown): string {
  if (isDict(v) && "$m" in v) {
    const m = v.$m;
    return "Matrix " + (isList(m) ? shapeStr(m[0], m[1]) : "(?)");
  }
  if (isList(v)) return `배열(길이 ${v.length})`;
  if (isDict(v)) return "객체";
  if (typeof v === "string") return "문자열";
  if (typeof v === "boolean") return "참/거짓";
  if (typeof v === "number") return "수";
  if (v === null) return "없음(null)";
  return "값";
}

/** A number, or one of the guard's "NaN" / "Infinity" / "-Infinity" strings; null for anything else. */
export function toFloat(x: unknown): number | null {
  if (typeof x === "number") return x;
  if (x === "NaN") return NaN;
  if (x === "Infinity") return Infinity;
  if (x === "-Infinity") return -Infinity;
  return null;
}

/** Equality as the plan's JSON means it (true equals 1, as it did in the Python grader). */
function same(a: unknown, b: unknown): boolean {
  const scalar = (x: unknown) => typeof x === "number" || typeof x === "boolean";
  if (scalar(a) && scalar(b)) return Number(a) === Number(b);
  if (isList(a) && isList(b)) return a.length === b.length && a.every((x, i) => same(x, b[i]));
  if (isDict(a) && isDict(b)) {
    const ka = Object.keys(a), kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => k in b && same(a[k], b[k]));
  }
  return a === b;
}

export function compare(expected: unknown, actual: unknown, atol: number, rtol: number, path = "값"): Verdict {
  if (isDict(expected) && "$m" in expected) {
    const em = expected.$m as unknown[];
    if (!(isDict(actual) && isList(actual.$m) && actual.$m.length === 3)) {
      return [false, `${path}: Matrix ${shapeStr(em[0], em[1])} 기대, 실제 ${describe(actual)}`];
    }
    const [er, ec, ed] = em;
    const [ar, ac, ad] = actual.$m as unknown[];
    if (!same(er, ar) || !same(ec, ac)) return [false, `${path}: 모양(shape) 기대 ${shapeStr(er, ec)}, 실제 ${shapeStr(ar, ac)}`];
    return compareNumbers(ed as unknown[], ad, atol, rtol, path);
  }
  if (isDict(expected)) {
    if (!isDict(actual)) return [false, `${path}: 객체 기대, 실제 ${describe(actual)}`];
    for (const [k, ev] of Object.entries(expected)) {
      if (!(k in actual)) return [false, `${path}.${k}: 없음`];
      const v = compare(ev, actual[k], atol, rtol, path !== "값" ? `${path}.${k}` : k);
      if (!v[0]) return v;
    }
    return [true, ""];
  }
  if (isList(expected)) {
    if (!isList(actual)) return [false, `${path}: 배열(길이 ${expected.length}) 기대, 실제 ${describe(actual)}`];
    if (actual.length !== expected.length) return [false, `${path}: 길이 기대 ${expected.length}, 실제 ${actual.length}`];
    if (expected.every((x) => toFloat(x) !== null)) return compareNumbers(expected, actual, atol, rtol, path);
    for (let i = 0; i < expected.length; i++) {
      const v = compare(expected[i], actual[i], atol, rtol, `${path}[${i}]`);
      if (!v[0]) return v;
    }
    return [true, ""];
  }
  if (toFloat(expected) !== null) return compareNumbers([expected], [actual], atol, rtol, path);
  const ok = same(expected, actual);
  return [ok, ok ? "" : `${path}: 기대한 값과 다릅니다 (${describe(actual)})`];
}

/**
 * Every entry judged on its own: |actual − expected| ≤ atol + rtol·|expected|, and an expected NaN or ±Infinity
 * is matched only by itself (Object.is). The actual list must hold exactly as many numbers as expected. A
 * failure reports the largest error among the entries that failed.
 */
export function compareNumbers(ed: unknown[], ad: unknown, atol: number, rtol: number, path: string): Verdict {
  // a matrix reported with the right shape and no entries must not pass (the values come from the
  // student's kernel and can be anything)
  if (!isList(ad) || ad.length !== ed.length) {
    return [false, `${path}: 값 ${ed.length}개 기대, 실제 ${isList(ad) ? `${ad.length}개` : describe(ad)}`];
  }
  let worst = -1;
  for (let i = 0; i < ed.length; i++) {
    const ef = toFloat(ed[i]), af = toFloat(ad[i]);
    if (af === null || ef === null) return [false, `${path}: ${i}번째 값이 수가 아닙니다 (${describe(ad[i])})`];
    if (!Number.isFinite(ef)) {
      // atol + rtol·∞ is ∞ or NaN: no tolerance means anything here
      if (!Object.is(af, ef)) return [false, `${path}: ${i}번째 값이 기대한 값과 다릅니다 (${describe(ad[i])})`];
      continue;
    }
    if (Number.isNaN(af)) return [false, `${path}: ${i}번째 값이 수가 아닙니다 (${describe(ad[i])})`];
    const d = Math.abs(af - ef);
    if (!(d <= atol + rtol * Math.abs(ef)) && d > worst) worst = d;
  }
  if (worst >= 0) return [false, `${path}: 최대 오차 ${fmtE(worst, 2)} > 허용 오차 ${fmtE(atol, 0)}`];
  return [true, ""];
}

const KNOWN_ERRORS = new Set(["Error", "TypeError", "RangeError", "ReferenceError", "SyntaxError", "EvalError", "URIError",
  "AggregateError", "InternalError", "MlpHwForbidden"]);

/** The error's class if it is one of JavaScript's own (a class name the student chose could carry anything). */
export function errorClass(name: unknown): string {
  if (typeof name === "string" && KNOWN_ERRORS.has(name)) return name;
  return name ? "사용자 정의 오류 (custom error class)" : "알 수 없음";
}

export interface Reported {
  case?: string;
  ok?: boolean;
  value?: unknown;
  error?: unknown;
  duplicated?: boolean;
}

export function compareCase(c: Case, got: Reported | undefined): Verdict {
  if (got === undefined) return [false, "결과 없음 (probe가 실행되지 않았거나 컴파일되지 않음)"];
  if (got.duplicated) return [false, "결과가 두 번 이상 보고되어 인정하지 않습니다 (probe channel written by submitted code)"];
  if (got.error === "MlpHwForbidden") return [false, "이 과제에서 쓰면 안 되는 라이브러리 기능을 썼습니다 (forbidden library class)"];
  if (!got.ok) return [false, `오류가 발생했습니다 (raised an error: ${errorClass(got.error)})`];
  if (c.compare === "accuracy") {
    const exp = c.expected as { labels: number[]; min: number };
    const v = got.value;
    const m = isDict(v) && isList(v.$m) ? (v.$m as unknown[]) : null;
    if (!(m && m[0] === 1 && m[1] === exp.labels.length && isList(m[2]) && m[2].length === exp.labels.length && m[2].length > 0)) {
      return [false, `예측: Matrix (1×${exp.labels.length}) 기대, 실제 ${describe(v)}`];
    }
    const preds = (m[2] as unknown[]).map((x) => ((toFloat(x) || 0) >= 0.5 ? 1 : 0));
    const acc = preds.filter((p, i) => p === exp.labels[i]).length / preds.length;
    return [acc >= exp.min, `정확도 ${fmtF(acc, 3)} (기준 ≥ ${fmtF(exp.min, 2)})`];
  }
  return compare(c.expected, got.value, c.atol, c.rtol);
}
