// The training step behind NeuralNetwork.fit, without allocation.
//
// It does what network.ts's readable forward → backward → update do, operation for operation and
// in the same order, so fit ends with the same bits as a loop of those three calls
// (test/train.test.ts checks this with ===). The differences are only where values live:
//   - every Z[l], A[l], E[l], dZ[l] (n_l × batch width) and dW[l], db[l] is allocated once per fit
//     (once per batch width: a last, smaller mini-batch gets its own set) and overwritten each step;
//   - elementwise steps write into those buffers instead of returning new matrices;
//   - the transposes of the backward pass (W[l+1]ᵀ·E[l+1], dZ[l]·A[l−1]ᵀ) are read in place by
//     matmulF64 instead of being copied; the product's sums are the same, term for term.
// Students read forward/backward/update in network.ts; this file is the engine room.
import type { NeuralNetwork } from "./network";
import { Activation, identity, relu, sigmoid, sigmoidScalar, softmax, tanh } from "./activations";
import { MATMUL_THRESHOLDS, matmulF64, matmulSmall } from "./kernels/index";
import { Matrix } from "./matrix";

// Module-level bindings of the two functions called in the inner loops: some module transforms
// (tsx/esbuild) turn every use of an imported name into a getter call.
const sigmoidOf = sigmoidScalar;
const fastProduct = matmulF64;
const plainProduct = matmulSmall;
const NO_TRANS = {};
const TRANS_A = { transA: true };
const TRANS_B = { transB: true };

// out = op(a)·op(b) through matmulF64; tiny products (the XOR net's, called 50,000 times per fit) go
// straight to its plain loops, skipping its argument checks: every size here comes from the
// buffers and from W[l], whose shapes trainStep has checked.
function product(out: Float64Array, a: Float64Array, b: Float64Array, m: number, k: number, n: number, transA: boolean, transB: boolean): void {
  if (m * k * n < MATMUL_THRESHOLDS.wasm && k > 0) plainProduct(out, a, b, m, k, n, transA, transB);
  else fastProduct(out, a, b, m, k, n, transA ? TRANS_A : transB ? TRANS_B : NO_TRANS);
}

// Activations with an in-place path here; any other Activation object falls back to its g / gPrime.
const Act = { Sigmoid: 0, Tanh: 1, Relu: 2, Identity: 3, Softmax: 4, Other: 5 } as const;
function actCode(g: Activation): number {
  if (g === sigmoid) return Act.Sigmoid;
  if (g === tanh) return Act.Tanh;
  if (g === relu) return Act.Relu;
  if (g === identity) return Act.Identity;
  if (g === softmax) return Act.Softmax;
  return Act.Other;
}

/** The per-layer values of one batch width w: index l = 1..L as in network.ts; A[0] is the batch input. */
interface WidthBuffers {
  width: number;
  /** Z[l], A[l], E[l], dZ[l]: (n_l × w). dZ[L] is E[L] itself for cross-entropy (as in backward). */
  Z: Matrix[];
  A: Matrix[];
  E: Matrix[];
  dZ: Matrix[];
  /** The gathered mini-batch X columns (n0 × w) and Y columns (nL × w). */
  Xb: Matrix;
  Yb: Matrix;
}

/**
 * Buffers for one fit: dW[l] (n_l × n_{l−1}) and db[l] (n_l × 1) shared by all widths, and one
 * WidthBuffers per batch width seen (at most two: the batch size and the last batch's).
 */
export class TrainingBuffers {
  readonly netArch: readonly number[];
  readonly dW: Matrix[];
  readonly db: Matrix[];
  private readonly widths: WidthBuffers[] = [];

  constructor(netArch: readonly number[]) {
    this.netArch = netArch.slice();
    const L = netArch.length - 1;
    this.dW = [Matrix.zeros(0, 0)];
    this.db = [Matrix.zeros(0, 0)];
    for (let l = 1; l <= L; l++) {
      this.dW.push(Matrix.zeros(netArch[l], netArch[l - 1]));
      this.db.push(Matrix.zeros(netArch[l], 1));
    }
  }

