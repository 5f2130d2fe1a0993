// The notebook runner (scripts/nbrun.py through scripts/notebooks.mjs) on fixture notebooks kept
// outside notebooks/: every way a cell can fail is reported with the notebook, the cell and the
// kernel's text, and never counted as a pass.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(__dirname, "..");
const FIX = "test/fixtures/runner";

interface Summary {
  notebook: string;
  ok: boolean;
  seconds: number;
  failures: { cell: number; kind: string; first_line: string; stderr: string }[];
}

function runFixtures(names: string[], timeout = 6): { code: number; out: string; summary: Summary[] } {
  const json = join(mkdtempSync(join(tmpdir(), "nbrun-")), "summary.json");
  const r = spawnSync(
    process.execPath,
    ["scripts/notebooks.mjs", "--timeout", String(timeout), "--json", json, ...names.map((n) => `${FIX}/${n}`)],
    { cwd: ROOT, encoding: "utf8" },
  );
  const summary = JSON.parse(readFileSync(json, "utf8")) as Summary[];
  return { code: r.status ?? -1, out: r.stdout + r.stderr, summary };
}

// A short per-cell timeout keeps the infinite loop quick; the notebook that imports the whole
// library gets a generous one (the first import compiles src/, slow on a busy machine).
const failing = runFixtures(["type-error.ipynb", "exception-then-cell.ipynb", "infinite-loop.ipynb"]);
const passing = runFixtures(["passes.ipynb"], 120);
const results = { out: failing.out + passing.out, summary: [...failing.summary, ...passing.summary] };
const byName = (n: string) => {
  const s = results.summary.find((x) => x.notebook.endsWith(n));
  assert.ok(s, `no result for ${n} in:\n${results.out}`);
  return s;
};

test("failing notebooks make the run fail and the closing line counts them", () => {
  assert.equal(failing.code, 1);
  assert.match(failing.out, /^notebooks: 0 passed, 3 failed$/m);
  assert.equal(passing.code, 0);
  assert.match(passing.out, /^notebooks: 1 passed, 0 failed$/m);
});

test("a type error in cell 3 names the notebook, cell 3, its first line and the TypeScript message", () => {
  const s = byName("type-error.ipynb");
  assert.equal(s.ok, false);
  const f = s.failures[0];
  assert.equal(f.cell, 3);
  assert.equal(f.kind, "error");
  assert.equal(f.first_line, 'const b: number = "not a number";');
  assert.match(f.stderr, /Type 'string' is not assignable to type 'number'/);
  assert.match(results.out, /test\/fixtures\/runner\/type-error\.ipynb: cell 3 \(const b: number = "not a number";\): error/);
});

test("an exception is a failure with its message; the cell after it still runs (allow-errors)", () => {
  // nbclient sends stop_on_error=false with allow-errors: the kernel runs the next cell (tslab
  // aborted every request within 200 ms of an error, and the runner counted those as failures)
  const s = byName("exception-then-cell.ipynb");
  assert.deepEqual(
    s.failures.map((f) => [f.cell, f.kind]),
    [[1, "error"]],
  );
  assert.match(s.failures[0].stderr, /^Error: boom in cell 1$/m);
  assert.doesNotMatch(s.failures[0].stderr, /node_modules\/tslab/, "tslab's own stack frames are trimmed");
});

test("a cell that loops forever hits the per-cell timeout and is reported", () => {
  const s = byName("infinite-loop.ipynb");
  assert.equal(s.failures.length, 1);
  assert.equal(s.failures[0].cell, 2);
  assert.match(s.failures[0].kind, /timed out after 6 s/);
  assert.ok(s.seconds < 30, `the timeout stopped the notebook (${s.seconds} s)`);
});

test("a notebook that imports ./src/index from the repo passes and its time is printed", () => {
  const s = byName("passes.ipynb");
  assert.equal(s.ok, true);
  assert.match(results.out, /✓ test\/fixtures\/runner\/passes\.ipynb \(\d+\.\d s\)/);
});

test("committed notebooks with outputs or execution counts are rejected", () => {
  const r = spawnSync(process.execPath, ["scripts/notebooks.mjs", "--check-clean", `${FIX}/has-outputs.ipynb`, `${FIX}/passes.ipynb`], {
    cwd: ROOT,
    encoding: "utf8",
  });
  assert.equal(r.status, 1);
  assert.match(r.stdout, /has-outputs\.ipynb: cell 1 \(1 \+ 1\) carries outputs or an execution count/);
  assert.match(r.stdout, /^clean-notebooks: 1 passed, 1 failed$/m);
});

function jupyterPython(): string {
  return spawnSync(process.execPath, ["-e", 'import("./scripts/jupyter.mjs").then(m => console.log(m.ensureJupyter({install: false})))'], {
    cwd: ROOT,
    encoding: "utf8",
  }).stdout.trim();
}

