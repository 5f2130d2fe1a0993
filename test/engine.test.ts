// The engine's matmul (WebAssembly SIMD, worker threads) against the core's plain loops (plainProduct,
// on explicitly transposed copies), and those against the definition written independently (dot
// products of rows and columns), and the numbers the TypeScript and the .wat share (layout.ts).
// No timing here: speed is `npm run bench`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { readFileSync } from "node:fs";
import { matmulF64, tinyProduct, wasmAvailable, MATMUL_THRESHOLDS } from "../src/engine/matmul";
import { addScaledBlockResident, addScaledResident, isResident, matmulWasm, matmulThreadStats, MR, NR, openArena, MatmulOptions } from "../src/engine/wasm";
import { MATMUL_WASM_BASE64 } from "../src/engine/matmul-wasm";
import { MAX_PAGES } from "../src/engine/layout";
import { plainProduct } from "../src/matrix";
import { Random } from "../src/random";

const root = resolve(__dirname, "..");

// seeded test data from the library's small generator (never Math.random)
function rng(seed: number): () => number {
  const r = new Random(seed, "mulberry32");
  return () => r.random();
}
const randomArray = (n: number, r: () => number) => Float64Array.from({ length: n }, () => 2 * r() - 1);

// the definition: out[i, j] = Σ_p op(a)[i, p] · op(b)[p, j], with op(x) built as an explicit copy
function transpose(x: Float64Array, rows: number, cols: number): Float64Array {
  const t = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = x[i * cols + j];
  return t;
}
function byDefinition(a: Float64Array, b: Float64Array, m: number, k: number, n: number, transA: boolean, transB: boolean) {
  const A = transA ? transpose(a, k, m) : a; // m×k
  const B = transB ? transpose(b, n, k) : b; // k×n
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += A[i * k + p] * B[p * n + j];
      out[i * n + j] = s;
    }
  return out;
}

// the core's product (src/matrix.ts plainProduct) with op(a), op(b) made as transposed copies:
// the bits every engine product must give
function matmulReference(out: Float64Array, a: Float64Array, b: Float64Array, m: number, k: number, n: number, opts: MatmulOptions = {}): Float64Array {
  plainProduct(out, opts.transA ? transpose(a, k, m) : a, opts.transB ? transpose(b, n, k) : b, m, k, n);
  return out;
}

/** max |x − y| / max(1, |y|) over the entries */
function maxRelDiff(x: Float64Array, y: Float64Array): number {
  assert.equal(x.length, y.length);
  let d = 0;
  for (let i = 0; i < x.length; i++) d = Math.max(d, Math.abs(x[i] - y[i]) / Math.max(1, Math.abs(y[i])));
  return d;
}

// shapes (m, k, n): 1×1, odd sizes around the 5×4 tile, the network's products for MNIST [784,100,10]
// with batch 100 (forward W1·A0, W2·A1; backward W2ᵀ·E2, dZ2·A1ᵀ, dZ1·A0ᵀ), and tall/wide cases
const SHAPES: Array<[number, number, number]> = [
  [1, 1, 1], [1, 7, 1], [1, 1, 9], [3, 1, 1], [2, 3, 2], [MR, 1, NR], [MR + 1, 3, NR + 1], [MR - 1, 2, NR - 1],
  [7, 13, 9], [11, 5, 3], [13, 17, 19], [31, 1, 33], [64, 64, 64], [101, 3, 11],
  [100, 784, 100], [10, 100, 100], [100, 10, 100], [10, 100, 100], [100, 100, 784], [784, 100, 10], [784, 10, 100],
];
const TRANS: Array<[boolean, boolean]> = [[false, false], [true, false], [false, true], [true, true]];

