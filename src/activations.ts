// Activation functions: the lecture's g and its derivative g', BOTH taken as functions of Z
// (A = g(Z); the backward pass uses g'(Z), e.g. dZ2 = E2 ⊙ g'(Z2)).
import { Matrix } from "./matrix";

/** An activation g with its derivative g', both applied elementwise to Z (softmax: per column). Example: `sigmoid.g(Z1)` */
export interface Activation {
  /** Name as used in NetworkOptions, e.g. "sigmoid". */
  name: string;
  /** A = g(Z). */
  g(Z: Matrix): Matrix;
  /** g'(Z), elementwise (for softmax: the diagonal term s(1 − s) only). */
  gPrime(Z: Matrix): Matrix;
}

/** σ(x) = 1 / (1 + e^−x), computed without overflow for large |x|. Example: `sigmoidScalar(0) // 0.5` */
export function sigmoidScalar(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x); // x < 0: e in (0, 1), no overflow
  return e / (1 + e);
}

/** σ'(x) = σ(x)(1 − σ(x)). Example: `sigmoidPrimeScalar(0) // 0.25` */
export function sigmoidPrimeScalar(x: number): number {
  const s = sigmoidScalar(x);
  return s * (1 - s);
}

/** Sigmoid: g(Z) = σ(Z), g'(Z) = σ(Z)(1 − σ(Z)) = A(1 − A). Example: `sigmoid.g(Matrix.from([[0]]))` → 0.5 */
export const sigmoid: Activation = { name: "sigmoid", g: (Z) => Z.map(sigmoidScalar), gPrime: (Z) => Z.map(sigmoidPrimeScalar) };

/** Hyperbolic tangent: g(Z) = tanh(Z), g'(Z) = 1 − tanh²(Z). Example: `tanh.gPrime(Matrix.from([[0]]))` → 1 */
const tanhPrime = (z: number): number => 1 - Math.tanh(z) * Math.tanh(z);
export const tanh: Activation = { name: "tanh", g: (Z) => Z.map(Math.tanh), gPrime: (Z) => Z.map(tanhPrime) };

/** ReLU: g(Z) = max(0, Z), g'(Z) = 1 where Z > 0 else 0 (0 at Z = 0). Example: `relu.g(Matrix.from([[-1, 2]]))` → [[0, 2]] */
export const relu: Activation = { name: "relu", g: (Z) => Z.map((z) => (z > 0 ? z : 0)), gPrime: (Z) => Z.map((z) => (z > 0 ? 1 : 0)) };

/** Identity (linear output for regression): g(Z) = Z, g'(Z) = 1. Example: `identity.g(Z).approxEquals(Z)` */
export const identity: Activation = { name: "identity", g: (Z) => Z.clone(), gPrime: (Z) => Matrix.filled(Z.rows, Z.cols, 1) };

/**
 * Softmax of each column of the (r×c) row-major z into a (may be z itself): shift by the column
 * max (no overflow), exponentiate, divide by the column sum. The one softmax (the engine uses it too).
 */
export function softmaxColumns(z: Float64Array, a: Float64Array, r: number, c: number): void {
  for (let j = 0; j < c; j++) {
    let max = -Infinity;
    for (let i = 0; i < r; i++) max = Math.max(max, z[i * c + j]);
    let s = 0;
    for (let i = 0; i < r; i++) {
      const e = Math.exp(z[i * c + j] - max);
      a[i * c + j] = e;
      s += e;
    }
    for (let i = 0; i < r; i++) a[i * c + j] /= s;
  }
}

function softmaxCols(Z: Matrix): Matrix {
  const A = new Matrix(Z.rows, Z.cols);
  softmaxColumns(Z.data, A.data, Z.rows, Z.cols);
  return A;
}

/**
 * Softmax per column: A[i, j] = e^{Z[i, j]} / Σ_k e^{Z[k, j]} (each column sums to 1).
 * gPrime is only the Jacobian's diagonal ∂A_i/∂Z_i = A_i(1 − A_i); the full Jacobian also has
 * −A_i·A_k off the diagonal. Use softmax with cross-entropy loss: then the output delta is exactly
 * dZ = Y − A (the course's sign), and gPrime is never needed. NeuralNetwork enforces that pairing.
 * Example: `softmax.g(Matrix.from([[1], [1]]))` → [[0.5], [0.5]]
 */
export const softmax: Activation = {
  name: "softmax",
  g: softmaxCols,
  gPrime: (Z) => softmaxCols(Z).map((s) => s * (1 - s)),
};

/** All activations by name. Example: `activations.tanh` */
export const activations: Readonly<Record<"sigmoid" | "tanh" | "relu" | "identity" | "softmax", Activation>> = { sigmoid, tanh, relu, identity, softmax };

/** Looks up an activation by name; unknown names throw and list the known ones. Example: `getActivation("tanh")` */
export function getActivation(name: string): Activation {
  const a = (activations as Record<string, Activation | undefined>)[name];
  if (!a || !Object.prototype.hasOwnProperty.call(activations, name)) {
    throw new Error(`getActivation: unknown activation "${name}" (known: ${Object.keys(activations).join(", ")})`);
  }
  return a;
}
