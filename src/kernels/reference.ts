// The readable reference kernel: the definition of the matrix product, as plain i-k-j loops.
// The fast kernel (./wasm) is tested against it and gives the same bits, because it does the
// same operations in the same order: out[i, j] = 0 + op(a)[i, 0]·op(b)[0, j] + … + op(a)[i, k−1]·op(b)[k−1, j].

/** Which operands are used transposed: op(a) = aᵀ when transA, op(b) = bᵀ when transB. */
export interface MatmulOptions {
  /** a is stored k×m and used as its transpose (m×k). */
  transA?: boolean;
  /** b is stored n×k and used as its transpose (k×n). */
  transB?: boolean;
}

/**
 * Checks the sizes of a product out (m×n) = op(a) (m×k) · op(b) (k×n) on flat row-major arrays and
 * throws an error naming the operation, the sizes and the array that does not fit.
 * Example: `checkMatmulArgs("matmulF64", out, a, b, 2, 3, 4)`.
 */
export function checkMatmulArgs(
  op: string,
  out: Float64Array,
  a: Float64Array,
  b: Float64Array,
  m: number,
  k: number,
  n: number,
  opts: MatmulOptions = {},
): void {
  // (the messages are built only on failure: this check runs on every product of a training loop)
  if (!isSize(m) || !isSize(k) || !isSize(n)) {
    for (const [name, v] of [["m", m], ["k", k], ["n", n]] as const) {
      if (!isSize(v)) throw new Error(`${op}: ${name} = ${v} is not a size (a non-negative integer)`);
    }
  }
  if (a.length !== m * k) {
    const aShape = opts.transA ? `${k}×${m}, used transposed` : `${m}×${k}`;
    throw new Error(`${op}: a has ${a.length} entries but (${aShape}) needs ${m * k}`);
  }
  if (b.length !== k * n) {
    const bShape = opts.transB ? `${n}×${k}, used transposed` : `${k}×${n}`;
    throw new Error(`${op}: b has ${b.length} entries but (${bShape}) needs ${k * n}`);
  }
  if (out.length !== m * n) throw new Error(`${op}: out has ${out.length} entries but (${m}×${n}) needs ${m * n}`);
}

const isSize = (v: number): boolean => Number.isInteger(v) && v >= 0;

/**
 * out (m×n) = op(a) · op(b), all row-major Float64Arrays; op(a) is m×k, op(b) is k×n.
 * Plain loops, no tricks: the readable definition the fast kernels are checked against.
 * `out` must not share memory with `a` or `b`.
 * Example: `matmulReference(out, W1, A0, n1, n0, m)` computes Z1 = W1·A0.
 */
export function matmulReference(
  out: Float64Array,
  a: Float64Array,
  b: Float64Array,
  m: number,
  k: number,
  n: number,
  opts: MatmulOptions = {},
): Float64Array {
  checkMatmulArgs("matmulReference", out, a, b, m, k, n, opts);
  const transA = opts.transA === true;
  const transB = opts.transB === true;
  out.fill(0);
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      // op(a)[i, p]: a[i, p] or, transposed, a[p, i]
      const aip = transA ? a[p * m + i] : a[i * k + p];
      for (let j = 0; j < n; j++) {
        // op(b)[p, j]: b[p, j] or, transposed, b[j, p]
        const bpj = transB ? b[j * k + p] : b[p * n + j];
        out[i * n + j] += aip * bpj;
      }
    }
  }
  return out;
}
