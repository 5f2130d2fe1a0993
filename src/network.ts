// NeuralNetwork: the course's multilayer network, written with the lecture's names (symbols, code
// names and shapes: NOTATION.md). fit is a loop of forward → backward → update (trainingSteps);
// src/index.ts installs a faster engine for it (src/engine/, see FitEngine), with the same bits;
// src/notebook.ts adds `await net.fitAsync` (live progress in a notebook) and `net.history()`.
//
// Layer indexing: every per-layer array is indexed by the lecture's layer number l = 1..L.
// Index 0 holds an empty (0×0) matrix, except A[0] = X (the input layer A^[0]).
//   net.W[1] is W^[1] (n1 × n0), cache.Z[2] is Z^[2], grads.dZ[1] is dZ^[1].
//
// The formulas stand next to the code: forward (lecture section 7), backward (section 8), with the
// course's SIGNS, E[L] = Y − A[L] and W[l] := W[l] + η·dW[l]. The hidden error follows backprop
// "lecture" (the course: the ERROR is split back by the weights, E[l] = W[l+1]ᵀ·E[l+1]) or "exact"
// (the chain rule: the DELTA is propagated, E[l] = W[l+1]ᵀ·dZ[l+1]). With "exact", dW[l] = −∂E/∂W[l]
// for E = ½Σ(A[L] − Y)² (or the summed cross-entropy): gradient descent. With "lecture", only the
// output layer's dW[L] is the true (negative) gradient; hidden layers get another direction (which
// still trains XOR) — gradcheck.ts shows the difference.
import { Activation, getActivation } from "./activations";
import { Matrix, checkFinite, matmul, shapeStr } from "./matrix";
import { binaryCrossEntropy, categoricalCrossEntropy, correctCount, courseCost, halfSquaredError, sumOfSquares } from "./loss";
import { NumpyRandom } from "./numpy-random";

/** Layer sizes [n0, n1, …, nL], e.g. [2, 3, 1] (input, hidden, output). Example: `const arch: NetArch = [784, 100, 10]` */
export type NetArch = number[];

/** Options of NeuralNetwork; every field has the course's default. Example: `{ eta: 1, epochs: 1000 }` */
export interface NetworkOptions {
  /** Learning rate η (the lecture's α), default 0.1; passes over the training data, default 100. */
  eta?: number;
  epochs?: number;
  /** Seed of the numpy-compatible generator used for weights (and shuffling). Default 1. */
  randomSeed?: number;
  /** Activation of the hidden layers (default "sigmoid") and of the output layer (default "sigmoid"; "softmax" for cross-entropy with n_L > 1). */
  activation?: "sigmoid" | "tanh" | "relu";
  outputActivation?: "sigmoid" | "softmax" | "identity";
  /** How the error reaches hidden layers: "lecture" (default, the course's) E[l] = W[l+1]ᵀ·E[l+1]; "exact" (chain rule) E[l] = W[l+1]ᵀ·dZ[l+1]. */
  backprop?: "lecture" | "exact";
  /** Add a bias column vector b[l] (n_l × 1) to each layer, initialised to zero. Default false (the lecture has none). */
  bias?: boolean;
  /** Samples per update: undefined (default) = full batch, update NOT divided by m (the course's XOR); k = batches of k, each update ÷ its size. */
  batchSize?: number;
  /** "sse" (default): E = ½Σ(A − Y)². "cross-entropy": binary (sigmoid output) or categorical (softmax). */
  loss?: "sse" | "cross-entropy";
  /** Shuffle the sample order every epoch (mini-batch only), drawn from the seeded generator. Default false. */
  shuffle?: boolean;
  /** Called after each epoch with the 1-based epoch number and its cost; `validation`: a held-out set whose cost and accuracy fit records per epoch. */
  onEpoch?: (epoch: number, cost: number, net: NeuralNetwork) => void;
  validation?: { X: Matrix; Y: Matrix };
}

