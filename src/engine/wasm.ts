// The fast float64 matmul: the WebAssembly SIMD kernel of ./matmul.wat, run on the calling thread
// and, for large products, also on worker threads that share its memory.
//
// One call: copy a and b into the module's memory, pack them into 4-row / 4-column panels
// (transposes are handled by the packing strides, nothing is transposed in memory), compute the
// 4×4 tiles of C, copy C back out. Operands that already live in the memory (resident arrays from
// an arena, see openArena: NeuralNetwork.fit's training buffers) skip the copies: they are packed
// from where they are, and C is written straight into its destination when it needs no padding.
//
// Work is handed out in chunks of tile rows (or columns) through an atomic counter, so the calling
// thread never waits for a worker that has not started yet or is busy elsewhere: it takes the
// remaining chunks itself, and only waits (Atomics.wait) for a worker that is in the middle of a
// chunk. Each C entry is computed by exactly one thread in the reference kernel's order, so the
// result does not depend on the number of threads.

import { Worker } from "worker_threads";
import * as os from "os";
import { MATMUL_WASM_BASE64 } from "./matmul-wasm";
import { CTRL, DATA, MAX_PAGES, MR, NR, WASM_PAGE } from "./layout";

export { MR, NR } from "./layout";
// (one const each: tslab's TypeScript 5.0 fails to emit declarations for a destructuring at module level)
const SEQ = CTRL.SEQ, ACTIVE = CTRL.ACTIVE, NEXT = CTRL.NEXT, QUIT = CTRL.QUIT, ERRORS = CTRL.ERRORS, HELPED = CTRL.HELPED, ARG = CTRL.ARG;

/** Which operands are used transposed: op(a) = aᵀ when transA, op(b) = bᵀ when transB. */
export interface MatmulOptions {
  /** a is stored k×m and used as its transpose (m×k). */
  transA?: boolean;
  /** b is stored n×k and used as its transpose (k×n). */
  transB?: boolean;
}

// The few WebAssembly JS API pieces used here, typed locally: the project's lib (es2022, no DOM)
// has no WebAssembly declarations, and declaring the global could clash where one exists.
interface WasmMemory {
  readonly buffer: ArrayBufferLike;
  grow(pages: number): number;
}
type WasmModule = object;
interface WasmApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  Memory: new (desc: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
  Instance: new (module: WasmModule, imports: object) => { exports: object };
}
const WA = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

interface Exports {
  gemm(ap: number, bp: number, c: number, k: number, np: number, ib0: number, ib1: number, jb0: number, jb1: number): void;
  pack(src: number, dst: number, count: number, k: number, w: number, rs: number, cs: number): void;
  axpy(y: number, x: number, n: number, alpha: number): void;
}

interface State {
  module: WasmModule;
  memory: WasmMemory;
  exports: Exports;
  f64: Float64Array;
  ctrl: Int32Array;
  workers: Worker[];
  maxThreads: number;
  workerError: string | null;
  /** First byte past the open arenas: each call's scratch (copies, packed panels, padded C) starts here. */
  top: number;
  /** The open arenas, innermost last. */
  arenas: Arena[];
  /** Every buffer object the memory has had (growing gives memory.buffer a new one; old views stay valid). */
  buffers: WeakSet<object>;
  /** A check for what a stopped computation left behind is scheduled (see scheduleCleanup). */
  cleanupScheduled?: boolean;
}

// Kept on globalThis so that re-running a notebook's import cell (which reloads src/) reuses the
// same memory and worker threads instead of starting new ones.
// (v2: the worker loop packs its chunks' panels, so helpers started by an older copy cannot be reused)
const STATE_KEY = Symbol.for("mlp-course.kernels.wasm.v2");
type Global = { [STATE_KEY]?: State | null };

function availableCpus(): number {
  const f = (os as unknown as { availableParallelism?: () => number }).availableParallelism;
  const n = typeof f === "function" ? f() : os.cpus().length;
  return Math.max(1, n || 1);
}

