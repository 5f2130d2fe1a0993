// Matrix-product kernels on flat row-major Float64Arrays, for Matrix.matmul to plug in.
//
//   matmulReference  the readable definition (plain i-k-j loops)
//   matmulF64        the fast one: picks by size between those loops (tiny products), the
//                    WebAssembly SIMD kernel on the calling thread, and the same kernel on all
//                    threads; every path gives the same bits as matmulReference.
//
// Both compute out (m×n) = op(a)·op(b), op(x) = x or xᵀ, without materialising a transpose, which
// covers the network's three products: forward W·A, backward Wᵀ·dZ (transA) and dZ·Aᵀ (transB).

import { checkMatmulArgs, matmulReference, MatmulOptions } from "./reference";
import { matmulWasm, MatmulF64Options } from "./wasm";

export { matmulReference, checkMatmulArgs } from "./reference";
export type { MatmulOptions } from "./reference";
export { wasmAvailable, getMatmulThreads, setMatmulThreads, stopMatmulThreads, matmulThreadStats } from "./wasm";
export type { MatmulF64Options } from "./wasm";

/**
 * Size thresholds of matmulF64, in multiply-adds (m·k·n), from `node --import tsx bench/thresholds.ts`
 * on a 2-vCPU AMD EPYC with Node 20: below `wasm` the plain loops win (the course's XOR products,
 * 32 multiply-adds: 0.3 µs plain vs 0.7 µs through WebAssembly; 8×8·8×8: 3.4 vs 1.4 µs);
 * from `threads` on, waking the worker threads pays (measured on a busy machine: to be re-measured
 * idle; 10×100·100×100 = 100,000 stays on one thread, 100×784·784×100 uses all).
 */
export const MATMUL_THRESHOLDS = { wasm: 512, threads: 400_000 };

/**
 * out (m×n) = op(a) · op(b) on row-major Float64Arrays, fast; returns out.
 * Same result, bit for bit, as `matmulReference` (same operations in the same order).
 * `out` may share memory with `a` or `b` only for products past `MATMUL_THRESHOLDS.wasm`;
 * do not rely on it.
 * Examples: Z1 = W1·A0: `matmulF64(Z1, W1, A0, n1, n0, m)`;
 * E1 = W2ᵀ·E2: `matmulF64(E1, W2, E2, n1, n2, m, { transA: true })`;
 * ΔW1 = dZ1·A0ᵀ: `matmulF64(dW1, dZ1, A0, n1, m, n0, { transB: true })`.
 */
export function matmulF64(
  out: Float64Array,
  a: Float64Array,
  b: Float64Array,
  m: number,
  k: number,
  n: number,
  opts: MatmulF64Options = {},
): Float64Array {
  checkMatmulArgs("matmulF64", out, a, b, m, k, n, opts);
  if (m === 0 || n === 0) return out;
  if (k === 0) return out.fill(0); // an empty sum
  const size = m * k * n;
  if (size >= MATMUL_THRESHOLDS.wasm) {
    const threads = size >= MATMUL_THRESHOLDS.threads ? opts.threads : 1;
    if (matmulWasm(out, a, b, m, k, n, { transA: opts.transA, transB: opts.transB, threads })) return out;
  }
  const ref: MatmulOptions = { transA: opts.transA, transB: opts.transB };
  return matmulReference(out, a, b, m, k, n, ref);
}
