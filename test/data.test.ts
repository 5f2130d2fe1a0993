import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Matrix } from "../src/matrix";
import { Random } from "../src/random";
import {
  xor, oneHot, moons, circles, flower, blobs, loadMnist, mnistAll, mnistDataFrame,
  readCsv, dataFrameToMatrix, matrixToDataFrame,
} from "../src/data";

const counts = (labels: number[]) => labels.reduce<Record<number, number>>((c, l) => ((c[l] = (c[l] ?? 0) + 1), c), {});

test("xor is the course's truth table", () => {
  const { X, Y } = xor();
  assert.deepEqual(X.toArray(), [[0, 0, 1, 1], [0, 1, 0, 1]]);
  assert.deepEqual(Y.toArray(), [[0, 1, 1, 0]]);
});

test("oneHot: 0/1 or the course's 0.01/0.99, label range checked", () => {
  assert.deepEqual(oneHot([2, 0], 3).toArray(), [[0, 1], [0, 0], [1, 0]]);
  assert.deepEqual(oneHot([1], 2, { on: 0.99, off: 0.01 }).toArray(), [[0.01], [0.99]]);
  assert.throws(() => oneHot([3], 3), /label 3 at position 0 is not in 0..2/);
});

test("toy sets: shapes, balanced classes, Y matches labels, seeded", () => {
  for (const [name, make] of [["moons", moons], ["circles", circles], ["flower", flower]] as const) {
    const d = make(101, { seed: 3 });
    assert.deepEqual(d.X.shape, [2, 101], name);
    assert.deepEqual(d.Y.toArray()[0], d.labels, name);
    assert.deepEqual(counts(d.labels), { 0: 50, 1: 51 }, name);
    assert.ok(make(101, { seed: 3 }).X.approxEquals(d.X, 0), `${name}: same seed, same data`);
    assert.ok(!make(101, { seed: 4 }).X.approxEquals(d.X, 1e-3), `${name}: another seed, other data`);
  }
});

test("moons and circles without noise lie exactly on their curves", () => {
  const m = moons(50, { noise: 0 });
  m.labels.forEach((l, j) => {
    const x = m.X.get(0, j), y = m.X.get(1, j);
    // class 0: unit upper half circle; class 1: centred at (1, 0.5), lower half
    const r = l === 0 ? Math.hypot(x, y) : Math.hypot(x - 1, y - 0.5);
    assert.ok(Math.abs(r - 1) < 1e-12 && (l === 0 ? y >= -1e-12 : y <= 0.5 + 1e-12));
  });
  const c = circles(40, { noise: 0, factor: 0.3 });
  c.labels.forEach((l, j) => assert.ok(Math.abs(Math.hypot(c.X.get(0, j), c.X.get(1, j)) - (l === 0 ? 1 : 0.3)) < 1e-12));
});

test("flower without noise: every point is on the rose r = 4·sin(4θ)", () => {
  const f = flower(80, { noise: 0 });
  for (let j = 0; j < 80; j++) {
    const x = f.X.get(0, j), y = f.X.get(1, j);
    const theta = Math.atan2(x, y); // x = r sin θ, y = r cos θ
    assert.ok(Math.abs(Math.hypot(x, y) - Math.abs(4 * Math.sin(4 * theta))) < 1e-9);
  }
});

test("blobs: given centers with std 0 are hit exactly; k > 2 gives one-hot Y", () => {
  const b = blobs(9, { centers: [[0, 0], [5, 5], [-3, 2]], std: 0 });
  assert.deepEqual(b.Y.shape, [3, 9]);
  assert.deepEqual(b.Y.argmaxCols(), b.labels);
  assert.deepEqual(counts(b.labels), { 0: 3, 1: 3, 2: 3 });
  const centers = [[0, 0], [5, 5], [-3, 2]];
  b.labels.forEach((l, j) => assert.deepEqual([b.X.get(0, j), b.X.get(1, j)], centers[l]));
  const two = blobs(10, { centers: 2 });
  assert.deepEqual(two.Y.shape, [1, 10]);
  assert.throws(() => blobs(10, { centers: [[0, 0]] }), /at least 2 centers/);
});

test("MNIST: all 10,000 digits read from the package files, in digit order", () => {
  const all = mnistAll();
  assert.equal(all.labels.length, 10000);
  assert.deepEqual(counts(all.labels), { 0: 1001, 1: 1127, 2: 991, 3: 1032, 4: 980, 5: 863, 6: 1014, 7: 1070, 8: 944, 9: 978 });
  assert.ok(all.pixels.every((p) => p.length === 784 && p.every((v) => v >= 0 && v <= 1)));
  // the first digit of 0.json, straight from the file
  const raw = JSON.parse(fs.readFileSync(require.resolve("mnist/src/digits/0.json"), "utf8")).data as number[];
  assert.deepEqual(Array.from(all.pixels[0]), raw.slice(0, 784));
});

