// NeuralNetwork.fit runs the allocation-free training step of src/train.ts. Its reference is the
// readable code students see: a loop of net.forward → net.backward → net.update written here from
// fit's documentation. Every weight, bias, cost and accuracy must be the SAME float64 (Object.is:
// bit for bit, ±0 and NaN included), not merely close.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Matrix } from "../src/matrix";
import { NeuralNetwork, NetworkOptions } from "../src/network";
import { Random } from "../src/random";
import { blobs, moons, xor } from "../src/data";
import { binaryCrossEntropy, categoricalCrossEntropy, correctCount } from "../src/loss";
import { matmulThreadStats, MATMUL_THRESHOLDS } from "../src/kernels/index";
import { TrainingBuffers, countCorrect, gatherColumns, trainStep } from "../src/train";

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
  // W1·A0 with batch 50 is 100·200·50 = 1,000,000 multiply-adds: past the threads threshold
  assert.ok(100 * 200 * 50 >= MATMUL_THRESHOLDS.threads);
  assertFitEqualsReadable(arch, { eta: 0.1, epochs: 3, batchSize: 50, shuffle: true, randomSeed: 12 }, X, Y);
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
  const A = r.randomMatrix(3, 50), Y = r.randomMatrix(3, 50);
  A.data[7] = A.data[7 + 50]; // a tie: the first row wins in both
  assert.equal(countCorrect(A, Y), correctCount(A, Y));
  const a1 = r.randomMatrix(1, 50), y1 = r.randomMatrix(1, 50);
  assert.equal(countCorrect(a1, y1), correctCount(a1, y1));
  assert.ok(correctCount(A, Y) > 0 && correctCount(a1, y1) > 0); // the comparison is not vacuous
});