/** The forward pass's values per layer: A[0] = X, A[l] and Z[l] for l = 1..L. Example: `net.forward(X).A[2]` is Ŷ */
export interface ForwardCache { A: Matrix[]; Z: Matrix[] }

/** The backward pass's values per layer l = 1..L (index 0 empty). `dW[l]` is the update direction. */
export interface Gradients { E: Matrix[]; dZ: Matrix[]; dW: Matrix[]; db: Matrix[] }

/**
 * What trainingSteps yields: "step" after each update (step = 1, 2, … within the epoch); "epoch" once
 * the epoch's records are kept and onEpoch has run — net.W is then current (at a "step", the engine's
 * working copy may be ahead of it: src/engine/README.md, "The steppable protocol").
 */
export type TrainingEvent = { kind: "step"; epoch: number; step: number } | { kind: "epoch"; epoch: number; cost: number };

/** One epoch's running sums (see tallyStep): Σ E[L]², Σ objective (cross-entropy), correct count. */
export interface EpochTally { sumSq: number; objective: number; correct: number; lastAL?: Matrix }

/**
 * A faster fit (src/engine/, installed by src/index.ts). trainingSteps calls it after its checks and
 * initWeights; it returns the same steps and events (bookkeeping by epochOrder, etaFor, tallyStep,
 * endEpoch), so the same bits — or undefined to leave the fit to the loop in trainingSteps.
 */
export interface FitEngine {
  trainingSteps(net: NeuralNetwork, X: Matrix, Y: Matrix): Generator<TrainingEvent, void, undefined> | undefined;
}

let fitEngine: FitEngine | undefined;

/** Installs a FitEngine; no argument: every fit runs the loop in trainingSteps. Example: `useFitEngine()` */
export function useFitEngine(engine?: FitEngine): void {
  fitEngine = engine;
}

const EMPTY = (): Matrix => Matrix.zeros(0, 0);

/**
 * A fully connected network trained with the lecture's backpropagation; mirrors the course's
 * `NeuralNetwork(net_arch, eta, epochs, random_seed)` class.
 * Example: `new NeuralNetwork([2, 3, 1], { eta: 1, epochs: 1000 }).fit(X, Y).predict(X)`
 */