  /** The buffers for batches of w columns (allocated on first use). */
  forWidth(w: number): WidthBuffers {
    for (const b of this.widths) if (b.width === w) return b;
    const arch = this.netArch, L = arch.length - 1;
    const make = () => {
      const out = [Matrix.zeros(0, 0)];
      for (let l = 1; l <= L; l++) out.push(Matrix.zeros(arch[l], w));
      return out;
    };
    const b: WidthBuffers = {
      width: w,
      Z: make(),
      A: make(),
      E: make(),
      dZ: make(),
      Xb: Matrix.zeros(arch[0], w),
      Yb: Matrix.zeros(arch[L], w),
    };
    this.widths.push(b);
    return b;
  }
}

/**
 * Copies columns of X into the (X.rows × w) buffer out: column t of out is column order[start + t]
 * of X, or column start + t when order is undefined (the same values as X.selectCols / X.colSlice).
 */
export function gatherColumns(X: Matrix, out: Matrix, start: number, order: readonly number[] | undefined): Matrix {
  const r = X.rows, c = X.cols, w = out.cols, src = X.data, dst = out.data;
  if (order === undefined) {
    for (let i = 0; i < r; i++) dst.set(src.subarray(i * c + start, i * c + start + w), i * w);
  } else {
    for (let i = 0; i < r; i++) {
      const s = i * c, d = i * w;
      for (let t = 0; t < w; t++) dst[d + t] = src[s + order[start + t]];
    }
  }
  return out;
}

/**
 * One training step on the batch (A0, Y), both with w = A0.cols columns: the forward pass, the
 * backward pass with net.backprop's rule, and W[l] += eta·dW[l] (b[l] += eta·db[l]) — exactly
 * `net.update(net.backward(net.forward(A0), Y), eta)`. Returns the width buffers, whose A[L] and
 * E[L] hold this step's output and output error (measured before the update, as in fit).
 */
export function trainStep(net: NeuralNetwork, bufs: TrainingBuffers, A0: Matrix, Y: Matrix, eta: number): WidthBuffers {
  const L = net.L, arch = net.netArch, w = A0.cols;
  const wb = bufs.forWidth(w);
  const { Z, A, E, dZ } = wb;
  const { dW, db } = bufs;
  A[0] = A0;
  for (let l = 1; l <= L; l++) {
    const Wl = net.W[l];
    if (Wl.rows !== arch[l] || Wl.cols !== arch[l - 1] || Wl.data.length !== arch[l] * arch[l - 1]) {
      throw new Error(`fit: W${l} is (${Wl.rows}×${Wl.cols}) but netArch [${arch}] needs (${arch[l]}×${arch[l - 1]})`);
    }
  }

  // forward: Z[l] = W[l]·A[l−1] (+ b[l]), A[l] = g(Z[l])
  for (let l = 1; l <= L; l++) {
    const Zl = Z[l].data;
    product(Zl, net.W[l].data, A[l - 1].data, arch[l], arch[l - 1], w, false, false);
    if (net.bias) {
      const b = net.b[l].data;
      for (let i = 0; i < arch[l]; i++) {
        const bi = b[i], base = i * w;
        for (let j = 0; j < w; j++) Zl[base + j] = Zl[base + j] + bi;
      }
    }
    activateInto(net.activationOf(l), Z[l], A[l]);
  }

  // output error: E[L] = Y − A[L]
  {
    const e = E[L].data, y = Y.data, a = A[L].data;
    for (let k = 0; k < e.length; k++) e[k] = y[k] - a[k];
  }
  const crossEntropy = net.loss === "cross-entropy";
  const exact = net.backprop === "exact";
  for (let l = L; l >= 1; l--) {
    if (l < L) {
      // hidden error: "lecture" E[l] = W[l+1]ᵀ·E[l+1];  "exact" E[l] = W[l+1]ᵀ·dZ[l+1]
      product(E[l].data, net.W[l + 1].data, (exact ? dZ[l + 1] : E[l + 1]).data, arch[l], arch[l + 1], w, true, false);
    }
    if (l === L && crossEntropy) {
      // cross-entropy with sigmoid/softmax output: dZ[L] = E[L]
      dZ[l] = E[l];
    } else {
      // chain rule: dZ[l] = E[l] ⊙ g'(Z[l])
      derivativeInto(net.activationOf(l), E[l], Z[l], A[l], dZ[l]);
    }
    // dW[l] = dZ[l]·A[l−1]ᵀ
    product(dW[l].data, dZ[l].data, A[l - 1].data, arch[l], w, arch[l - 1], false, true);
    // db[l] = dZ[l] summed over the samples
    if (net.bias) {
      const d = dZ[l].data, o = db[l].data;
      for (let i = 0; i < arch[l]; i++) {
        let s = 0;
        for (let j = 0; j < w; j++) s += d[i * w + j];
        o[i] = s;
      }
    }
  }

  // update: W[l] := W[l] + η·ΔW[l] (and b[l] := b[l] + η·Δb[l])
  for (let l = 1; l <= L; l++) {
    const W = net.W[l].data, d = dW[l].data;
    for (let k = 0; k < W.length; k++) W[k] += eta * d[k];
    if (net.bias) {
      const b = net.b[l].data, g = db[l].data;
      for (let k = 0; k < b.length; k++) b[k] += eta * g[k];
    }
  }
  A[0] = EMPTY;
  return wb;
}
const EMPTY = Matrix.zeros(0, 0);

