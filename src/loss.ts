// Loss (error) functions. All of them SUM over every entry, i.e. over all outputs and all
// samples, like the lecture's E = ½Σ(A − Y)²; divide by the number of samples m for a mean.
import { Matrix, shapeStr } from "./matrix";

function checkPair(op: string, A: Matrix, Y: Matrix): void {
  if (A.rows !== Y.rows || A.cols !== Y.cols) {
    throw new Error(`${op}: A ${shapeStr(A)} and Y ${shapeStr(Y)} must have the same shape`);
  }
}

/**
 * The lecture's error E = ½ Σ (A − Y)² over all entries. Its gradient wrt A is A − Y.
 * Example: `halfSquaredError(Matrix.from([[0.5]]), Matrix.from([[1]])) // 0.125`
 */
export function halfSquaredError(A: Matrix, Y: Matrix): number {
  checkPair("halfSquaredError", A, Y);
  let s = 0;
  for (let k = 0; k < A.data.length; k++) {
    const d = A.data[k] - Y.data[k];
    s += d * d;
  }
  return 0.5 * s;
}

/**
 * The course's recorded cost `sqrt(sum(E2 * E2))` = √Σ E², for the error matrix E2 = Y − A2.
 * Example: `courseCost(Matrix.from([[3, 4]])) // 5`
 */
export function courseCost(E2: Matrix): number {
  let s = 0;
  for (let k = 0; k < E2.data.length; k++) s += E2.data[k] * E2.data[k];
  return Math.sqrt(s);
}

// log that stays finite at 0 (only matters when a probability is exactly 0 in float64)
const safeLog = (p: number): number => Math.log(p > 1e-300 ? p : 1e-300);

/**
 * Binary cross-entropy −Σ [Y·ln A + (1 − Y)·ln(1 − A)] for sigmoid outputs A in (0, 1), summed.
 * Example: `binaryCrossEntropy(Matrix.from([[0.5]]), Matrix.from([[1]])) // ln 2`
 */
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

/**
 * Categorical cross-entropy −Σ Y·ln A for softmax outputs (each column a distribution), summed.
 * Example: `categoricalCrossEntropy(Matrix.from([[0.25], [0.75]]), Matrix.from([[0], [1]])) // −ln 0.75`
 */
export function categoricalCrossEntropy(A: Matrix, Y: Matrix): number {
  checkPair("categoricalCrossEntropy", A, Y);
  let s = 0;
  for (let k = 0; k < A.data.length; k++) {
    const y = Y.data[k];
    if (y !== 0) s -= y * safeLog(A.data[k]);
  }
  return s;
}

/**
 * Number of columns (samples) whose prediction matches the target: with one output row, A ≥ 0.5
 * vs Y ≥ 0.5; with several rows, argmax of A vs argmax of Y (works for 0/1 and 0.01/0.99 one-hot).
 * Example: `correctCount(net.predict(X), Y) / X.cols`
 */
export function correctCount(A: Matrix, Y: Matrix): number {
  checkPair("correctCount", A, Y);
  let n = 0;
  if (A.rows === 1) {
    for (let j = 0; j < A.cols; j++) if (A.data[j] >= 0.5 === Y.data[j] >= 0.5) n++;
    return n;
  }
  const pa = A.argmaxCols(), py = Y.argmaxCols();
  for (let j = 0; j < pa.length; j++) if (pa[j] === py[j]) n++;
  return n;
}

/**
 * Fraction of samples predicted correctly (see correctCount), in [0, 1].
 * Example: `accuracy(net.predict(Xtest), Ytest) // 0.93`
 */
export function accuracy(A: Matrix, Y: Matrix): number {
  checkPair("accuracy", A, Y);
  return A.cols === 0 ? NaN : correctCount(A, Y) / A.cols;
}