export class NeuralNetwork {
  /** Layer sizes [n0, …, nL]; L = netArch.length − 1 weight layers. */
  readonly netArch: NetArch;
  readonly L: number;
  eta: number;
  epochs: number;
  randomSeed: number;
  backprop: "lecture" | "exact";
  readonly bias: boolean;
  batchSize: number | undefined;
  readonly loss: "sse" | "cross-entropy";
  shuffle: boolean;
  onEpoch: ((epoch: number, cost: number, net: NeuralNetwork) => void) | undefined;
  validation: { X: Matrix; Y: Matrix } | undefined;
  /** g of the hidden layers, and of the output layer. */
  readonly hiddenActivation: Activation;
  readonly outputActivation: Activation;
  /** W[l] (n_l × n_{l−1}) for l = 1..L; W[0] is empty. */
  W: Matrix[] = [];
  /** b[l] (n_l × 1) when bias is on (else 0×0), l = 1..L; b[0] is empty. */
  b: Matrix[] = [];
  /** Per epoch: the cost and training accuracy (measured on the epoch's own forward passes, see trainingSteps). */
  cost: number[] = [];
  accuracy: number[] = [];
  /** Per epoch, when `validation` is given: its cost and accuracy after the epoch's updates. */
  valCost: number[] = [];
  valAccuracy: number[] = [];
  private rng: NumpyRandom;
  private saturationNoted = false;
  /** Checks the architecture and options and draws the initial weights (the same ones fit starts from). */
  constructor(netArch: NetArch, options: NetworkOptions = {}) {
    if (!Array.isArray(netArch) || netArch.length < 2 || !netArch.every((n) => Number.isInteger(n) && n > 0)) {
      throw new Error(`NeuralNetwork: netArch must list at least 2 positive integer layer sizes, got [${String(netArch)}]`);
    }
    this.netArch = netArch.slice();
    this.L = netArch.length - 1;
    const o = options;
    this.eta = o.eta ?? 0.1;
    this.epochs = o.epochs ?? 100;
    this.randomSeed = o.randomSeed ?? 1;
    this.backprop = o.backprop ?? "lecture";
    this.bias = o.bias ?? false;
    this.batchSize = o.batchSize;
    this.loss = o.loss ?? "sse";
    this.shuffle = o.shuffle ?? false;
    this.onEpoch = o.onEpoch;
    this.validation = o.validation;
    const hidden = o.activation ?? "sigmoid";
    const out = o.outputActivation ?? (this.loss === "cross-entropy" && netArch[this.L] > 1 ? "softmax" : "sigmoid");
    const rules: Array<[boolean, string]> = [
      [this.eta > 0 && Number.isFinite(this.eta), `eta must be a positive number, got ${this.eta}`],
      [Number.isInteger(this.epochs) && this.epochs >= 0, `epochs must be a non-negative integer, got ${this.epochs}`],
      [this.batchSize === undefined || (Number.isInteger(this.batchSize) && this.batchSize > 0), `batchSize must be a positive integer or undefined (full batch), got ${this.batchSize}`],
      [this.backprop === "lecture" || this.backprop === "exact", `backprop must be "lecture" or "exact", got "${String(this.backprop)}"`],
      [this.loss === "sse" || this.loss === "cross-entropy", `loss must be "sse" or "cross-entropy", got "${String(this.loss)}"`],
      [["sigmoid", "tanh", "relu"].includes(hidden), `activation must be "sigmoid", "tanh" or "relu", got "${String(hidden)}"`],
      [["sigmoid", "softmax", "identity"].includes(out), `outputActivation must be "sigmoid", "softmax" or "identity", got "${String(out)}"`],
      [!(this.loss === "cross-entropy" && out === "identity"), `loss "cross-entropy" needs outputActivation "sigmoid" or "softmax", not "identity"`],
      [!(this.loss === "sse" && out === "softmax"), `outputActivation "softmax" needs loss "cross-entropy" (its output delta is then Y − A)`],
    ];
    for (const [ok, problem] of rules) if (!ok) throw new Error(`NeuralNetwork: ${problem}`);
    this.hiddenActivation = getActivation(hidden);
    this.outputActivation = getActivation(out);
    this.rng = new NumpyRandom(this.randomSeed);
    this.initWeights();
  }
  /** g of layer l (hidden layers share one activation; layer L uses the output activation). */
  activationOf(l: number): Activation {
    return l === this.L ? this.outputActivation : this.hiddenActivation;
  }