test("the WebAssembly kernel is committed as it builds from matmul.wat (tools/build-wasm.mjs --check)", () => {
  const r = spawnSync(process.execPath, ["tools/build-wasm.mjs", "--check"], { cwd: root, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr + r.stdout);
});

test("WebAssembly SIMD is available on this Node (otherwise matmulF64 silently uses plain loops)", () => {
  assert.equal(wasmAvailable(), true);
});

test("layout.ts and matmul.wat agree: the tile MR × NR (the module's exported globals) and the memory's maximum pages", () => {
  const WA = (globalThis as unknown as { WebAssembly: any }).WebAssembly;
  const memory = new WA.Memory({ initial: 1, maximum: MAX_PAGES, shared: true });
  const { exports } = new WA.Instance(new WA.Module(Buffer.from(MATMUL_WASM_BASE64, "base64")), { env: { memory } });
  assert.deepEqual([exports.MR.value, exports.NR.value], [MR, NR]);
  const wat = readFileSync(resolve(root, "src/engine/matmul.wat"), "utf8");
  const declared = /\(import "env" "memory" \(memory 1 (\d+) shared\)\)/.exec(wat);
  assert.ok(declared, "matmul.wat imports a shared memory");
  assert.equal(Number(declared[1]), MAX_PAGES);
});

test("the core's plainProduct (through transposed copies) agrees with the definition on random shapes, all transposes", () => {
  const r = rng(1);
  for (const [m, k, n] of SHAPES.filter(([m, k, n]) => m * k * n <= 200_000)) {
    for (const [transA, transB] of TRANS) {
      const a = randomArray(m * k, r);
      const b = randomArray(k * n, r);
      const out = matmulReference(new Float64Array(m * n), a, b, m, k, n, { transA, transB });
      const d = maxRelDiff(out, byDefinition(a, b, m, k, n, transA, transB));
      assert.ok(d <= 1e-12, `(${m}×${k})·(${k}×${n}) transA=${transA} transB=${transB}: ${d}`);
    }
  }
});

test("plainProduct: the identity leaves a matrix unchanged, on either side", () => {
  const r = rng(2);
  const x = randomArray(3 * 4, r);
  const eye = (n: number) => Float64Array.from({ length: n * n }, (_, i) => (i % (n + 1) === 0 ? 1 : 0));
  assert.deepEqual(matmulReference(new Float64Array(12), eye(3), x, 3, 3, 4), x);
  assert.deepEqual(matmulReference(new Float64Array(12), x, eye(4), 3, 4, 4), x);
});

// A worker thread takes part only once it has started (the calling thread does all the chunks until
// then), so the 2-thread tests first wait until a worker has computed some chunks.
async function workerJoined(): Promise<void> {
  const [m, k, n] = [100, 784, 100];
  const a = new Float64Array(m * k).fill(1);
  const b = new Float64Array(k * n).fill(1);
  const out = new Float64Array(m * n);
  const start = Date.now();
  while (matmulThreadStats().helperChunks === 0) {
    const { workerError } = matmulThreadStats();
    if (workerError !== null) throw new Error(`the worker thread failed: ${workerError}`);
    if (Date.now() - start > 20_000) throw new Error("no worker thread joined within 20 s");
    matmulWasm(out, a, b, m, k, n, { threads: 2 });
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

for (const threads of [1, 2]) {
  test(`WebAssembly kernel (${threads} thread${threads > 1 ? "s" : ""}) equals the reference to 1e-12 on random shapes, all transposes`, async () => {
    if (threads > 1) await workerJoined();
    const before = matmulThreadStats().helperChunks;
    const r = rng(10 + threads);
    for (const [m, k, n] of SHAPES) {
      for (const [transA, transB] of TRANS) {
        const a = randomArray(m * k, r);
        const b = randomArray(k * n, r);
        const want = matmulReference(new Float64Array(m * n), a, b, m, k, n, { transA, transB });
        const got = new Float64Array(m * n).fill(NaN);
        assert.equal(matmulWasm(got, a, b, m, k, n, { transA, transB, threads }), true);
        const d = maxRelDiff(got, want);
        assert.ok(d <= 1e-12, `(${m}×${k})·(${k}×${n}) transA=${transA} transB=${transB}: ${d}`);
      }
    }
    if (threads > 1) assert.ok(matmulThreadStats().helperChunks > before, "the worker thread computed no chunk");
  });
}

test("the WebAssembly kernel gives the reference's exact bits (same operations, same order), 1 and 2 threads", () => {
  const r = rng(3);
  for (const [m, k, n] of [[100, 784, 100], [13, 17, 19], [784, 100, 10]] as const) {
    const a = randomArray(m * k, r).map((v) => v * 1e3);
    const b = randomArray(k * n, r).map((v) => v * 1e-3);
    const want = matmulReference(new Float64Array(m * n), a, b, m, k, n);
    for (const threads of [1, 2]) {
      const got = new Float64Array(m * n);
      matmulWasm(got, a, b, m, k, n, { threads });
      assert.deepEqual(got, want);
    }
  }
});

test("matmulF64 equals the reference across its size thresholds (plain loops, 1 thread, all threads)", () => {
  const r = rng(4);
  // products just below and above each threshold, and the course's tiny XOR products
  const shapes: Array<[number, number, number]> = [
    [4, 2, 4], [1, 4, 4], [16, 16, 15], [16, 16, 16], [16, 16, 17], [124, 128, 125], [125, 128, 125], [100, 784, 100],
  ];
  assert.ok(shapes.some(([m, k, n]) => m * k * n < MATMUL_THRESHOLDS.wasm));
  assert.ok(shapes.some(([m, k, n]) => m * k * n >= MATMUL_THRESHOLDS.wasm && m * k * n < MATMUL_THRESHOLDS.threads));
  assert.ok(shapes.some(([m, k, n]) => m * k * n >= MATMUL_THRESHOLDS.threads));
  for (const [m, k, n] of shapes) {
    for (const [transA, transB] of TRANS) {
      const a = randomArray(m * k, r);
      const b = randomArray(k * n, r);
      const want = matmulReference(new Float64Array(m * n), a, b, m, k, n, { transA, transB });
      const got = matmulF64(new Float64Array(m * n), a, b, m, k, n, { transA, transB });
      assert.ok(maxRelDiff(got, want) <= 1e-12, `(${m}×${k})·(${k}×${n}) transA=${transA} transB=${transB}`);
    }
  }
});

test("matmulF64: empty products: k = 0 gives zeros, m = 0 or n = 0 gives an empty result", () => {
  const out = new Float64Array(6).fill(7);
  assert.deepEqual(matmulF64(out, new Float64Array(0), new Float64Array(0), 2, 0, 3), new Float64Array(6));
  assert.equal(matmulF64(new Float64Array(0), new Float64Array(0), new Float64Array(12), 0, 4, 3).length, 0);
  assert.equal(matmulF64(new Float64Array(0), new Float64Array(8), new Float64Array(0), 2, 4, 0).length, 0);
  assert.deepEqual(matmulReference(new Float64Array(6).fill(7), new Float64Array(0), new Float64Array(0), 2, 0, 3), new Float64Array(6));
});

test("matmulF64: NaN and Infinity propagate exactly as in the reference (padding never leaks)", () => {
  const r = rng(5);
  const [m, k, n] = [23, 31, 27];
  const a = randomArray(m * k, r);
  const b = randomArray(k * n, r);
  a[5] = Infinity;
  b[k * n - 1] = NaN;
  b[40] = -Infinity;
  const want = matmulReference(new Float64Array(m * n), a, b, m, k, n);
  for (const threads of [1, 2]) {
    const got = new Float64Array(m * n);
    matmulWasm(got, a, b, m, k, n, { threads });
    assert.deepEqual(got, want); // deepEqual treats NaN as equal to NaN, position by position
  }
});

test("matmulF64: wrong sizes name the operation, the sizes and the array", () => {
  const z = (n: number) => new Float64Array(n);
  assert.throws(() => matmulF64(z(4), z(6), z(5), 2, 3, 2), {
    message: "matmulF64: b has 5 entries but (3×2) needs 6",
  });
  assert.throws(() => matmulF64(z(4), z(5), z(6), 2, 3, 2, { transA: true }), {
    message: "matmulF64: a has 5 entries but (3×2, used transposed) needs 6",
  });
  assert.throws(() => matmulF64(z(5), z(6), z(6), 2, 3, 2), {
    message: "matmulF64: out has 5 entries but (2×2) needs 4",
  });
  assert.throws(() => matmulF64(z(4), z(6), z(6), 2, 3.5, 2), { message: /matmulF64: k = 3.5 is not a size/ });
});

test("worker threads never keep a process alive: a script using 2 threads exits by itself", () => {
  const script = `
    const { matmulF64 } = require("./src/engine/matmul");
    const m = 100, k = 784, n = 100;
    const out = new Float64Array(m * n);
    matmulF64(out, new Float64Array(m * k).fill(1), new Float64Array(k * n).fill(2), m, k, n, { threads: 2 });
    console.log(out[0]);`;
  const r = spawnSync(process.execPath, ["--import", "tsx", "-e", script], { cwd: root, encoding: "utf8", timeout: 20_000 });
  assert.equal(r.error, undefined, "the process did not exit by itself within 20 s");
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), String(2 * 784));
});

// Resident arrays (openArena): operands read where they are, C written in place when it needs no
// padding, else through scratch; every combination of resident and ordinary arrays.
test("resident operands and outputs (arena arrays): the reference's exact bits, with and without padding, 1 and 2 threads", async () => {
  await workerJoined();
  const r = rng(20);
  const arena = openArena();
  assert.ok(arena);
  try {
    for (const [m, k, n] of [[100, 784, 100], [100, 100, 784], [10, 100, 100], [13, 17, 19], [MR, 3, NR], [1, 1, 1], [784, 100, 10]] as const) {
      for (const [transA, transB] of TRANS) {
        const a = randomArray(m * k, r), b = randomArray(k * n, r);
        const want = matmulReference(new Float64Array(m * n), a, b, m, k, n, { transA, transB });
        const ra: Float64Array = arena.alloc(m * k), rb: Float64Array = arena.alloc(k * n), rout: Float64Array = arena.alloc(m * n);
        ra.set(a);
        rb.set(b);
        assert.ok(isResident(ra) && isResident(rb) && isResident(rout) && !isResident(a));
        for (const threads of [1, 2]) {
          for (const [x, y, out] of [[ra, rb, rout], [a, rb, rout], [ra, b, rout], [ra, rb, new Float64Array(m * n)]]) {
            out.fill(NaN);
            assert.equal(matmulWasm(out, x, y, m, k, n, { transA, transB, threads }), true);
            assert.deepEqual(out, want, `(${m}×${k})·(${k}×${n}) transA=${transA} transB=${transB}, ${threads} threads`);
          }
        }
        // the operands are left as they were
        assert.deepEqual(ra, a);
        assert.deepEqual(rb, b);
      }
    }
  } finally {
    arena.close();
  }
});

test("arena arrays survive the memory growing under them (a large product while they are live)", () => {
  const r = rng(21);
  const arena = openArena();
  assert.ok(arena);
  try {
    const [m, k, n] = [20, 30, 40];
    const a = arena.alloc(m * k), b = arena.alloc(k * n), out = arena.alloc(m * n);
    a.set(randomArray(m * k, r));
    b.set(randomArray(k * n, r));
    const a0 = a.slice(), b0 = b.slice();
    // scratch above the arena: a product of 2 × 16 MB operands makes the memory grow
    const big = 2_000_000;
    matmulF64(new Float64Array(1), new Float64Array(big), new Float64Array(big), 1, big, 1);
    assert.deepEqual(a, a0);
    assert.deepEqual(b, b0);
    assert.ok(isResident(a), "an array made before the growth still counts as resident");
    matmulWasm(out, a, b, m, k, n);
    assert.deepEqual(out, matmulReference(new Float64Array(m * n), a0, b0, m, k, n));
    // and new arrays come from the grown memory
    const c = arena.alloc(big);
    assert.ok(isResident(c));
    assert.equal(c.every((v) => v === 0), true, "alloc gives zeros even where scratch was");
  } finally {
    arena.close();
  }
});

test("arenas nest: an inner arena's arrays lie above the outer one's, the outer allocates ordinary arrays while it is open, closing frees", () => {
  const outer = openArena();
  assert.ok(outer);
  const x = outer.alloc(10).fill(1);
  const inner = openArena()!;
  const y = inner.alloc(10).fill(2);
  assert.ok(y.byteOffset >= x.byteOffset + 80);
  const z = outer.alloc(10); // the inner arena is open: not resident, but usable
  assert.equal(isResident(z), false);
  assert.equal(z.length, 10);
  inner.close();
  inner.close(); // harmless
  assert.throws(() => inner.alloc(1), /closed/);
  const y2 = outer.alloc(10); // resident again, where the inner arena was
  assert.equal(isResident(y2), true);
  assert.equal(y2.byteOffset, y.byteOffset);
  assert.deepEqual(x, new Float64Array(10).fill(1));
  // closed out of order: the outer's memory stays reserved until the inner one closes too
  const inner2 = openArena()!;
  const w = inner2.alloc(4);
  outer.close();
  const other = openArena()!;
  assert.ok(other.alloc(1).byteOffset > w.byteOffset);
  other.close();
  inner2.close();
  const fresh = openArena()!;
  assert.equal(fresh.alloc(1).byteOffset, x.byteOffset, "everything closed: the next arena starts where the first did");
  fresh.close();
});

test("addScaledResident and addScaledBlockResident (the update W += η·ΔW in WebAssembly) give the JavaScript loop's bits; odd lengths, blocks; false for ordinary arrays", () => {
  const r = rng(22);
  const arena = openArena()!;
  try {
    for (const n of [1, 2, 7, 784 * 100 + 1]) {
      const w = randomArray(n, r).map((v) => v * 1e3), d = randomArray(n, r).map((v) => v * 1e-5);
      w[0] = -0;
      d[n - 1] = n > 1 ? NaN : d[n - 1];
      const eta = 0.1 / 3;
      const want = w.slice();
      for (let i = 0; i < n; i++) want[i] += eta * d[i];
      const rw = arena.alloc(n), rd = arena.alloc(n);
      rw.set(w);
      rd.set(d);
      assert.equal(addScaledResident(rw, rd, eta), true);
      for (let i = 0; i < n; i++) if (!Object.is(rw[i], want[i])) assert.fail(`n = ${n}, entry ${i}: ${rw[i]} vs ${want[i]}`);
      assert.equal(addScaledResident(w, rd, eta), false);
      assert.equal(addScaledResident(rw, rd.subarray(1), eta), false);
    }
    // block by block (the epilogue form) on a 30×41 matrix: whole rows, then column ranges
    const [rows, cols] = [30, 41];
    const w = randomArray(rows * cols, r), d = randomArray(rows * cols, r);
    const want = w.slice();
    for (let i = 0; i < want.length; i++) want[i] += 0.3 * d[i];
    const rw = arena.alloc(rows * cols), rd = arena.alloc(rows * cols);
    rw.set(w);
    rd.set(d);
    assert.equal(addScaledBlockResident(rw, rd, 0.3, cols, 0, 10, 0, cols), true);
    assert.equal(addScaledBlockResident(rw, rd, 0.3, cols, 10, rows, 0, 20), true);
    assert.equal(addScaledBlockResident(rw, rd, 0.3, cols, 10, rows, 20, cols), true);
    for (let i = 0; i < want.length; i++) if (!Object.is(rw[i], want[i])) assert.fail(`block update, entry ${i}: ${rw[i]} vs ${want[i]}`);
    assert.equal(addScaledBlockResident(w, rd, 0.3, cols, 0, rows, 0, cols), false);
  } finally {
    arena.close();
  }
});

test("tinyProduct (straight-line code per shape) gives the reference's exact bits for every tiny shape tried, all transposes; larger shapes are refused", () => {
  const r = rng(23);
  const shapes: Array<[number, number, number]> = [
    [1, 1, 1], [4, 2, 4], [1, 4, 4], [4, 1, 4], [4, 4, 2], [3, 5, 7], [7, 1, 9], [1, 9, 1], [8, 8, 7], [2, 0, 3], [0, 3, 2],
  ];
  for (const [m, k, n] of shapes) {
    assert.ok(m * k * n < MATMUL_THRESHOLDS.wasm);
    for (const [transA, transB] of TRANS) {
      const a = randomArray(m * k, r).map((v) => v * 1e3);
      const b = randomArray(k * n, r).map((v) => v * 1e-3);
      if (a.length > 0) a[0] = -0;
      const want = matmulReference(new Float64Array(m * n), a, b, m, k, n, { transA, transB });
      const got = new Float64Array(m * n).fill(NaN);
      const f = tinyProduct(m, k, n, transA, transB);
      f(got, a, b);
      for (let i = 0; i < want.length; i++) {
        if (!Object.is(got[i], want[i])) assert.fail(`(${m}×${k})·(${k}×${n}) transA=${transA} transB=${transB}, entry ${i}: ${got[i]} vs ${want[i]}`);
      }
      assert.equal(tinyProduct(m, k, n, transA, transB), f, "made once per shape");
    }
  }
  assert.throws(() => tinyProduct(8, 8, 8, false, false), /not a tiny product/);
});

test("epilogue: called on blocks that cover out exactly once, each already final; with 2 threads, resident or not, padded or not, and through matmulF64's other paths", async () => {
  await workerJoined();
  const r = rng(24);
  const arena = openArena()!;
  try {
    const shapes: Array<[number, number, number]> = [[100, 784, 100], [100, 100, 784], [128, 128, 128], [13, 17, 19], [3, 2, 4], [130, 120, 130]];
    for (const [m, k, n] of shapes) {
      for (const [transA, transB] of TRANS) {
        const a = randomArray(m * k, r), b = randomArray(k * n, r);
        const want = matmulReference(new Float64Array(m * n), a, b, m, k, n, { transA, transB });
        for (const resident of [true, false]) {
          const x = resident ? arena.alloc(m * k) : a.slice(), y = resident ? arena.alloc(k * n) : b.slice();
          x.set(a);
          y.set(b);
          const out = resident ? arena.alloc(m * n) : new Float64Array(m * n);
          const seen = new Uint8Array(m * n);
          let blocks = 0;
          const epilogue = (i0: number, i1: number, j0: number, j1: number) => {
            blocks++;
            for (let i = i0; i < i1; i++) {
              for (let j = j0; j < j1; j++) {
                seen[i * n + j]++;
                if (!Object.is(out[i * n + j], want[i * n + j])) assert.fail(`(${m}×${k})·(${k}×${n}) entry ${i},${j} not final in the epilogue`);
              }
            }
          };
          for (const call of [
            () => matmulWasm(out, x, y, m, k, n, { transA, transB, threads: 2, epilogue }),
            () => matmulF64(out, x, y, m, k, n, { transA, transB, epilogue }),
          ]) {
            out.fill(NaN);
            seen.fill(0);
            blocks = 0;
            call();
            assert.ok(seen.every((c) => c === 1), `(${m}×${k})·(${k}×${n}) transA=${transA} transB=${transB} resident=${resident}: an entry not covered exactly once`);
            assert.deepEqual(out, want);
          }
          if (resident && m % MR === 0 && n % NR === 0 && m * k * n >= MATMUL_THRESHOLDS.threads) assert.ok(blocks > 1, "in place on 2 threads: block by block");
        }
      }
    }
    // an epilogue that throws: the error reaches the caller and the next product still works
    const [m, k, n] = [100, 784, 100];
    const x = arena.alloc(m * k).fill(1), y = arena.alloc(k * n).fill(1), out = arena.alloc(m * n);
    assert.throws(() => matmulWasm(out, x, y, m, k, n, { threads: 2, epilogue: () => { throw new Error("boom"); } }), /boom/);
    matmulWasm(out, x, y, m, k, n, { threads: 2 });
    assert.ok(out.every((v) => v === k));
  } finally {
    arena.close();
  }
});

test("a computation stopped mid-way (a notebook interrupt, vm's timeout: no finally runs) leaves no job or arena open, and the worker threads still help afterwards", () => {
  // What a stop leaves is checked as state, not as timing: after the event loop's next turn no job is
  // open, no helper is inside one, the next arena starts where the first did; then a product shared
  // with the worker is made to need it (this thread's epilogue waits, up to 60 s, until a helper has
  // computed a chunk; a started worker joins every job) and must give plainProduct's bits. The first
  // stop is inside such a product (its epilogue spins while the job is open), so a job is left open;
  // the others stop fits at various moments.
  const script = `
    const vm = require("vm");
    const { NeuralNetwork } = require("./src/index");
    const { Random } = require("./src/random");
    const { plainProduct } = require("./src/matrix");
    const { matmulF64, matmulThreadStats, setMatmulThreads } = require("./src/engine/matmul");
    const { openArena } = require("./src/engine/wasm");
    setMatmulThreads(2);
    const r = new Random(5);
    const X = r.randomMatrix(784, 2000), Y = r.randomMatrix(10, 2000);
    // products of 100·784·100 multiply-adds: shared with the worker thread
    globalThis.fitLong = () => new NeuralNetwork([784, 100, 10], { eta: 0.1, epochs: 1000, batchSize: 100 }).fit(X, Y);
    // 128³ multiply-adds (past the threads threshold) into a resident out: the epilogue runs per chunk
    const n = 128, a = r.randomMatrix(n, n).data, b = r.randomMatrix(n, n).data;
    const want = new Float64Array(n * n);
    plainProduct(want, a, b, n, n, n);
    const shared = (epilogue) => {
      const arena = openArena();
      try {
        const out = arena.alloc(n * n);
        matmulF64(out, a, b, n, n, n, { epilogue });
        return out.slice();
      } finally {
        arena.close();
      }
    };
    // this thread's epilogue for its chunk spins while the job is open: a stop then leaves it open (if the
    // worker took every chunk, the epilogue runs after the job closed and returns: the product just ends)
    globalThis.productStuck = () => shared(() => { while (matmulThreadStats().jobOpen); });
    const nextArena = () => { const a = openArena(); const at = a.alloc(1).byteOffset; a.close(); return at; };
    const base = nextArena();
    const results = [];
    // this thread waits in the product's epilogue (up to ms) until a helper has computed a chunk
    const waitForHelper = (ms) => {
      const h0 = matmulThreadStats().helperChunks, until = Date.now() + ms;
      return () => { while (matmulThreadStats().helperChunks === h0 && Date.now() < until); };
    };
    (async () => {
      // a worker joins the jobs opened after it started: first let it start (that takes a while under load)
      for (const until = Date.now() + 60000; matmulThreadStats().helperChunks === 0 && Date.now() < until; ) {
        shared(waitForHelper(1000));
        await new Promise((r) => setTimeout(r, 10));
      }
      const stopAt = async (what, ms) => {
        let stopped = false;
        try { vm.runInThisContext(what, { timeout: ms }); } catch (e) { stopped = /timed out/.test(String(e)); }
        const left = matmulThreadStats();
        await new Promise((r) => setImmediate(r));
        const after = matmulThreadStats();
        const arena = nextArena() - base;
        const h0 = after.helperChunks;
        const got = shared(waitForHelper(60000));
        const helped = matmulThreadStats().helperChunks - h0;
        const same = got.every((v, i) => Object.is(v, want[i]));
        return { what, ms, stopped, leftOpen: left.jobOpen, openAfter: after.jobOpen, inJobAfter: after.helpersInJob, arena, helped, same };
      };
      // stopped inside a shared product's open job (tried again while the worker took every chunk)
      let stuck, tries = 0;
      do stuck = await stopAt("productStuck()", 300);
      while (!(stuck.stopped && stuck.leftOpen) && ++tries < 20 && stuck.helped > 0);
      results.push(stuck);
      for (const ms of [120, 170, 230, 290, 350, 410, 470, 530]) {
        if (results[results.length - 1].helped === 0) break; // (the workers are lost: every later case would wait its 60 s)
        results.push(await stopAt("fitLong()", ms));
      }
      console.log(JSON.stringify(results));
    })();`;
  const r = spawnSync(process.execPath, ["--import", "tsx", "-e", script], { cwd: root, encoding: "utf8", timeout: 300_000 });
  assert.equal(r.status, 0, r.stderr);
  type Result = { what: string; ms: number; stopped: boolean; leftOpen: boolean; openAfter: boolean; inJobAfter: number; arena: number; helped: number; same: boolean };
  const results: Result[] = JSON.parse(r.stdout.trim().split("\n").pop()!);
  assert.equal(results[0].leftOpen, true, "stopped inside a shared product's epilogue, its job was open");
  for (const x of results) {
    const at = `after ${x.what} stopped at ${x.ms} ms`;
    assert.ok(x.stopped, `${at}: it was stopped`);
    assert.equal(x.openAfter, false, `${at}: no job is open on the event loop's next turn`);
    assert.equal(x.inJobAfter, 0, `${at}: no worker is inside a job`);
    assert.equal(x.arena, 0, `${at}: the next arena starts where the first did`);
    assert.ok(x.helped > 0, `${at}: the worker thread computed part of the next shared product`);
    assert.ok(x.same, `${at}: the next shared product has plainProduct's bits`);
  }
  assert.equal(results.length, 9);
});
