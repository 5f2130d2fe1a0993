// Gradient checking: finite differences are the reference for backpropagation.
//
// The central difference  ∂f/∂w ≈ (f(w + ε) − f(w − ε)) / 2ε  has error O(ε²), so with
// ε = 1e-5 in float64 a correct analytic gradient agrees to a relative error around 1e-9 or better.
import { Matrix, shapeStr } from "./matrix";
import type { NeuralNetwork } from "./network";

/**
 * Central-difference gradient of f with respect to every entry of M. M is perturbed in place
 * (and restored); f is called with M and may also read it through a closure.
 * Example: `numericalGradient(() => net.objective(X, Y), net.W[1])`
 */
export function numericalGradient(f: (M: Matrix) => number, M: Matrix, eps = 1e-5): Matrix {
  const G = new Matrix(M.rows, M.cols);
  const d = M.data;
  for (let k = 0; k < d.length; k++) {
    const old = d[k];
    d[k] = old + eps;
    const fPlus = f(M);
    d[k] = old - eps;
    const fMinus = f(M);
    d[k] = old; // restore
    G.data[k] = (fPlus - fMinus) / (2 * eps);
  }
  return G;
}

function norm(M: Matrix): number {
  let s = 0;
  for (let k = 0; k < M.data.length; k++) s += M.data[k] * M.data[k];
  return Math.sqrt(s);
}

/**
 * Relative error ‖A − B‖ / (‖A‖ + ‖B‖) in the Frobenius norm; 0 when both are zero.
 * Example: `relativeError(numeric, analytic) < 1e-7`
 */
export function relativeError(A: Matrix, B: Matrix): number {
  if (A.rows !== B.rows || A.cols !== B.cols) {
    throw new Error(`relativeError: shapes ${shapeStr(A)} and ${shapeStr(B)} differ`);
  }
  const denom = norm(A) + norm(B);
  return denom === 0 ? 0 : norm(A.sub(B)) / denom;
}

/** One row of gradientCheck's result: the layer l, which parameter (W[l] or b[l]) and the errors. */
export interface GradientCheckRow {
  layer: number;
  param: "W" | "b";
  relError: number;
  maxAbsDiff: number;
}

/**
 * Compares backprop with central finite differences of the net's objective (E = ½Σ(A − Y)² for
 * "sse", the summed cross-entropy otherwise), per layer: the analytic gradient is −dW[l] (and −db[l])
 * from `net.backward(..., rule)`. rule defaults to "exact" (the chain rule, which must pass: relError
 * < 1e-7); pass rule "lecture" to see which layers of the course's rule are NOT the gradient.
 * The net's weights are left unchanged. Example: `gradientCheck(net, X, Y)` → [{ layer: 1, param: "W", relError: 3e-11, … }, …]
 */
export function gradientCheck(
  net: NeuralNetwork,
  X: Matrix,
  Y: Matrix,
  { eps = 1e-5, rule = "exact" }: { eps?: number; rule?: "lecture" | "exact" } = {},
): GradientCheckRow[] {
  const f = (): number => net.objective(X, Y);
  const grads = net.backward(net.forward(X), Y, rule);
  const rows: GradientCheckRow[] = [];
  for (let l = 1; l <= net.L; l++) {
    const params: ["W" | "b", Matrix, Matrix][] = [["W", net.W[l], grads.dW[l]]];
    if (net.bias) params.push(["b", net.b[l], grads.db[l]]);
    for (const [param, P, dP] of params) {
      const numeric = numericalGradient(f, P, eps);
      // the course's dW is the update direction −∂E/∂W
      const analytic = dP.scale(-1);
      rows.push({ layer: l, param, relError: relativeError(numeric, analytic), maxAbsDiff: numeric.maxAbsDiff(analytic) });
    }
  }
  return rows;
}
