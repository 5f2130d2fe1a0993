// The numbers the engine's TypeScript (wasm.ts, its worker threads) and its WebAssembly module
// (matmul.wat) must agree on, in one place. matmul.wat exports its tile sizes as globals and
// declares its memory's maximum; test/engine.test.ts checks both against this file.

/** The register tile of matmul.wat's gemm: a tile of C is MR rows × NR columns (panels of 4). */
export const MR = 4;
export const NR = 4;

/** WebAssembly page size, and the memory's maximum in pages as matmul.wat declares it (2 GiB). */
export const WASM_PAGE = 65536;
export const MAX_PAGES = 32768;

/**
 * The control block: Int32 slots at the start of the shared memory, through which the calling
 * thread hands chunks of a product to the worker threads (wasm.ts, runParallel and WORKER_SOURCE).
 */
export const CTRL = {
  /** job number: odd = open for helpers, even = closed */
  SEQ: 0,
  /** helpers currently inside a job */
  ACTIVE: 1,
  /** next chunk to take */
  NEXT: 2,
  /** set to 1 to stop the helpers */
  QUIT: 3,
  /** chunks that threw in a helper */
  ERRORS: 4,
  /** chunks computed by helpers so far (a statistic for tests and benchmarks) */
  HELPED: 5,
  /**
   * first of the open job's 14 arguments: ap, bp, c, k, np, nChunks, chunk, byRows, nIb, nJb, then
   * where the chunks' own panels are packed from: src, count, rs, cs
   */
  ARG: 8,
  /** Int32 slots in the block */
  SIZE: 24,
} as const;

/** First byte used for matrices (arenas first, then each call's scratch); below it: the control block. */
export const DATA = 1024;
