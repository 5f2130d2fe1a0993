// The training step behind NeuralNetwork.fit, without allocation.
//
// It does what network.ts's readable forward → backward → update do, operation for operation and
// in the same order, so fit ends with the same bits as a loop of those three calls
// (test/train.test.ts checks this with ===). The differences are only where values live:
//   - every Z[l], A[l], E[l], dZ[l] (n_l × batch width) and dW[l], db[l] is allocated once per fit
//     (once per batch width: a last, smaller mini-batch gets its own set) and overwritten each step;
//   - elementwise steps write into those buffers instead of returning new matrices;
//   - the transposes of the backward pass (W[l+1]ᵀ·E[l+1], dZ[l]·A[l−1]ᵀ) are read in place by
//     matmulF64 instead of being copied; the product's sums are the same, term for term;
//   - "resident" buffers (what fit uses when its products are large enough for the WebAssembly
//     kernel) live in the kernel's own memory, together with a working copy of every W[l]: the
//     kernel then packs its operands from where they are and writes Z[l], E[l], dW[l] in place
//     instead of copying every operand in and every result out, and W[l] += η·dW[l] runs there
//     too. fit copies the working W[l] back into net.W whenever user code can look at them
//     (before validation and onEpoch, and when it ends) and reads net.W again after onEpoch;
//   - after a product for matmulF64, the elementwise follow-up (bias and activation after
//     Z[l] = W[l]·A[l−1], the update of W[1] after dW[1]) runs in the product's epilogue: block by
//     block as blocks of the result are final, so this thread does it for its own blocks while the
//     worker threads still compute theirs. Elementwise work in another order: the same numbers;
//   - a small network (every product tiny, sigmoid/ReLU/identity: the course's XOR net) has its
//     whole step done by one call of the WebAssembly kernel (matmul.wat's trainStep) on resident
//     buffers described by a "plan", and a full-batch fit with nothing to call between epochs runs
//     its epochs there too (trainEpochs), 512 per call. The kernel does this file's operations in
//     this file's order, with an exp that gives Math.exp's bits (test/kernels.test.ts), so again
//     the same numbers: the XOR fit takes ~3.3 ms instead of ~6 ms.
// Students read forward/backward/update in network.ts; this file is the engine room.
import type { NeuralNetwork } from "./network";
import { Activation, identity, relu, sigmoid, sigmoidScalar, softmax, tanh } from "./activations";
import { MATMUL_THRESHOLDS, matmulF64, tinyProduct, TinyProduct } from "./kernels/index";
import { addScaledBlockResident, addScaledResident, isResident, openArena, ResidentArena, residentSmallTraining } from "./kernels/wasm";
import { Matrix } from "./matrix";

// Module-level bindings of the functions called in the inner loops: some module transforms
// (tsx/esbuild) turn every use of an imported name into a getter call.
const sigmoidOf = sigmoidScalar;
const fastProduct = matmulF64;
const addScaledFast = addScaledResident;
const addScaledBlockFast = addScaledBlockResident;
const smallTraining = residentSmallTraining();
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
  /**
   * For a small network (see smallStepSpec), the plan of the WebAssembly step over these buffers
   * (matmul.wat's trainStep), which then does the whole step when A0 is Xb and Y is Yb; else undefined.
   */
  plan: Int32Array | undefined;
  /** With a plan: room for EPOCH_CHUNK epochs' (Σ E², correct count) pairs written by trainEpochs. */
  log: Float64Array | undefined;
}

/** Epochs per call of the kernel's trainEpochs (its log is 2 × this many float64s). */
const EPOCH_CHUNK = 512;

/**
 * What the WebAssembly step needs to know of a network beyond its sizes: each layer's activation
 * code (index l = 1..L), whether it has biases, whether its loss is cross-entropy.
 */
export interface SmallStepSpec {
  acts: number[];
  bias: boolean;
  crossEntropy: boolean;
}

/**
 * The spec of the WebAssembly step (matmul.wat's trainStep) for this network and batch width, or
 * undefined where it does not apply: it covers networks whose products are all tiny (the ones
 * trainStep would do with tinyProduct's straight-line code, e.g. the course's XOR net: there the
 * dozens of 2- to 16-trip loops of a JavaScript step cost more than their arithmetic) with sigmoid,
 * ReLU or identity activations, and needs the kernel.
 */
