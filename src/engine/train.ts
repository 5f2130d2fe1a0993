// The engine's fit: NeuralNetwork.trainingSteps's loop (src/network.ts) with the same operations in
// the same order, so the same bits (test/engine.test.ts compares them with ===), without allocating.
// The differences are only where values live:
//   - every Z[l], A[l], E[l], dZ[l] (n_l × batch width) and dW[l], db[l] is allocated once per fit
//     (once per batch width: a last, smaller mini-batch gets its own set) and overwritten each step;
//   - elementwise steps write into those buffers instead of returning new matrices;
//   - the transposes of the backward pass (W[l+1]ᵀ·E[l+1], dZ[l]·A[l−1]ᵀ) are read in place by
//     matmulF64 instead of being copied; the product's sums are the same, term for term;
//   - "resident" buffers (when the products are large enough for the WebAssembly kernel) live in
//     the kernel's own memory, together with a working copy of every W[l]: the kernel then packs its
//     operands from where they are and writes Z[l], E[l], dW[l] in place, and W[l] += η·dW[l] runs
//     there too. The working W[l] are copied back into net.W whenever user code can look at them
//     (at every "epoch" event, before validation and onEpoch, and when the fit ends or stops) and
//     read from net.W again after each "epoch" event;
//   - after a product for matmulF64, the elementwise follow-up (bias and activation after
//     Z[l] = W[l]·A[l−1], the update of W[1] after dW[1]) runs in the product's epilogue: block by
//     block as blocks of the result are final, so this thread does it for its own blocks while the
//     worker threads still compute theirs. Elementwise work in another order: the same numbers;
//   - tiny products run as straight-line code (tinyProduct); a network whose products are all tiny
//     and whose activations are elementwise (the course's XOR nets) trains with smallStep, trainStep's
//     operations without its per-step dispatch.
// The bookkeeping (sample order, cost, accuracy, validation, onEpoch, events) is the core's own:
// net.epochOrder, net.tallyStep, net.endEpoch.
import { Activation, identity, relu, sigmoid, sigmoidScalar, softmax, softmaxColumns, tanh } from "../activations";
import { Matrix } from "../matrix";
import type { EpochTally, FitEngine, NeuralNetwork, TrainingEvent } from "../network";
import { MATMUL_THRESHOLDS, matmulF64, tinyProduct, TinyProduct } from "./matmul";
import { addScaledBlockResident, addScaledResident, openArena, ResidentArena } from "./wasm";

// Module-level bindings of the functions called in the inner loops: some module transforms
// (tsx/esbuild) turn every use of an imported name into a getter call.
const sigmoidOf = sigmoidScalar;
const fastProduct = matmulF64;
const addScaledFast = addScaledResident;
const addScaledBlockFast = addScaledBlockResident;
const NO_TRANS = {};
const TRANS_A = { transA: true };
const TRANS_B = { transB: true };

// out = op(a)·op(b): the width buffers' straight-line code for tiny products (the XOR net's, called
// 50,000 times per fit; see tinyProduct), matmulF64 for the others.
function product(tiny: TinyProduct | undefined, out: Float64Array, a: Float64Array, b: Float64Array, m: number, k: number, n: number, transA: boolean, transB: boolean): void {
  if (tiny !== undefined) tiny(out, a, b);
  else fastProduct(out, a, b, m, k, n, transA ? TRANS_A : transB ? TRANS_B : NO_TRANS);
}

// the straight-line product for this shape when it is tiny, else undefined (matmulF64)
function tinyOrUndefined(m: number, k: number, n: number, transA: boolean, transB: boolean): TinyProduct | undefined {
  return m * k * n < MATMUL_THRESHOLDS.wasm ? tinyProduct(m, k, n, transA, transB) : undefined;
}

// Activations with an in-place path here; any other Activation object falls back to its g / gPrime.
const Act = { Sigmoid: 0, Tanh: 1, Relu: 2, Identity: 3, Softmax: 4, Other: 5 } as const;
// (module-level bindings again: no getter call per comparison)
const SIGMOID = sigmoid, TANH = tanh, RELU = relu, IDENTITY = identity, SOFTMAX = softmax;
function actCode(g: Activation): number {
  if (g === SIGMOID) return Act.Sigmoid;
  if (g === TANH) return Act.Tanh;
  if (g === RELU) return Act.Relu;
  if (g === IDENTITY) return Act.Identity;
  if (g === SOFTMAX) return Act.Softmax;
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
  /**
   * Per layer l, the products' straight-line code when they are tiny (else undefined):
   * forward Z[l] = W[l]·A[l−1], hidden error E[l] = W[l+1]ᵀ·(E or dZ)[l+1], dW[l] = dZ[l]·A[l−1]ᵀ.
   */
  forward: Array<TinyProduct | undefined>;
  error: Array<TinyProduct | undefined>;
  grad: Array<TinyProduct | undefined>;
}

