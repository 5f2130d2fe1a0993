import { test } from "node:test";
import assert from "node:assert/strict";
import { Matrix } from "../src/matrix";
import { sigmoid, tanh, relu, identity, softmax, getActivation, sigmoidScalar, sigmoidPrimeScalar } from "../src/activations";

const Z = Matrix.from([[-3, -0.5, 0, 0.7], [2.5, -1.2, 4, 0.1]]);

// g'(Z) checked against central finite differences of g, entry by entry
function finiteDiffPrime(g: (Z: Matrix) => Matrix, Z: Matrix, h = 1e-6): Matrix {
  return Z.map((_, i, j) => {
    const up = Z.clone().set(i, j, Z.get(i, j) + h), dn = Z.clone().set(i, j, Z.get(i, j) - h);
    return (g(up).get(i, j) - g(dn).get(i, j)) / (2 * h);
  });
}

test("sigmoid, tanh, identity: g matches the formula and g' matches finite differences", () => {
  assert.ok(sigmoid.g(Z).approxEquals(Z.map((z) => 1 / (1 + Math.exp(-z))), 1e-15));
  assert.ok(tanh.g(Z).approxEquals(Z.map(Math.tanh), 0));
  assert.ok(identity.g(Z).approxEquals(Z, 0));
  for (const act of [sigmoid, tanh, identity]) {
    assert.ok(act.gPrime(Z).maxAbsDiff(finiteDiffPrime(act.g, Z)) < 1e-9, act.name);
  }
});

test("sigmoid' = A(1 − A), the lecture's form", () => {
  const A = sigmoid.g(Z);
  assert.ok(sigmoid.gPrime(Z).approxEquals(A.mul(A.scale(-1).addScalar(1)), 1e-16));
});

test("relu and its derivative (0 at z ≤ 0), finite differences away from the kink", () => {
  assert.deepEqual(relu.g(Matrix.from([[-1, 0, 2]])).toArray(), [[0, 0, 2]]);
  assert.deepEqual(relu.gPrime(Matrix.from([[-1, 0, 2]])).toArray(), [[0, 0, 1]]);
  const Zs = Z.map((z) => (z === 0 ? 0.3 : z)); // no entry on the kink
  assert.ok(relu.gPrime(Zs).maxAbsDiff(finiteDiffPrime(relu.g, Zs)) < 1e-9);
});

test("sigmoid is stable at ±1000 (no overflow, no NaN)", () => {
  const big = Matrix.from([[-1000, 1000, -745, 745]]);
  const A = sigmoid.g(big);
  assert.deepEqual(A.toArray(), [[0, 1, 5e-324, 1]]);
  assert.ok(sigmoid.gPrime(big).data.every((v) => Number.isFinite(v) && v >= 0));
  assert.equal(sigmoidScalar(-1000), 0);
  assert.equal(sigmoidScalar(1000), 1);
  assert.equal(sigmoidScalar(0), 0.5);
  assert.equal(sigmoidPrimeScalar(0), 0.25);
  assert.ok(Math.abs(sigmoidPrimeScalar(1.3) - (sigmoidScalar(1.3 + 1e-6) - sigmoidScalar(1.3 - 1e-6)) / 2e-6) < 1e-9);
});

test("softmax: columns are distributions, stable for large Z, diagonal derivative", () => {
  const S = softmax.g(Z);
  S.T.sumRows().data.forEach((s) => assert.ok(Math.abs(s - 1) < 1e-15));
  // reference: the plain formula on each column
  const ref = Z.map((z, _i, j) => Math.exp(z) / (Math.exp(Z.get(0, j)) + Math.exp(Z.get(1, j))));
  assert.ok(S.approxEquals(ref, 1e-15));
  const huge = softmax.g(Matrix.from([[1000], [999]]));
  assert.ok(Math.abs(huge.get(0, 0) - 1 / (1 + Math.exp(-1))) < 1e-15);
  // gPrime is the Jacobian diagonal ∂A_i/∂Z_i, checked by finite differences
  assert.ok(softmax.gPrime(Z).maxAbsDiff(finiteDiffPrime(softmax.g, Z)) < 1e-9);
});

test("getActivation looks up by name and lists the known ones otherwise", () => {
  assert.equal(getActivation("tanh"), tanh);
  assert.equal(getActivation("softmax"), softmax);
  assert.throws(() => getActivation("swish"), /unknown activation "swish" \(known: sigmoid, tanh, relu, identity, softmax\)/);
  assert.throws(() => getActivation("toString"), /unknown activation/);
});