export function smallStepSpec(net: NeuralNetwork, width: number): SmallStepSpec | undefined {
  if (smallTraining === null || width < 1) return undefined;
  const arch = net.netArch, L = net.L, acts = [-1];
  for (let l = 1; l <= L; l++) {
    const code = actCode(net.activationOf(l));
    if (code !== Act.Sigmoid && code !== Act.Relu && code !== Act.Identity) return undefined;
    acts.push(code);
    const big = (m: number, k: number, n: number) => m * k * n >= MATMUL_THRESHOLDS.wasm;
    if (big(arch[l], arch[l - 1], width) || (l < L && big(arch[l], arch[l + 1], width))) return undefined;
  }
  return { acts, bias: net.bias, crossEntropy: net.loss === "cross-entropy" };
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
  /** The small-network step's spec (see smallStepSpec), when the buffers were made for it. */
  private readonly small: SmallStepSpec | undefined;
  private readonly widths: WidthBuffers[] = [];
  private arena: ResidentArena | null;

  constructor(netArch: readonly number[], opts: { resident?: boolean; bias?: boolean; small?: SmallStepSpec } = {}) {
    this.netArch = netArch.slice();
    this.arena = opts.resident || opts.small ? openArena() : null;
    this.small = this.arena ? opts.small : undefined;
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
      plan: undefined,
      log: undefined,
    };
    for (let l = 1; l <= L; l++) {
      b.forward.push(tinyOrUndefined(arch[l], arch[l - 1], w, false, false));
      b.error.push(l < L ? tinyOrUndefined(arch[l], arch[l + 1], w, true, false) : undefined);
      b.grad.push(tinyOrUndefined(arch[l], w, arch[l - 1], false, true));
    }
    if (this.small && this.small.crossEntropy) b.dZ[L] = b.E[L]; // (as trainStep sets it)
    b.plan = this.planFor(b);
    if (b.plan) {
      b.log = this.arena!.alloc(2 * EPOCH_CHUNK);
      if (!isResident(b.log)) b.plan = b.log = undefined;
    }
    this.widths.push(b);
    this.lastWidth = b;
    return b;
  }
  private lastWidth: WidthBuffers | undefined = undefined;

  // The WebAssembly step's plan for the width buffers b (layout in matmul.wat, before trainStep),
  // or undefined when there is no small-network spec or some buffer is not in the kernel's memory.
  private planFor(b: WidthBuffers): Int32Array | undefined {
    const spec = this.small, arena = this.arena;
    if (!spec || !arena || !this.W || (spec.bias && !this.B)) return undefined;
    const arch = this.netArch, L = arch.length - 1;
    const words = 4 + 12 * L;
    const store = arena.alloc(Math.ceil(words / 2));
    const plan = new Int32Array(store.buffer, store.byteOffset, words);
    const addr = (m: Matrix): number => (isResident(m.data) ? m.data.byteOffset : -1);
    const addrs: number[] = [addr(b.Yb)];
    plan[0] = L;
    plan[1] = b.width;
    plan[2] = (spec.bias ? 1 : 0) | (spec.crossEntropy ? 4 : 0);
    plan[3] = addrs[0];
    for (let l = 1; l <= L; l++) {
      const layer = [
        addr(this.W[l]), spec.bias ? addr(this.B![l]) : 0, addr(b.Z[l]), addr(b.A[l]), addr(b.E[l]), addr(b.dZ[l]),
        addr(this.dW[l]), addr(this.db[l]), addr(l === 1 ? b.Xb : b.A[l - 1]),
      ];
      addrs.push(...layer);
      plan.set([arch[l], arch[l - 1], spec.acts[l], ...layer], 4 + 12 * (l - 1));
    }
    return isResident(store) && addrs.every((a) => a >= 0) ? plan : undefined;
  }

  /**
   * Copies net.W into the working copy (resident buffers; otherwise does nothing), checking each
   * W[l]'s shape against netArch. fit calls it before training and after every onEpoch, which may
   * have changed or replaced net.W.
   */
  loadWeights(net: NeuralNetwork): void {
    if (!this.W) return;
    for (let l = 1; l < this.W.length; l++) checkWeightShape(net, l);
    for (let l = 1; l < this.W.length; l++) this.W[l].data.set(net.W[l].data);
    if (this.B) {
      for (let l = 1; l < this.B.length; l++) checkBiasShape(net, l);
      for (let l = 1; l < this.B.length; l++) this.B[l].data.set(net.b[l].data);
    }
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

// W[l] must be (n_l × n_{l−1}); a wrong shape fails with a named error
function checkWeightShape(net: NeuralNetwork, l: number): void {
  const Wl = net.W[l], arch = net.netArch;
  if (!(Wl instanceof Matrix) || Wl.rows !== arch[l] || Wl.cols !== arch[l - 1] || Wl.data.length !== arch[l] * arch[l - 1]) {
    const shape = Wl instanceof Matrix ? `(${Wl.rows}×${Wl.cols})` : String(Wl);
    throw new Error(`fit: W${l} is ${shape} but netArch [${arch}] needs (${arch[l]}×${arch[l - 1]})`);
  }
}

// b[l] must be (n_l × 1); a wrong shape fails with a named error
function checkBiasShape(net: NeuralNetwork, l: number): void {
  const bl = net.b[l], n = net.netArch[l];
  if (!(bl instanceof Matrix) || bl.rows !== n || bl.cols !== 1 || bl.data.length !== n) {
    const shape = bl instanceof Matrix ? `(${bl.rows}×${bl.cols})` : String(bl);
    throw new Error(`fit: b${l} is ${shape} but netArch [${net.netArch}] needs (${n}×1)`);
  }
}

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
  if (wb.plan !== undefined && A0 === wb.Xb && Y === wb.Yb) {
    // a small network: the whole step below in one call of the WebAssembly kernel
    smallTraining!.step(wb.plan.byteOffset, eta, net.backprop === "exact" ? 1 : 0);
    bufs.updated = true;
    return wb;
  }
  const { Z, A, E, dZ } = wb;
  const { dW, db } = bufs;
  // the working copy has the right shapes by construction; net.W is checked every step
  const Wt = bufs.W ?? net.W, Bt = bufs.B ?? net.b;
  const resident = bufs.W !== undefined;
  if (!resident) {
    for (let l = 1; l <= L; l++) {
      const Wl = net.W[l];
      if (Wl.rows !== arch[l] || Wl.cols !== arch[l - 1] || Wl.data.length !== arch[l] * arch[l - 1]) checkWeightShape(net, l);
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
      // sigmoid on resident Z and A: the kernel's, two entries at a time (the same bits)
      const inKernel = resident && smallTraining !== null && isResident(Zl) && isResident(Al);
      fastProduct(Zl, Wt[l].data, A[l - 1].data, arch[l], arch[l - 1], w, {
        epilogue: (i0, i1, j0, j1) => biasActivateBlock(code, Zl, Al, b, w, i0, i1, j0, j1, inKernel),
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
 * Up to `count` full-batch epochs of trainStep on a small network's resident buffers, in one call of
 * the WebAssembly kernel: X and Y must already be in wb.Xb and wb.Yb, and wb must have a plan.
 * Calls record(sumSq, correct) for each epoch run, in order (Σ E[L]² of the epoch and its correct
 * count, as trainStep's caller measures them); stops after the first epoch whose sum is not finite.
 * Returns the number of epochs run.
 */
export function trainEpochs(
  net: NeuralNetwork, bufs: TrainingBuffers, wb: WidthBuffers, count: number, eta: number,
  record: (sumSq: number, correct: number) => void,
): number {
  const plan = wb.plan, log = wb.log;
  if (plan === undefined || log === undefined) throw new Error("trainEpochs: these buffers have no small-network plan");
  let done = 0;
  while (done < count) {
    const n = smallTraining!.epochs(plan.byteOffset, eta, net.backprop === "exact" ? 1 : 0, Math.min(EPOCH_CHUNK, count - done), log.byteOffset);
    bufs.updated = true;
    for (let e = 0; e < n; e++) record(log[2 * e], log[2 * e + 1]);
    done += n;
    if (!Number.isFinite(log[2 * n - 2])) break;
  }
  return done;
}

// Z := Z + b (when there is a bias) and A = g(Z) on the block [i0, i1) × [j0, j1) of (· × n) matrices,
// for the elementwise activations (code Sigmoid, Tanh, Relu or Identity): activateInto's formulas;
// sigmoid by the WebAssembly kernel when inKernel (z and a resident).
function biasActivateBlock(
  code: number, z: Float64Array, a: Float64Array, b: Float64Array | undefined, n: number,
  i0: number, i1: number, j0: number, j1: number, inKernel: boolean,
): void {
  for (let i = i0; i < i1; i++) {
    const k0 = i * n + j0, k1 = i * n + j1;
    if (b !== undefined) {
      const bi = b[i];
      for (let k = k0; k < k1; k++) z[k] = z[k] + bi;
    }
    switch (code) {
      case Act.Sigmoid:
        if (inKernel) smallTraining!.activate(z.byteOffset + 8 * k0, a.byteOffset + 8 * k0, k1 - k0, Act.Sigmoid);
        else for (let k = k0; k < k1; k++) a[k] = sigmoidOf(z[k]);
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
