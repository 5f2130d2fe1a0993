// NeuralNetwork.fit runs the allocation-free training step of src/train.ts. Its reference is the
// readable code students see: a loop of net.forward → net.backward → net.update written here from
// fit's documentation. Every weight, bias, cost and accuracy must be the SAME float64 (Object.is:
// bit for bit, ±0 and NaN included), not merely close.
import { test } from "node:test";
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import assert from "node:assert/strict";
import { Matrix } from "../src/matrix";
import { NeuralNetwork, NetworkOptions } from "../src/network";
import { Random } from "../src/random";
import { blobs, moons, xor } from "../src/data";
import { binaryCrossEntropy, categoricalCrossEntropy, correctCount } from "../src/loss";
import { matmulThreadStats, MATMUL_THRESHOLDS } from "../src/kernels/index";
import { isResident, openArena } from "../src/kernels/wasm";
import { TrainingBuffers, countCorrect, gatherColumns, smallStepSpec, trainEpochs, trainStep } from "../src/train";

const root = resolve(__dirname, "..");

interface History {
  W: Matrix[];
  b: Matrix[];
  cost: number[];
  accuracy: number[];
}

/** fit, written with the readable methods: initial weights, epochs of forward/backward/update. */
function readableFit(arch: number[], opts: NetworkOptions, X: Matrix, Y: Matrix): History {
  const net = new NeuralNetwork(arch, opts); // draws the initial weights, as fit does first
  const L = net.L, m = X.cols;
  // the generator's stream after the weight draws (the shuffles come from the same stream)
  const rng = new Random(net.randomSeed);
  for (let l = 1; l <= L; l++) rng.randomMatrix(arch[l], arch[l - 1]);
  // loss "cross-entropy": summed categorical (softmax output) or binary (sigmoid output) cross-entropy
  const objective = (AL: Matrix, Yb: Matrix) =>
    net.outputActivation.name === "softmax" ? categoricalCrossEntropy(AL, Yb) : binaryCrossEntropy(AL, Yb);
  const cost: number[] = [], accuracy: number[] = [];
  for (let epoch = 1; epoch <= net.epochs; epoch++) {
    let sumSq = 0, objSum = 0, correct = 0;
    const batches: Array<[Matrix, Matrix, number]> = [];
    if (net.batchSize === undefined) batches.push([X, Y, net.eta]);
    else {
      const order = net.shuffle ? rng.permutation(m) : undefined;
      for (let start = 0; start < m; start += net.batchSize) {
        const end = Math.min(m, start + net.batchSize);
        const idx = order ? order.slice(start, end) : undefined;
        const Xb = idx ? X.selectCols(idx) : X.colSlice(start, end);
        const Yb = idx ? Y.selectCols(idx) : Y.colSlice(start, end);
        batches.push([Xb, Yb, net.eta / (end - start)]);
      }
    }
    for (const [Xb, Yb, eta] of batches) {
      const cache = net.forward(Xb);
      const grads = net.backward(cache, Yb);
      sumSq += grads.E[L].mul(grads.E[L]).sum();
      if (net.loss === "cross-entropy") objSum += objective(cache.A[L], Yb);
      correct += correctCount(cache.A[L], Yb);
      net.update(grads, eta);
    }
    cost.push(net.loss === "sse" ? Math.sqrt(sumSq) : objSum / m);
    accuracy.push(correct / m);
  }
  return { W: net.W, b: net.b, cost, accuracy };
}

function assertSameBits(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  assert.equal(got.length, want.length, `${what}: lengths`);
  for (let k = 0; k < want.length; k++) {
    if (!Object.is(got[k], want[k])) assert.fail(`${what}[${k}]: fit gave ${got[k]}, the readable loop ${want[k]}`);
  }
}