  /**
   * Seeds NumpyRandom(randomSeed) and draws W1, …, WL, each 2·U − 1 (n_l × n_{l−1}) filled row-major
   * (numpy: `2*np.random.random((n_l, n_prev)) - 1`); then biases of zero; clears the records. Example: `net.initWeights()`
   */
  initWeights(): void {
    this.rng = new NumpyRandom(this.randomSeed);
    this.W = [EMPTY()];
    this.b = [EMPTY()];
    for (let l = 1; l <= this.L; l++) {
      // W[l]: (n_l × n_{l−1}), uniform in [−1, 1)
      this.W.push(this.rng.randomMatrix(this.netArch[l], this.netArch[l - 1]).scale(2).addScalar(-1));
    }
    for (let l = 1; l <= this.L; l++) this.b.push(this.bias ? Matrix.zeros(this.netArch[l], 1) : EMPTY());
    [this.cost, this.accuracy, this.valCost, this.valAccuracy] = [[], [], [], []];
  }
  /** Sets W1, W2, …, WL by hand (copies; shapes checked against netArch). Example: `net.setWeights(W1, W2)` */
  setWeights(...W: Matrix[]): void {
    this.W = this.checkedCopies("setWeights", "W", W);
  }
  /** Sets b1, …, bL by hand (each (n_l × 1); needs bias: true). Example: `net.setBiases(b1, b2)` */
  setBiases(...b: Matrix[]): void {
    if (!this.bias) throw new Error("setBiases: this network was created with bias: false");
    this.b = this.checkedCopies("setBiases", "b", b);
  }
  // [empty, copies of M1..ML] once their count, shapes and values are checked
  private checkedCopies(op: string, name: "W" | "b", M: Matrix[]): Matrix[] {
    const what = name === "W" ? "weight matrices" : "bias vectors";
    if (M.length !== this.L) throw new Error(`${op}: netArch [${this.netArch}] has ${this.L} ${what}, got ${M.length}`);
    this.checkShapes(op, name, [EMPTY(), ...M]);
    return [EMPTY(), ...M.map((Ml, k) => checkFinite(Ml, `${op}: ${name}${k + 1}`).clone())];
  }
  /** Throws, naming the layer, unless every W[l] (and b[l]) is a Matrix of the shape netArch gives. */
  checkWeights(op: string): void {
    this.checkShapes(op, "W", this.W);
    if (this.bias) this.checkShapes(op, "b", this.b);
  }
  private checkShapes(op: string, name: "W" | "b", M: Matrix[]): void {
    for (let l = 1; l <= this.L; l++) {
      const rows = this.netArch[l], cols = name === "W" ? this.netArch[l - 1] : 1, Ml = M[l];
      if (!(Ml instanceof Matrix) || Ml.rows !== rows || Ml.cols !== cols || Ml.data.length !== rows * cols) {
        throw new Error(`${op}: ${name}${l} is ${Ml instanceof Matrix ? shapeStr(Ml) : String(Ml)} but netArch [${this.netArch}] needs (${rows}×${cols})`);
      }
    }
  }
  private checkX(op: string, X: Matrix): void {
    if (!(X instanceof Matrix)) throw new Error(`${op}: X must be a Matrix (features × samples)`);
    if (X.rows !== this.netArch[0]) {
      throw new Error(`${op}: X is ${shapeStr(X)} but netArch [${this.netArch}] expects ${this.netArch[0]} rows (features × samples; samples are columns)`);
    }
    checkFinite(X, `${op}: X`);
  }
  private checkXY(op: string, X: Matrix, Y: Matrix): void {
    this.checkX(op, X);
    if (!(Y instanceof Matrix)) throw new Error(`${op}: Y must be a Matrix (outputs × samples)`);
    const nL = this.netArch[this.L];
    if (Y.rows !== nL) throw new Error(`${op}: Y is ${shapeStr(Y)} but netArch [${this.netArch}] has ${nL} output rows (outputs × samples)`);
    if (X.cols !== Y.cols) throw new Error(`${op}: X ${shapeStr(X)} and Y ${shapeStr(Y)} have different numbers of samples (columns)`);
    checkFinite(Y, `${op}: Y`);
  }

  /** Forward pass: A[0] = X; Z[l] = W[l]·A[l−1] (+ b[l]); A[l] = g(Z[l]). Example: `net.forward(X).Z[1]` */
  forward(X: Matrix): ForwardCache {
    this.checkX("forward", X);
    return this.forwardUnchecked(X);
  }
  private forwardUnchecked(X: Matrix): ForwardCache {
    const A: Matrix[] = [X], Z: Matrix[] = [EMPTY()];
    for (let l = 1; l <= this.L; l++) {
      // Z[l] = W[l]·A[l−1] (+ b[l]): (n_l × m)
      let Zl = matmul(this.W[l], A[l - 1]);
      if (this.bias) Zl = Zl.addColumn(this.b[l]);
      Z.push(Zl);
      // A[l] = g(Z[l])
      A.push(this.activationOf(l).g(Zl));
    }
    return { A, Z };
  }

