import { test } from "node:test";
import assert from "node:assert/strict";
import { Matrix } from "../src/matrix";
import { halfSquaredError, courseCost, binaryCrossEntropy, categoricalCrossEntropy, accuracy, correctCount } from "../src/loss";

const A = Matrix.from([[0.2, 0.9], [0.7, 0.4]]);
const Y = Matrix.from([[0, 1], [1, 0]]);

test("halfSquaredError is ½Σ(A − Y)² and courseCost is √ΣE²", () => {
  // (0.2² + 0.1² + 0.3² + 0.4²)/2 = 0.15
  assert.ok(Math.abs(halfSquaredError(A, Y) - 0.15) < 1e-15);
  assert.equal(courseCost(Matrix.from([[3, -4]])), 5);
  // the two are related: courseCost(Y − A)² = 2·E
  assert.ok(Math.abs(courseCost(Y.sub(A)) ** 2 - 2 * halfSquaredError(A, Y)) < 1e-15);
});

test("binary cross-entropy sums −[y ln a + (1 − y) ln(1 − a)]", () => {
  const want = -(Math.log(0.8) + Math.log(0.9) + Math.log(0.7) + Math.log(0.6));
  assert.ok(Math.abs(binaryCrossEntropy(A, Y) - want) < 1e-14);
  assert.ok(Math.abs(binaryCrossEntropy(Matrix.from([[0.5]]), Matrix.from([[1]])) - Math.LN2) < 1e-15);
  // a saturated output stays finite
  assert.ok(Number.isFinite(binaryCrossEntropy(Matrix.from([[1, 0]]), Matrix.from([[0, 1]]))));
  assert.equal(binaryCrossEntropy(Matrix.from([[1, 0]]), Matrix.from([[1, 0]])), 0);
});

test("categorical cross-entropy sums −Σ y ln a over columns", () => {
  const P = Matrix.from([[0.25, 0.6], [0.75, 0.4]]);
  const T = Matrix.from([[0, 1], [1, 0]]);
  assert.ok(Math.abs(categoricalCrossEntropy(P, T) - -(Math.log(0.75) + Math.log(0.6))) < 1e-15);
});

test("losses check shapes and name both", () => {
  const B = Matrix.zeros(3, 2);
  assert.throws(() => halfSquaredError(A, B), { message: "halfSquaredError: A (2×2) and Y (3×2) must have the same shape" });
  assert.throws(() => binaryCrossEntropy(A, B), /binaryCrossEntropy: A \(2×2\) and Y \(3×2\)/);
  assert.throws(() => categoricalCrossEntropy(A, B), /categoricalCrossEntropy: A \(2×2\) and Y \(3×2\)/);
  assert.throws(() => accuracy(A, B), /accuracy: A \(2×2\) and Y \(3×2\)/);
});

test("accuracy: threshold 0.5 for one output row, argmax for several (0.01/0.99 targets too)", () => {
  assert.equal(accuracy(Matrix.from([[0.2, 0.6, 0.5, 0.4]]), Matrix.from([[0, 1, 0, 0]])), 0.75);
  assert.equal(accuracy(A, Y), 1); // argmax per column: [1, 0] vs [1, 0]
  const A3 = Matrix.from([[0.2, 0.9, 0.1], [0.7, 0.4, 0.3], [0.1, 0.5, 0.2]]);
  const Y3 = Matrix.from([[0, 0, 0], [1, 1, 0], [0, 0, 1]]); // column 1 wrong (0 vs 1), column 2 wrong (1 vs 2)
  assert.equal(correctCount(A3, Y3), 1);
  const Y3c = Y3.map((v) => (v === 1 ? 0.99 : 0.01));
  assert.equal(correctCount(A3, Y3c), 1);
});