function createState(): State | null {
  if (WA === undefined || typeof SharedArrayBuffer !== "function") return null;
  try {
    const bytes = Buffer.from(MATMUL_WASM_BASE64, "base64");
    const module = new WA.Module(bytes); // throws where SIMD is not supported
    const memory = new WA.Memory({ initial: 1, maximum: MAX_PAGES, shared: true });
    const instance = new WA.Instance(module, { env: { memory } });
    return {
      module,
      memory,
      exports: instance.exports as unknown as Exports,
      f64: new Float64Array(memory.buffer),
      ctrl: new Int32Array(memory.buffer, 0, CTRL.SIZE),
      workers: [],
      maxThreads: Math.min(availableCpus(), 4),
      workerError: null,
      top: DATA,
      arenas: [],
      buffers: new WeakSet([memory.buffer]),
    };
  } catch {
    return null;
  }
}

function state(): State | null {
  const g = globalThis as Global;
  if (g[STATE_KEY] === undefined) g[STATE_KEY] = createState();
  return g[STATE_KEY] ?? null;
}

/** True when the WebAssembly SIMD kernel can run here (otherwise matmulF64 uses the reference loops). */
export function wasmAvailable(): boolean {
  return state() !== null;
}

/** Threads the fast kernel may use for large products (the calling thread included). */
export function getMatmulThreads(): number {
  return state()?.maxThreads ?? 1;
}

/**
 * Sets how many threads large products may use (1 = calling thread only). Default: the number of
 * CPUs, at most 4. Lowering it stops the extra worker threads.
 * Example: `setMatmulThreads(1)`.
 */
export function setMatmulThreads(n: number): void {
  const s = state();
  if (!s) return;
  if (!Number.isInteger(n) || n < 1) throw new Error(`setMatmulThreads: ${n} is not a positive integer`);
  s.maxThreads = n;
  if (s.workers.length > n - 1) stopWorkers(s);
}

/**
 * Worker threads started, how many chunks of products they have computed so far, and the job state:
 * jobOpen (a shared product is running, or a stopped one left its job open until the event loop's
 * next turn, see reclaimAfterStop) and helpersInJob (workers inside a job's chunk loop; 0 between jobs).
 */
export function matmulThreadStats(): { workers: number; helperChunks: number; workerError: string | null; jobOpen: boolean; helpersInJob: number } {
  const s = state();
  if (!s) return { workers: 0, helperChunks: 0, workerError: null, jobOpen: false, helpersInJob: 0 };
  const ctrl = s.ctrl;
  return {
    workers: s.workers.length,
    helperChunks: Atomics.load(ctrl, HELPED),
    workerError: s.workerError,
    jobOpen: (Atomics.load(ctrl, SEQ) & 1) === 1,
    helpersInJob: Atomics.load(ctrl, ACTIVE),
  };
}

/** Stops the worker threads (they are unref'd, so they never keep a process alive anyway). */
export function stopMatmulThreads(): void {
  const s = state();
  if (s) stopWorkers(s);
}

function stopWorkers(s: State): void {
  if (s.workers.length === 0) return;
  Atomics.store(s.ctrl, QUIT, 1);
  Atomics.add(s.ctrl, SEQ, 2); // keeps the parity, wakes every helper
  Atomics.notify(s.ctrl, SEQ);
  for (const w of s.workers) void w.terminate();
  s.workers = [];
}