test("a cell printing 3,000 lines delivers every line and the kernel goes idle", () => {
  // tslab sent messages without waiting; zeromq 6 rejects a send while one is in flight, so most
  // lines were lost and the kernel never went idle. kernel/launcher.cjs queues the sends.
  const env = { ...process.env, JUPYTER_PATH: join(ROOT, "build", "jupyter") };
  spawnSync(process.execPath, ["-e", 'import("./scripts/jupyter.mjs").then(m => m.buildEnv())'], { cwd: ROOT });
  const r = spawnSync(jupyterPython(), [`${FIX}/flood_check.py`, "mlp-course"], { cwd: ROOT, encoding: "utf8", env });
  assert.equal(r.status, 0, r.stderr);
  const res = JSON.parse(r.stdout.trim().split("\n").pop()!);
  assert.deepEqual(res["100"], { lines: 100, idle: true });
  assert.deepEqual(res["3000"], { lines: 3000, idle: true });
});

test("editing src/ and re-running the import cell picks the change up, also after atomic saves", () => {
  const python = jupyterPython();
  const r = spawnSync(python, [`${FIX}/reload_check.py`, ROOT, process.execPath], { cwd: ROOT, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  const res = JSON.parse(r.stdout.trim().split("\n").pop()!);
  assert.deepEqual(res.first, ["ok", "11"]);
  // b.ts changed, index.ts did not: b.ts and its importer index.ts are re-evaluated …
  assert.deepEqual(res.indirect, ["ok", "21"]);
  // … while k.ts, untouched, keeps its module: an object made before is still a K.
  assert.deepEqual(res.same_class, ["ok", "true"]);
  // files created/deleted in src/ and a.ts replaced by rename: no "Unexpected pending rebuildTimer".
  assert.deepEqual(res.after_churn, ["ok", "22"]);
  assert.deepEqual(res.again, ["ok", "22"]);
  // The launcher moved the kernel from the notebook's folder to the project root.
  assert.equal(res.cwd[1], res.root);
});

test("a new kernel reuses src/ compiled by an earlier one, and never serves a stale or broken result", () => {
  const r = spawnSync(jupyterPython(), [`${FIX}/cache_check.py`, ROOT, process.execPath], { cwd: ROOT, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  const res = JSON.parse(r.stdout.trim().split("\n").pop()!);
  const names = (e: Record<string, number>) => Object.keys(e);
  // first kernel: compiled and stored one entry
  assert.deepEqual(res.cold.cell, ["ok", "11"]);
  assert.equal(names(res.cold.entries).length, 1);
  // second kernel, nothing changed: the entry was used (refreshed) and nothing new was written
  assert.deepEqual(res.warm.cell, ["ok", "11"]);
  assert.deepEqual(names(res.warm.entries), names(res.warm.before));
  const [entry] = names(res.warm.entries);
  assert.ok(res.warm.entries[entry] > res.warm.before[entry], "the entry's mtime was not refreshed: not used");
  // … and what runs is the stored output (edited by hand here: b() returned 30 instead of 10)
  assert.equal(res.served.replaced, true);
  assert.deepEqual(res.served.cell, ["ok", "31"]);
  // an edit to src/b.ts: the new value, a new entry
  assert.deepEqual(res.edited.cell, ["ok", "21"]);
  assert.equal(names(res.edited.entries).length, 2);
  // a type error in src/b.ts is reported by the import cell although entries exist
  assert.equal(res.broken.cell[0], "error");
  assert.match(res.broken.cell[1], /src\/b\.ts 1:\d+ - Type 'string' is not assignable to type 'number'/);
  assert.deepEqual(names(res.broken.entries), names(res.edited.entries));
  assert.equal(res.broken.warm_cache[0], 1);
  assert.match(res.broken.warm_cache[1], /src\/b\.ts 1:\d+ - Type 'string' is not assignable to type 'number'/);
  assert.match(res.broken.warm_cache[1], /src\/ has type errors; nothing cached/);
  // an unreadable entry: compiled again and rewritten
  assert.deepEqual(res.corrupt.cell, ["ok", "21"]);
  assert.equal(res.corrupt.valid_again, true);
  // MLP_KERNEL_CACHE=off: works, and the cache folder is untouched
  assert.deepEqual(res.off.cell, ["ok", "21"]);
  assert.deepEqual(res.off.entries, res.off.before);
  // V8's code cache for the TypeScript compiler: one file, accepted by the next run (not rewritten)
  assert.deepEqual(res.v8.status, [0, 0, 0]);
  assert.equal(res.v8.bins, 1);
  assert.equal(res.v8.kept, true);
  // … and a damaged one (1,000 zero bytes) is rejected by V8 and written anew
  assert.ok(res.v8.replaced_size > 100_000, `size ${res.v8.replaced_size}`);
});

test("the compile cache's edits fit the installed tslab's converter", () => {
  // kernel/launcher.cjs falls back to plain tslab (with a warning) when they do not; this makes that a failure here
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const cache = require(join(ROOT, "kernel", "compile-cache.cjs"));
  const file = join(ROOT, "node_modules", "tslab", "dist", "converter.js");
  const patched: string = cache.patchConverterSource(readFileSync(file, "utf8"));
  assert.equal(patched.split("depCache").length - 1 >= 8, true);
  assert.throws(() => cache.patchConverterSource("nothing to patch"), /does not contain exactly one of/);
});
