// fit with and without the engine (src/engine/), against the training written out by hand with the
// readable methods (readableFit): the same weights, costs and accuracies, bit for bit (Object.is).
// Each bit test runs fit twice: with the engine src/index.ts installs, and with the core alone
// (useFitEngine(), useProduct()); a subprocess also runs the core by construction (it never loads
// src/engine/). And the steppable protocol (trainingSteps) driven with awaits, both ways.
import { test } from "node:test";
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import assert from "node:assert/strict";
import { Matrix, NeuralNetwork, NetworkOptions, Random, blobs, moons, xor, useFitEngine, useProduct } from "../src/index";
import { binaryCrossEntropy, categoricalCrossEntropy, correctCount } from "../src/loss";
import { fitEngine, gatherColumns, MATMUL_THRESHOLDS, matmulThreadStats, product, smallCodes, TrainingBuffers, trainStep } from "../src/engine/index";
import { isResident, openArena } from "../src/engine/wasm";

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

/** f() with the core alone: no fit engine, matmul's plain loops; the engine again afterwards. */
function coreOnly<T>(f: () => T): T {
  useFitEngine();
  useProduct();
  try {
    return f();
  } finally {
    useFitEngine(fitEngine);
    useProduct(product);
  }
}

/** fit with the engine and with the core alone both equal readableFit, bit for bit; returns the engine's net. */
function assertFitEqualsReadable(arch: number[], opts: NetworkOptions, X: Matrix, Y: Matrix): NeuralNetwork {
  const ref = readableFit(arch, opts, X, Y);
  const fast = new NeuralNetwork(arch, opts).fit(X, Y);
  const core = coreOnly(() => new NeuralNetwork(arch, opts).fit(X, Y));
  for (const [net, how] of [[fast, "engine"], [core, "core"]] as const) {
    assert.equal(net.cost.length, opts.epochs);
    assertSameBits(net.cost, ref.cost, `${how}: cost`);
    assertSameBits(net.accuracy, ref.accuracy, `${how}: accuracy`);
    for (let l = 1; l <= net.L; l++) {
      assertSameBits(net.W[l].data, ref.W[l].data, `${how}: W${l}`);
      assertSameBits(net.b[l].data, ref.b[l].data, `${how}: b${l}`);
    }
  }
  return fast;
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

test("gatherColumns equals selectCols/colSlice", () => {
  const r = new Random(13);
  const X = r.randomMatrix(4, 9);
  const out = Matrix.zeros(4, 3);
  assert.deepEqual(gatherColumns(X, out, 5, undefined).data, X.colSlice(5, 8).data);
  const order = r.permutation(9);
  assert.deepEqual(gatherColumns(X, out, 3, order).data, X.selectCols(order.slice(3, 6)).data);
  // 19 rows: two blocks of eight rows (copied together) and three rows one by one
  const X19 = r.randomMatrix(19, 30);
  assert.deepEqual(gatherColumns(X19, Matrix.zeros(19, 7), 20, undefined).data, X19.colSlice(20, 27).data);
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

test("small networks: onEpoch may change W and b between steps; a diverging fit names the same epoch with and without the engine", () => {
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
  // divergence: identity output, a huge η; the engine and the core stop at the same epoch with the
  // same message, and leave the same W
  const wild: NetworkOptions = { eta: 1e6, epochs: 50, activation: "relu", outputActivation: "identity", randomSeed: 28 };
  const a = new NeuralNetwork([2, 5, 1], wild), b = new NeuralNetwork([2, 5, 1], { ...wild, onEpoch: () => {} });
  const c = new NeuralNetwork([2, 5, 1], wild);
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
  assert.equal(coreOnly(() => message(c)), msg);
  assert.equal(a.cost.length, b.cost.length);
  assertSameBits(a.cost, b.cost, "costs before the divergence");
  assertSameBits(a.W[1].data, b.W[1].data, "W1 at the divergence");
  assertSameBits(c.cost, a.cost, "core: costs before the divergence");
  assertSameBits(c.W[1].data, a.W[1].data, "core: W1 at the divergence");
});

test("without WebAssembly, fit falls back to plain arrays and gives the same bits", () => {
  const script = `
    // as on a runtime without WebAssembly SIMD: compiling the kernel's module throws
    // (tsx itself needs WebAssembly.compile, so the global stays)
    globalThis.WebAssembly = { ...WebAssembly, Module: function () { throw new Error("no SIMD here"); } };
    const { NeuralNetwork } = require("./src/index");
    const { Random } = require("./src/random");
    const { wasmAvailable } = require("./src/engine/matmul");
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
  // and a small network
  const xorNet = new NeuralNetwork([2, 4, 1], { eta: 1, epochs: 500, randomSeed: 1 }).fit(Xx, Yx);
  assertSameBits(got.xorCost, xorNet.cost, "XOR cost without WebAssembly");
  assertSameBits(got.xorW1, xorNet.W[1].data, "XOR W1 without WebAssembly");
});

// ---- the core by construction, and the steppable protocol ----

// seeded MNIST-shaped data: 784 features, 10 one-hot (0.01/0.99) classes, m samples (mulberry32: not the weights' stream)
const MNIST_LIKE = `
  function mnistLike(Matrix, Random, m) {
    const r = new Random(71, "mulberry32");
    const X = new Matrix(784, m);
    for (let k = 0; k < X.data.length; k++) X.data[k] = r.random();
    const Y = Matrix.filled(10, m, 0.01);
    for (let j = 0; j < m; j++) Y.data[Math.floor(r.random() * 10) * m + j] = 0.99;
    return { X, Y };
  }`;
const RUNS = `
  // the bits of each array, as a sha256 (the MNIST weights' hex would be megabytes)
  const hex = (a) => require("crypto").createHash("sha256").update(Buffer.from(new Float64Array(a).buffer)).digest("hex");
  const runs = [];
  const record = (net) => runs.push({ cost: hex(net.cost), accuracy: hex(net.accuracy), W: net.W.slice(1).map((W) => hex(W.data)) });
  const { X, Y } = xor();
  record(new NeuralNetwork([2, 3, 1], { eta: 1, epochs: 1000, randomSeed: 1 }).fit(X, Y));
  record(new NeuralNetwork([2, 4, 1], { eta: 1, epochs: 10000, randomSeed: 1 }).fit(X, Y));
  record(new NeuralNetwork([2, 4, 1], { eta: 1, epochs: 10000, randomSeed: 1, backprop: "exact" }).fit(X, Y));
  const d = mnistLike(Matrix, Random, 1000);
  record(new NeuralNetwork([784, 100, 10], { eta: 0.1, epochs: 2, batchSize: 100, shuffle: true, randomSeed: 1 }).fit(d.X, d.Y));`;

function runScript(script: string): { runs: unknown; engineLoaded: boolean; yhat: number[] } {
  const r = spawnSync(process.execPath, ["--import", "tsx", "-e", script], { cwd: root, encoding: "utf8", timeout: 300_000 });
  assert.equal(r.status, 0, `${r.error ?? ""} ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!);
}

test("the course's XOR runs and an MNIST-sized mini-batch fit: the core alone (src/engine/ never loaded) and the engine give the same bits", () => {
  const tail = `
    const engineLoaded = Object.keys(require.cache).some((f) => f.includes("/src/engine/"));
    const n = new NeuralNetwork([2, 3, 1], { eta: 1, epochs: 1000, randomSeed: 1 }).fit(X, Y);
    console.log(JSON.stringify({ runs, engineLoaded, yhat: Array.from(n.predict(X).data) }));`;
  const core = runScript(`
    const { NeuralNetwork } = require("./src/network");
    const { Matrix } = require("./src/matrix");
    const { Random } = require("./src/random");
    const { xor } = require("./src/data");
    ${MNIST_LIKE}${RUNS}${tail}`);
  const engine = runScript(`
    const { NeuralNetwork, Matrix, Random, xor } = require("./src/index");
    ${MNIST_LIKE}${RUNS}${tail}`);
  assert.equal(core.engineLoaded, false, "the core's fit ran without src/engine/");
  assert.equal(engine.engineLoaded, true);
  assert.deepEqual(engine.runs, core.runs);
  // and they are the course's numbers: XOR [2,3,1], η = 1, 1000 epochs → 0.048 0.955 0.499 0.501
  assert.deepEqual(core.yhat.map((v) => Number(v.toFixed(3))), [0.048, 0.955, 0.499, 0.501]);
});

// runs net's trainingSteps with an await (a macrotask: the event loop runs, so the engine's kernel
// memory can be reclaimed) after every event; returns the events
async function awaitedFit(net: NeuralNetwork, X: Matrix, Y: Matrix, stopAfter = Infinity): Promise<string[]> {
  const events: string[] = [];
  for (const ev of net.trainingSteps(X, Y)) {
    events.push(ev.kind === "step" ? `s${ev.epoch}.${ev.step}` : `e${ev.epoch}`);
    await new Promise((r) => setImmediate(r));
    if (events.length >= stopAfter) break;
  }
  return events;
}

test("trainingSteps: fit's loop one event at a time; awaited between events it gives fit's bits, with and without the engine", async () => {
  const { X, Y } = wideData(51, 60, 25);
  const opts: NetworkOptions = { eta: 0.3, epochs: 3, batchSize: 10, shuffle: true, bias: true, randomSeed: 52, validation: { X, Y } };
  const want = new NeuralNetwork([60, 20, 10], opts).fit(X, Y);
  const before = nextArenaOffset();
  for (const how of ["engine", "core"] as const) {
    if (how === "core") {
      useFitEngine();
      useProduct();
    }
    try {
      const net = new NeuralNetwork([60, 20, 10], opts);
      const events = await awaitedFit(net, X, Y);
      assert.deepEqual(events, ["s1.1", "s1.2", "s1.3", "e1", "s2.1", "s2.2", "s2.3", "e2", "s3.1", "s3.2", "s3.3", "e3"]);
      assertSameBits(net.cost, want.cost, `${how}: cost`);
      assertSameBits(net.valAccuracy, want.valAccuracy, `${how}: validation accuracy`);
      for (let l = 1; l <= 2; l++) assertSameBits(net.W[l].data, want.W[l].data, `${how}: W${l}`);
      for (let l = 1; l <= 2; l++) assertSameBits(net.b[l].data, want.b[l].data, `${how}: b${l}`);
    } finally {
      useFitEngine(fitEngine);
      useProduct(product);
    }
  }
  assert.equal(nextArenaOffset(), before, "no kernel memory left reserved");
  // full batch on resident buffers, XOR (plain buffers), cross-entropy with softmax: awaited = fit
  const { X: Xb, Y: Yb } = blobs(40, { centers: 3, seed: 53 });
  for (const [arch, o, Xd, Yd] of [
    [[60, 20, 10], { eta: 0.01, epochs: 4, randomSeed: 54 }, X, Y],
    [[2, 4, 1], { eta: 1, epochs: 30, randomSeed: 1 }, Xx, Yx],
    [[2, 5, 3], { eta: 0.1, epochs: 5, loss: "cross-entropy", batchSize: 16, shuffle: true, randomSeed: 55 }, Xb, Yb],
  ] as const) {
    const a = new NeuralNetwork([...arch], o).fit(Xd, Yd);
    const b = new NeuralNetwork([...arch], o);
    await awaitedFit(b, Xd, Yd);
    assertSameBits(b.cost, a.cost, `[${arch}] awaited cost`);
    assertSameBits(b.W[1].data, a.W[1].data, `[${arch}] awaited W1`);
  }
});

test("trainingSteps stopped early (the driver breaks): net.W is that of the last completed step, with and without the engine", async () => {
  const { X, Y } = wideData(56, 60, 30);
  const opts: NetworkOptions = { eta: 0.2, epochs: 5, batchSize: 10, randomSeed: 57 };
  // 5 events: epoch 1's three steps, its epoch event, then epoch 2's first step
  const fast = new NeuralNetwork([60, 20, 10], opts);
  await awaitedFit(fast, X, Y, 5);
  const core = coreOnly(() => new NeuralNetwork([60, 20, 10], opts));
  useFitEngine();
  useProduct();
  try {
    await awaitedFit(core, X, Y, 5);
  } finally {
    useFitEngine(fitEngine);
    useProduct(product);
  }
  const ref = new NeuralNetwork([60, 20, 10], opts);
  for (const start of [0, 10, 20, 0]) ref.update(ref.backward(ref.forward(X.colSlice(start, start + 10)), Y.colSlice(start, start + 10)), 0.02);
  assert.equal(fast.cost.length, 1);
  for (const [net, how] of [[fast, "engine"], [core, "core"]] as const) {
    for (let l = 1; l <= 2; l++) assertSameBits(net.W[l].data, ref.W[l].data, `${how}: W${l} after 4 steps`);
  }
});

test("fit lets the engine run without events: trainingSteps(X, Y, false) trains every epoch in its first next() and yields nothing, with the bits of the events' path and of the core", () => {
  const opts: NetworkOptions = { eta: 1, epochs: 300, randomSeed: 1 };
  const quiet = new NeuralNetwork([2, 4, 1], opts);
  const first = quiet.trainingSteps(Xx, Yx, false).next();
  assert.equal(first.done, true, "no event yielded");
  assert.equal(quiet.cost.length, 300);
  const loud = new NeuralNetwork([2, 4, 1], opts);
  let events = 0;
  for (const _ of loud.trainingSteps(Xx, Yx)) events++;
  assert.equal(events, 600, "a step and an epoch event per epoch");
  // the core's loop ignores the flag (its events are simply not read by fit)
  const core = coreOnly(() => {
    const n = new NeuralNetwork([2, 4, 1], opts);
    let k = 0;
    for (const _ of n.trainingSteps(Xx, Yx, false)) k++;
    assert.equal(k, 600);
    return n;
  });
  for (const n of [loud, core]) {
    assertSameBits(quiet.cost, n.cost, "cost");
    assertSameBits(quiet.accuracy, n.accuracy, "accuracy");
    for (let l = 1; l <= 2; l++) assertSameBits(quiet.W[l].data, n.W[l].data, `W${l}`);
  }
});

test("small networks (every product tiny) train with smallStep: the course's XOR nets and their variants give the core's and the readable loop's bits, every weight", () => {
  // which fits take smallStep: the XOR nets, small mini-batches; not softmax, not large products
  assert.deepEqual(smallCodes(new NeuralNetwork([2, 4, 1]), 4), [5, 0, 0]);
  assert.deepEqual(smallCodes(new NeuralNetwork([2, 3, 1], { activation: "tanh", outputActivation: "identity" }), 4), [5, 1, 3]);
  assert.deepEqual(smallCodes(new NeuralNetwork([2, 6, 1], { activation: "relu" }), 8), [5, 2, 0]);
  assert.equal(smallCodes(new NeuralNetwork([2, 5, 3], { loss: "cross-entropy" }), 16), undefined, "softmax output");
  assert.equal(smallCodes(new NeuralNetwork([2, 8, 4, 1]), 60), undefined, "8·2·60 multiply-adds is not tiny");
  const course: NetworkOptions = { eta: 1, epochs: 2000, randomSeed: 1 };
  for (const arch of [[2, 2, 1], [2, 3, 1], [2, 4, 1], [2, 4, 3, 1]]) {
    assertFitEqualsReadable(arch, course, Xx, Yx);
    assertFitEqualsReadable(arch, { ...course, backprop: "exact" }, Xx, Yx);
  }
  assertFitEqualsReadable([2, 4, 1], { ...course, bias: true, activation: "tanh" }, Xx, Yx);
  assertFitEqualsReadable([2, 4, 1], { ...course, eta: 0.1, activation: "relu", outputActivation: "identity", bias: true }, Xx, Yx);
  assertFitEqualsReadable([2, 4, 1], { ...course, loss: "cross-entropy", bias: true, backprop: "exact" }, Xx, Yx);
  assertFitEqualsReadable([2, 4, 1], { ...course, epochs: 300, batchSize: 3, shuffle: true }, Xx, Yx); // batches of 3 and 1
  // the events' path (a driver that reads them) takes smallStep too: same bits
  const opts: NetworkOptions = { ...course, bias: true };
  const driven = new NeuralNetwork([2, 4, 1], opts);
  for (const ev of driven.trainingSteps(Xx, Yx)) if (ev.kind === "step" && ev.epoch === 1000) driven.b[1].data[0] = 0.5; // changed at a step
  const ref = new NeuralNetwork([2, 4, 1], opts);
  for (let epoch = 1; epoch <= 2000; epoch++) {
    ref.update(ref.backward(ref.forward(Xx), Yx));
    if (epoch === 1000) ref.b[1].data[0] = 0.5;
  }
  for (let l = 1; l <= 2; l++) {
    assertSameBits(driven.W[l].data, ref.W[l].data, `driven W${l}`);
    assertSameBits(driven.b[l].data, ref.b[l].data, `driven b${l}`);
  }
});