// The helper thread: a copy of the chunk loop below, in plain JavaScript (eval'd, so it needs no
// TypeScript loader). It sleeps in Atomics.wait until the calling thread opens a job.
const WORKER_SOURCE = `
const { workerData } = require("worker_threads");
const { module, memory } = workerData;
const { gemm, pack } = new WebAssembly.Instance(module, { env: { memory } }).exports;
const ctrl = new Int32Array(memory.buffer, 0, ${CTRL.SIZE});
let seen = Atomics.load(ctrl, ${SEQ});
while (Atomics.load(ctrl, ${QUIT}) === 0) {
  Atomics.wait(ctrl, ${SEQ}, seen);
  const s = Atomics.load(ctrl, ${SEQ});
  if (s === seen) continue;
  seen = s;
  if ((s & 1) === 0 || Atomics.load(ctrl, ${QUIT}) !== 0) continue;
  Atomics.add(ctrl, ${ACTIVE}, 1);
  try {
    // still open? then the arguments are those of job s until ACTIVE drops back to 0
    if (Atomics.load(ctrl, ${SEQ}) === s) {
      const [ap, bp, c, k, np, nChunks, chunk, byRows, nIb, nJb, src, count, rs, cs] = ctrl.subarray(${ARG}, ${ARG + 14});
      const w = byRows ? ${MR} : ${NR}, panels = byRows ? nIb : nJb;
      for (let t = Atomics.add(ctrl, ${NEXT}, 1); t < nChunks; t = Atomics.add(ctrl, ${NEXT}, 1)) {
        const lo = t * chunk, hi = Math.min(lo + chunk, panels), r0 = lo * w;
        pack(src + r0 * rs * 8, (byRows ? ap : bp) + r0 * k * 8, Math.min(hi * w, count) - r0, k, w, rs, cs);
        if (byRows) gemm(ap, bp, c, k, np, lo, hi, 0, nJb);
        else gemm(ap, bp, c, k, np, 0, nIb, lo, hi);
        Atomics.add(ctrl, ${HELPED}, 1);
      }
    }
  } catch (e) {
    Atomics.add(ctrl, ${ERRORS}, 1);
  } finally {
    Atomics.sub(ctrl, ${ACTIVE}, 1);
    Atomics.notify(ctrl, ${ACTIVE});
  }
}
`;

function ensureWorkers(s: State, threads: number): void {
  while (s.workers.length < threads - 1) {
    let w: Worker;
    try {
      Atomics.store(s.ctrl, QUIT, 0);
      w = new Worker(WORKER_SOURCE, { eval: true, workerData: { module: s.module, memory: s.memory } });
    } catch {
      s.maxThreads = s.workers.length + 1; // no threads here: carry on with what we have
      return;
    }
    w.unref(); // never keep a notebook kernel or a script alive
    w.on("error", (e: unknown) => {
      // a helper that fails is not restarted: products go on with the threads that work
      s.workers = s.workers.filter((x) => x !== w);
      s.maxThreads = s.workers.length + 1;
      s.workerError = String(e);
    });
    s.workers.push(w);
  }
}

function ensureCapacity(s: State, bytes: number): boolean {
  const have = s.memory.buffer.byteLength;
  if (bytes <= have) return true;
  const pages = Math.ceil((bytes - have) / WASM_PAGE);
  if (have / WASM_PAGE + pages > MAX_PAGES) return false;
  s.memory.grow(pages);
  s.f64 = new Float64Array(s.memory.buffer);
  s.buffers.add(s.memory.buffer);
  return true;
}

/** True when the array's storage is the kernel's memory (an arena's array), so products can skip copying it. */
export function isResident(x: Float64Array): boolean {
  const s = state();
  return s !== null && s.buffers.has(x.buffer);
}

/**
 * A region of the kernel's memory that holds arrays for a while, e.g. NeuralNetwork.fit's training
 * buffers for the duration of a fit. Arenas nest like function calls (a fit inside another fit's
 * onEpoch opens one above the outer one); closing one makes its memory the next calls' scratch.
 */
export interface ResidentArena {
  /**
   * A zero-filled Float64Array of n entries in the kernel's memory, or, when that is not possible
   * (memory full, or another arena has been opened above this one and is still open), an ordinary
   * Float64Array: callers work with either, products are just faster with resident ones.
   */
  alloc(n: number): Float64Array;
  /** Gives the memory back: the arrays from alloc must not be used after this. Closing twice is harmless. */
  close(): void;
  /** True once closed: by close(), or reclaimed when the event loop ran while it was open (see openArena). */
  readonly closed: boolean;
}