  /** Ŷ = A[L] for the columns of X. Example: `net.predict(X).toString()` */
  predict(X: Matrix): Matrix {
    this.checkX("predict", X);
    return this.forwardUnchecked(X).A[this.L];
  }

  /** Backward pass (formulas at each step); `rule` overrides the backprop option. Example: `net.backward(net.forward(X), Y).E[1]` is E1 */
  backward(cache: ForwardCache, Y: Matrix, rule: "lecture" | "exact" = this.backprop): Gradients {
    const L = this.L, A = cache.A, Z = cache.Z;
    if (A.length !== L + 1 || Z.length !== L + 1) throw new Error(`backward: the cache has ${A.length - 1} layers, netArch [${this.netArch}] has ${L}`);
    if (Y.rows !== A[L].rows || Y.cols !== A[L].cols) throw new Error(`backward: Y ${shapeStr(Y)} and the output A${L} ${shapeStr(A[L])} differ in shape`);
    const [E, dZ, dW, db]: Matrix[][] = [[], [], [], []];
    E[0] = dZ[0] = dW[0] = db[0] = EMPTY();
    // output error: E[L] = Y − A[L]
    E[L] = Y.sub(A[L]);
    for (let l = L; l >= 1; l--) {
      if (l < L) {
        // hidden error: "lecture" E[l] = W[l+1]ᵀ·E[l+1];  "exact" E[l] = W[l+1]ᵀ·dZ[l+1]
        E[l] = matmul(this.W[l + 1].T, rule === "exact" ? dZ[l + 1] : E[l + 1]);
      }
      if (l === L && this.loss === "cross-entropy") {
        // cross-entropy with sigmoid/softmax output: g' cancels, dZ[L] = E[L] = Y − A[L]
        dZ[l] = E[l];
      } else {
        // chain rule: dZ[l] = E[l] ⊙ g'(Z[l])
        dZ[l] = E[l].mul(this.activationOf(l).gPrime(Z[l]));
      }
      // dW[l] = dZ[l]·A[l−1]ᵀ
      dW[l] = matmul(dZ[l], A[l - 1].T);
      // db[l] = dZ[l] summed over the samples
      db[l] = this.bias ? dZ[l].sumRows() : EMPTY();
    }
    return { E, dZ, dW, db };
  }

  /** The course's update: W[l] += eta·dW[l] (and b[l] += eta·db[l]). Example: `net.update(net.backward(cache, Y))` */
  update(grads: Gradients, eta: number = this.eta): void {
    for (let l = 1; l <= this.L; l++) {
      // W[l] := W[l] + η·ΔW[l]
      this.W[l].addScaledInPlace(grads.dW[l], eta);
      if (this.bias) this.b[l].addScaledInPlace(grads.db[l], eta);
    }
  }
  /** The objective whose negative gradient the exact rule computes: ½Σ(A[L] − Y)², or the summed cross-entropy. Example: `net.objective(X, Y)` */
  objective(X: Matrix, Y: Matrix): number {
    this.checkXY("objective", X, Y);
    return this.objectiveOf(this.forwardUnchecked(X).A[this.L], Y);
  }
  private objectiveOf(AL: Matrix, Y: Matrix): number {
    if (this.loss === "sse") return halfSquaredError(AL, Y);
    return this.outputActivation.name === "softmax" ? categoricalCrossEntropy(AL, Y) : binaryCrossEntropy(AL, Y);
  }
  /** The recorded cost of outputs A[L] for targets Y: the course's √Σ E² ("sse"), or the cross-entropy ÷ m. Example: `net.costOf(net.predict(X), Y)` */
  costOf(AL: Matrix, Y: Matrix): number {
    if (this.loss === "sse") return courseCost(Y.sub(AL));
    return this.objectiveOf(AL, Y) / Y.cols;
  }

