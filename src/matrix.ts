// Matrix: a dense float64 matrix, row-major, shape (rows × cols).
//
// Convention for the whole course: samples are COLUMNS. X is (features × m), W^[l] is
// (n_l × n_{l−1}), so the forward pass reads Z = W·A like the lecture (symbols, names and shapes:
// NOTATION.md). Every operation that combines two matrices checks shapes and, on failure, throws an
// error that names the operation and both shapes, e.g. `matmul: (2×3)·(2×2) — inner sizes 3 and 2 differ`.

/** Formats a shape as `(r×c)`. Example: `shapeStr(M)` → `"(2×3)"`. */
export function shapeStr(M: { rows: number; cols: number }): string {
  return `(${M.rows}×${M.cols})`;
}

const describeBad = (v: number): string => (Number.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity");

/**
 * A dense matrix of float64 values stored row-major in `data`.
 * Example: `const W1 = Matrix.from([[0.1, 0.4], [0.2, 0.2], [0.3, 0]]); W1.shape // [3, 2]`
 */
export class Matrix {
  /** The shape (rows × cols), and the row-major values: entry (i, j) is `data[i * cols + j]`. */
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
  /** Wraps `data` (row-major, length rows·cols; not copied) or allocates zeros. Example: `new Matrix(2, 2, new Float64Array([1, 2, 3, 4]))` */
  constructor(rows: number, cols: number, data?: Float64Array) {
    if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
      throw new Error(`Matrix: invalid shape (${rows}×${cols}) — sizes must be non-negative integers`);
    }
    if (data !== undefined && data.length !== rows * cols) {
      throw new Error(`Matrix: data has ${data.length} values, shape (${rows}×${cols}) needs ${rows * cols}`);
    }
    this.rows = rows;
    this.cols = cols;
    this.data = data ?? new Float64Array(rows * cols);
  }

  /**
   * Builds a matrix from nested rows; a flat array gives a column vector (n×1). Ragged rows, NaN and
   * ±Infinity are rejected with their position. Example: `Matrix.from([[0, 0, 1, 1], [0, 1, 0, 1]])` (2×4)
   */
  static from(nested: number[][] | number[] | readonly (readonly number[])[] | readonly number[]): Matrix {
    if (!Array.isArray(nested)) throw new Error("Matrix.from: expected an array of rows or an array of numbers");
    if (nested.length === 0) throw new Error("Matrix.from: empty input (use Matrix.zeros(0, 0) for an empty matrix)");
    const flat = !Array.isArray(nested[0]);
    const rows = (flat ? (nested as readonly unknown[]).map((v) => [v]) : nested) as readonly unknown[];
    const c = (rows[0] as unknown[]).length;
    rows.forEach((row, i) => {
      if (!Array.isArray(row)) throw new Error(flat ? `Matrix.from: entry ${i} is an array but entry 0 is a number — mix of rows and numbers` : `Matrix.from: row ${i} is not an array`);
      if (row.length !== c) throw new Error(`Matrix.from: row ${i} has ${row.length} values, row 0 has ${c}`);
    });
    return Matrix.fromFunction(rows.length, c, (i, j) => {
      const v: unknown = (rows[i] as unknown[])[j];
      if (typeof v !== "number") throw new Error(`Matrix.from: value at (${i}, ${j}) is not a number (${typeof v}: ${String(v)})`);
      if (!Number.isFinite(v)) throw new Error(`Matrix.from: value at (${i}, ${j}) is ${describeBad(v)}`);
      return v;
    });
  }
  /** A (r×c) matrix of zeros. Example: `Matrix.zeros(3, 1)` */
  static zeros(r: number, c: number): Matrix {
    return new Matrix(r, c);
  }
  /** A (r×c) matrix with every entry v. Example: `Matrix.filled(2, 4, 0.01)` */
  static filled(r: number, c: number, v: number): Matrix {
    return Matrix.fromFunction(r, c, () => v);
  }
  /** The (n×n) identity. Example: `Matrix.identity(3)` */
  static identity(n: number): Matrix {
    return Matrix.fromFunction(n, n, (i, j) => (i === j ? 1 : 0));
  }
  /** A (r×c) matrix with entry (i, j) = f(i, j). Example: `Matrix.fromFunction(2, 2, (i, j) => i + j)` */
  static fromFunction(r: number, c: number, f: (i: number, j: number) => number): Matrix {
    const M = new Matrix(r, c);
    for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) M.data[i * c + j] = f(i, j);
    return M;
  }
  /** `[rows, cols]`, like numpy's `.shape`. Example: `X.shape // [2, 4]` */
  get shape(): [number, number] {
    return [this.rows, this.cols];
  }
  private checkIndex(op: string, i: number, j: number): void {
    if (!Number.isInteger(i) || !Number.isInteger(j) || i < 0 || j < 0 || i >= this.rows || j >= this.cols) {
      throw new Error(`${op}: index (${i}, ${j}) is outside ${shapeStr(this)}`);
    }
  }
  /** Entry (i, j), zero-based. Example: `W1.get(0, 1)` */
  get(i: number, j: number): number {
    this.checkIndex("get", i, j);
    return this.data[i * this.cols + j];
  }
  /** Sets entry (i, j) in place and returns this. Example: `W1.set(0, 1, 0.5)` */
  set(i: number, j: number, v: number): this {
    this.checkIndex("set", i, j);
    this.data[i * this.cols + j] = v;
    return this;
  }
  /** Matrix product this·B. Example: `W1.matmul(X)` is Z1 = W1·A0 */
  matmul(B: Matrix): Matrix {
    return matmul(this, B);
  }
  /** The transpose, read like the lecture's ᵀ. Example: `W2.T.matmul(E2)` is E1 = W2ᵀ·E2 */
  get T(): Matrix {
    return this.transpose();
  }
  /** The transpose as a new matrix: entry (j, i) = this(i, j). Example: `A1.transpose()` */
  transpose(): Matrix {
    const r = this.rows, c = this.cols, src = this.data, out = new Matrix(c, r);
    for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out.data[j * r + i] = src[i * c + j];
    return out;
  }
  // a new matrix of f(this[i, j], B[i, j]), once the shapes are checked
  private zip(op: string, B: Matrix, f: (a: number, b: number) => number): Matrix {
    this.checkSame(op, B);
    return this.map((v, i, j) => f(v, B.data[i * this.cols + j]));
  }
  private checkSame(op: string, B: Matrix): void {
    if (!(B instanceof Matrix)) throw new Error(`${op}: expected a Matrix, got ${typeof B}`);
    if (this.rows !== B.rows || this.cols !== B.cols) throw new Error(`${op}: shapes ${shapeStr(this)} and ${shapeStr(B)} differ`);
  }
  /** Elementwise sum this + B (same shape). Example: `Z1.add(b1full)` */
  add(B: Matrix): Matrix {
    return this.zip("add", B, (a, b) => a + b);
  }
  /** Elementwise difference this − B. Example: `Y.sub(A2)` is E2 */
  sub(B: Matrix): Matrix {
    return this.zip("sub", B, (a, b) => a - b);
  }
  /** Hadamard (elementwise) product this ⊙ B. Example: `E2.mul(sigmoid.gPrime(Z2))` is dZ2 */
  mul(B: Matrix): Matrix {
    return this.zip("mul", B, (a, b) => a * b);
  }
  /** Every entry times s. Example: `dW2.scale(eta)` */
  scale(s: number): Matrix {
    return this.map((v) => v * s);
  }
  /** Every entry plus s. Example: `A.scale(-1).addScalar(1)` is 1 − A */
  addScalar(s: number): Matrix {
    return this.map((v) => v + s);
  }
  /** Adds the column vector v (rows×1) to every column (bias broadcast). Example: `W1.matmul(X).addColumn(b1)` is Z1 = W1·A0 + b1 */
  addColumn(v: Matrix): Matrix {
    if (!(v instanceof Matrix) || v.cols !== 1 || v.rows !== this.rows) {
      throw new Error(`addColumn: ${shapeStr(this)} + ${v instanceof Matrix ? shapeStr(v) : typeof v} — the column vector must be (${this.rows}×1)`);
    }
    return this.map((x, i) => x + v.data[i]);
  }
  /** In place: this += s·B; returns this. Example: `W2.addScaledInPlace(dW2, eta)` is W2 := W2 + η·ΔW2 */
  addScaledInPlace(B: Matrix, s: number): this {
    this.checkSame("addScaledInPlace", B);
    const a = this.data, b = B.data;
    for (let k = 0; k < a.length; k++) a[k] += s * b[k];
    return this;
  }
  /** A new matrix with entry f(v, i, j). Example: `Z.map((v) => Math.max(0, v))` is ReLU */
  map(f: (v: number, i: number, j: number) => number): Matrix {
    const out = new Matrix(this.rows, this.cols), a = this.data, o = out.data, c = this.cols;
    for (let i = 0; i < this.rows; i++) for (let j = 0; j < c; j++) o[i * c + j] = f(a[i * c + j], i, j);
    return out;
  }
  /** Sum of all entries. Example: `E2.mul(E2).sum()` is ΣE² */
  sum(): number {
    let s = 0;
    for (let k = 0; k < this.data.length; k++) s += this.data[k];
    return s;
  }
  /** Sum along each row, as a (rows×1) column. Example: `dZ1.sumRows()` is the bias update db1 */
  sumRows(): Matrix {
    const out = new Matrix(this.rows, 1), a = this.data, c = this.cols;
    for (let i = 0; i < this.rows; i++) {
      let s = 0;
      for (let j = 0; j < c; j++) s += a[i * c + j];
      out.data[i] = s;
    }
    return out;
  }
  /** For each column, the row index of its largest entry (first on ties). Example: `A2.argmaxCols()` = predicted digits */
  argmaxCols(): number[] {
    const out: number[] = [], a = this.data, c = this.cols;
    for (let j = 0; j < c; j++) {
      let best = 0, bestV = -Infinity;
      for (let i = 0; i < this.rows; i++) if (a[i * c + j] > bestV) [bestV, best] = [a[i * c + j], i];
      out.push(best);
    }
    return out;
  }
  /** Row i as a (1×cols) matrix. Example: `X.row(0)` */
  row(i: number): Matrix {
    if (!Number.isInteger(i) || i < 0 || i >= this.rows) throw new Error(`row: index ${i} is outside ${shapeStr(this)}`);
    return new Matrix(1, this.cols, this.data.slice(i * this.cols, (i + 1) * this.cols));
  }
  /** Column j as a (rows×1) matrix — one sample. Example: `X.col(2)` */
  col(j: number): Matrix {
    if (!Number.isInteger(j) || j < 0 || j >= this.cols) throw new Error(`col: index ${j} is outside ${shapeStr(this)}`);
    return this.colSlice(j, j + 1);
  }
  /** Columns start..end−1 (a mini-batch of samples). Example: `X.colSlice(0, 100)` */
  colSlice(start: number, end: number): Matrix {
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > this.cols || start > end) {
      throw new Error(`colSlice: columns ${start}..${end - 1} are outside ${shapeStr(this)}`);
    }
    const w = end - start, c = this.cols, out = new Matrix(this.rows, w);
    for (let i = 0; i < this.rows; i++) out.data.set(this.data.subarray(i * c + start, i * c + end), i * w);
    return out;
  }
  /** The listed columns, in the listed order. Example: `X.selectCols([3, 0])` */
  selectCols(idx: readonly number[]): Matrix {
    const c = this.cols, w = idx.length;
    for (const j of idx) if (!Number.isInteger(j) || j < 0 || j >= c) throw new Error(`selectCols: column ${j} is outside ${shapeStr(this)}`);
    const out = new Matrix(this.rows, w), a = this.data, o = out.data;
    for (let i = 0; i < this.rows; i++) for (let k = 0; k < w; k++) o[i * w + k] = a[i * c + idx[k]];
    return out;
  }
  /** Nested plain arrays (rows of numbers). Example: `Matrix.identity(2).toArray() // [[1, 0], [0, 1]]` */
  toArray(): number[][] {
    return Array.from({ length: this.rows }, (_, i) => Array.from(this.data.subarray(i * this.cols, (i + 1) * this.cols)));
  }
  /** An independent copy. Example: `const W1before = net.W[1].clone()` */
  clone(): Matrix {
    return new Matrix(this.rows, this.cols, this.data.slice());
  }
  /** Largest |this − B| over all entries (same shape required; NaN if any difference is). Example: `A.maxAbsDiff(B) < 1e-8` */
  maxAbsDiff(B: Matrix): number {
    this.checkSame("maxAbsDiff", B);
    let m = 0;
    for (let k = 0; k < this.data.length; k++) {
      const d = Math.abs(this.data[k] - B.data[k]);
      if (d > m || Number.isNaN(d)) m = d;
    }
    return m;
  }
  /** True when shapes match and every entry differs by at most tol. Example: `A.approxEquals(B, 1e-8)` */
  approxEquals(B: Matrix, tol = 1e-12): boolean {
    return B instanceof Matrix && B.rows === this.rows && B.cols === this.cols && this.maxAbsDiff(B) <= tol;
  }

  /**
   * Compact text: a first line `Matrix (r×c)`, then rows rounded to `digits` decimals; more than 10
   * rows or columns are elided with … . Example: `console.log(W1.toString(3))`
   */
  toString(digits = 4): string {
    const pick = (n: number): (number | null)[] => (n <= 10 ? [...Array(n).keys()] : [0, 1, 2, null, n - 3, n - 2, n - 1]);
    const fmt = (v: number): string => {
      if (!Number.isFinite(v)) return String(v);
      const s = Math.abs(v) >= 1e6 ? v.toExponential(Math.max(0, digits - 1)) : v.toFixed(digits);
      return /^-0\.?0*$/.test(s) ? s.slice(1) : s;
    };
    const cells = pick(this.rows).map((i) =>
      pick(this.cols).map((j) => (i === null ? (j === null ? "⋱" : "⋮") : j === null ? "…" : fmt(this.data[i * this.cols + j]))),
    );
    const width = Math.max(1, ...cells.flat().map((s) => s.length));
    const lines = cells.map((row, k) => (k === 0 ? "[" : " ") + row.map((s) => s.padStart(width)).join(" ") + (k === cells.length - 1 ? " ]" : ""));
    return [`Matrix ${shapeStr(this)}`, ...(this.rows === 0 || this.cols === 0 ? ["[]"] : lines)].join("\n");
  }
  /** Makes `console.log(M)` (and tslab's cell output) print `toString()`. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

/** out (m×n) = a (m×k) · b (k×n) on row-major arrays: the one product every matmul goes through. */
export type Product = (out: Float64Array, a: Float64Array, b: Float64Array, m: number, k: number, n: number) => void;