class Arena implements ResidentArena {
  private end: number;
  closed = false;
  constructor(private readonly s: State, private readonly onReclaim: (() => void) | undefined) {
    this.end = s.top;
  }

  // closes it for reclaimAfterStop, after letting its owner save what it needs (onReclaim)
  reclaim(): void {
    if (this.closed) return;
    try {
      this.onReclaim?.();
    } catch {
      // (its owner finds the arena closed either way; nothing may escape a setImmediate callback)
    }
    this.close();
  }

  alloc(n: number): Float64Array {
    const s = this.s;
    if (this.closed) throw new Error("ResidentArena.alloc: the arena is closed");
    const start = this.end, end = round16(start + 8 * n);
    if (s.arenas[s.arenas.length - 1] !== this || end > MAX_PAGES * WASM_PAGE - 16 || !ensureCapacity(s, end)) {
      return new Float64Array(n);
    }
    this.end = s.top = end;
    // the memory may hold an earlier call's scratch: start from zeros, as a new Float64Array does
    return new Float64Array(s.memory.buffer, start, n).fill(0);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    // pop every closed arena off the top of the stack (one closed while an arena opened after it is
    // still open stays reserved until that one closes too)
    const a = this.s.arenas;
    while (a.length > 0 && a[a.length - 1].closed) a.pop();
    this.s.top = a.length > 0 ? a[a.length - 1].end : DATA;
  }
}

/**
 * Opens an arena (see ResidentArena), or returns null when the WebAssembly kernel is unavailable.
 * An arena still open when the event loop next runs a callback is reclaimed (see scheduleCleanup):
 * onReclaim is called first, so that an owner suspended across an await (the engine's fit, paused
 * at a TrainingEvent by an awaiting driver) can copy out what it keeps there; it then finds the
 * arena `closed` and opens a new one.
 */
export function openArena(onReclaim?: () => void): ResidentArena | null {
  const s = state();
  if (!s) return null;
  scheduleCleanup(s);
  const arena = new Arena(s, onReclaim);
  s.arenas.push(arena);
  return arena;
}

// Interrupting a notebook cell (or vm's timeout) terminates the running JavaScript and WebAssembly
// on the spot: no finally block runs. A fit stopped that way leaves its arena open (its memory is
// never reused) and, if it was inside a product shared with the worker threads, that job open: the
// next job would then flip the open/closed parity of SEQ and the workers would never help again.
// Jobs are only ever open during a synchronous call (matmulF64), and arenas during a synchronous
// call or a fit suspended at one of its events, so whatever is still open when the event loop next
// runs a callback was left by a stopped computation or belongs to a suspended fit: this check,
// scheduled with setImmediate when an arena or a job opens, closes it (a suspended fit's arena via
// its onReclaim, see openArena).
function scheduleCleanup(s: State): void {
  if (s.cleanupScheduled || typeof setImmediate !== "function") return;
  s.cleanupScheduled = true;
  setImmediate(() => {
    s.cleanupScheduled = false;
    reclaimAfterStop(s);
  }).unref();
}

function reclaimAfterStop(s: State): void {
  const ctrl = s.ctrl;
  if ((Atomics.load(ctrl, SEQ) & 1) === 1) {
    // a job left open: close it as runParallel's finally would, and let the helpers finish their chunk
    Atomics.store(ctrl, NEXT, 0x7fffffff);
    Atomics.add(ctrl, SEQ, 1);
    Atomics.notify(ctrl, SEQ);
    // (a chunk takes milliseconds; the bound only guards against a helper that died inside one)
    const until = Date.now() + 2000;
    for (let active = Atomics.load(ctrl, ACTIVE); active !== 0 && Date.now() < until; active = Atomics.load(ctrl, ACTIVE)) {
      Atomics.wait(ctrl, ACTIVE, active, 100);
    }
  }
  if (s.arenas.length > 0) {
    for (const a of s.arenas.slice()) a.reclaim();
    s.arenas = [];
    s.top = DATA;
  }
}