// A = g(Z) into the buffer A, with the same scalar formulas as activations.ts.
function activateInto(g: Activation, Zm: Matrix, Am: Matrix): void {
  const z = Zm.data, a = Am.data, n = z.length;
  switch (actCode(g)) {
    case Act.Sigmoid:
      for (let k = 0; k < n; k++) a[k] = sigmoidOf(z[k]);
      return;
    case Act.Tanh:
      for (let k = 0; k < n; k++) a[k] = Math.tanh(z[k]);
      return;
    case Act.Relu:
      for (let k = 0; k < n; k++) a[k] = z[k] > 0 ? z[k] : 0;
      return;
    case Act.Identity:
      a.set(z);
      return;
    case Act.Softmax: {
      // per column: shift by the column max, exponentiate, divide by the column sum
      const r = Zm.rows, c = Zm.cols;
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
      return;
    }
    default:
      a.set(g.g(Zm).data);
  }
}

// dZ = E ⊙ g'(Z) into the buffer dZ. g'(Z) is rewritten from A = g(Z) where activations.ts
// computes it from the same value: sigmoid σ(Z)(1 − σ(Z)) = A(1 − A), tanh 1 − tanh²(Z) = 1 − A²,
// softmax's diagonal S(1 − S) = A(1 − A).
function derivativeInto(g: Activation, Em: Matrix, Zm: Matrix, Am: Matrix, dZm: Matrix): void {
  const e = Em.data, z = Zm.data, a = Am.data, d = dZm.data, n = e.length;
  switch (actCode(g)) {
    case Act.Sigmoid:
    case Act.Softmax:
      for (let k = 0; k < n; k++) {
        const s = a[k];
        d[k] = e[k] * (s * (1 - s));
      }
      return;
    case Act.Tanh:
      for (let k = 0; k < n; k++) {
        const t = a[k];
        d[k] = e[k] * (1 - t * t);
      }
      return;
    case Act.Relu:
      for (let k = 0; k < n; k++) d[k] = e[k] * (z[k] > 0 ? 1 : 0);
      return;
    case Act.Identity:
      for (let k = 0; k < n; k++) d[k] = e[k] * 1;
      return;
    default: {
      const gp = g.gPrime(Zm).data;
      for (let k = 0; k < n; k++) d[k] = e[k] * gp[k];
    }
  }
}

/** Σ M², summed in storage order (the course's cost before the square root). */
export function squaredSum(M: Matrix): number {
  let s = 0;
  const a = M.data;
  for (let k = 0; k < a.length; k++) s += a[k] * a[k];
  return s;
}

/**
 * correctCount (loss.ts) without allocating: one output row, A ≥ 0.5 vs Y ≥ 0.5; several rows,
 * the first row of the largest entry of each column of A vs of Y.
 */
export function countCorrect(A: Matrix, Y: Matrix): number {
  const a = A.data, y = Y.data, r = A.rows, c = A.cols;
  let n = 0;
  if (r === 1) {
    for (let j = 0; j < c; j++) if (a[j] >= 0.5 === y[j] >= 0.5) n++;
    return n;
  }
  for (let j = 0; j < c; j++) {
    let bestA = 0, bestAV = -Infinity, bestY = 0, bestYV = -Infinity;
    for (let i = 0; i < r; i++) {
      const va = a[i * c + j], vy = y[i * c + j];
      if (va > bestAV) { bestAV = va; bestA = i; }
      if (vy > bestYV) { bestYV = vy; bestY = i; }
    }
    if (bestA === bestY) n++;
  }
  return n;
}
