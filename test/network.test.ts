import { test } from "node:test";
import assert from "node:assert/strict";
import { Matrix } from "../src/matrix";
import { NeuralNetwork } from "../src/network";
import "../src/notebook"; // net.history()
import { sigmoid } from "../src/activations";
import { Random } from "../src/random";
import { xor, moons } from "../src/data";

const { X, Y } = xor();

test("layer indexing: index 0 is empty except A[0] = X; shapes follow netArch", () => {
  const net = new NeuralNetwork([2, 4, 3, 1]);
  assert.equal(net.L, 3);
  assert.deepEqual(net.W.map((W) => W.shape), [[0, 0], [4, 2], [3, 4], [1, 3]]);
  const cache = net.forward(X);
  assert.equal(cache.A[0], X);
  assert.deepEqual(cache.Z.map((Z) => Z.shape), [[0, 0], [4, 4], [3, 4], [1, 4]]);
  const g = net.backward(cache, Y);
  for (const k of ["E", "dZ", "dW", "db"] as const) assert.deepEqual(g[k][0].shape, [0, 0], `${k}[0]`);
  assert.deepEqual(g.dW.map((W) => W.shape), net.W.map((W) => W.shape));
});

test("forward is the lecture's Z = W·A, A = g(Z), layer by layer", () => {
  const net = new NeuralNetwork([2, 3, 1]);
  const c = net.forward(X);
  const Z1 = net.W[1].matmul(X), A1 = sigmoid.g(Z1), Z2 = net.W[2].matmul(A1);
  assert.ok(c.Z[1].approxEquals(Z1, 0) && c.A[1].approxEquals(A1, 0) && c.Z[2].approxEquals(Z2, 0));
  assert.ok(net.predict(X).approxEquals(sigmoid.g(Z2), 0));
});

test("backward and update are the course's training step, written out by hand", () => {
  const net = new NeuralNetwork([2, 3, 1], { eta: 0.7 });
  const W1 = net.W[1].clone(), W2 = net.W[2].clone();
  // the course: E2 = Y − A2; E1 = W2ᵀ E2; dZ2 = E2·g'(Z2); dZ1 = E1·g'(Z1); W += η dZ Aᵀ
  const Z1 = W1.matmul(X), A1 = sigmoid.g(Z1), Z2 = W2.matmul(A1), A2 = sigmoid.g(Z2);
  const E2 = Y.sub(A2), E1 = W2.T.matmul(E2);
  const dZ2 = E2.mul(sigmoid.gPrime(Z2)), dZ1 = E1.mul(sigmoid.gPrime(Z1));
  const g = net.backward(net.forward(X), Y);
  assert.ok(g.E[2].approxEquals(E2, 0) && g.E[1].approxEquals(E1, 0));
  assert.ok(g.dZ[2].approxEquals(dZ2, 0) && g.dZ[1].approxEquals(dZ1, 0));
  net.update(g);
  assert.ok(net.W[2].approxEquals(W2.add(dZ2.matmul(A1.T).scale(0.7)), 1e-15));
  assert.ok(net.W[1].approxEquals(W1.add(dZ1.matmul(X.T).scale(0.7)), 1e-15));
  // the exact rule differs only in E1 = W2ᵀ·dZ2
  const ge = new NeuralNetwork([2, 3, 1]).backward(new NeuralNetwork([2, 3, 1]).forward(X), Y, "exact");
  assert.ok(ge.E[1].approxEquals(W2.T.matmul(dZ2), 0));
});

test("both backprop rules learn XOR with [2, 4, 1], η = 1, 5000 epochs", () => {
  for (const backprop of ["lecture", "exact"] as const) {
    const net = new NeuralNetwork([2, 4, 1], { eta: 1, epochs: 5000, backprop }).fit(X, Y);
    const yhat = net.predict(X).toArray()[0];
    assert.deepEqual(yhat.map((v) => (v > 0.5 ? 1 : 0)), [0, 1, 1, 0], `${backprop}: ${yhat}`);
    assert.ok(net.cost[4999] < net.cost[0] / 10, `${backprop}: cost fell`);
    assert.equal(net.accuracy[4999], 1);
  }
});