function assertFitEqualsReadable(arch: number[], opts: NetworkOptions, X: Matrix, Y: Matrix): NeuralNetwork {
  const net = new NeuralNetwork(arch, opts).fit(X, Y);
  const ref = readableFit(arch, opts, X, Y);
  assert.equal(net.cost.length, opts.epochs);
  assertSameBits(net.cost, ref.cost, "cost");
  assertSameBits(net.accuracy, ref.accuracy, "accuracy");
  for (let l = 1; l <= net.L; l++) {
    assertSameBits(net.W[l].data, ref.W[l].data, `W${l}`);
    assertSameBits(net.b[l].data, ref.b[l].data, `b${l}`);
  }
  return net;
}

const { X: Xx, Y: Yx } = xor();

test("[2,3,1] course XOR (η = 1, 1000 epochs): fit = readable loop bit for bit, lecture and exact rules", () => {
  for (const backprop of ["lecture", "exact"] as const) {
    const net = assertFitEqualsReadable([2, 3, 1], { eta: 1, epochs: 1000, randomSeed: 1, backprop }, Xx, Yx);
    if (backprop === "lecture") {
      // and it is still the course's printed result
      const yhat = net.predict(Xx).data;
      assert.deepEqual(Array.from(yhat, (v) => Number(v.toFixed(2))), [0.05, 0.95, 0.5, 0.5]);
    }
  }
});

test("[2,8,4,1] tanh hidden layers with bias (exact rule, moons): fit = readable loop bit for bit", () => {
  const { X, Y } = moons(60, { noise: 0.2, seed: 3 });
  assertFitEqualsReadable([2, 8, 4, 1], { eta: 0.05, epochs: 200, activation: "tanh", bias: true, backprop: "exact", randomSeed: 2 }, X, Y);
});

test("mini-batches with a per-epoch shuffle and a smaller last batch (relu, bias, lecture rule): bit for bit", () => {
  const { X, Y } = moons(53, { noise: 0.15, seed: 4 }); // batches of 8: six of 8 and one of 5
  assertFitEqualsReadable([2, 6, 1], { eta: 0.5, epochs: 40, activation: "relu", bias: true, batchSize: 8, shuffle: true, randomSeed: 5 }, X, Y);
  // SGD (batch 1) and a batch larger than the data
  assertFitEqualsReadable([2, 4, 1], { eta: 0.5, epochs: 5, batchSize: 1, shuffle: true, randomSeed: 6 }, X, Y);
  assertFitEqualsReadable([2, 4, 1], { eta: 0.5, epochs: 5, batchSize: 100, randomSeed: 6 }, X, Y);
});

test("softmax output + cross-entropy (3 blobs, mini-batch, shuffle, exact rule): bit for bit", () => {
  const { X, Y } = blobs(90, { centers: 3, seed: 7 });
  assert.equal(Y.rows, 3);
  const net = assertFitEqualsReadable([2, 5, 3], { eta: 0.1, epochs: 30, loss: "cross-entropy", batchSize: 16, shuffle: true, backprop: "exact", randomSeed: 8 }, X, Y);
  assert.equal(net.outputActivation.name, "softmax");
  // sigmoid output with binary cross-entropy as well (dZ[L] = E[L] on that path too)
  const { X: Xm, Y: Ym } = moons(40, { seed: 9 });
  assertFitEqualsReadable([2, 5, 1], { eta: 0.2, epochs: 30, loss: "cross-entropy", bias: true, randomSeed: 10 }, Xm, Ym);
});

test("products large enough for the WebAssembly kernel on all threads: fit = readable loop bit for bit", () => {
  const r = new Random(11);
  const m = 130;
  const X = r.randomMatrix(200, m);
  const labels = Array.from({ length: m }, () => Math.floor(r.random() * 10));
  const Y = Matrix.fromFunction(10, m, (i, j) => (labels[j] === i ? 0.99 : 0.01));
  const arch = [200, 100, 10];
  // W1·A0 with batch 100 is 100·200·100 = 2,000,000 multiply-adds: past the threads threshold
  // (the last batch, 30 columns, stays on one thread)
  assert.ok(100 * 200 * 100 >= MATMUL_THRESHOLDS.threads);
  assertFitEqualsReadable(arch, { eta: 0.1, epochs: 3, batchSize: 100, shuffle: true, randomSeed: 12 }, X, Y);
  const stats = matmulThreadStats();
  assert.equal(stats.workerError, null);
});

