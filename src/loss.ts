// Loss (error) functions. All of them SUM over every entry, i.e. over all outputs and all
// samples, like the lecture's E = ½Σ(A − Y)²; divide by the number of samples m for a mean.
import { Matrix, shapeStr } from "./matrix";

function checkPair(op: string, A: Matrix, Y: Matrix): void {
  if (A.rows !== Y.rows || A.cols !== Y.cols) throw new Error(`${op}: A ${shapeStr(A)} and Y ${shapeStr(Y)} must have the same shape`);
}

/** The lecture's error E = ½ Σ (A − Y)² over all entries; its gradient wrt A is A − Y. Example: `halfSquaredError(A2, Y) // 0.125` */
export function halfSquaredError(A: Matrix, Y: Matrix): number {
  checkPair("halfSquaredError", A, Y);
  return 0.5 * sumOfSquares(A.sub(Y));
}

/** The course's recorded cost `sqrt(sum(E2 * E2))` = √Σ E², for the error matrix E2 = Y − A2. Example: `courseCost(Matrix.from([[3, 4]])) // 5` */
export function courseCost(E2: Matrix): number {
  return Math.sqrt(sumOfSquares(E2));
}

/** Σ E² over all entries, summed in storage order: the course's cost before its square root. Example: `sumOfSquares(E2)` */
export function sumOfSquares(E: Matrix): number {
  let s = 0;
  for (let k = 0; k < E.data.length; k++) s += E.data[k] * E.data[k];
  return s;
}

// log that stays finite at 0 (only matters when a probability is exactly 0 in float64)
const safeLog = (p: number): number => Math.log(p > 1e-300 ? p : 1e-300);

/** Binary cross-entropy −Σ [Y·ln A + (1 − Y)·ln(1 − A)] for sigmoid outputs A in (0, 1), summed. Example: `binaryCrossEntropy(A2, Y)` */
export function binaryCrossEntropy(A: Matrix, Y: Matrix): number {
  checkPair("binaryCrossEntropy", A, Y);
  let s = 0;
  for (let k = 0; k < A.data.length; k++) {
    const a = A.data[k], y = Y.data[k];
    if (y !== 0) s -= y * safeLog(a);
    if (y !== 1) s -= (1 - y) * safeLog(1 - a);
  }
  return s;
}

/** Categorical cross-entropy −Σ Y·ln A for softmax outputs (each column a distribution), summed. Example: `categoricalCrossEntropy(A2, Y)` */
export function categoricalCrossEntropy(A: Matrix, Y: Matrix): number {
  checkPair("categoricalCrossEntropy", A, Y);
  let s = 0;
  for (let k = 0; k < A.data.length; k++) {
    if (Y.data[k] !== 0) s -= Y.data[k] * safeLog(A.data[k]);
  }
  return s;
}

/**
 * Number of columns (samples) whose prediction matches the target: with one output row, A ≥ 0.5 vs
 * Y ≥ 0.5; else argmax of A vs of Y (0/1 or 0.01/0.99 one-hot). Example: `correctCount(net.predict(X), Y)`
 */
export function correctCount(A: Matrix, Y: Matrix): number {
  checkPair("correctCount", A, Y);
  let n = 0;
  if (A.rows === 1) {
    for (let j = 0; j < A.cols; j++) if (A.data[j] >= 0.5 === Y.data[j] >= 0.5) n++;
    return n;
  }
  // argmax per column (first row on ties), of A and of Y, without allocating (fit calls this every step)
  const a = A.data, y = Y.data, r = A.rows, c = A.cols;
  for (let j = 0; j < c; j++) {
    let bestA = 0, maxA = -Infinity, bestY = 0, maxY = -Infinity;
    for (let i = 0; i < r; i++) {
      if (a[i * c + j] > maxA) { maxA = a[i * c + j]; bestA = i; }
      if (y[i * c + j] > maxY) { maxY = y[i * c + j]; bestY = i; }
    }
    if (bestA === bestY) n++;
  }
  return n;
}

/** Fraction of samples predicted correctly (see correctCount), in [0, 1]. Example: `accuracy(net.predict(Xtest), Ytest) // 0.93` */
export function accuracy(A: Matrix, Y: Matrix): number {
  checkPair("accuracy", A, Y);
  return A.cols === 0 ? NaN : correctCount(A, Y) / A.cols;
}