test("fit returns this, re-seeds (same result twice), records one cost per epoch and calls onEpoch", () => {
  const seen: [number, number][] = [];
  const net = new NeuralNetwork([2, 3, 1], { eta: 1, epochs: 20, onEpoch: (e, c) => seen.push([e, c]) });
  assert.equal(net.fit(X, Y), net);
  const first = net.W[1].clone();
  net.fit(X, Y);
  assert.ok(net.W[1].approxEquals(first, 0), "fit starts from the seeded weights every time");
  assert.equal(net.cost.length, 20);
  assert.equal(seen.length, 40);
  assert.deepEqual(seen[20], [1, net.cost[0]]);
  // full batch: cost[epoch] = √ΣE² of that epoch's forward pass, before its update
  const fresh = new NeuralNetwork([2, 3, 1]);
  assert.equal(net.cost[0], Math.sqrt(Y.sub(fresh.predict(X)).data.reduce((s, e) => s + e * e, 0)));
});

test("mini-batch: batchSize m divides by m (= full batch with η/m); batchSize 1 is SGD sample by sample", () => {
  const m = X.cols;
  const batch = new NeuralNetwork([2, 3, 1], { eta: 2, epochs: 30, batchSize: m }).fit(X, Y);
  const full = new NeuralNetwork([2, 3, 1], { eta: 2 / m, epochs: 30 }).fit(X, Y);
  assert.ok(batch.W[1].approxEquals(full.W[1], 1e-15) && batch.W[2].approxEquals(full.W[2], 1e-15));
  assert.ok(Math.abs(batch.cost[29] - full.cost[29]) < 1e-14);
  // SGD: one update per sample, in column order, each with η/1
  const sgd = new NeuralNetwork([2, 3, 1], { eta: 0.5, epochs: 3, batchSize: 1 }).fit(X, Y);
  const hand = new NeuralNetwork([2, 3, 1], { eta: 0.5 });
  const costs: number[] = [];
  for (let e = 0; e < 3; e++) {
    let sq = 0;
    for (let j = 0; j < m; j++) {
      const g = hand.backward(hand.forward(X.col(j)), Y.col(j));
      sq += g.E[2].get(0, 0) ** 2;
      hand.update(g, 0.5);
    }
    costs.push(Math.sqrt(sq));
  }
  assert.ok(sgd.W[1].approxEquals(hand.W[1], 0) && sgd.W[2].approxEquals(hand.W[2], 0));
  assert.deepEqual(sgd.cost, costs, "mini-batch cost: √ of ΣE² over the epoch's batches, each before its update");
  // a last batch smaller than batchSize is divided by its own size
  const three = new NeuralNetwork([2, 3, 1], { eta: 0.9, epochs: 1, batchSize: 3 }).fit(X, Y);
  const h3 = new NeuralNetwork([2, 3, 1], { eta: 0.9 });
  h3.update(h3.backward(h3.forward(X.colSlice(0, 3)), Y.colSlice(0, 3)), 0.9 / 3);
  h3.update(h3.backward(h3.forward(X.colSlice(3, 4)), Y.colSlice(3, 4)), 0.9 / 1);
  assert.ok(three.W[1].approxEquals(h3.W[1], 0));
});

test("shuffle: seeded per-epoch order — reproducible, and different from no shuffle", () => {
  const d = moons(40, { seed: 2 });
  const opts = { eta: 1, epochs: 5, batchSize: 8, shuffle: true };
  const a = new NeuralNetwork([2, 5, 1], opts).fit(d.X, d.Y);
  const b = new NeuralNetwork([2, 5, 1], opts).fit(d.X, d.Y);
  const c = new NeuralNetwork([2, 5, 1], { ...opts, shuffle: false }).fit(d.X, d.Y);
  assert.deepEqual(a.cost, b.cost);
  assert.notDeepEqual(a.cost, c.cost);
});