  /** Trains: initWeights() (seeded, as the course), then `epochs` passes over (X, Y): trainingSteps to its end. Example: `net.fit(X, Y).cost.at(-1)` */
  fit(X: Matrix, Y: Matrix): this {
    const steps = this.trainingSteps(X, Y);
    while (!steps.next().done); // every step, in one go
    return this;
  }

  /**
   * fit's loop as a generator, yielding a TrainingEvent after every update and every epoch. Full batch
   * (batchSize undefined): per epoch one forward pass, one backward pass, one update W[l] += η·dW[l],
   * the course's loop; cost = √Σ E[L]² of the epoch's forward pass (before its update), the course's
   * `cost_`. Mini-batches: the columns (shuffled per epoch if `shuffle`) in batches of k, each with
   * W[l] += (η / batch size)·dW[l]; cost = √(Σ over batches of Σ E²), each E before its own update.
   * Cross-entropy: the summed cross-entropy of those passes ÷ m. A non-finite cost stops training.
   * Example: `for (const ev of net.trainingSteps(X, Y)) if (ev.kind === "epoch") console.log(ev.cost)`
   */
  *trainingSteps(X: Matrix, Y: Matrix): Generator<TrainingEvent, void, undefined> {
    this.checkXY("fit", X, Y);
    if (this.validation) this.checkXY("fit: validation", this.validation.X, this.validation.Y);
    this.initWeights();
    const engine = fitEngine?.trainingSteps(this, X, Y);
    if (engine) {
      yield* engine; // the same steps in src/engine/: same events, same bits
    } else {
      const m = X.cols, L = this.L, width = Math.min(m, this.batchSize ?? m);
      for (let epoch = 1; epoch <= this.epochs; epoch++) {
        const tally: EpochTally = { sumSq: 0, objective: 0, correct: 0 };
        const order = this.epochOrder(m);
        let step = 0;
        for (let start = 0; start < m; start += width) {
          const end = Math.min(m, start + width);
          // the batch: columns start..end−1 (of this epoch's order); the full batch is X itself
          const Xb = this.batchOf(X, start, end, order), Yb = this.batchOf(Y, start, end, order);
          const cache = this.forward(Xb); // Z[l], A[l]
          const grads = this.backward(cache, Yb); // E[l], dZ[l], dW[l], db[l]
          this.update(grads, this.etaFor(end - start)); // W[l] += η·dW[l]
          this.tallyStep(tally, cache.A[L], grads.E[L], Yb);
          yield { kind: "step", epoch, step: ++step };
        }
        yield this.endEpoch(epoch, tally, m);
      }
    }
    for (let l = 1; l <= this.L; l++) {
      if (this.W[l].data.some((v) => !Number.isFinite(v))) {
        throw new Error(`fit: W${l} became non-finite after epoch ${this.epochs} (eta = ${this.eta}): training diverged — try a smaller learning rate eta`);
      }
    }
  }
  /** Columns start..end−1 of M, taken in `order` when given; the full batch is M itself (not a copy). */
  batchOf(M: Matrix, start: number, end: number, order: readonly number[] | undefined): Matrix {
    if (order) return M.selectCols(order.slice(start, end));
    return this.batchSize === undefined ? M : M.colSlice(start, end);
  }
  /** The step size for a batch of w columns: η for the full batch (the course's: not divided by m), else η / w. */
  etaFor(w: number): number {
    return this.batchSize === undefined ? this.eta : this.eta / w;
  }
  /** This epoch's sample order (drawn from the seeded generator) for shuffled mini-batches, else undefined. */
  epochOrder(m: number): number[] | undefined {
    return this.batchSize !== undefined && this.shuffle ? this.rng.permutation(m) : undefined;
  }
  /** Adds one step's output A[L] and error E[L] (measured before its update) for targets Yb to the epoch's tally. */
  tallyStep(tally: EpochTally, AL: Matrix, EL: Matrix, Yb: Matrix): void {
    tally.sumSq += sumOfSquares(EL);
    if (this.loss === "cross-entropy") tally.objective += this.objectiveOf(AL, Yb);
    tally.correct += correctCount(AL, Yb);
    tally.lastAL = AL; // read by endEpoch only if training stalls (see saturationNote)
  }

