// A fit that stalls because its sigmoid output layer saturated says so once (epoch and a hint to
// lower η), and its numbers are those of the plain forward → backward → update loop.
import { test } from "node:test";
import assert from "node:assert/strict";
import { NeuralNetwork, useFitEngine, xor } from "../src/index";
import { fitEngine } from "../src/engine/index";

function warnings(f: () => void): string[] {
  const seen: string[] = [];
  const warn = console.warn;
  console.warn = (...a: unknown[]) => void seen.push(a.map(String).join(" "));
  try {
    f();
  } finally {
    console.warn = warn;
  }
  return seen;
}

for (const engine of [true, false]) {
  test(`η = 1e6 saturates XOR's sigmoid output: one warning naming the epoch and η (${engine ? "engine" : "lesson core loop"})`, () => {
    useFitEngine(engine ? fitEngine : undefined);
    try {
      const { X, Y } = xor();
      let net: NeuralNetwork | undefined;
      const seen = warnings(() => {
        net = new NeuralNetwork([2, 4, 1], { eta: 1e6, epochs: 10, randomSeed: 1 }).fit(X, Y);
      });
      assert.equal(seen.length, 1, seen.join("\n"));
      assert.match(seen[0], /^fit: training stalled at epoch 3 of 10: the output layer is saturated/);
      assert.match(seen[0], /eta = 1000000\)\. Try a smaller learning rate eta \(e\.g\. 100000\)\.$/);
      assert.deepEqual(Array.from(net!.predict(X).data), [0, 0, 0, 0]);
      // the same numbers as the readable loop, where nothing is checked
      const ref = new NeuralNetwork([2, 4, 1], { eta: 1e6, epochs: 10, randomSeed: 1 });
      const cost: number[] = [];
      for (let e = 0; e < 10; e++) {
        const cache = ref.forward(X);
        const A = cache.A[ref.L].data;
        cost.push(Math.sqrt(Array.from(Y.data).reduce((s, y, i) => s + (y - A[i]) ** 2, 0)));
        ref.update(ref.backward(cache, Y), ref.eta);
      }
      assert.deepEqual(net!.cost, cost);
      for (let l = 1; l <= ref.L; l++) assert.ok(net!.W[l].data.every((v, i) => Object.is(v, ref.W[l].data[i])), `W${l}`);
      // once per fit: a second fit says it again, once
      assert.equal(warnings(() => net!.fit(X, Y)).length, 1);
    } finally {
      useFitEngine(fitEngine);
    }
  });
}

test("a fit that learns, and one with an identity output, get no saturation warning", () => {
  const { X, Y } = xor();
  assert.deepEqual(warnings(() => new NeuralNetwork([2, 4, 1], { eta: 1, epochs: 2000, randomSeed: 1 }).fit(X, Y)), []);
  assert.deepEqual(warnings(() => new NeuralNetwork([2, 4, 1], { eta: 1e6, epochs: 10, randomSeed: 1, outputActivation: "identity" }).fit(X, Y)).filter((w) => /saturated/.test(w)), []);
});