test("fit reuses its buffers: the step's output and error live in the same matrices every step", () => {
  const net = new NeuralNetwork([2, 3, 1], { eta: 1 });
  const bufs = new TrainingBuffers(net.netArch);
  const s1 = trainStep(net, bufs, Xx, Yx, 1);
  const A2 = s1.A[2], E2 = s1.E[2], Z1 = s1.Z[1];
  const s2 = trainStep(net, bufs, Xx, Yx, 1);
  assert.equal(s2, s1);
  assert.equal(s2.A[2], A2);
  assert.equal(s2.E[2], E2);
  assert.equal(s2.Z[1], Z1);
  // one set per batch width, at most one extra for a smaller last batch
  assert.equal(bufs.forWidth(4), s1);
  assert.notEqual(bufs.forWidth(3), s1);
  assert.equal(bufs.forWidth(3), bufs.forWidth(3));
});

test("onEpoch sees the current weights, and may replace them (fit reads net.W every step)", () => {
  const seen: number[] = [];
  const replay: number[] = [];
  const opts: NetworkOptions = {
    eta: 1,
    epochs: 6,
    onEpoch: (epoch, _c, n) => {
      seen.push(n.W[1].get(0, 0));
      if (epoch === 3) n.setWeights(n.W[1].scale(0.5), n.W[2]);
    },
  };
  new NeuralNetwork([2, 3, 1], opts).fit(Xx, Yx);
  // the same by hand with the readable methods
  const net = new NeuralNetwork([2, 3, 1], { eta: 1 });
  for (let epoch = 1; epoch <= 6; epoch++) {
    net.update(net.backward(net.forward(Xx), Yx));
    replay.push(net.W[1].get(0, 0));
    if (epoch === 3) net.setWeights(net.W[1].scale(0.5), net.W[2]);
  }
  assertSameBits(seen, replay, "W1[0, 0] after each epoch");
});

test("gatherColumns and countCorrect equal selectCols/colSlice and correctCount", () => {
  const r = new Random(13);
  const X = r.randomMatrix(4, 9);
  const out = Matrix.zeros(4, 3);
  assert.deepEqual(gatherColumns(X, out, 5, undefined).data, X.colSlice(5, 8).data);
  const order = r.permutation(9);
  assert.deepEqual(gatherColumns(X, out, 3, order).data, X.selectCols(order.slice(3, 6)).data);
  // 19 rows: two blocks of eight rows (copied together) and three rows one by one
  const X19 = r.randomMatrix(19, 30);
  assert.deepEqual(gatherColumns(X19, Matrix.zeros(19, 7), 20, undefined).data, X19.colSlice(20, 27).data);
  const A = r.randomMatrix(3, 50), Y = r.randomMatrix(3, 50);
  A.data[7] = A.data[7 + 50]; // a tie: the first row wins in both
  assert.equal(countCorrect(A, Y), correctCount(A, Y));
  const a1 = r.randomMatrix(1, 50), y1 = r.randomMatrix(1, 50);
  assert.equal(countCorrect(a1, y1), correctCount(a1, y1));
  assert.ok(correctCount(A, Y) > 0 && correctCount(a1, y1) > 0); // the comparison is not vacuous
});

// ---- resident training buffers (fit's products large enough for the WebAssembly kernel) ----

// a 10-class problem whose products are past the WebAssembly threshold (resident buffers)
function wideData(seed: number, n0: number, m: number): { X: Matrix; Y: Matrix } {
  const r = new Random(seed);
  const X = r.randomMatrix(n0, m);
  const labels = Array.from({ length: m }, () => Math.floor(r.random() * 10));
  return { X, Y: Matrix.fromFunction(10, m, (i, j) => (labels[j] === i ? 0.99 : 0.01)) };
}

// where the next arena would start: the same before and after a fit means the fit gave its memory back
function nextArenaOffset(): number {
  const a = openArena()!;
  const at = a.alloc(1).byteOffset;
  a.close();
  return at;
}

