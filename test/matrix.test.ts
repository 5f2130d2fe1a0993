import { test } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import { Matrix, matmul, checkFinite, plainProduct, useProduct } from "../src/matrix";
import { product } from "../src/engine/matmul";
import { Random } from "../src/random";

// reference product: the textbook triple loop on nested arrays
function naiveProduct(A: number[][], B: number[][]): number[][] {
  return A.map((row) => B[0].map((_, j) => row.reduce((s, a, p) => s + a * B[p][j], 0)));
}

test("Matrix.from: nested rows, flat array → column vector, shape and get", () => {
  const M = Matrix.from([[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(M.shape, [2, 3]);
  assert.equal(M.get(1, 2), 6);
  assert.deepEqual(Array.from(M.data), [1, 2, 3, 4, 5, 6]); // row-major
  const v = Matrix.from([1, 0]);
  assert.deepEqual(v.shape, [2, 1]);
  assert.deepEqual(v.toArray(), [[1], [0]]);
});

test("Matrix.from: ragged rows, NaN and Infinity are rejected with their position", () => {
  assert.throws(() => Matrix.from([[1, 2, 3], [4, 5]]), { message: "Matrix.from: row 1 has 2 values, row 0 has 3" });
  assert.throws(() => Matrix.from([[1, 2, 3], [4, 5, NaN]]), { message: "Matrix.from: value at (1, 2) is NaN" });
  assert.throws(() => Matrix.from([[1, -Infinity]]), { message: "Matrix.from: value at (0, 1) is -Infinity" });
  assert.throws(() => Matrix.from([1, Infinity]), { message: "Matrix.from: value at (1, 0) is Infinity" });
  assert.throws(() => Matrix.from([]), /empty input/);
});

test("constructors: zeros, filled, identity, fromFunction", () => {
  assert.deepEqual(Matrix.zeros(2, 1).toArray(), [[0], [0]]);
  assert.deepEqual(Matrix.filled(1, 3, 0.01).toArray(), [[0.01, 0.01, 0.01]]);
  assert.deepEqual(Matrix.identity(2).toArray(), [[1, 0], [0, 1]]);
  assert.deepEqual(Matrix.fromFunction(2, 3, (i, j) => 10 * i + j).toArray(), [[0, 1, 2], [10, 11, 12]]);
  assert.deepEqual(Matrix.zeros(0, 0).shape, [0, 0]);
});

test("get/set check their index", () => {
  const M = Matrix.zeros(2, 2);
  M.set(1, 0, 7);
  assert.equal(M.get(1, 0), 7);
  assert.throws(() => M.get(2, 0), /get: index \(2, 0\) is outside \(2×2\)/);
  assert.throws(() => M.set(0, -1, 1), /set: index \(0, -1\) is outside \(2×2\)/);
});

test("matmul agrees with the naive triple loop on random shapes (plain-loop and WebAssembly sizes)", () => {
  const rng = new Random(5);
  for (const [n, k, m] of [[1, 1, 1], [3, 2, 4], [7, 40, 5], [5, 64, 33], [10, 3, 50], [100, 784, 100]]) {
    const A = rng.randomMatrix(n, k).addScalar(-0.5), B = rng.randomMatrix(k, m).addScalar(-0.5);
    const ref = Matrix.from(naiveProduct(A.toArray(), B.toArray()));
    assert.ok(matmul(A, B).maxAbsDiff(ref) < 1e-13, `(${n}×${k})·(${k}×${m})`);
    assert.ok(A.matmul(B).approxEquals(ref, 1e-13));
  }
});

test("shape errors name the operation and both shapes", () => {
  const A = Matrix.zeros(2, 3), B = Matrix.zeros(2, 2), C = Matrix.zeros(3, 2);
  assert.throws(() => matmul(A, B), { message: "matmul: (2×3)·(2×2) — inner sizes 3 and 2 differ" });
  assert.throws(() => A.matmul(B), /matmul: \(2×3\)·\(2×2\)/);
  assert.throws(() => A.add(C), { message: "add: shapes (2×3) and (3×2) differ" });
  assert.throws(() => A.sub(C), { message: "sub: shapes (2×3) and (3×2) differ" });
  assert.throws(() => A.mul(C), { message: "mul: shapes (2×3) and (3×2) differ" });
  assert.throws(() => A.addColumn(Matrix.zeros(3, 1)), /addColumn: \(2×3\) \+ \(3×1\)/);
  assert.throws(() => A.maxAbsDiff(C), /maxAbsDiff: shapes \(2×3\) and \(3×2\) differ/);
});

test("matmul gives plainProduct's exact bits with the engine's product installed and without it, transposes by .T included", () => {
  const rng = new Random(6);
  // tiny (plain loops), medium (WebAssembly, 1 thread) and the MNIST forward product (all threads)
  for (const [n, k, m] of [[4, 2, 4], [1, 4, 4], [13, 17, 19], [100, 784, 100]]) {
    const A = rng.randomMatrix(n, k).addScalar(-0.5), B = rng.randomMatrix(k, m).addScalar(-0.5);
    const want = new Float64Array(n * m).fill(7); // old contents must be overwritten
    plainProduct(want, A.data, B.data, n, k, m);
    assert.deepEqual(matmul(A, B).data, want); // (the plain loops: this file does not load the engine)
    useProduct(product);
    try {
      assert.deepEqual(matmul(A, B).data, want);
      assert.deepEqual(matmul(A.T.T, B.T.T).data, want);
    } finally {
      useProduct();
    }
  }
});

test("transpose and .T", () => {
  const M = Matrix.from([[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(M.T.toArray(), [[1, 4], [2, 5], [3, 6]]);
  assert.deepEqual(M.transpose().T.toArray(), M.toArray());
});

test("elementwise and scalar ops, in-place scaled add, map", () => {
  const A = Matrix.from([[1, 2], [3, 4]]), B = Matrix.from([[0.5, -1], [2, 0]]);
  assert.deepEqual(A.add(B).toArray(), [[1.5, 1], [5, 4]]);
  assert.deepEqual(A.sub(B).toArray(), [[0.5, 3], [1, 4]]);
  assert.deepEqual(A.mul(B).toArray(), [[0.5, -2], [6, 0]]);
  assert.deepEqual(A.scale(2).toArray(), [[2, 4], [6, 8]]);
  assert.deepEqual(A.addScalar(-1).toArray(), [[0, 1], [2, 3]]);
  assert.deepEqual(A.map((v, i, j) => v * 10 + i - j).toArray(), [[10, 19], [31, 40]]);
  assert.deepEqual(A.addColumn(Matrix.from([10, 20])).toArray(), [[11, 12], [23, 24]]);
  const C = A.clone();
  assert.equal(C.addScaledInPlace(B, 2), C);
  assert.deepEqual(C.toArray(), [[2, 0], [7, 4]]);
  assert.deepEqual(A.toArray(), [[1, 2], [3, 4]], "clone is independent; ops do not mutate");
});

test("sums and argmax", () => {
  const M = Matrix.from([[1, 5, 3], [4, 2, 6]]);
  assert.equal(M.sum(), 21);
  assert.deepEqual(M.sumRows().toArray(), [[9], [12]]);
  assert.deepEqual(M.T.sumRows().toArray(), [[5], [7], [9]]);
  assert.deepEqual(M.argmaxCols(), [1, 0, 1]);
  assert.deepEqual(Matrix.from([[1, 1], [1, 0]]).argmaxCols(), [0, 0], "first index on ties");
});

test("col, row, colSlice, selectCols", () => {
  const M = Matrix.from([[1, 2, 3, 4], [5, 6, 7, 8]]);
  assert.deepEqual(M.col(2).toArray(), [[3], [7]]);
  assert.deepEqual(M.row(1).toArray(), [[5, 6, 7, 8]]);
  assert.deepEqual(M.colSlice(1, 3).toArray(), [[2, 3], [6, 7]]);
  assert.deepEqual(M.colSlice(2, 2).shape, [2, 0]);
  assert.deepEqual(M.selectCols([3, 0]).toArray(), [[4, 1], [8, 5]]);
  assert.throws(() => M.colSlice(3, 5), /colSlice: columns 3..4 are outside \(2×4\)/);
  assert.throws(() => M.selectCols([4]), /selectCols: column 4 is outside \(2×4\)/);
  assert.throws(() => M.col(4), /col: index 4 is outside/);
});

test("approxEquals and maxAbsDiff", () => {
  const A = Matrix.from([[1, 2]]), B = Matrix.from([[1, 2 + 1e-10]]);
  assert.equal(A.approxEquals(B), false);
  assert.equal(A.approxEquals(B, 1e-9), true);
  assert.equal(A.approxEquals(Matrix.from([1, 2])), false, "different shape is not equal");
  assert.ok(Math.abs(A.maxAbsDiff(B) - 1e-10) < 1e-15);
});

test("toString: shape line, rounded rows, elision; console.log uses it", () => {
  const M = Matrix.from([[0.123456, -2], [3, -0.00001]]);
  const s = M.toString(3);
  const lines = s.split("\n");
  assert.equal(lines[0], "Matrix (2×2)");
  assert.match(lines[1], /0\.123 +-2\.000/);
  assert.match(lines[2], /3\.000 +0\.000 \]$/, "−0.000 is shown as 0.000");
  const big = Matrix.fromFunction(50, 40, (i, j) => i + j / 100);
  const bs = big.toString(2).split("\n");
  assert.equal(bs[0], "Matrix (50×40)");
  assert.equal(bs.length, 1 + 7, "3 rows, an elision row, 3 rows");
  assert.ok(bs[1].includes("…") && bs[4].includes("⋮"));
  assert.ok(bs[7].includes("49.39"));
  assert.equal(inspect(M), M.toString());
});

test("checkFinite says which matrix and where", () => {
  const M = Matrix.zeros(2, 3);
  assert.equal(checkFinite(M, "X"), M);
  M.data[5] = NaN;
  assert.throws(() => checkFinite(M, "fit: X"), { message: "fit: X: value at (1, 2) is NaN" });
  M.data[5] = Infinity;
  assert.throws(() => checkFinite(M, "Y"), { message: "Y: value at (1, 2) is Infinity" });
});