/** Options of the fast kernel: the transposes, and at most how many threads this call may use. */
export interface MatmulF64Options extends MatmulOptions {
  /** Upper bound on threads for this call (1 = calling thread only); default: setMatmulThreads's value. */
  threads?: number;
  /**
   * Follow-up work on out, called on the calling thread for blocks of rows [i0, i1) × columns
   * [j0, j1) that together cover out exactly once, each when its values are final. When worker
   * threads share the product (and out is resident and needs no padding), the blocks this thread
   * computed are handed over right after it computed them, while the workers still compute
   * theirs, and the workers' blocks after the product; otherwise one block, out as a whole, after
   * the product. For elementwise follow-ups: the activation A = g(Z) after Z = W·A, the update
   * W += η·dW after dW. Example: `{ epilogue: (i0, i1, j0, j1) => … }`.
   */
  epilogue?: Epilogue;
}

/** See MatmulF64Options.epilogue. */
export type Epilogue = (i0: number, i1: number, j0: number, j1: number) => void;

const round16 = (bytes: number) => (bytes + 15) & ~15;

/**
 * out (m×n) = op(a) · op(b) with the WebAssembly SIMD kernel. Returns false (and leaves out
 * untouched) when the kernel is unavailable or the operands do not fit its 2 GiB memory; the caller
 * then uses the plain loops. Sizes must be >= 1 and already checked (matmulF64 does).
 * Resident operands (isResident) are read in place and a resident out is written in place.
 */
export function matmulWasm(
  out: Float64Array, a: Float64Array, b: Float64Array, m: number, k: number, n: number, opts: MatmulF64Options = {},
): boolean {
  const s = state();
  if (!s) return false;
  const transA = opts.transA === true;
  const transB = opts.transB === true;
  const threads = Math.max(1, Math.min(opts.threads ?? s.maxThreads, s.maxThreads));
  // memory from s.top: [a | b] (only the operands not resident) then product()'s scratch
  const residentA = s.buffers.has(a.buffer), residentB = s.buffers.has(b.buffer);
  let free = s.top;
  const offA = residentA ? a.byteOffset : free;
  if (!residentA) free = round16(free + 8 * m * k);
  const offB = residentB ? b.byteOffset : free;
  if (!residentB) free = round16(free + 8 * k * n);
  if (free > MAX_PAGES * WASM_PAGE - 16 || !ensureCapacity(s, free)) return false;
  if (!residentA) s.f64.set(a, offA / 8);
  if (!residentB) s.f64.set(b, offB / 8);
  const residentOut = s.buffers.has(out.buffer);
  const epilogue = opts.epilogue;
  const offC = product(s, offA, offB, residentOut ? out.byteOffset : -1, free, m, k, n, transA, transB, threads, epilogue);
  if (offC < 0) return false;
  if (residentOut && offC === out.byteOffset) return true; // written in place (and the epilogue run)
  // copy C (rows of np entries) out without its padding
  const f64 = s.f64; // (product may have grown the memory: a fresh view)
  const np = Math.ceil(n / NR) * NR;
  if (np === n) {
    out.set(f64.subarray(offC / 8, offC / 8 + m * n));
  } else {
    for (let i = 0; i < m; i++) {
      const row = offC / 8 + i * np;
      out.set(f64.subarray(row, row + n), i * n);
    }
  }
  epilogue?.(0, m, 0, n);
  return true;
}

/**
 * C = op(a)·op(b) for operands in the memory at byte offsets offA and offB, with scratch from byte
 * `free` on: packed panels, and C itself unless offOut >= 0 and C needs no padding (m a multiple
 * of MR, n of NR), in which case C is written at offOut. Returns the byte offset of C (rows of
 * ceil(n / NR)·NR entries), or −1 when the memory cannot grow enough. When C is written in place,
 * the epilogue (see MatmulF64Options) has been run on all of it on return; otherwise not at all.
 */