test("bias: b is zero after init, trained when on, and absent (0×0) when off", () => {
  const net = new NeuralNetwork([2, 4, 1], { bias: true, eta: 1, epochs: 50 });
  assert.deepEqual(net.b.map((b) => b.shape), [[0, 0], [4, 1], [1, 1]]);
  assert.equal(net.b[1].sum(), 0);
  net.fit(X, Y);
  assert.ok(net.b[1].data.some((v) => v !== 0));
  assert.deepEqual(new NeuralNetwork([2, 4, 1]).b[1].shape, [0, 0]);
  assert.throws(() => new NeuralNetwork([2, 4, 1]).setBiases(Matrix.zeros(4, 1), Matrix.zeros(1, 1)), /bias: false/);
});

test("setWeights checks count and shapes and copies", () => {
  const net = new NeuralNetwork([2, 3, 1]);
  const W1 = Matrix.filled(3, 2, 0.1), W2 = Matrix.filled(1, 3, 0.2);
  net.setWeights(W1, W2);
  W1.set(0, 0, 9);
  assert.equal(net.W[1].get(0, 0), 0.1);
  assert.throws(() => net.setWeights(W1), /netArch \[2,3,1\] has 2 weight matrices, got 1/);
  assert.throws(() => net.setWeights(Matrix.zeros(2, 3), W2), { message: "setWeights: W1 is (2×3) but netArch [2,3,1] needs (3×2)" });
  assert.throws(() => net.setWeights(W1, W2.clone().set(0, 1, NaN)), { message: "setWeights: W2: value at (0, 1) is NaN" });
});

test("shape errors in fit/predict/forward name both shapes", () => {
  const net = new NeuralNetwork([2, 3, 1]);
  assert.throws(() => net.predict(Matrix.zeros(3, 4)), /predict: X is \(3×4\) but netArch \[2,3,1\] expects 2 rows/);
  assert.throws(() => net.forward(Matrix.zeros(4, 2)), /forward: X is \(4×2\)/);
  assert.throws(() => net.fit(Matrix.zeros(2, 4), Matrix.zeros(2, 4)), /fit: Y is \(2×4\) but netArch \[2,3,1\] has 1 output rows/);
  assert.throws(() => net.fit(Matrix.zeros(2, 4), Matrix.zeros(1, 3)), { message: "fit: X (2×4) and Y (1×3) have different numbers of samples (columns)" });
  assert.throws(() => net.backward(net.forward(X), Matrix.zeros(1, 3)), /backward: Y \(1×3\) and the output A2 \(1×4\) differ in shape/);
});

test("NaN / Infinity input: the error names the matrix, row and column", () => {
  const net = new NeuralNetwork([2, 3, 1]);
  const Xbad = X.clone().set(1, 2, NaN);
  assert.throws(() => net.fit(Xbad, Y), { message: "fit: X: value at (1, 2) is NaN" });
  assert.throws(() => net.predict(Xbad), { message: "predict: X: value at (1, 2) is NaN" });
  assert.throws(() => net.fit(X, Y.clone().set(0, 3, Infinity)), { message: "fit: Y: value at (0, 3) is Infinity" });
});

test("divergence: a non-finite cost stops training, naming the epoch and suggesting a smaller η", () => {
  const rng = new Random(4);
  const Xr = rng.randomMatrix(1, 20).scale(10), Yr = Xr.scale(3);
  const net = new NeuralNetwork([1, 8, 1], { activation: "tanh", outputActivation: "identity", eta: 5, epochs: 1000 });
  let err: Error | undefined;
  try {
    net.fit(Xr, Yr);
  } catch (e) {
    err = e as Error;
  }
  assert.ok(err, "training must not finish");
  assert.match(err.message, /^fit: the cost became (NaN|Infinity) at epoch \d+ of 1000 \(eta = 5\): training diverged — try a smaller learning rate eta \(e\.g\. 0\.5\)$/);
  const epoch = Number(/epoch (\d+)/.exec(err.message)![1]);
  assert.equal(net.cost.length, epoch - 1, "costs up to the failing epoch are kept");
  assert.ok(net.cost.every(Number.isFinite));
  // the same problem trains with a small η
  const ok = new NeuralNetwork([1, 8, 1], { activation: "tanh", outputActivation: "identity", eta: 1e-4, epochs: 200 }).fit(Xr, Yr);
  assert.ok(ok.cost[199] < ok.cost[0]);
});