/**
 * Buffers for one fit: dW[l] (n_l × n_{l−1}) and db[l] (n_l × 1) shared by all widths, and one
 * WidthBuffers per batch width seen (at most two: the batch size and the last batch's).
 * With `{ resident: true }` (and the WebAssembly kernel available) they live in the kernel's memory
 * and hold a working copy W of the weights, which trainStep then updates instead of net.W (see
 * loadWeights / storeWeights); call release() when done with them (fit does, in a finally).
 */
export class TrainingBuffers {
  readonly netArch: readonly number[];
  readonly dW: Matrix[];
  readonly db: Matrix[];
  /** The working copy of W[l] (resident buffers only; else undefined and trainStep uses net.W). */
  readonly W: Matrix[] | undefined;
  /** The working copy of b[l] (resident buffers of a network with biases; else undefined: net.b). */
  readonly B: Matrix[] | undefined;
  private readonly widths: WidthBuffers[] = [];
  private arena: ResidentArena | null;

  constructor(netArch: readonly number[], opts: { resident?: boolean; bias?: boolean; onReclaim?: () => void } = {}) {
    this.netArch = netArch.slice();
    this.arena = opts.resident ? openArena(opts.onReclaim) : null;
    const L = netArch.length - 1;
    this.dW = [EMPTY];
    this.db = [EMPTY];
    for (let l = 1; l <= L; l++) {
      this.dW.push(this.zeros(netArch[l], netArch[l - 1]));
      this.db.push(this.zeros(netArch[l], 1));
    }
    if (this.arena) {
      this.W = [EMPTY];
      for (let l = 1; l <= L; l++) this.W.push(this.zeros(netArch[l], netArch[l - 1]));
      if (opts.bias) {
        this.B = [EMPTY];
        for (let l = 1; l <= L; l++) this.B.push(this.zeros(netArch[l], 1));
      }
    }
  }

  /** True when the buffers were made in the kernel's memory (until release). */
  get resident(): boolean {
    return this.arena !== null;
  }

  /** True when the event loop reclaimed the kernel memory while a fit was suspended (see openArena): make new buffers. */
  get reclaimed(): boolean {
    return this.arena !== null && this.arena.closed;
  }

  // a zero matrix, in the arena when there is one
  private zeros(rows: number, cols: number): Matrix {
    return this.arena ? new Matrix(rows, cols, this.arena.alloc(rows * cols)) : Matrix.zeros(rows, cols);
  }

  /** The buffers for batches of w columns (allocated on first use). */
  forWidth(w: number): WidthBuffers {
    const last = this.lastWidth; // (every step asks; all but the last mini-batch have one width)
    if (last !== undefined && last.width === w) return last;
    for (const b of this.widths) if (b.width === w) return (this.lastWidth = b);
    if (this.released) throw new Error("TrainingBuffers: used after release()");
    const arch = this.netArch, L = arch.length - 1;
    const make = () => {
      const out = [EMPTY];
      for (let l = 1; l <= L; l++) out.push(this.zeros(arch[l], w));
      return out;
    };
    const b: WidthBuffers = {
      width: w,
      Z: make(),
      A: make(),
      E: make(),
      dZ: make(),
      Xb: this.zeros(arch[0], w),
      Yb: this.zeros(arch[L], w),
      forward: [undefined],
      error: [undefined],
      grad: [undefined],
    };
    for (let l = 1; l <= L; l++) {
      b.forward.push(tinyOrUndefined(arch[l], arch[l - 1], w, false, false));
      b.error.push(l < L ? tinyOrUndefined(arch[l], arch[l + 1], w, true, false) : undefined);
      b.grad.push(tinyOrUndefined(arch[l], w, arch[l - 1], false, true));
    }
    this.widths.push(b);
    this.lastWidth = b;
    return b;
  }
  private lastWidth: WidthBuffers | undefined = undefined;