function product(
  s: State, offA: number, offB: number, offOut: number, free: number,
  m: number, k: number, n: number, transA: boolean, transB: boolean, threads: number,
  epilogue: Epilogue | undefined,
): number {
  const nIb = Math.ceil(m / MR);
  const nJb = Math.ceil(n / NR);
  const mp = nIb * MR;
  const np = nJb * NR;
  // scratch: [packed a | packed b | C unless written in place]
  const offAp = free;
  const offBp = round16(offAp + 8 * mp * k);
  const inPlace = offOut >= 0 && mp === m && np === n;
  const offC = inPlace ? offOut : round16(offBp + 8 * np * k);
  const end = inPlace ? offBp + 8 * np * k : offC + 8 * mp * np;
  if (end > MAX_PAGES * WASM_PAGE - 16 || !ensureCapacity(s, end)) return -1;
  // op(a)[i, p] = a[i·rs + p·cs];  op(b)ᵀ[j, p] = op(b)[p, j] = b[j·rs + p·cs]
  const a: Operand = { src: offA, packed: offAp, count: m, rs: transA ? 1 : k, cs: transA ? m : 1 };
  const b: Operand = { src: offB, packed: offBp, count: n, rs: transB ? k : 1, cs: transB ? 1 : n };
  const ex = s.exports;
  if (threads === 1) {
    ex.pack(a.src, a.packed, m, k, MR, a.rs, a.cs);
    ex.pack(b.src, b.packed, n, k, NR, b.rs, b.cs);
    ex.gemm(offAp, offBp, offC, k, np, 0, nIb, 0, nJb);
    if (inPlace) epilogue?.(0, m, 0, n);
  } else {
    runParallel(s, threads, a, b, offC, k, np, nIb, nJb, inPlace ? epilogue : undefined);
  }
  return offC;
}

/** An operand of product(): its rows (of op(a), or of op(b)ᵀ) at src + (i·rs + p·cs)·8, packed at `packed`. */
interface Operand {
  src: number;
  packed: number;
  count: number;
  rs: number;
  cs: number;
}

