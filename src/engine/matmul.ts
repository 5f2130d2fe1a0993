// The engine's matrix products on flat row-major Float64Arrays.
//
//   matmulF64    out = op(a)·op(b), fast: by size, plain loops (tiny products), the WebAssembly SIMD
//                kernel on the calling thread, or the same kernel on all threads; every path gives
//                the bits of the core's plainProduct (src/matrix.ts): the same multiply-adds in the
//                same order, out[i, j] = 0 + op(a)[i, 0]·op(b)[0, j] + … + op(a)[i, k−1]·op(b)[k−1, j].
//   tinyProduct  for one fixed tiny shape, a function of straight-line code (no loops), for a
//                training loop that does the same tiny products thousands of times.
//   product      matmulF64 in the core's Product signature: what src/index.ts installs for matmul.
//
// op(x) = x or xᵀ, read in place (never copied), which covers the network's three products:
// forward W·A, backward Wᵀ·dZ (transA) and dZ·Aᵀ (transB).

import type { Product } from "../matrix";
import { matmulWasm, MatmulF64Options, MatmulOptions } from "./wasm";

export { wasmAvailable, getMatmulThreads, setMatmulThreads, stopMatmulThreads, matmulThreadStats } from "./wasm";
export type { MatmulF64Options, MatmulOptions } from "./wasm";

/**
 * Checks the sizes of a product out (m×n) = op(a) (m×k) · op(b) (k×n) on flat row-major arrays and
 * throws an error naming the operation, the sizes and the array that does not fit.
 * Example: `checkMatmulArgs("matmulF64", out, a, b, 2, 3, 4)`.
 */