  /**
   * Copies net.W into the working copy (resident buffers; otherwise does nothing), checking each
   * W[l]'s shape against netArch. fit calls it before training and after every onEpoch, which may
   * have changed or replaced net.W.
   */
  loadWeights(net: NeuralNetwork): void {
    if (!this.W) return;
    net.checkWeights("fit");
    for (let l = 1; l < this.W.length; l++) this.W[l].data.set(net.W[l].data);
    if (this.B) for (let l = 1; l < this.B.length; l++) this.B[l].data.set(net.b[l].data);
    this.updated = false;
  }

  /**
   * Copies the working copy into net.W[l], in place, if trainStep has changed it since the last
   * loadWeights / storeWeights (resident buffers only).
   */
  storeWeights(net: NeuralNetwork): void {
    if (!this.W || !this.updated) return;
    for (let l = 1; l < this.W.length; l++) net.W[l].data.set(this.W[l].data);
    if (this.B) for (let l = 1; l < this.B.length; l++) net.b[l].data.set(this.B[l].data);
    this.updated = false;
  }

  /** Set by trainStep when it has changed the working copy W. */
  updated = false;

  /** Frees the kernel memory of resident buffers; they must not be used afterwards. */
  release(): void {
    this.released = true;
    this.widths.length = 0;
    this.lastWidth = undefined;
    this.arena?.close();
    this.arena = null;
  }
  private released = false;
}

const EMPTY = Matrix.zeros(0, 0);

/**
 * Copies columns of X into the (X.rows × w) buffer out: column t of out is column order[start + t]
 * of X, or column start + t when order is undefined (the same values as X.selectCols / X.colSlice).
 */