// C is split along its longer side into chunks of tile rows (or columns), a few per thread. The
// operand shared by all chunks is packed first; each chunk then packs its own panels of the other
// one (in parallel: a thread packs what it is about to multiply) and computes its tiles. With an
// epilogue (C in place, a multiple of the tile size), this thread runs it on each chunk it computed
// right away, and on the helpers' chunks once the product is done.
function runParallel(
  s: State, threads: number, a: Operand, b: Operand, c: number, k: number, np: number, nIb: number, nJb: number,
  epilogue: Epilogue | undefined,
): void {
  ensureWorkers(s, threads);
  scheduleCleanup(s);
  const ctrl = s.ctrl;
  const ex = s.exports;
  const byRows = nIb >= nJb;
  const [whole, split] = byRows ? [b, a] : [a, b];
  const w = byRows ? MR : NR;
  ex.pack(whole.src, whole.packed, whole.count, k, byRows ? NR : MR, whole.rs, whole.cs);
  const panels = byRows ? nIb : nJb;
  const chunk = Math.max(1, Math.ceil(panels / (4 * threads)));
  const nChunks = Math.ceil(panels / chunk);
  const ap = a.packed, bp = b.packed;
  const m = a.count, n = b.count;
  // the block of C of chunks lo..hi−1 (panel numbers): [i0, i1) × [j0, j1)
  const runEpilogue = (f: Epilogue, lo: number, hi: number) => {
    if (byRows) f(lo * MR, Math.min(hi * MR, m), 0, n);
    else f(0, m, lo * NR, Math.min(hi * NR, n));
  };
  // chunks this thread computed (when there is an epilogue to run on the others afterwards)
  const mine = epilogue ? new Uint8Array(nChunks) : undefined;
  ctrl.set([ap, bp, c, k, np, nChunks, chunk, byRows ? 1 : 0, nIb, nJb, split.src, split.count, split.rs, split.cs], ARG);
  Atomics.store(ctrl, NEXT, 0);
  // open the job (odd number) and wake the helpers
  // (SEQ is even between jobs; Int32 wrap-around keeps the parity)
  Atomics.add(ctrl, SEQ, 1);
  Atomics.notify(ctrl, SEQ);
  const { gemm, pack } = ex;
  try {
    // the chunk loop, as in WORKER_SOURCE
    for (let t = Atomics.add(ctrl, NEXT, 1); t < nChunks; t = Atomics.add(ctrl, NEXT, 1)) {
      const lo = t * chunk, hi = Math.min(lo + chunk, panels), r0 = lo * w;
      pack(split.src + r0 * split.rs * 8, split.packed + r0 * k * 8, Math.min(hi * w, split.count) - r0, k, w, split.rs, split.cs);
      if (byRows) gemm(ap, bp, c, k, np, lo, hi, 0, nJb);
      else gemm(ap, bp, c, k, np, 0, nIb, lo, hi);
      if (epilogue && mine) {
        runEpilogue(epilogue, lo, hi);
        mine[t] = 1;
      }
    }
  } finally {
    // close the job (even number): a helper that wakes from now on leaves it alone ...
    // (also when the epilogue threw: no helper may still be computing when this returns)
    Atomics.store(ctrl, NEXT, nChunks);
    Atomics.add(ctrl, SEQ, 1);
    // ... and wait for the helpers still inside a chunk
    for (let active = Atomics.load(ctrl, ACTIVE); active !== 0; active = Atomics.load(ctrl, ACTIVE)) {
      Atomics.wait(ctrl, ACTIVE, active);
    }
  }
  if (Atomics.load(ctrl, ERRORS) !== 0) {
    Atomics.store(ctrl, ERRORS, 0);
    throw new Error("matmulF64: a worker thread failed while computing its part of the product");
  }
  if (epilogue && mine) {
    for (let t = 0; t < nChunks; t++) if (mine[t] === 0) runEpilogue(epilogue, t * chunk, Math.min(t * chunk + chunk, panels));
  }
}

/**
 * y := y + alpha·x entry by entry (the training update W := W + η·ΔW), the same bits as
 * `for (k…) y[k] += alpha * x[k]`, in WebAssembly SIMD when both arrays are resident (else
 * returns false and does nothing). Example: `addScaledResident(W1, dW1, eta)`.
 */
export function addScaledResident(y: Float64Array, x: Float64Array, alpha: number): boolean {
  const s = state();
  if (!s || y.length !== x.length || !s.buffers.has(y.buffer) || !s.buffers.has(x.buffer)) return false;
  s.exports.axpy(y.byteOffset, x.byteOffset, y.length, alpha);
  return true;
}

/**
 * addScaledResident on the block [i0, i1) × [j0, j1) of two resident (· × n) matrices: the update
 * W += η·dW in the epilogue of dW's product. Returns false (and does nothing) unless both are resident.
 */
export function addScaledBlockResident(
  y: Float64Array, x: Float64Array, alpha: number, n: number, i0: number, i1: number, j0: number, j1: number,
): boolean {
  const s = state();
  if (!s || y.length !== x.length || !s.buffers.has(y.buffer) || !s.buffers.has(x.buffer)) return false;
  const axpy = s.exports.axpy, yo = y.byteOffset, xo = x.byteOffset;
  if (j0 === 0 && j1 === n) axpy(yo + i0 * n * 8, xo + i0 * n * 8, (i1 - i0) * n, alpha); // whole rows: one run
  else for (let i = i0; i < i1; i++) axpy(yo + (i * n + j0) * 8, xo + (i * n + j0) * 8, j1 - j0, alpha);
  return true;
}