  // The warning for a fit that stalls because its sigmoid output saturated (σ′ = A(1 − A) vanishes
  // at 0 and 1, and the sse updates with it): once per fit, at the first epoch whose cost equals the
  // last one while ≥ 99% of the last batch's outputs are within 1e-6 of 0 or 1. Changes nothing.
  private saturationNote(epoch: number, cost: number, AL: Matrix | undefined): string | undefined {
    if (epoch === 1) this.saturationNoted = false;
    const prev = this.cost[this.cost.length - 1], sigmoidSse = this.loss === "sse" && this.outputActivation.name === "sigmoid";
    if (this.saturationNoted || !sigmoidSse || !AL || !(Math.abs(cost - prev) <= 1e-12 * Math.abs(prev))) return undefined;
    const flat = AL.data.filter((a) => a * (1 - a) < 1e-6).length;
    if (flat < 0.99 * AL.data.length) return undefined;
    this.saturationNoted = true;
    return `fit: training stalled at epoch ${epoch} of ${this.epochs}: the output layer is saturated — ${((100 * flat) / AL.data.length).toFixed(0)}% ` +
      `of its sigmoid outputs are 0 or 1, where the sigmoid's slope A(1 − A) vanishes, so the weights no longer change (cost ${cost}, eta = ${this.eta}). ` +
      `Try a smaller learning rate eta (e.g. ${this.eta / 10}).`;
  }
  /**
   * Closes epoch `epoch` of a fit on m samples: records its cost and accuracy (see trainingSteps),
   * the validation cost and accuracy, calls onEpoch (then checks W and b); returns the "epoch" event.
   */
  endEpoch(epoch: number, tally: EpochTally, m: number): TrainingEvent {
    const cost = this.loss === "sse" ? Math.sqrt(tally.sumSq) : tally.objective / m;
    if (!Number.isFinite(cost)) {
      throw new Error(`fit: the cost became ${cost} at epoch ${epoch} of ${this.epochs} (eta = ${this.eta}): training diverged — try a smaller learning rate eta (e.g. ${this.eta / 10})`);
    }
    const note = this.saturationNote(epoch, cost, tally.lastAL);
    if (note) console.warn(note);
    this.cost.push(cost);
    this.accuracy.push(m > 0 ? tally.correct / m : NaN);
    if (this.validation) {
      const AV = this.forwardUnchecked(this.validation.X).A[this.L];
      this.valCost.push(this.costOf(AV, this.validation.Y));
      this.valAccuracy.push(correctCount(AV, this.validation.Y) / this.validation.Y.cols);
    }
    if (this.onEpoch) {
      this.onEpoch(epoch, cost, this);
      this.checkWeights("fit"); // onEpoch may have changed or replaced W and b
    }
    return { kind: "epoch", epoch, cost };
  }
  /** One-line summary, e.g. `NeuralNetwork [2, 3, 1] sigmoid/sigmoid, sse, lecture rule, eta 1, epochs 100`. */
  toString(): string {
    const trained = this.cost.length ? `, trained ${this.cost.length} epochs, last cost ${this.cost[this.cost.length - 1].toPrecision(6)}` : "";
    return `NeuralNetwork [${this.netArch.join(", ")}] ${this.hiddenActivation.name}/${this.outputActivation.name}, ${this.loss}, ${this.backprop} rule, ` +
      `eta ${this.eta}, epochs ${this.epochs}${this.bias ? ", bias" : ""}${this.batchSize ? `, batch ${this.batchSize}` : ""}${trained}`;
  }
  /** Makes `console.log(net)` print the summary. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}