/** The product by its definition: out[i, j] = 0 + a[i, 0]·b[0, j] + … + a[i, k−1]·b[k−1, j], added in that order. */
export function plainProduct(out: Float64Array, a: Float64Array, b: Float64Array, m: number, k: number, n: number): void {
  out.fill(0);
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      const aip = a[i * k + p];
      for (let j = 0; j < n; j++) out[i * n + j] += aip * b[p * n + j];
    }
  }
}

let product: Product = plainProduct;

/** Makes every matmul use `p`, which must give plainProduct's bits (src/index.ts installs the engine's); `useProduct()` restores the loops. */
export function useProduct(p?: Product): void {
  product = p ?? plainProduct;
}

/** Matrix product A·B: (n×k)·(k×m) → (n×m), entry (i, j) = Σ_p A[i, p]·B[p, j] (plainProduct). Example: `matmul(W1, A0)` is Z1 */
export function matmul(A: Matrix, B: Matrix): Matrix {
  if (!(A instanceof Matrix) || !(B instanceof Matrix)) throw new Error("matmul: both arguments must be Matrix objects");
  if (A.cols !== B.rows) throw new Error(`matmul: ${shapeStr(A)}·${shapeStr(B)} — inner sizes ${A.cols} and ${B.rows} differ`);
  const out = new Matrix(A.rows, B.cols);
  product(out.data, A.data, B.data, A.rows, A.cols, B.cols);
  return out;
}

/** Throws if M holds NaN or ±Infinity, saying where: `"fit: X: value at (1, 2) is NaN"`; returns M. Example: `checkFinite(X, "fit: X")` */
export function checkFinite(M: Matrix, what: string): Matrix {
  for (let k = 0; k < M.data.length; k++) {
    const v = M.data[k];
    if (!Number.isFinite(v)) throw new Error(`${what}: value at (${Math.floor(k / M.cols)}, ${k % M.cols}) is ${describeBad(v)}`);
  }
  return M;
}