test("resident buffers: fit uses them for large products, gives the readable loop's bits (full batch too), frees them, and net.W is never arena memory", () => {
  const { X, Y } = wideData(30, 60, 47);
  const bufs = new TrainingBuffers([60, 20, 10], { resident: true });
  assert.equal(bufs.resident, true);
  assert.ok(isResident(bufs.dW[1].data) && isResident(bufs.W![1].data) && isResident(bufs.forWidth(47).Xb.data));
  bufs.release();
  assert.equal(bufs.resident, false);
  assert.throws(() => bufs.forWidth(5), /after release/);
  const before = nextArenaOffset();
  // mini-batches of 10 (and a last one of 7), shuffled; 20·60·10 = 12,000 multiply-adds
  const net = assertFitEqualsReadable([60, 20, 10], { eta: 0.3, epochs: 4, batchSize: 10, shuffle: true, bias: true, randomSeed: 31 }, X, Y);
  // full batch (fit keeps a resident copy of X), exact rule
  const full = assertFitEqualsReadable([60, 20, 10], { eta: 0.01, epochs: 5, backprop: "exact", randomSeed: 32 }, X, Y);
  // the other elementwise activations in the products' epilogues (relu, tanh, identity, with bias)
  assertFitEqualsReadable([60, 20, 10], { eta: 0.01, epochs: 3, batchSize: 10, activation: "relu", outputActivation: "identity", bias: true, randomSeed: 40 }, X, Y);
  assertFitEqualsReadable([60, 20, 10], { eta: 0.05, epochs: 3, batchSize: 12, activation: "tanh", bias: true, backprop: "exact", randomSeed: 41 }, X, Y);
  for (const n of [net, full]) for (let l = 1; l <= n.L; l++) assert.equal(isResident(n.W[l].data), false);
  assert.equal(nextArenaOffset(), before);
});

test("resident buffers: onEpoch and validation see the current net.W; onEpoch may change it in place or replace it", () => {
  const { X, Y } = wideData(33, 60, 40);
  const arch = [60, 20, 10];
  const base: NetworkOptions = { eta: 0.2, epochs: 5, batchSize: 10, randomSeed: 34 };
  const seen: number[] = [];
  const net = new NeuralNetwork(arch, {
    ...base,
    validation: { X, Y },
    onEpoch: (epoch, _c, n) => {
      seen.push(n.W[1].get(0, 0), n.W[2].get(9, 19));
      if (epoch === 2) n.W[1].data[0] = 0.5; // in place
      if (epoch === 3) n.setWeights(n.W[1].scale(0.5), n.W[2]); // replaced
    },
  }).fit(X, Y);
  // the same by hand with the readable methods
  const ref = new NeuralNetwork(arch, base);
  const replay: number[] = [], valCost: number[] = [];
  for (let epoch = 1; epoch <= 5; epoch++) {
    for (let start = 0; start < 40; start += 10) {
      ref.update(ref.backward(ref.forward(X.colSlice(start, start + 10)), Y.colSlice(start, start + 10)), ref.eta / 10);
    }
    valCost.push(ref.costOf(ref.predict(X), Y));
    replay.push(ref.W[1].get(0, 0), ref.W[2].get(9, 19));
    if (epoch === 2) ref.W[1].data[0] = 0.5;
    if (epoch === 3) ref.setWeights(ref.W[1].scale(0.5), ref.W[2]);
  }
  assertSameBits(seen, replay, "W1[0, 0], W2[9, 19] after each epoch");
  assertSameBits(net.valCost, valCost, "validation cost");
  assertSameBits(net.W[1].data, ref.W[1].data, "W1");
  // a wrong shape from onEpoch fails with a named error, and the arena is given back
  const before = nextArenaOffset();
  const bad = new NeuralNetwork(arch, { ...base, onEpoch: (_e, _c, n) => (n.W[2] = Matrix.zeros(3, 3)) });
  assert.throws(() => bad.fit(X, Y), { message: "fit: W2 is (3×3) but netArch [60,20,10] needs (10×20)" });
  assert.equal(nextArenaOffset(), before);
});

