// Public checks used inside homework notebooks (the locked "check" cells).
// They print ✓ lines and throw on a failure, with the expected vs actual shape or the largest error.
// These checks only help the student: grades come from the grader's probes (scripts/hw/), computed
// outside the kernel, never from what these functions print.
import { Matrix } from "../../src/matrix";

function shapeOf(M: unknown): string {
  const m = M as { rows?: unknown; cols?: unknown };
  return m && typeof m.rows === "number" && typeof m.cols === "number" ? `(${m.rows}×${m.cols})` : typeof M;
}

/**
 * Throws unless `actual` is a Matrix of the same shape as `expected` with max |actual − expected| ≤ tol.
 * Example: `checkClose("A1", A1, Matrix.from([0.52497919, 0.549834, 0.57444252]), 1e-8)`
 */
export function checkClose(name: string, actual: Matrix, expected: Matrix, tol: number): void {
  if (!(actual instanceof Matrix)) {
    throw new Error(`✗ ${name}: Matrix가 아닙니다 (받은 값: ${shapeOf(actual)})`);
  }
  if (actual.rows !== expected.rows || actual.cols !== expected.cols) {
    throw new Error(`✗ ${name}: 모양(shape)이 다릅니다 — 기대 ${shapeOf(expected)}, 실제 ${shapeOf(actual)}`);
  }
  const diff = actual.maxAbsDiff(expected);
  if (!(diff <= tol)) {
    throw new Error(`✗ ${name}: 최대 오차 ${diff.toExponential(2)} > 허용 오차 ${tol.toExponential(0)}`);
  }
  console.log(`✓ ${name} ${shapeOf(actual)}: 최대 오차 ${diff.toExponential(2)} ≤ ${tol.toExponential(0)}`);
}

/**
 * Throws unless `value` satisfies `ok`; `what` describes the condition.
 * Example: `checkThat("상대 오차 < 1e-7", relErr, (v) => v < 1e-7)`
 */
export function checkThat(what: string, value: number, ok: (v: number) => boolean): void {
  if (!ok(value)) throw new Error(`✗ ${what}: 실제 값 ${value}`);
  console.log(`✓ ${what}: ${value}`);
}
