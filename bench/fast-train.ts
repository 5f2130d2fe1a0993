// The course's training loop for a [n0, n1, n2] sigmoid network written against the fast kernel
// (src/kernels) with every buffer allocated once: what plugging matmulF64 into Matrix and reusing
// buffers inside NeuralNetwork.fit should give. Same operations in the same order as
// src/network.ts (course rule E1 = W2ᵀ·E2, dZ = E ⊙ (A ⊙ (1 − A)), W += s·dW), so it ends with the
// same weights, bit for bit — bench.ts prints the difference.
import { matmulF64 } from "../src/kernels/index";
import { sigmoidScalar } from "../src/activations";

export interface FastTrainOptions {
  /** Columns per step; undefined = full batch (the course's XOR loop, update not divided by m). */
  batch?: number;
  steps: number;
  eta: number;
  /** Threads for the large products (see matmulF64). */
  threads?: number;
}

/**
 * Trains W1 (n1×n0) and W2 (n2×n1) in place on X (n0×m) and Y (n2×m), row-major, samples as columns.
 * Returns √(Σ E2²) of the last step.
 */
export function trainFast(
  W1: Float64Array,
  W2: Float64Array,
  X: Float64Array,
  Y: Float64Array,
  arch: [number, number, number],
  m: number,
  o: FastTrainOptions,
): number {
  const [n0, n1, n2] = arch;
  const b = o.batch ?? m;
  const full = o.batch === undefined;
  const scale = full ? o.eta : o.eta / b;
  const opts = { threads: o.threads };
  const A0 = full ? X : new Float64Array(n0 * b); // (n0 × b)
  const Yb = full ? Y : new Float64Array(n2 * b); // (n2 × b)
  const Z1 = new Float64Array(n1 * b), A1 = new Float64Array(n1 * b); // (n1 × b)
  const Z2 = new Float64Array(n2 * b), A2 = new Float64Array(n2 * b); // (n2 × b)
  const E2 = new Float64Array(n2 * b), dZ2 = new Float64Array(n2 * b);
  const E1 = new Float64Array(n1 * b), dZ1 = new Float64Array(n1 * b);
  const dW2 = new Float64Array(n2 * n1), dW1 = new Float64Array(n1 * n0);
  let start = 0;
  let cost = 0;
  for (let step = 0; step < o.steps; step++) {
    if (!full) {
      // the mini-batch: columns start..start+b−1, row by row
      for (let i = 0; i < n0; i++) A0.set(X.subarray(i * m + start, i * m + start + b), i * b);
      for (let i = 0; i < n2; i++) Yb.set(Y.subarray(i * m + start, i * m + start + b), i * b);
      start = (start + b) % m;
    }
    // forward: Z1 = W1·A0, A1 = σ(Z1), Z2 = W2·A1, A2 = σ(Z2)
    matmulF64(Z1, W1, A0, n1, n0, b, opts);
    for (let i = 0; i < Z1.length; i++) A1[i] = sigmoidScalar(Z1[i]);
    matmulF64(Z2, W2, A1, n2, n1, b, opts);
    for (let i = 0; i < Z2.length; i++) A2[i] = sigmoidScalar(Z2[i]);
    // backward (course rule): E2 = Y − A2, dZ2 = E2 ⊙ σ'(Z2), E1 = W2ᵀ·E2, dZ1 = E1 ⊙ σ'(Z1)
    let sumSq = 0;
    for (let i = 0; i < E2.length; i++) {
      const e = Yb[i] - A2[i];
      E2[i] = e;
      sumSq += e * e;
      dZ2[i] = e * (A2[i] * (1 - A2[i]));
    }
    cost = Math.sqrt(sumSq);
    matmulF64(E1, W2, E2, n1, n2, b, { transA: true, threads: o.threads });
    for (let i = 0; i < E1.length; i++) dZ1[i] = E1[i] * (A1[i] * (1 - A1[i]));
    // ΔW2 = dZ2·A1ᵀ, ΔW1 = dZ1·A0ᵀ (no transpose materialised)
    matmulF64(dW2, dZ2, A1, n2, b, n1, { transB: true, threads: o.threads });
    matmulF64(dW1, dZ1, A0, n1, b, n0, { transB: true, threads: o.threads });
    // update: W := W + s·ΔW
    for (let i = 0; i < W2.length; i++) W2[i] += scale * dW2[i];
    for (let i = 0; i < W1.length; i++) W1[i] += scale * dW1[i];
  }
  return cost;
}