test("a fit inside another fit's onEpoch (two networks training interleaved): both give the readable loop's bits", () => {
  const { X, Y } = wideData(35, 60, 30);
  const outerOpts: NetworkOptions = { eta: 0.3, epochs: 3, batchSize: 10, randomSeed: 36 };
  const innerOpts: NetworkOptions = { eta: 0.1, epochs: 2, batchSize: 15, bias: true, randomSeed: 37 };
  const inner: NeuralNetwork[] = [];
  const outer = new NeuralNetwork([60, 16, 10], {
    ...outerOpts,
    onEpoch: () => inner.push(new NeuralNetwork([60, 24, 10], innerOpts).fit(X, Y)),
  }).fit(X, Y);
  const want = readableFit([60, 16, 10], outerOpts, X, Y);
  assertSameBits(outer.cost, want.cost, "outer cost");
  for (let l = 1; l <= 2; l++) assertSameBits(outer.W[l].data, want.W[l].data, `outer W${l}`);
  const wantInner = readableFit([60, 24, 10], innerOpts, X, Y);
  assert.equal(inner.length, 3);
  for (const n of inner) for (let l = 1; l <= 2; l++) assertSameBits(n.W[l].data, wantInner.W[l].data, `inner W${l}`);
});

test("small networks: fit's WebAssembly step (and its epoch loop) gives the readable loop's bits", () => {
  // which networks it covers: every product tiny, activations sigmoid / relu / identity
  const spec = (arch: number[], opts: NetworkOptions, width: number) => smallStepSpec(new NeuralNetwork(arch, opts), width);
  assert.deepEqual(spec([2, 4, 1], {}, 4), { acts: [-1, 0, 0], bias: false, crossEntropy: false });
  assert.deepEqual(spec([2, 6, 1], { activation: "relu", bias: true, outputActivation: "identity" }, 8), { acts: [-1, 2, 3], bias: true, crossEntropy: false });
  assert.equal(spec([2, 4, 1], { activation: "tanh" }, 4), undefined);
  assert.equal(spec([2, 5, 3], { loss: "cross-entropy" }, 16), undefined); // softmax output
  assert.equal(spec([2, 16, 1], {}, 16), undefined); // 16·2·16 = 512 multiply-adds: not tiny
  assert.equal(spec([2, 4, 1], {}, 0), undefined);

  // full batch, no per-epoch callback: whole chunks of epochs per call (the course's XOR, both rules,
  // 1,300 epochs: three chunks), and relu hidden + identity output with biases
  for (const backprop of ["lecture", "exact"] as const) {
    assertFitEqualsReadable([2, 4, 1], { eta: 1, epochs: 1300, randomSeed: 1, backprop }, Xx, Yx);
  }
  const { X, Y } = moons(24, { noise: 0.1, seed: 21 });
  assertFitEqualsReadable([2, 7, 3, 1], { eta: 0.05, epochs: 300, activation: "relu", outputActivation: "identity", bias: true, backprop: "exact", randomSeed: 22 }, X, Y);
  // odd sizes everywhere (pairs with a last single entry): [3,5,1] on 7 columns
  const r = new Random(23);
  const X7 = r.randomMatrix(3, 7), Y7 = r.randomMatrix(1, 7);
  assertFitEqualsReadable([3, 5, 1], { eta: 0.7, epochs: 200, bias: true, randomSeed: 24 }, X7, Y7);
  // several output rows: the correct count takes each column's largest entry
  const Y3 = r.randomMatrix(3, 7);
  assertFitEqualsReadable([3, 4, 3], { eta: 0.3, epochs: 100, randomSeed: 25 }, X7, Y3);

  // one step at a time through the plan, against trainStep's JavaScript on plain buffers
  const net = new NeuralNetwork([2, 4, 1], { eta: 1, bias: true });
  const twin = new NeuralNetwork([2, 4, 1], { eta: 1, bias: true });
  const small = new TrainingBuffers(net.netArch, { bias: true, small: smallStepSpec(net, 4) });
  const plain = new TrainingBuffers(twin.netArch);
  const wb = small.forWidth(4);
  assert.ok(wb.plan !== undefined && wb.log !== undefined && isResident(wb.log) && small.B !== undefined);
  small.loadWeights(net);
  wb.Xb.data.set(Xx.data);
  wb.Yb.data.set(Yx.data);
  for (let step = 0; step < 50; step++) {
    const a = trainStep(net, small, wb.Xb, wb.Yb, 0.5);
    const b = trainStep(twin, plain, Xx, Yx, 0.5);
    assertSameBits(a.A[2].data, b.A[2].data, `A2, step ${step}`);
    assertSameBits(a.E[1].data, b.E[1].data, `E1, step ${step}`);
  }
  small.storeWeights(net);
  for (let l = 1; l <= 2; l++) {
    assertSameBits(net.W[l].data, twin.W[l].data, `W${l}`);
    assertSameBits(net.b[l].data, twin.b[l].data, `b${l}`);
  }
  // trainEpochs reports each epoch's Σ E² and correct count, and refuses buffers without a plan
  const seen: Array<[number, number]> = [];
  assert.equal(trainEpochs(net, small, wb, 3, 0.5, (s, c) => seen.push([s, c])), 3);
  assert.equal(seen.length, 3);
  assert.ok(seen.every(([s, c]) => s > 0 && Number.isInteger(c) && c >= 0 && c <= 4));
  assert.throws(() => trainEpochs(twin, plain, plain.forWidth(4), 1, 0.5, () => {}), /no small-network plan/);
  small.release();
  plain.release();
});

