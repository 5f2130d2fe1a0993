// fitAsync: fit's steps (trainingSteps) driven with awaits, so a notebook's display updates and
// interrupts get in while it trains. Same bits as fit, with and without the engine.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Matrix, NeuralNetwork, NetworkOptions, Random, useFitEngine, xor, kernelSignal } from "../src/index";
import { fitEngine } from "../src/engine/index";

function randomData(rows: number, outs: number, m: number, seed: number): { X: Matrix; Y: Matrix } {
  const r = new Random(seed, "mulberry32");
  const X = new Matrix(rows, m);
  for (let i = 0; i < X.data.length; i++) X.data[i] = r.uniform();
  const Y = Matrix.filled(outs, m, 0.01);
  for (let j = 0; j < m; j++) Y.data[Math.floor(r.uniform() * outs) * m + j] = 0.99;
  return { X, Y };
}

function sameNumbers(a: NeuralNetwork, b: NeuralNetwork): void {
  for (let l = 1; l <= a.L; l++) {
    assert.ok(a.W[l].data.every((v, i) => Object.is(v, b.W[l].data[i])), `W${l} differs`);
    assert.ok(a.b[l].data.every((v, i) => Object.is(v, b.b[l].data[i])), `b${l} differs`);
  }
  assert.deepEqual(b.cost, a.cost);
  assert.deepEqual(b.accuracy, a.accuracy);
  assert.deepEqual(b.valCost, a.valCost);
}

const cases: Array<[string, number[], NetworkOptions, () => { X: Matrix; Y: Matrix }]> = [
  ["XOR, full batch", [2, 4, 1], { eta: 1, epochs: 2000, randomSeed: 1 }, () => xor()],
  ["MNIST-shaped, mini-batches, shuffled, validation", [64, 16, 10], { eta: 0.5, epochs: 4, batchSize: 10, shuffle: true, randomSeed: 3 }, () => randomData(64, 10, 300, 2)],
];

for (const engine of [true, false]) {
  for (const [name, arch, opts, data] of cases) {
    test(`fitAsync gives fit's bits: ${name} (${engine ? "engine" : "lesson core loop"})`, async () => {
      useFitEngine(engine ? fitEngine : undefined);
      try {
        const { X, Y } = data();
        const o = opts.batchSize ? { ...opts, validation: randomData(arch[0], arch.at(-1)!, 50, 9) } : opts;
        const a = new NeuralNetwork(arch, o).fit(X, Y);
        const b = new NeuralNetwork(arch, o);
        assert.equal(await b.fitAsync(X, Y, { yieldMs: 0 }), b);
        sameNumbers(a, b);
      } finally {
        useFitEngine(fitEngine);
      }
    });
  }
}

test("fitAsync lets the event loop in while it trains; fit does not", async () => {
  const { X, Y } = randomData(64, 10, 400, 5);
  const opts = { eta: 0.5, epochs: 30, batchSize: 10, randomSeed: 1 };
  let ticks = 0;
  const iv = setInterval(() => ticks++, 1);
  new NeuralNetwork([64, 32, 10], opts).fit(X, Y);
  const duringFit = ticks;
  ticks = 0;
  const t0 = Date.now();
  await new NeuralNetwork([64, 32, 10], opts).fitAsync(X, Y, { yieldMs: 5 });
  const ms = Date.now() - t0;
  clearInterval(iv);
  assert.equal(duringFit, 0);
  // at least one timer tick per ~10 ms of training (yields every 5 ms)
  assert.ok(ticks >= Math.floor(ms / 20), `${ticks} ticks in ${ms} ms`);
});

test("an aborted signal stops fitAsync at its next yield; net keeps the completed epochs", async () => {
  const { X, Y } = randomData(16, 3, 100, 1);
  const ac = new AbortController();
  const net = new NeuralNetwork([16, 8, 3], { eta: 0.5, epochs: 50, batchSize: 10, randomSeed: 1, onEpoch: (e) => e === 2 && ac.abort(new Error("interrupted")) });
  await assert.rejects(net.fitAsync(X, Y, { signal: ac.signal, yieldMs: 0 }), { name: "AbortError", message: /stopped at epoch 3: interrupted/ });
  assert.equal(net.cost.length, 2);
});

test("without a signal, fitAsync stops when the kernel's cell signal aborts (kernelSignal)", async () => {
  const key = Symbol.for("mlp-course.kernel");
  const g = globalThis as unknown as Record<symbol, unknown>;
  const ac = new AbortController();
  g[key] = { signal: () => ac.signal };
  try {
    assert.equal(kernelSignal(), ac.signal);
    const { X, Y } = randomData(16, 3, 100, 1);
    const net = new NeuralNetwork([16, 8, 3], { eta: 0.5, epochs: 50, batchSize: 10, randomSeed: 1, onEpoch: (e) => e === 1 && ac.abort(new Error("interrupted")) });
    await assert.rejects(net.fitAsync(X, Y, { yieldMs: 0 }), { name: "AbortError" });
    assert.equal(net.cost.length, 1);
  } finally {
    delete g[key];
  }
  assert.equal(kernelSignal(), undefined);
});

test("fitAsync and history come from src/notebook.ts onto NeuralNetwork's prototype, not enumerable like the class's own methods", () => {
  const net = new NeuralNetwork([2, 1]);
  const inherited: string[] = [];
  for (const k in net) inherited.push(k);
  for (const name of ["fitAsync", "history"]) {
    const d = Object.getOwnPropertyDescriptor(NeuralNetwork.prototype, name);
    assert.equal(typeof d?.value, "function", name);
    assert.equal(d?.enumerable, false, name);
    assert.ok(!inherited.includes(name), name);
  }
  assert.deepEqual(Object.getOwnPropertyDescriptor(NeuralNetwork.prototype, "fit")?.enumerable, false);
});
