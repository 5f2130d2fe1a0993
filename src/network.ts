// NeuralNetwork: the course's multilayer network, written with the lecture's names.
//
// Layer indexing: every per-layer array is indexed by the lecture's layer number l = 1..L.
// Index 0 holds an empty (0×0) matrix, except A[0] = X (the input layer A^[0]).
//   net.W[1] is W^[1] (n1 × n0), cache.Z[2] is Z^[2], grads.dZ[1] is dZ^[1].
//
// Forward pass (lecture section 7):  Z[l] = W[l]·A[l−1] (+ b[l]),  A[l] = g(Z[l]),  Ŷ = A[L].
// Backward pass (section 8), with the course's SIGNS (E[L] = Y − A[L], W := W + η·ΔW):
//   E[L]  = Y − A[L]
//   dZ[l] = E[l] ⊙ g'(Z[l])                         (output layer with cross-entropy: dZ[L] = E[L])
//   dW[l] = dZ[l]·A[l−1]ᵀ,  db[l] = Σ_columns dZ[l]
//   E[l]  = W[l+1]ᵀ·E[l+1]   backprop "lecture" (the course: the ERROR is split back by the weights)
//   E[l]  = W[l+1]ᵀ·dZ[l+1]  backprop "exact"   (the chain rule: the DELTA is propagated)
//   update: W[l] += η·dW[l]
// With "exact", dW[l] = −∂E/∂W[l] for E = ½Σ(A[L] − Y)² (or the summed cross-entropy), so the update
// is gradient descent. With "lecture", only the output layer's dW[L] is the true (negative) gradient;
// hidden layers get a different direction (still trains XOR) — gradcheck.ts shows the difference.
import * as pl from "nodejs-polars";
import { Activation, getActivation } from "./activations";
import { Matrix, checkFinite, matmul, shapeStr } from "./matrix";
import { binaryCrossEntropy, categoricalCrossEntropy, correctCount, courseCost, halfSquaredError } from "./loss";
import { Random } from "./random";
import { TrainingBuffers, countCorrect, gatherColumns, smallStepSpec, squaredSum, trainEpochs, trainStep } from "./train";
import { MATMUL_THRESHOLDS } from "./kernels/index";

// Module-level bindings of the functions fit calls every step (10,000 times for the course's XOR):
// some module transforms (tsx/esbuild) turn each use of an imported name into a getter call.
const step = trainStep, sumOfSquares = squaredSum, correctOf = countCorrect;

/** Layer sizes [n0, n1, …, nL], e.g. [2, 3, 1] (input, hidden, output). Example: `const arch: NetArch = [784, 100, 10]` */
export type NetArch = number[];

/** Options of NeuralNetwork; every field has the course's default. Example: `{ eta: 1, epochs: 1000 }` */
export interface NetworkOptions {
  /** Learning rate η (the lecture's α). Default 0.1. */
  eta?: number;
  /** Passes over the training data. Default 100. */
  epochs?: number;
  /** Seed of the numpy-compatible generator used for weights (and shuffling). Default 1. */
  randomSeed?: number;
  /** Activation of the hidden layers. Default "sigmoid". */
  activation?: "sigmoid" | "tanh" | "relu";
  /** Activation of the output layer. Default "sigmoid" ("softmax" when loss is "cross-entropy" and n_L > 1). */
  outputActivation?: "sigmoid" | "softmax" | "identity";
  /**
   * How the error reaches hidden layers. "lecture" (default, reproduces the course):
   * E[l] = W[l+1]ᵀ·E[l+1]. "exact" (chain rule, true gradient): E[l] = W[l+1]ᵀ·dZ[l+1].
   */
  backprop?: "lecture" | "exact";
  /** Add a bias column vector b[l] (n_l × 1) to each layer, initialised to zero. Default false (the lecture has none). */
  bias?: boolean;
  /**
   * Samples per update. undefined (default) = full batch with the update NOT divided by m
   * (the course's XOR class). A number k = mini-batches of k columns in order (last one may be
   * smaller), each update divided by its batch size (the course's later weeks: batchSize 1 is SGD,
   * batchSize m is batch GD with the 1/m).
   */
  batchSize?: number;
  /** "sse" (default): E = ½Σ(A − Y)². "cross-entropy": binary (sigmoid output) or categorical (softmax). */
  loss?: "sse" | "cross-entropy";
  /** Shuffle the sample order every epoch (mini-batch only), drawn from the seeded generator. Default false. */
  shuffle?: boolean;
  /** Called after each epoch with the 1-based epoch number and its cost. */
  onEpoch?: (epoch: number, cost: number, net: NeuralNetwork) => void;
  /** Also record per-epoch cost and accuracy on this held-out set (after each epoch's updates). */
  validation?: { X: Matrix; Y: Matrix };
}