test("small networks: onEpoch may change W and b between WebAssembly steps; a diverging fit names the same epoch either way", () => {
  const { X, Y } = moons(30, { noise: 0.1, seed: 26 });
  const base: NetworkOptions = { eta: 0.5, epochs: 6, bias: true, activation: "relu", randomSeed: 27 };
  const seen: number[] = [];
  const net = new NeuralNetwork([2, 5, 1], {
    ...base,
    validation: { X, Y },
    onEpoch: (epoch, _c, n) => {
      seen.push(n.W[1].get(0, 0), n.b[1].get(2, 0), n.b[2].get(0, 0));
      if (epoch === 2) n.b[1].data[2] = 0.25; // in place
      if (epoch === 4) n.b[2] = Matrix.from([[-0.5]]); // replaced
    },
  }).fit(X, Y);
  const ref = new NeuralNetwork([2, 5, 1], base);
  const replay: number[] = [], valCost: number[] = [];
  for (let epoch = 1; epoch <= 6; epoch++) {
    ref.update(ref.backward(ref.forward(X), Y));
    valCost.push(ref.costOf(ref.predict(X), Y));
    replay.push(ref.W[1].get(0, 0), ref.b[1].get(2, 0), ref.b[2].get(0, 0));
    if (epoch === 2) ref.b[1].data[2] = 0.25;
    if (epoch === 4) ref.b[2] = Matrix.from([[-0.5]]);
  }
  assertSameBits(seen, replay, "W1[0, 0], b1[2], b2[0] after each epoch");
  assertSameBits(net.valCost, valCost, "validation cost");
  assertSameBits(net.b[1].data, ref.b[1].data, "b1");
  // a wrong bias shape from onEpoch fails with a named error
  const bad = new NeuralNetwork([2, 5, 1], { ...base, onEpoch: (_e, _c, n) => (n.b[1] = Matrix.zeros(2, 1)) });
  assert.throws(() => bad.fit(X, Y), { message: "fit: b1 is (2×1) but netArch [2,5,1] needs (5×1)" });
  // divergence: identity output, a huge η; the kernel's epoch loop and the per-epoch path (an
  // onEpoch forces it) stop at the same epoch with the same message, and leave the same W
  const wild: NetworkOptions = { eta: 1e6, epochs: 50, activation: "relu", outputActivation: "identity", randomSeed: 28 };
  const a = new NeuralNetwork([2, 5, 1], wild), b = new NeuralNetwork([2, 5, 1], { ...wild, onEpoch: () => {} });
  const message = (n: NeuralNetwork) => {
    try {
      n.fit(X, Y);
    } catch (e) {
      return (e as Error).message;
    }
    return "no error";
  };
  const msg = message(a);
  assert.match(msg, /^fit: the cost became (Infinity|NaN) at epoch \d+ of 50/);
  assert.equal(message(b), msg);
  assert.equal(a.cost.length, b.cost.length);
  assertSameBits(a.cost, b.cost, "costs before the divergence");
  assertSameBits(a.W[1].data, b.W[1].data, "W1 at the divergence");
});