test("option validation and pairing of output activation with loss", () => {
  assert.throws(() => new NeuralNetwork([2]), /at least 2 positive integer layer sizes/);
  assert.throws(() => new NeuralNetwork([2, 0, 1]), /positive integer/);
  assert.throws(() => new NeuralNetwork([2, 1], { eta: -1 }), /eta must be a positive number/);
  assert.throws(() => new NeuralNetwork([2, 1], { batchSize: 0 }), /batchSize must be a positive integer/);
  assert.throws(() => new NeuralNetwork([2, 1], { outputActivation: "softmax" }), /softmax" needs loss "cross-entropy"/);
  assert.throws(() => new NeuralNetwork([2, 1], { loss: "cross-entropy", outputActivation: "identity" }), /needs outputActivation "sigmoid" or "softmax"/);
  assert.throws(() => new NeuralNetwork([2, 1], { activation: "gelu" as "relu" }), /activation must be/);
  assert.equal(new NeuralNetwork([2, 3], { loss: "cross-entropy" }).outputActivation.name, "softmax");
  assert.equal(new NeuralNetwork([2, 1], { loss: "cross-entropy" }).outputActivation.name, "sigmoid");
});

test("history: a polars DataFrame with epoch, cost, accuracy and validation, read from what fit recorded", () => {
  const train = moons(60, { seed: 1 }), val = moons(40, { seed: 2 });
  const net = new NeuralNetwork([2, 6, 1], { eta: 0.5, epochs: 15, bias: true, validation: { X: val.X, Y: val.Y } }).fit(train.X, train.Y);
  const df = net.history({ accuracy: true });
  assert.deepEqual(df.columns, ["epoch", "cost", "accuracy", "val_cost", "val_accuracy"]);
  assert.equal(df.height, 15);
  assert.deepEqual(df.getColumn("epoch").toArray(), Array.from({ length: 15 }, (_, k) => k + 1));
  assert.deepEqual(df.getColumn("cost").toArray(), net.cost);
  assert.deepEqual(df.getColumn("accuracy").toArray(), net.accuracy);
  assert.deepEqual(df.getColumn("val_accuracy").toArray(), net.valAccuracy);
  assert.deepEqual(new NeuralNetwork([2, 1]).fit(train.X, train.Y).history().columns, ["epoch", "cost"]);
});

test("history never trains again: asked for the accuracy on other data it says to use validation, and fit runs once", () => {
  const train = moons(60, { seed: 1 }), val = moons(40, { seed: 2 });
  let epochs = 0;
  const net = new NeuralNetwork([2, 6, 1], { eta: 0.5, epochs: 15, onEpoch: () => epochs++ }).fit(train.X, train.Y);
  assert.equal(epochs, 15);
  assert.throws(() => net.history({ accuracy: true, X: val.X, Y: val.Y }), /history: it does not train again .*validation: \{ X, Y \}/);
  assert.equal(epochs, 15, "no epoch ran after fit");
});

test("toString and console.log summary", () => {
  const net = new NeuralNetwork([2, 3, 1], { eta: 1, epochs: 2 }).fit(X, Y);
  assert.match(String(net), /^NeuralNetwork \[2, 3, 1\] sigmoid\/sigmoid, sse, lecture rule, eta 1, epochs 2, trained 2 epochs, last cost /);
});