export function gatherColumns(X: Matrix, out: Matrix, start: number, order: readonly number[] | undefined): Matrix {
  const r = X.rows, c = X.cols, w = out.cols, src = X.data, dst = out.data;
  if (order === undefined) {
    // Eight rows at a time, column by column: a large X is read from main memory, and eight row
    // segments (on eight different pages) in flight at once instead of one make the copy about
    // twice as fast (MNIST-sized batches inside fit: ~160 µs instead of ~300 µs row by row).
    let i = 0;
    for (; i + 8 <= r; i += 8) {
      const s0 = i * c + start, d0 = i * w;
      for (let t = 0; t < w; t++) {
        const s = s0 + t, d = d0 + t;
        dst[d] = src[s];
        dst[d + w] = src[s + c];
        dst[d + 2 * w] = src[s + 2 * c];
        dst[d + 3 * w] = src[s + 3 * c];
        dst[d + 4 * w] = src[s + 4 * c];
        dst[d + 5 * w] = src[s + 5 * c];
        dst[d + 6 * w] = src[s + 6 * c];
        dst[d + 7 * w] = src[s + 7 * c];
      }
    }
    for (; i < r; i++) {
      const s = i * c + start, d = i * w;
      for (let t = 0; t < w; t++) dst[d + t] = src[s + t];
    }
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
 * `net.update(net.backward(net.forward(A0), Y), eta)`. The weights are net.W, or the buffers'
 * working copy bufs.W when they are resident (net.W is then left alone: see loadWeights /
 * storeWeights). Returns the width buffers, whose A[L] and E[L] hold this step's output and
 * output error (measured before the update, as in fit).
 */
export function trainStep(net: NeuralNetwork, bufs: TrainingBuffers, A0: Matrix, Y: Matrix, eta: number): WidthBuffers {
  const L = net.L, arch = net.netArch, w = A0.cols;
  const wb = bufs.forWidth(w);
  const { Z, A, E, dZ } = wb;
  const { dW, db } = bufs;
  // the working copy has the right shapes by construction; net.W is checked every step
  const Wt = bufs.W ?? net.W, Bt = bufs.B ?? net.b;
  const resident = bufs.W !== undefined;
  if (!resident) {
    for (let l = 1; l <= L; l++) {
      const Wl = net.W[l];
      if (Wl.rows !== arch[l] || Wl.cols !== arch[l - 1] || Wl.data.length !== arch[l] * arch[l - 1]) net.checkWeights("fit");
    }
  }
  A[0] = A0;

  // forward: Z[l] = W[l]·A[l−1] (+ b[l]), A[l] = g(Z[l])
  for (let l = 1; l <= L; l++) {
    const Zl = Z[l].data;
    const code = actCode(net.activationOf(l));
    if (wb.forward[l] === undefined && code <= Act.Identity) {
      // an elementwise g after a product for matmulF64: the bias and g go in its epilogue, block by
      // block as the block's Z values are final (overlapping the worker threads' share of the product)
      const Al = A[l].data, b = net.bias ? Bt[l].data : undefined;
      fastProduct(Zl, Wt[l].data, A[l - 1].data, arch[l], arch[l - 1], w, {
        epilogue: (i0, i1, j0, j1) => biasActivateBlock(code, Zl, Al, b, w, i0, i1, j0, j1),
      });
      continue;
    }
    product(wb.forward[l], Zl, Wt[l].data, A[l - 1].data, arch[l], arch[l - 1], w, false, false);
    if (net.bias) {
      const b = Bt[l].data;
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
      product(wb.error[l], E[l].data, Wt[l + 1].data, (exact ? dZ[l + 1] : E[l + 1]).data, arch[l], arch[l + 1], w, true, false);
    }
    if (l === L && crossEntropy) {
      // cross-entropy with sigmoid/softmax output: dZ[L] = E[L]
      dZ[l] = E[l];
    } else {
      // chain rule: dZ[l] = E[l] ⊙ g'(Z[l])
      derivativeInto(net.activationOf(l), E[l], Z[l], A[l], dZ[l]);
    }
    // dW[l] = dZ[l]·A[l−1]ᵀ
    if (l === 1 && wb.grad[1] === undefined) {
      // W[1] is not read again in this step, so its update W[1] += η·dW[1] goes in the product's
      // epilogue, block by block (overlapping the worker threads' share of the product)
      const W1 = Wt[1].data, dW1 = dW[1].data, n0 = arch[0];
      fastProduct(dW1, dZ[1].data, A[0].data, arch[1], w, n0, {
        transB: true,
        epilogue: (i0, i1, j0, j1) => {
          // (in WebAssembly SIMD when both are resident: the same multiply and add per entry)
          if (resident && addScaledBlockFast(W1, dW1, eta, n0, i0, i1, j0, j1)) return;
          for (let i = i0; i < i1; i++) for (let k = i * n0 + j0; k < i * n0 + j1; k++) W1[k] += eta * dW1[k];
        },
      });
    } else {
      product(wb.grad[l], dW[l].data, dZ[l].data, A[l - 1].data, arch[l], w, arch[l - 1], false, true);
    }
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

  // update: W[l] := W[l] + η·ΔW[l] (and b[l] := b[l] + η·Δb[l]); W[1]'s was done above unless tiny
  for (let l = 1; l <= L; l++) {
    const W = Wt[l].data, d = dW[l].data;
    // (in WebAssembly SIMD when both are resident: the same multiply and add per entry)
    if (l === 1 && wb.grad[1] === undefined) {
      // done in dW[1]'s epilogue
    } else if (!(resident && addScaledFast(W, d, eta))) {
      for (let k = 0; k < W.length; k++) W[k] += eta * d[k];
    }
    if (net.bias) {
      const b = Bt[l].data, g = db[l].data;
      for (let k = 0; k < b.length; k++) b[k] += eta * g[k];
    }
  }
  A[0] = EMPTY;
  bufs.updated = true;
  return wb;
}

/**
 * trainStep for a network whose products are all tiny (the course's XOR net: see smallCodes) on
 * plain buffers, with the activations' codes looked up once per fit: the same operations in the same
 * order as trainStep (its tinyProduct, bias, activateInto, derivativeInto and update loops), without
 * its per-step dispatch. Returns the width buffers, as trainStep.
 */
export function smallStep(net: NeuralNetwork, bufs: TrainingBuffers, codes: readonly number[], A0: Matrix, Y: Matrix, eta: number): WidthBuffers {
  const L = net.L, arch = net.netArch, w = A0.cols, bias = net.bias;
  const wb = bufs.forWidth(w);
  const { Z, A, E, dZ, forward, error, grad } = wb;
  const { dW, db } = bufs;
  const W = net.W, B = net.b;
  for (let l = 1; l <= L; l++) {
    const Wl = W[l];
    if (Wl.rows !== arch[l] || Wl.cols !== arch[l - 1] || Wl.data.length !== arch[l] * arch[l - 1]) net.checkWeights("fit");
  }
  // forward: Z[l] = W[l]·A[l−1] (+ b[l]), A[l] = g(Z[l])
  let prev = A0.data;
  for (let l = 1; l <= L; l++) {
    const z = Z[l].data, a = A[l].data, n = z.length;
    (forward[l] as TinyProduct)(z, W[l].data, prev);
    if (bias) {
      const b = B[l].data;
      for (let i = 0; i < arch[l]; i++) {
        const bi = b[i], base = i * w;
        for (let j = 0; j < w; j++) z[base + j] = z[base + j] + bi;
      }
    }
    switch (codes[l]) {
      case Act.Sigmoid:
        for (let k = 0; k < n; k++) a[k] = sigmoidOf(z[k]);
        break;
      case Act.Tanh:
        for (let k = 0; k < n; k++) a[k] = Math.tanh(z[k]);
        break;
      case Act.Relu:
        for (let k = 0; k < n; k++) a[k] = z[k] > 0 ? z[k] : 0;
        break;
      default: // Identity
        a.set(z);
    }
    prev = a;
  }
  // output error: E[L] = Y − A[L]
  {
    const e = E[L].data, y = Y.data, a = A[L].data;
    for (let k = 0; k < e.length; k++) e[k] = y[k] - a[k];
  }
  const crossEntropy = net.loss === "cross-entropy", exact = net.backprop === "exact";
  for (let l = L; l >= 1; l--) {
    // hidden error: "lecture" E[l] = W[l+1]ᵀ·E[l+1];  "exact" E[l] = W[l+1]ᵀ·dZ[l+1]
    if (l < L) (error[l] as TinyProduct)(E[l].data, W[l + 1].data, (exact ? dZ[l + 1] : E[l + 1]).data);
    if (l === L && crossEntropy) {
      dZ[l] = E[l]; // dZ[L] = E[L]
    } else {
      // dZ[l] = E[l] ⊙ g'(Z[l]), g' from A as in derivativeInto
      const e = E[l].data, z = Z[l].data, a = A[l].data, d = dZ[l].data, n = e.length;
      switch (codes[l]) {
        case Act.Sigmoid:
          for (let k = 0; k < n; k++) {
            const s = a[k];
            d[k] = e[k] * (s * (1 - s));
          }
          break;
        case Act.Tanh:
          for (let k = 0; k < n; k++) {
            const t = a[k];
            d[k] = e[k] * (1 - t * t);
          }
          break;
        case Act.Relu:
          for (let k = 0; k < n; k++) d[k] = e[k] * (z[k] > 0 ? 1 : 0);
          break;
        default: // Identity
          for (let k = 0; k < n; k++) d[k] = e[k] * 1;
      }
    }
    // dW[l] = dZ[l]·A[l−1]ᵀ
    (grad[l] as TinyProduct)(dW[l].data, dZ[l].data, l === 1 ? A0.data : A[l - 1].data);
    // db[l] = dZ[l] summed over the samples
    if (bias) {
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
    const Wd = W[l].data, d = dW[l].data;
    for (let k = 0; k < Wd.length; k++) Wd[k] += eta * d[k];
    if (bias) {
      const b = B[l].data, g = db[l].data;
      for (let k = 0; k < b.length; k++) b[k] += eta * g[k];
    }
  }
  bufs.updated = true;
  return wb;
}

/**
 * The activation codes per layer (index l = 1..L) when smallStep can train net on batches of
 * `width` columns with plain buffers: every product tiny and every activation elementwise
 * (sigmoid, tanh, ReLU, identity); else undefined (trainStep).
 */
export function smallCodes(net: NeuralNetwork, width: number): number[] | undefined {
  const arch = net.netArch, L = net.L, codes = [Act.Other as number];
  for (let l = 1; l <= L; l++) {
    const code = actCode(net.activationOf(l));
    if (code > Act.Identity || arch[l] * arch[l - 1] * width >= MATMUL_THRESHOLDS.wasm) return undefined;
    if (l < L && arch[l] * arch[l + 1] * width >= MATMUL_THRESHOLDS.wasm) return undefined;
    codes.push(code);
  }
  return codes;
}

// Z := Z + b (when there is a bias) and A = g(Z) on the block [i0, i1) × [j0, j1) of (· × n) matrices,
// for the elementwise activations (code Sigmoid, Tanh, Relu or Identity): activateInto's formulas.
function biasActivateBlock(
  code: number, z: Float64Array, a: Float64Array, b: Float64Array | undefined, n: number,
  i0: number, i1: number, j0: number, j1: number,
): void {
  for (let i = i0; i < i1; i++) {
    const k0 = i * n + j0, k1 = i * n + j1;
    if (b !== undefined) {
      const bi = b[i];
      for (let k = k0; k < k1; k++) z[k] = z[k] + bi;
    }
    switch (code) {
      case Act.Sigmoid:
        for (let k = k0; k < k1; k++) a[k] = sigmoidOf(z[k]);
        break;
      case Act.Tanh:
        for (let k = k0; k < k1; k++) a[k] = Math.tanh(z[k]);
        break;
      case Act.Relu:
        for (let k = k0; k < k1; k++) a[k] = z[k] > 0 ? z[k] : 0;
        break;
      default: // Identity
        for (let k = k0; k < k1; k++) a[k] = z[k];
    }
  }
}

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
    case Act.Softmax:
      softmaxColumns(z, a, Zm.rows, Zm.cols); // activations.ts's softmax
      return;
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

/**
 * The engine's fit: trainingSteps's loop (src/network.ts) with trainStep for forward → backward →
 * update, yielding the core's events. While it is suspended at an event its resident buffers stay
 * in the kernel's memory; should the event loop reclaim them meanwhile (an awaiting driver), it
 * first copies the working weights into net.W, and on resuming the fit sets up new buffers from
 * net.W (and X, Y). Stopped early (return(), throw), it copies the working weights out as well.
 * With events false (fit, which reads none) it runs every epoch in its first next() and yields
 * nothing: ~20,000 resumptions of two nested generators less for the course's XOR fit.
 */
export function* fastTrainingSteps(net: NeuralNetwork, X: Matrix, Y: Matrix, events = true): Generator<TrainingEvent, void, undefined> {
  const m = X.cols, L = net.L, width = Math.min(m, net.batchSize ?? m), full = net.batchSize === undefined;
  // resident buffers when some product is large enough for the WebAssembly kernel
  const resident = net.netArch.some((n, l) => l > 0 && n * net.netArch[l - 1] * width >= MATMUL_THRESHOLDS.wasm);
  // the straight step for small networks (a last, narrower mini-batch is smaller still)
  const small = resident ? undefined : smallCodes(net, width);
  let suspended = false;
  let bufs!: TrainingBuffers;
  let fullX = X, fullY = Y;
  const setUp = (): void => {
    bufs = new TrainingBuffers(net.netArch, { resident, bias: net.bias, onReclaim: () => suspended && bufs.storeWeights(net) });
    bufs.loadWeights(net);
    fullX = X;
    fullY = Y;
    if (full && bufs.resident) {
      // a full batch on resident buffers: X and Y are copied in once (again after onEpoch, which may change them)
      ({ Xb: fullX, Yb: fullY } = bufs.forWidth(m));
      fullX.data.set(X.data);
      fullY.data.set(Y.data);
    }
  };
  setUp();
  try {
    for (let epoch = 1; epoch <= net.epochs; epoch++) {
      const tally: EpochTally = { sumSq: 0, objective: 0, correct: 0 };
      const order = net.epochOrder(m);
      let step = 0;
      for (let start = 0; start < m; start += width) {
        const end = Math.min(m, start + width);
        let Xb = fullX, Yb = fullY;
        if (!full) {
          // the mini-batch: columns start..end−1 (of this epoch's order)
          ({ Xb, Yb } = bufs.forWidth(end - start));
          gatherColumns(X, Xb, start, order);
          gatherColumns(Y, Yb, start, order);
        }
        const eta = net.etaFor(end - start);
        const out = small !== undefined ? smallStep(net, bufs, small, Xb, Yb, eta) : trainStep(net, bufs, Xb, Yb, eta);
        net.tallyStep(tally, out.A[L], out.E[L], Yb);
        step++;
        if (events) {
          suspended = true;
          yield { kind: "step", epoch, step };
          suspended = false;
          if (bufs.reclaimed) setUp();
        }
      }
      bufs.storeWeights(net); // validation, onEpoch and the driver see net.W
      const event = net.endEpoch(epoch, tally, m);
      if (events) {
        suspended = true;
        yield event;
        suspended = false;
      }
      if (bufs.reclaimed || (net.onEpoch && full && bufs.resident)) setUp();
      else bufs.loadWeights(net); // onEpoch (or the driver) may have changed or replaced net.W
    }
  } finally {
    if (!bufs.reclaimed) bufs.storeWeights(net);
    bufs.release();
  }
}

/** The engine's FitEngine (src/index.ts installs it with useFitEngine). */
export const fitEngine: FitEngine = { trainingSteps: fastTrainingSteps };
