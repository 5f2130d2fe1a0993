// Reproduces the original Python course's numbers (shared/reference/course-notes.md), and — when
// python3 with numpy is present — the course's own training loop run in numpy, epoch by epoch.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { Matrix } from "../src/matrix";
import { NeuralNetwork } from "../src/network";
import { xor } from "../src/data";

const probe = spawnSync("python3", ["-c", "import numpy"], { encoding: "utf8" });
const NUMPY_SKIP = probe.status === 0 ? false : "python3 with numpy is not available — the numpy reference run is skipped";

test("seed 1, [2, 3, 1]: initial weights equal the course's to 1e-15", () => {
  const net = new NeuralNetwork([2, 3, 1], { randomSeed: 1 });
  const W1 = Matrix.from([
    [-0.165955990594852, 0.4406489868843162],
    [-0.9997712503653102, -0.39533485473632046],
    [-0.7064882183657739, -0.8153228104624044],
  ]);
  const W2 = Matrix.from([[-0.6274795772446582, -0.3088785459139045, -0.20646505153866013]]);
  assert.ok(net.W[1].maxAbsDiff(W1) <= 1e-15);
  assert.ok(net.W[2].maxAbsDiff(W2) <= 1e-15);
  // fit() re-seeds and draws the same weights before training
  const fresh = new NeuralNetwork([2, 3, 1], { epochs: 0 }).fit(xor().X, xor().Y);
  assert.ok(fresh.W[1].maxAbsDiff(W1) <= 1e-15 && fresh.W[2].maxAbsDiff(W2) <= 1e-15);
  // biases are drawn after (not between) the weights, so W still reproduces with bias on
  const withBias = new NeuralNetwork([2, 3, 1], { bias: true });
  assert.ok(withBias.W[1].maxAbsDiff(W1) <= 1e-15 && withBias.W[2].maxAbsDiff(W2) <= 1e-15);
  assert.deepEqual(withBias.b[1].toArray(), [[0], [0], [0]]);
});

test("2-3-2 worked example: a1, ŷ, E2, E1 to 1e-8", () => {
  const net = new NeuralNetwork([2, 3, 2]);
  net.setWeights(Matrix.from([[0.1, 0.4], [0.2, 0.2], [0.3, 0]]), Matrix.from([[0.3, 0.2, 0.1], [0.2, 0.1, 0.1]]));
  const x = Matrix.from([1, 0]), y = Matrix.from([1, 1]);
  const cache = net.forward(x);
  const grads = net.backward(cache, y); // default rule "lecture": E1 = W2ᵀ·E2
  const close = (M: Matrix, want: number[], what: string) =>
    assert.ok(M.maxAbsDiff(Matrix.from(want)) < 1e-8, `${what}: ${M.toString(8)}`);
  assert.equal(cache.A[0], x, "A0 is X itself");
  close(cache.A[1], [0.52497919, 0.549834, 0.57444252], "a1");
  close(cache.A[2], [0.58051912, 0.55414275], "ŷ = a2");
  close(grads.E[2], [0.41948088, 0.44585725], "E2");
  close(grads.E[1], [0.21501571, 0.1284819, 0.08653381], "E1");
  assert.ok(net.predict(x).approxEquals(cache.A[2], 0));
});

test("XOR [2,3,1], η = 1, 1000 epochs, seed 1: the course's printed result to three decimals", () => {
  const { X, Y } = xor();
  const net = new NeuralNetwork([2, 3, 1], { eta: 1, epochs: 1000, randomSeed: 1 });
  const yhat = net.fit(X, Y).predict(X).toArray()[0];
  console.log(`XOR predictions: ${yhat.map((v) => v.toFixed(6)).join(", ")}`);
  assert.deepEqual(yhat.map((v) => Math.round(v * 1000) / 1000), [0.048, 0.955, 0.499, 0.501]);
  assert.equal(net.cost.length, 1000);
});

// The course's class, written as the course writes it (numpy), printing cost_ and predictions.
const COURSE_PY = `
import json, sys
import numpy as np
def g(x): return 1 / (1 + np.exp(-x))
def g_prime(x): return g(x) * (1 - g(x))
arch, eta, epochs, seed, rule = json.loads(sys.argv[1])
X = np.array([[0, 0, 1, 1], [0, 1, 0, 1]]); Y = np.array([[0, 1, 1, 0]])
np.random.seed(seed)
W = [2 * np.random.random((arch[l + 1], arch[l])) - 1 for l in range(len(arch) - 1)]
L = len(W)
cost_ = []
for epoch in range(epochs):
    A = [X]; Z = [None]
    for l in range(L):
        Z.append(W[l] @ A[-1]); A.append(g(Z[-1]))
    E = [None] * (L + 1); dZ = [None] * (L + 1)
    E[L] = Y - A[L]
    for l in range(L, 0, -1):
        if l < L:
            E[l] = W[l].T @ (dZ[l + 1] if rule == "exact" else E[l + 1])
        dZ[l] = E[l] * g_prime(Z[l])
    for l in range(L, 0, -1):
        W[l - 1] += eta * dZ[l] @ A[l - 1].T
    cost_.append(float(np.sqrt(np.sum(E[L] * E[L]))))
A = X
for l in range(L): A = g(W[l] @ A)
print(json.dumps({"cost": cost_, "yhat": A.tolist(), "W": [w.tolist() for w in W]}))
`;

for (const [arch, rule, eta, epochs] of [
  [[2, 3, 1], "lecture", 1, 1000],
  [[2, 3, 1], "exact", 1, 1000],
  [[2, 4, 3, 1], "lecture", 0.5, 500],
  [[2, 4, 3, 1], "exact", 0.5, 500],
] as const) {
  test(`numpy reference: the course's loop for ${JSON.stringify(arch)}, backprop "${rule}", η ${eta}, ${epochs} epochs — every cost and weight to 1e-12`, { skip: NUMPY_SKIP }, () => {
    const r = spawnSync("python3", ["-c", COURSE_PY, JSON.stringify([arch, eta, epochs, 1, rule])], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    const ref = JSON.parse(r.stdout) as { cost: number[]; yhat: number[][]; W: number[][][] };
    const { X, Y } = xor();
    const net = new NeuralNetwork(arch.slice(), { eta, epochs, randomSeed: 1, backprop: rule }).fit(X, Y);
    assert.equal(net.cost.length, ref.cost.length);
    const worstCost = Math.max(...net.cost.map((c, k) => Math.abs(c - ref.cost[k])));
    assert.ok(worstCost < 1e-12, `cost differs by ${worstCost}`);
    ref.W.forEach((Wl, k) => assert.ok(net.W[k + 1].maxAbsDiff(Matrix.from(Wl)) < 1e-12, `W${k + 1}`));
    assert.ok(net.predict(X).maxAbsDiff(Matrix.from(ref.yhat)) < 1e-12);
  });
}