/** The forward pass's values per layer: A[0] = X, A[l] and Z[l] for l = 1..L. Example: `net.forward(X).A[2]` is Ŷ */
export interface ForwardCache {
  A: Matrix[];
  Z: Matrix[];
}

/** The backward pass's values per layer l = 1..L (index 0 empty). `dW[l]` is the update direction. */
export interface Gradients {
  E: Matrix[];
  dZ: Matrix[];
  dW: Matrix[];
  db: Matrix[];
}

const EMPTY = (): Matrix => Matrix.zeros(0, 0);

/**
 * A fully connected network trained with the lecture's backpropagation; mirrors the course's
 * `NeuralNetwork(net_arch, eta, epochs, random_seed)` class.
 * Example: `new NeuralNetwork([2, 3, 1], { eta: 1, epochs: 1000 }).fit(X, Y).predict(X)`
 */
export class NeuralNetwork {
  /** Layer sizes [n0, …, nL]. */
  readonly netArch: NetArch;
  /** Number of weight layers L = netArch.length − 1. */
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
  /** g of the hidden layers. */
  readonly hiddenActivation: Activation;
  /** g of the output layer. */
  readonly outputActivation: Activation;
  /** W[l] (n_l × n_{l−1}) for l = 1..L; W[0] is empty. */
  W: Matrix[] = [];
  /** b[l] (n_l × 1) when bias is on (else 0×0), l = 1..L; b[0] is empty. */
  b: Matrix[] = [];
  /** One cost per epoch (see fit). */
  cost: number[] = [];
  /** Training accuracy per epoch, measured on the same forward passes as the cost. */
  accuracy: number[] = [];
  /** Per-epoch cost on `validation` (after the epoch), when given. */
  valCost: number[] = [];
  /** Per-epoch accuracy on `validation` (after the epoch), when given. */
  valAccuracy: number[] = [];
  private rng: Random;
  private trained: { X: Matrix; Y: Matrix } | undefined;

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
    if (!(this.eta > 0) || !Number.isFinite(this.eta)) throw new Error(`NeuralNetwork: eta must be a positive number, got ${this.eta}`);
    if (!Number.isInteger(this.epochs) || this.epochs < 0) throw new Error(`NeuralNetwork: epochs must be a non-negative integer, got ${this.epochs}`);
    if (this.batchSize !== undefined && !(Number.isInteger(this.batchSize) && this.batchSize > 0)) {
      throw new Error(`NeuralNetwork: batchSize must be a positive integer or undefined (full batch), got ${this.batchSize}`);
    }
    if (this.backprop !== "lecture" && this.backprop !== "exact") {
      throw new Error(`NeuralNetwork: backprop must be "lecture" or "exact", got "${String(this.backprop)}"`);
    }
    if (this.loss !== "sse" && this.loss !== "cross-entropy") {
      throw new Error(`NeuralNetwork: loss must be "sse" or "cross-entropy", got "${String(this.loss)}"`);
    }
    const hidden = o.activation ?? "sigmoid";
    if (!["sigmoid", "tanh", "relu"].includes(hidden)) {
      throw new Error(`NeuralNetwork: activation must be "sigmoid", "tanh" or "relu", got "${String(hidden)}"`);
    }
    const nL = netArch[this.L];
    const out = o.outputActivation ?? (this.loss === "cross-entropy" && nL > 1 ? "softmax" : "sigmoid");
    if (!["sigmoid", "softmax", "identity"].includes(out)) {
      throw new Error(`NeuralNetwork: outputActivation must be "sigmoid", "softmax" or "identity", got "${String(out)}"`);
    }
    if (this.loss === "cross-entropy" && out === "identity") {
      throw new Error(`NeuralNetwork: loss "cross-entropy" needs outputActivation "sigmoid" or "softmax", not "identity"`);
    }
    if (this.loss === "sse" && out === "softmax") {
      throw new Error(`NeuralNetwork: outputActivation "softmax" needs loss "cross-entropy" (its output delta is then Y − A)`);
    }
    this.hiddenActivation = getActivation(hidden);
    this.outputActivation = getActivation(out);
    this.rng = new Random(this.randomSeed);
    this.initWeights();
  }

  /** g of layer l (hidden layers share one activation; layer L uses the output activation). */
  activationOf(l: number): Activation {
    return l === this.L ? this.outputActivation : this.hiddenActivation;
  }

  /**
   * Seeds Random(randomSeed) and draws W1, W2, …, WL, each 2·U − 1 of shape (n_l × n_{l−1}) filled
   * row-major (numpy: `2*np.random.random((n_l, n_prev)) - 1`); biases are set to zero AFTER all W
   * draws. Clears the recorded cost. Example: `net.initWeights(); net.W[1]`
   */
  initWeights(): void {
    this.rng = new Random(this.randomSeed);
    this.W = [EMPTY()];
    this.b = [EMPTY()];
    for (let l = 1; l <= this.L; l++) {
      // W[l]: (n_l × n_{l−1}), uniform in [−1, 1)
      this.W.push(this.rng.randomMatrix(this.netArch[l], this.netArch[l - 1]).scale(2).addScalar(-1));
    }
    for (let l = 1; l <= this.L; l++) this.b.push(this.bias ? Matrix.zeros(this.netArch[l], 1) : EMPTY());
    this.cost = [];
    this.accuracy = [];
    this.valCost = [];
    this.valAccuracy = [];
  }

  /**
   * Sets W1, W2, …, WL by hand (copies; shapes checked against netArch). Example: `net.setWeights(W1, W2)`
   */
  setWeights(...W: Matrix[]): void {
    if (W.length !== this.L) {
      throw new Error(`setWeights: netArch [${this.netArch}] has ${this.L} weight matrices, got ${W.length}`);
    }
    W.forEach((Wl, k) => {
      const l = k + 1, want = `(${this.netArch[l]}×${this.netArch[l - 1]})`;
      if (!(Wl instanceof Matrix) || Wl.rows !== this.netArch[l] || Wl.cols !== this.netArch[l - 1]) {
        throw new Error(`setWeights: W${l} must be ${want} for netArch [${this.netArch}], got ${Wl instanceof Matrix ? shapeStr(Wl) : typeof Wl}`);
      }
      checkFinite(Wl, `setWeights: W${l}`);
    });
    this.W = [EMPTY(), ...W.map((Wl) => Wl.clone())];
  }

  /** Sets b1, …, bL by hand (each (n_l × 1); needs bias: true). Example: `net.setBiases(b1, b2)` */
  setBiases(...b: Matrix[]): void {
    if (!this.bias) throw new Error("setBiases: this network was created with bias: false");
    if (b.length !== this.L) throw new Error(`setBiases: netArch [${this.netArch}] has ${this.L} bias vectors, got ${b.length}`);
    b.forEach((bl, k) => {
      const l = k + 1;
      if (!(bl instanceof Matrix) || bl.rows !== this.netArch[l] || bl.cols !== 1) {
        throw new Error(`setBiases: b${l} must be (${this.netArch[l]}×1), got ${bl instanceof Matrix ? shapeStr(bl) : typeof bl}`);
      }
      checkFinite(bl, `setBiases: b${l}`);
    });
    this.b = [EMPTY(), ...b.map((bl) => bl.clone())];
  }

  private checkX(op: string, X: Matrix): void {
    if (!(X instanceof Matrix)) throw new Error(`${op}: X must be a Matrix (features × samples)`);
    if (X.rows !== this.netArch[0]) {
      throw new Error(
        `${op}: X is ${shapeStr(X)} but netArch [${this.netArch}] expects ${this.netArch[0]} rows (features × samples; samples are columns)`,
      );
    }
    checkFinite(X, `${op}: X`);
  }

  private checkXY(op: string, X: Matrix, Y: Matrix): void {
    this.checkX(op, X);
    if (!(Y instanceof Matrix)) throw new Error(`${op}: Y must be a Matrix (outputs × samples)`);
    const nL = this.netArch[this.L];
    if (Y.rows !== nL) {
      throw new Error(`${op}: Y is ${shapeStr(Y)} but netArch [${this.netArch}] has ${nL} output rows (outputs × samples)`);
    }
    if (X.cols !== Y.cols) {
      throw new Error(`${op}: X ${shapeStr(X)} and Y ${shapeStr(Y)} have different numbers of samples (columns)`);
    }
    checkFinite(Y, `${op}: Y`);
  }

  /**
   * Forward pass: A[0] = X; Z[l] = W[l]·A[l−1] (+ b[l]); A[l] = g(Z[l]). Example: `net.forward(X).Z[1]`
   */
  forward(X: Matrix): ForwardCache {
    this.checkX("forward", X);
    return this.forwardUnchecked(X);
  }

  private forwardUnchecked(X: Matrix): ForwardCache {
    const A: Matrix[] = [X];
    const Z: Matrix[] = [EMPTY()];
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

  /**
   * Backward pass for a forward cache and targets Y (see the file header for the formulas).
   * `rule` overrides the network's backprop option (gradcheck uses "exact").
   * Example: `const g = net.backward(net.forward(X), Y); g.E[1]` is E1
   */
  backward(cache: ForwardCache, Y: Matrix, rule: "lecture" | "exact" = this.backprop): Gradients {
    const L = this.L, A = cache.A, Z = cache.Z;
    if (A.length !== L + 1 || Z.length !== L + 1) {
      throw new Error(`backward: the cache has ${A.length - 1} layers, netArch [${this.netArch}] has ${L}`);
    }
    if (Y.rows !== A[L].rows || Y.cols !== A[L].cols) {
      throw new Error(`backward: Y ${shapeStr(Y)} and the output A${L} ${shapeStr(A[L])} differ in shape`);
    }
    const E: Matrix[] = new Array(L + 1);
    const dZ: Matrix[] = new Array(L + 1);
    const dW: Matrix[] = new Array(L + 1);
    const db: Matrix[] = new Array(L + 1);
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

  /**
   * The training objective whose negative gradient the exact rule computes, summed over samples:
   * ½Σ(A[L] − Y)² for "sse", the summed binary/categorical cross-entropy otherwise.
   * Example: `net.objective(X, Y)`
   */
  objective(X: Matrix, Y: Matrix): number {
    this.checkXY("objective", X, Y);
    return this.objectiveOf(this.forwardUnchecked(X).A[this.L], Y);
  }

  private objectiveOf(AL: Matrix, Y: Matrix): number {
    if (this.loss === "sse") return halfSquaredError(AL, Y);
    return this.outputActivation.name === "softmax" ? categoricalCrossEntropy(AL, Y) : binaryCrossEntropy(AL, Y);
  }

  /**
   * The recorded cost for targets Y and outputs A[L] over the given samples: the course's
   * √Σ E² for "sse"; the cross-entropy per sample (summed ÷ m) for "cross-entropy".
   * Example: `net.costOf(net.predict(X), Y)`
   */
  costOf(AL: Matrix, Y: Matrix): number {
    if (this.loss === "sse") return courseCost(Y.sub(AL));
    return this.objectiveOf(AL, Y) / Y.cols;
  }

  /**
   * Trains: initWeights() (seeded, as the course), then `epochs` passes over (X, Y); returns this.
   * Full batch (batchSize undefined): per epoch one forward pass, one backward pass, one update
   * W[l] += η·dW[l] — the course's loop; cost[epoch] = √Σ E[L]² of that epoch's forward pass
   * (before its update), exactly the course's `cost_`.
   * Mini-batch (batchSize k): the columns (shuffled per epoch if `shuffle`) are cut into batches;
   * each batch does forward, backward and W[l] += (η / batch size)·dW[l]. The recorded cost is
   * √(Σ over batches of Σ E²), each batch's E measured before its own update — so it covers every
   * sample once per epoch, at no extra forward pass, and equals the full-batch formula when k ≥ m.
   * For "cross-entropy" the cost is the summed cross-entropy of those same passes ÷ m.
   * `accuracy[epoch]` is measured on the same passes. A non-finite cost stops training with an
   * error naming the epoch. Example: `net.fit(X, Y).cost.at(-1)`
   */
  fit(X: Matrix, Y: Matrix): this {
    this.checkXY("fit", X, Y);
    if (this.validation) this.checkXY("fit: validation", this.validation.X, this.validation.Y);
    this.initWeights();
    this.trained = { X, Y };
    const m = X.cols;
    const L = this.L;
    // Each step below is `this.update(this.backward(this.forward(Xb), Yb), eta)`, computed by
    // trainStep (train.ts) into buffers allocated once per fit: the same operations in the same
    // order, so the same numbers, without allocating inside the loop. When the products are large
    // enough for the WebAssembly kernel, the buffers and a working copy of W live in its memory
    // ("resident"); net.W is then brought up to date before user code can see it. A small network
    // (every product tiny, e.g. XOR's) has its resident buffers stepped by one WebAssembly call.
    const width = Math.min(m, this.batchSize ?? m);
    const resident = this.netArch.some((n, l) => l > 0 && n * this.netArch[l - 1] * width >= MATMUL_THRESHOLDS.wasm);
    const small = resident ? undefined : smallStepSpec(this, width);
    const buffers = new TrainingBuffers(this.netArch, { resident, bias: this.bias, small });
    try {
      buffers.loadWeights(this);
      this.epochLoop(X, Y, buffers);
    } finally {
      buffers.storeWeights(this);
      buffers.release();
    }
    for (let l = 1; l <= L; l++) {
      const bad = this.W[l].data.some((v) => !Number.isFinite(v));
      if (bad) {
        throw new Error(`fit: W${l} became non-finite after epoch ${this.epochs} (eta = ${this.eta}): training diverged — try a smaller learning rate eta`);
      }
    }
    return this;
  }

  // the error fit throws when the cost of an epoch is not finite
  private divergence(cost: number, epoch: number): Error {
    return new Error(
      `fit: the cost became ${cost} at epoch ${epoch} of ${this.epochs} (eta = ${this.eta}): training diverged — try a smaller learning rate eta (e.g. ${this.eta / 10})`,
    );
  }

  // fit's epochs, with the buffers of train.ts
  private epochLoop(X: Matrix, Y: Matrix, buffers: TrainingBuffers): void {
    const m = X.cols;
    const L = this.L;
    // full batch: resident buffers take a copy of X and Y (again after onEpoch, which could change them)
    const whole = this.batchSize === undefined && buffers.resident ? buffers.forWidth(m) : undefined;
    const fullX = whole ? whole.Xb : X, fullY = whole ? whole.Yb : Y;
    if (fullX !== X) fullX.data.set(X.data);
    if (fullY !== Y) fullY.data.set(Y.data);
    if (whole?.plan && !this.onEpoch && !this.validation && this.loss === "sse") {
      // a small network, full batch, nothing to call between epochs: the epochs below run in the
      // WebAssembly kernel, a chunk per call, and report each epoch's Σ E² and correct count
      let epoch = 0;
      trainEpochs(this, buffers, whole, this.epochs, this.eta, (sumSq, correct) => {
        epoch++;
        const cost = Math.sqrt(sumSq);
        if (!Number.isFinite(cost)) throw this.divergence(cost, epoch);
        this.cost.push(cost);
        this.accuracy.push(correct / m);
      });
      return;
    }
    for (let epoch = 1; epoch <= this.epochs; epoch++) {
      let sumSq = 0, objSum = 0, correct = 0;
      if (this.batchSize === undefined) {
        // full batch, course style: no division by m
        const out = step(this, buffers, fullX, fullY, this.eta);
        sumSq += sumOfSquares(out.E[L]);
        if (this.loss === "cross-entropy") objSum += this.objectiveOf(out.A[L], fullY);
        correct += correctOf(out.A[L], fullY);
      } else {
        const order = this.shuffle ? this.rng.permutation(m) : undefined;
        for (let start = 0; start < m; start += this.batchSize) {
          const end = Math.min(m, start + this.batchSize);
          // the mini-batch: columns start..end−1 (of the shuffled order)
          const { Xb, Yb } = buffers.forWidth(end - start);
          gatherColumns(X, Xb, start, order);
          gatherColumns(Y, Yb, start, order);
          // W[l] := W[l] + (η / batch size)·ΔW[l]
          const out = step(this, buffers, Xb, Yb, this.eta / (end - start));
          sumSq += sumOfSquares(out.E[L]);
          if (this.loss === "cross-entropy") objSum += this.objectiveOf(out.A[L], Yb);
          correct += correctOf(out.A[L], Yb);
        }
      }
      const cost = this.loss === "sse" ? Math.sqrt(sumSq) : objSum / m;
      if (!Number.isFinite(cost)) throw this.divergence(cost, epoch);
      this.cost.push(cost);
      this.accuracy.push(m > 0 ? correct / m : NaN);
      // user code below sees net.W: bring it up to date from the working copy (resident buffers)
      if (this.validation || this.onEpoch) buffers.storeWeights(this);
      if (this.validation) {
        const AV = this.forwardUnchecked(this.validation.X).A[L];
        this.valCost.push(this.costOf(AV, this.validation.Y));
        this.valAccuracy.push(correctCount(AV, this.validation.Y) / this.validation.Y.cols);
      }
      if (this.onEpoch) {
        this.onEpoch(epoch, cost, this);
        // onEpoch may have changed or replaced net.W (or changed X)
        buffers.loadWeights(this);
        if (fullX !== X) fullX.data.set(X.data);
        if (fullY !== Y) fullY.data.set(Y.data);
      }
    }
  }

  /**
   * The training history as a nodejs-polars DataFrame with columns epoch (1-based) and cost;
   * `accuracy` (training accuracy recorded during fit) when opts.accuracy; val_cost/val_accuracy
   * when a validation set was given. With opts.X and opts.Y, adds `accuracy_xy`: the accuracy on
   * (X, Y) after each epoch, obtained by re-running the same seeded training (costs another fit).
   * Example: `net.history({ accuracy: true })`
   */
  history(opts: { X?: Matrix; Y?: Matrix; accuracy?: boolean } = {}): pl.DataFrame {
    const n = this.cost.length;
    const cols: Record<string, number[]> = {
      epoch: Array.from({ length: n }, (_, k) => k + 1),
      cost: this.cost.slice(),
    };
    if (opts.accuracy) cols.accuracy = this.accuracy.slice();
    if (this.valCost.length === n && n > 0) {
      cols.val_cost = this.valCost.slice();
      cols.val_accuracy = this.valAccuracy.slice();
    }
    if (opts.X !== undefined || opts.Y !== undefined) {
      if (!opts.X || !opts.Y) throw new Error("history: give both X and Y to measure accuracy on them");
      if (!this.trained) throw new Error("history: call fit(X, Y) first");
      this.checkXY("history", opts.X, opts.Y);
      const { X: EX, Y: EY } = opts as { X: Matrix; Y: Matrix };
      const replay = this.cloneConfig();
      const acc: number[] = [];
      replay.onEpoch = (_e, _c, net) => acc.push(correctCount(net.predict(EX), EY) / EY.cols);
      replay.fit(this.trained.X, this.trained.Y);
      cols.accuracy_xy = acc;
    }
    return pl.DataFrame(
      Object.entries(cols).map(([name, v]) => pl.Series(name, v, name === "epoch" ? pl.Int32 : pl.Float64)),
    );
  }

  /** A fresh, untrained network with the same architecture and options (no onEpoch, no validation). */
  cloneConfig(): NeuralNetwork {
    return new NeuralNetwork(this.netArch, {
      eta: this.eta,
      epochs: this.epochs,
      randomSeed: this.randomSeed,
      activation: this.hiddenActivation.name as "sigmoid" | "tanh" | "relu",
      outputActivation: this.outputActivation.name as "sigmoid" | "softmax" | "identity",
      backprop: this.backprop,
      bias: this.bias,
      batchSize: this.batchSize,
      loss: this.loss,
      shuffle: this.shuffle,
    });
  }

  /** One-line summary, e.g. `NeuralNetwork [2, 3, 1] sigmoid/sigmoid, sse, lecture rule, eta 1`. */
  toString(): string {
    return (
      `NeuralNetwork [${this.netArch.join(", ")}] ${this.hiddenActivation.name}/${this.outputActivation.name}, ` +
      `${this.loss}, ${this.backprop} rule, eta ${this.eta}, epochs ${this.epochs}` +
      `${this.bias ? ", bias" : ""}${this.batchSize ? `, batch ${this.batchSize}` : ""}` +
      (this.cost.length ? `, trained ${this.cost.length} epochs, last cost ${this.cost[this.cost.length - 1].toPrecision(6)}` : "")
    );
  }

  /** Makes `console.log(net)` print the summary. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