test("loadMnist: fixed seeded split = permutation(10000), first train then test; one-hot 0.01/0.99 or 0/1", () => {
  const d = loadMnist({ train: 300, test: 100 });
  assert.deepEqual(d.Xtrain.shape, [784, 300]);
  assert.deepEqual(d.Ytest.shape, [10, 100]);
  const order = new Random(1).permutation(10000);
  const all = mnistAll();
  assert.deepEqual(d.ytrain, order.slice(0, 300).map((s) => all.labels[s]));
  assert.deepEqual(d.ytest, order.slice(300, 400).map((s) => all.labels[s]));
  assert.deepEqual(Array.from(d.Xtest.col(7).data), Array.from(all.pixels[order[307]]), "column j is one digit");
  assert.deepEqual(d.Ytrain.argmaxCols(), d.ytrain);
  assert.deepEqual(new Set(d.Ytrain.data), new Set([0.01, 0.99]));
  const b = loadMnist({ train: 10, test: 0, onehot: "binary" });
  assert.deepEqual(new Set(b.Ytrain.data), new Set([0, 1]));
  assert.deepEqual(b.ytrain, d.ytrain.slice(0, 10), "same seed, same order");
  assert.notDeepEqual(loadMnist({ train: 10, test: 0, seed: 2 }).ytrain, b.ytrain);
  assert.throws(() => loadMnist({ train: 9000, test: 2000 }), /adding up to at most 10000/);
});

test("mnistDataFrame: one row per digit with split, label, mean, ink (and pixels on request)", () => {
  const df = mnistDataFrame({ train: 50, test: 20 });
  assert.deepEqual(df.columns, ["split", "label", "mean", "ink"]);
  assert.equal(df.height, 70);
  const d = loadMnist({ train: 50, test: 20 });
  assert.deepEqual(df.getColumn("label").toArray(), [...d.ytrain, ...d.ytest]);
  const mean0 = d.Xtrain.col(0).sum() / 784;
  assert.ok(Math.abs((df.getColumn("mean").toArray()[0] as number) - mean0) < 1e-15);
  const withPx = mnistDataFrame({ train: 3, test: 1, pixels: true });
  assert.equal(withPx.width, 4 + 784);
  assert.deepEqual(dataFrameToMatrix(withPx, Array.from({ length: 784 }, (_, i) => `px${i}`)).colSlice(0, 3).toArray(), loadMnist({ train: 3, test: 1 }).Xtrain.toArray());
});

function tmpCsv(text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mlp-csv-"));
  const file = path.join(dir, "data.csv");
  fs.writeFileSync(file, text);
  return file;
}

test("readCsv + dataFrameToMatrix: each listed column becomes a ROW (samples stay columns)", () => {
  const df = readCsv(tmpCsv("x1,x2,label\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n"));
  assert.deepEqual(dataFrameToMatrix(df, ["x1", "x2"]).toArray(), xor().X.toArray());
  assert.deepEqual(dataFrameToMatrix(df, ["label"]).toArray(), xor().Y.toArray());
  assert.throws(() => readCsv("/no/such/file.csv"), /readCsv: no such file "\/no\/such\/file.csv"/);
});

test("dataFrameToMatrix errors: missing columns (named, with the available ones), non-numeric, null, NaN", () => {
  const df = readCsv(tmpCsv("a,b,name,gap,bad\n1,2,x,5,1.5\n3,4,y,,NaN\n"));
  assert.throws(() => dataFrameToMatrix(df, ["a", "zz", "q"]), {
    message: 'dataFrameToMatrix: missing columns "zz", "q" (available: "a", "b", "name", "gap", "bad")',
  });
  assert.throws(() => dataFrameToMatrix(df, ["name"]), { message: 'dataFrameToMatrix: column "name" is not numeric (String); row 0 has "x"' });
  assert.throws(() => dataFrameToMatrix(df, ["a", "gap"]), { message: 'dataFrameToMatrix: column "gap" has a null (missing value) in row 1' });
  assert.throws(() => dataFrameToMatrix(df, ["bad"]), { message: 'dataFrameToMatrix: column "bad" row 1 is NaN, not a finite number' });
});

test("matrixToDataFrame is the inverse (rows → named columns)", () => {
  const M = Matrix.from([[1, 2, 3], [0.5, -1, 4]]);
  const df = matrixToDataFrame(M, ["u", "v"]);
  assert.deepEqual(df.columns, ["u", "v"]);
  assert.equal(df.height, 3);
  assert.ok(dataFrameToMatrix(df, ["u", "v"]).approxEquals(M, 0));
  assert.deepEqual(matrixToDataFrame(M).columns, ["x0", "x1"]);
  assert.throws(() => matrixToDataFrame(M, ["u"]), /1 names for a \(2×3\) matrix — need one name per row \(2\)/);
});