export function checkMatmulArgs(
  op: string, out: Float64Array, a: Float64Array, b: Float64Array, m: number, k: number, n: number, opts: MatmulOptions = {},
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

/** matmulF64 as the core's Product (no transposes): what src/index.ts installs with useProduct. */
export const product: Product = (out, a, b, m, k, n) => void matmulF64(out, a, b, m, k, n);

/**
 * Size thresholds of matmulF64, in multiply-adds (m·k·n), from `node --import tsx bench/thresholds.ts`
 * on a 2-vCPU AMD EPYC with Node 20 (shared with other jobs; two runs, load average ~0.3-1; medians
 * of 5, which still vary up to 2× between runs):
 * - wasm: below it the plain loops win (4×2·2×4, 32 multiply-adds: 0.1 µs plain vs 0.6 µs through
 *   WebAssembly, whose per-call copies and packing dominate); 8×8·8×8 (512): 2.0 vs 0.8 µs.
 *   (fit's own tiny products use tinyProduct's straight-line code below it.)
 * - threads: with the 4×4 kernel one thread is faster up to 100×100·100×100 = 1,000,000 (114 µs on
 *   1 thread, 152-167 µs on 2: waking the worker and the serial copies cost more than the split
 *   saves); 128³ = 2,097,152 is about even (368 vs 264, 377 vs 345 µs); 100×784·784×100 and
 *   100×100·100×784 (7,840,000) go either way in these copying calls (933 vs 1008, 870 vs 687 µs),
 *   while inside fit, whose operands are resident (no copies), two threads do pay for them. So the
 *   MNIST-sized products use both threads and the network's small products (100,000) one.
 */
export const MATMUL_THRESHOLDS = { wasm: 512, threads: 2_000_000 };

/**
 * out (m×n) = op(a) · op(b) on row-major Float64Arrays, fast; returns out.
 * Same result, bit for bit, as the core's plainProduct (same operations in the same order).
 * `out` must not share memory with `a` or `b`.
 * Examples: Z1 = W1·A0: `matmulF64(Z1, W1, A0, n1, n0, m)`;
 * E1 = W2ᵀ·E2: `matmulF64(E1, W2, E2, n1, n2, m, { transA: true })`;
 * ΔW1 = dZ1·A0ᵀ: `matmulF64(dW1, dZ1, A0, n1, m, n0, { transB: true })`.
 */
export function matmulF64(
  out: Float64Array, a: Float64Array, b: Float64Array, m: number, k: number, n: number, opts: MatmulF64Options = NO_OPTIONS,
): Float64Array {
  checkMatmulArgs("matmulF64", out, a, b, m, k, n, opts);
  if (m === 0 || n === 0) return out;
  const epilogue = opts.epilogue;
  const size = m * k * n;
  const transA = opts.transA === true, transB = opts.transB === true;
  if (k === 0) out.fill(0); // an empty sum
  else if (size < MATMUL_THRESHOLDS.wasm) matmulSmall(out, a, b, m, k, n, transA, transB);
  else {
    // below the threads threshold: the calling thread only (a constant options object: no allocation per call)
    const oneThread = epilogue ? { ...opts, threads: 1 } : ONE_THREAD[transA ? 1 : 0][transB ? 1 : 0];
    const wasmOpts = size >= MATMUL_THRESHOLDS.threads ? opts : oneThread;
    if (matmulWasm(out, a, b, m, k, n, wasmOpts)) return out; // (it runs the epilogue)
    // no WebAssembly here (or the operands do not fit its memory): the plain loops
    matmulSmall(out, a, b, m, k, n, transA, transB);
  }
  epilogue?.(0, m, 0, n);
  return out;
}

const NO_OPTIONS: MatmulF64Options = {};
const ONE_THREAD: ReadonlyArray<ReadonlyArray<MatmulF64Options>> = [
  [{ threads: 1 }, { transB: true, threads: 1 }],
  [{ transA: true, threads: 1 }, { transA: true, transB: true, threads: 1 }],
];

/**
 * The plain-loop path of matmulF64 (tiny products, or no WebAssembly): out[i, j] = Σ_p op(a)[i, p]·op(b)[p, j]
 * summed from 0 in the order p = 0, 1, …, k−1 — plainProduct's operations in its
 * order, so the same bits — with the transposes decided once outside the loops (the course's XOR
 * products are called 50,000 times per 10,000-epoch fit). Sizes are already checked and k >= 1.
 * Exported for bench/thresholds.ts. Example: `matmulSmall(out, a, b, 4, 2, 4, false, false)`.
 */
export function matmulSmall(
  out: Float64Array, a: Float64Array, b: Float64Array, m: number, k: number, n: number, transA: boolean, transB: boolean,
): Float64Array {
  // op(a)[i, p] = a[i·ars + p·acs], op(b)[p, j] = b[p·brs + j·bcs]
  const ars = transA ? 1 : k, acs = transA ? m : 1;
  const brs = transB ? 1 : n, bcs = transB ? k : 1;
  for (let i = 0; i < m; i++) {
    const ai = i * ars;
    for (let j = 0; j < n; j++) {
      const bj = j * bcs;
      let s = 0;
      for (let p = 0; p < k; p++) s += a[ai + p * acs] * b[p * brs + bj];
      out[i * n + j] = s;
    }
  }
  return out;
}

/** out = op(a)·op(b) for the one shape a tinyProduct was made for. */
export type TinyProduct = (out: Float64Array, a: Float64Array, b: Float64Array) => void;

const tinyProducts = new Map<string, TinyProduct>();

/**
 * A function computing out (m×n) = op(a)·op(b) for this one shape, written out as straight-line
 * code: for 4×2·2×4,
 *   out[0] = 0 + a[0] * b[0] + a[1] * b[4];
 *   out[1] = 0 + a[0] * b[1] + a[1] * b[5];  …
 * Each sum is evaluated left to right, 0 + term 0 + term 1 + …, plainProduct's operations in its
 * order, so the same bits. matmulSmall's loops cost more than the arithmetic at these sizes: their
 * trip counts (1 to 16) change from call to call, and the XOR network's five products per epoch
 * took ~450 ns through them against ~100 ns written out.  The code is generated once per shape
 * (with `new Function`, cached); only for products below MATMUL_THRESHOLDS.wasm multiply-adds.
 * Sizes are not checked when it runs: the caller guarantees a, b and out have the shape's lengths.
 * Example: `const f = tinyProduct(4, 2, 4, false, false); f(Z1, W1, A0)`.
 */
export function tinyProduct(m: number, k: number, n: number, transA: boolean, transB: boolean): TinyProduct {
  if (!isSize(m) || !isSize(k) || !isSize(n) || m * k * n >= MATMUL_THRESHOLDS.wasm) {
    throw new Error(`tinyProduct: (${m}×${k})·(${k}×${n}) is not a tiny product (at most ${MATMUL_THRESHOLDS.wasm - 1} multiply-adds)`);
  }
  const key = `${m} ${k} ${n} ${transA} ${transB}`;
  let f = tinyProducts.get(key);
  if (f === undefined) {
    // op(a)[i, p] = a[i·ars + p·acs], op(b)[p, j] = b[p·brs + j·bcs]
    const ars = transA ? 1 : k, acs = transA ? m : 1;
    const brs = transB ? 1 : n, bcs = transB ? k : 1;
    const lines: string[] = [];
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let sum = "0";
        for (let p = 0; p < k; p++) sum += ` + a[${i * ars + p * acs}] * b[${p * brs + j * bcs}]`;
        lines.push(`out[${i * n + j}] = ${sum};`);
      }
    }
    try {
      f = new Function("out", "a", "b", `"use strict";\n${lines.join("\n")}`) as TinyProduct;
    } catch {
      // no code generation allowed here (a content security policy): the plain loops
      f = (out, a, b) => void matmulSmall(out, a, b, m, k, n, transA, transB);
    }
    tinyProducts.set(key, f);
  }
  return f;
}

const isSize = (v: number): boolean => Number.isInteger(v) && v >= 0;