test("an engine whose Math.exp differs from the kernel's exp gets no small-network step, and fit still gives the readable loop's bits", () => {
  const script = `
    // one unit in the last place off for large arguments, as a different libm could be
    const exp = Math.exp;
    Math.exp = (x) => (x > 20 ? exp(x) * (1 + 2 ** -52) : exp(x));
    const { NeuralNetwork } = require("./src/network");
    const { smallStepSpec } = require("./src/train");
    const { xor } = require("./src/data");
    const { X, Y } = xor();
    const opts = { eta: 1, epochs: 300, randomSeed: 1 };
    const net = new NeuralNetwork([2, 4, 1], opts);
    const spec = smallStepSpec(net, 4);
    net.fit(X, Y);
    const ref = new NeuralNetwork([2, 4, 1], opts);
    for (let e = 0; e < 300; e++) ref.update(ref.backward(ref.forward(X), Y));
    const same = net.W.every((W, l) => W.data.every((v, k) => Object.is(v, ref.W[l].data[k])));
    console.log(JSON.stringify({ spec: spec === undefined ? "none" : spec, same }));`;
  const r = spawnSync(process.execPath, ["--import", "tsx", "-e", script], { cwd: root, encoding: "utf8", timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout.trim().split("\n").pop()!), { spec: "none", same: true });
});

test("without WebAssembly, fit falls back to plain arrays and gives the same bits", () => {
  const script = `
    // as on a runtime without WebAssembly SIMD: compiling the kernel's module throws
    // (tsx itself needs WebAssembly.compile, so the global stays)
    globalThis.WebAssembly = { ...WebAssembly, Module: function () { throw new Error("no SIMD here"); } };
    const { NeuralNetwork } = require("./src/network");
    const { Random } = require("./src/random");
    const { Matrix } = require("./src/matrix");
    const { wasmAvailable } = require("./src/kernels/index");
    const r = new Random(38);
    const X = r.randomMatrix(60, 30), Y = r.randomMatrix(10, 30);
    const net = new NeuralNetwork([60, 20, 10], { eta: 0.2, epochs: 3, batchSize: 10, randomSeed: 39 }).fit(X, Y);
    const { xor } = require("./src/data");
    const small = new NeuralNetwork([2, 4, 1], { eta: 1, epochs: 500, randomSeed: 1 }).fit(xor().X, xor().Y);
    console.log(JSON.stringify({ wasm: wasmAvailable(), W1: Array.from(net.W[1].data.subarray(0, 50)), xorCost: small.cost, xorW1: Array.from(small.W[1].data) }));`;
  const r = spawnSync(process.execPath, ["--import", "tsx", "-e", script], { cwd: root, encoding: "utf8", timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  const got = JSON.parse(r.stdout.trim().split("\n").pop()!);
  assert.equal(got.wasm, false);
  const rr = new Random(38);
  const X = rr.randomMatrix(60, 30), Y = rr.randomMatrix(10, 30);
  const want = new NeuralNetwork([60, 20, 10], { eta: 0.2, epochs: 3, batchSize: 10, randomSeed: 39 }).fit(X, Y);
  assertSameBits(got.W1, want.W[1].data.subarray(0, 50), "W1 without WebAssembly");
  // and a small network (the WebAssembly step here, trainStep's JavaScript there)
  const xorNet = new NeuralNetwork([2, 4, 1], { eta: 1, epochs: 500, randomSeed: 1 }).fit(Xx, Yx);
  assertSameBits(got.xorCost, xorNet.cost, "XOR cost without WebAssembly");
  assertSameBits(got.xorW1, xorNet.W[1].data, "XOR W1 without WebAssembly");
});
