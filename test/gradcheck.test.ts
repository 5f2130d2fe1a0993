import { test } from "node:test";
import assert from "node:assert/strict";
import { Matrix } from "../src/matrix";
import { NeuralNetwork } from "../src/network";
import { gradientCheck, numericalGradient, relativeError } from "../src/gradcheck";
import { Random } from "../src/random";
import { xor } from "../src/data";

test("numericalGradient of known functions; M is restored", () => {
  const M = Matrix.from([[1, -2], [0.5, 3]]);
  const before = M.clone();
  // f = Σ m³ → ∂f/∂m = 3m²
  const G = numericalGradient((P) => P.data.reduce((s, v) => s + v ** 3, 0), M);
  assert.ok(G.maxAbsDiff(M.map((v) => 3 * v * v)) < 1e-8);
  assert.ok(M.approxEquals(before, 0));
  // the closure style used in lessons: f reads M itself
  const G2 = numericalGradient(() => M.get(0, 1) * M.get(1, 0), M);
  assert.ok(G2.maxAbsDiff(Matrix.from([[0, 0.5], [-2, 0]])) < 1e-9);
});

test("relativeError: 0 for equal, symmetric, shape-checked", () => {
  const A = Matrix.from([[1, 2]]), B = Matrix.from([[1, 2.002]]);
  assert.equal(relativeError(A, A), 0);
  assert.equal(relativeError(Matrix.zeros(1, 2), Matrix.zeros(1, 2)), 0);
  assert.equal(relativeError(A, B), relativeError(B, A));
  assert.ok(Math.abs(relativeError(A, B) - 0.002 / (Math.sqrt(5) + Math.hypot(1, 2.002))) < 1e-15);
  assert.throws(() => relativeError(A, Matrix.zeros(2, 1)), /relativeError: shapes \(1×2\) and \(2×1\) differ/);
});

for (const arch of [[2, 3, 1], [3, 5, 4, 2]]) {
  for (const activation of ["sigmoid", "tanh"] as const) {
    for (const bias of [false, true]) {
      test(`gradientCheck, exact rule: ${JSON.stringify(arch)} ${activation} ${bias ? "with" : "without"} bias — every relError < 1e-7`, () => {
        const rng = new Random(arch.length * 10 + (bias ? 1 : 0));
        const m = 5;
        const X = rng.randomMatrix(arch[0], m).scale(2).addScalar(-1);
        const Y = rng.randomMatrix(arch[arch.length - 1], m);
        const net = new NeuralNetwork(arch, { activation, bias, backprop: "exact", randomSeed: 2 });
        if (bias) net.setBiases(...net.b.slice(1).map((b) => rng.randomMatrix(b.rows, 1).addScalar(-0.5)));
        const W1before = net.W[1].clone();
        const rows = gradientCheck(net, X, Y);
        assert.equal(rows.length, (arch.length - 1) * (bias ? 2 : 1));
        for (const r of rows) {
          assert.ok(r.relError < 1e-7, `layer ${r.layer} ${r.param}: relError ${r.relError}`);
          assert.ok(r.maxAbsDiff < 1e-7, `layer ${r.layer} ${r.param}: maxAbsDiff ${r.maxAbsDiff}`);
        }
        assert.ok(net.W[1].approxEquals(W1before, 0), "gradientCheck leaves the weights unchanged");
      });
    }
  }
}

test("gradientCheck with cross-entropy: sigmoid output (binary) and softmax output (categorical)", () => {
  const rng = new Random(9);
  const X = rng.randomMatrix(3, 6);
  const binary = new NeuralNetwork([3, 4, 1], { loss: "cross-entropy", bias: true, activation: "tanh" });
  for (const r of gradientCheck(binary, X, Matrix.from([[0, 1, 1, 0, 1, 0]]))) assert.ok(r.relError < 1e-7, `binary ${r.layer}${r.param} ${r.relError}`);
  const soft = new NeuralNetwork([3, 5, 4], { loss: "cross-entropy", bias: true });
  assert.equal(soft.outputActivation.name, "softmax");
  const Y = Matrix.fromFunction(4, 6, (i, j) => (j % 4 === i ? 1 : 0));
  for (const r of gradientCheck(soft, X, Y)) assert.ok(r.relError < 1e-7, `softmax ${r.layer}${r.param} ${r.relError}`);
});

test("the lecture rule: its W2 update IS the true (negative) gradient, its W1 update is NOT", () => {
  const { X, Y } = xor();
  const net = new NeuralNetwork([2, 3, 1], { randomSeed: 1 });
  const E = () => net.objective(X, Y); // E = ½Σ(A2 − Y)²
  const trueW1 = numericalGradient(E, net.W[1]).scale(-1); // −∂E/∂W1
  const trueW2 = numericalGradient(E, net.W[2]).scale(-1);
  const lecture = net.backward(net.forward(X), Y, "lecture");
  const exact = net.backward(net.forward(X), Y, "exact");
  assert.ok(relativeError(lecture.dW[2], trueW2) < 1e-8, "lecture ΔW2 = −∂E/∂W2");
  assert.ok(relativeError(exact.dW[2], trueW2) < 1e-8);
  assert.ok(relativeError(exact.dW[1], trueW1) < 1e-8, "exact ΔW1 = −∂E/∂W1");
  const off = relativeError(lecture.dW[1], trueW1);
  console.log(`lecture rule ΔW1 vs −∂E/∂W1: relative error ${off.toFixed(3)}`);
  assert.ok(off > 0.1, `lecture ΔW1 should differ clearly from the gradient, relError ${off}`);
  // gradientCheck says the same per layer when asked to check the lecture rule
  const rows = gradientCheck(net, X, Y, { rule: "lecture" });
  assert.ok(rows[0].layer === 1 && rows[0].relError > 0.1);
  assert.ok(rows[1].layer === 2 && rows[1].relError < 1e-7);
});
