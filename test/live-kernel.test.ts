// The kernel in a live notebook, driven through jupyter_client as a frontend drives it
// (test/fixtures/runner/traps_check.py): each of tslab's traps is mended by kernel/cells.cjs.
// MLP_TRAPS_JUPYTER_PATH / MLP_TRAPS_KERNEL point the same checks at another launcher (that is how
// each check was seen to fail on tslab's behaviour).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";

const ROOT = resolve(__dirname, "..");
const FIX = "test/fixtures/runner";

function jupyterPython(): string {
  return spawnSync(process.execPath, ["-e", 'import("./scripts/jupyter.mjs").then(m => console.log(m.ensureJupyter({install: false})))'], {
    cwd: ROOT,
    encoding: "utf8",
  }).stdout.trim();
}

const traps = (() => {
  let cached: Record<string, any> | undefined;
  return (): Record<string, any> => {
    if (cached) return cached;
    spawnSync(process.execPath, ["-e", 'import("./scripts/jupyter.mjs").then(m => m.buildEnv())'], { cwd: ROOT });
    const env = { ...process.env, JUPYTER_PATH: process.env.MLP_TRAPS_JUPYTER_PATH ?? join(ROOT, "build", "jupyter") };
    const r = spawnSync(jupyterPython(), [`${FIX}/traps_check.py`, process.env.MLP_TRAPS_KERNEL ?? "mlp-course"], {
      cwd: ROOT,
      encoding: "utf8",
      env,
      timeout: 240_000,
    });
    assert.equal(r.status, 0, r.stderr);
    cached = JSON.parse(r.stdout.trim().split("\n").pop()!) as Record<string, any>;
    return cached;
  };
})();

test("a cell queued behind a failed one is not dropped silently: it says why it did not run", () => {
  const [failed, behind] = traps().dropped_behind;
  assert.equal(failed.status, "error");
  assert.equal(behind.status, "aborted");
  assert.match(behind.out, /^Not run: In \[\d+\] above failed/m);
});

test("a cell sent just after a failure was reported runs (tslab aborted it for 200 ms)", () => {
  const [failed, after] = traps().dropped_after;
  assert.equal(failed.status, "error");
  assert.equal(after.status, "ok");
  assert.match(after.out, /just after/);
});

test("with stop_on_error off (nbclient's allow-errors) the cell behind a failure runs", () => {
  const [failed, behind] = traps().allow_errors;
  assert.equal(failed.status, "error");
  assert.equal(behind.status, "ok");
  assert.match(behind.out, /allowed/);
});

test("a shorthand property of an earlier cell's name works: { eta }", () => {
  const r = traps().shorthand;
  assert.equal(r.status, "ok", JSON.stringify(r));
  assert.match(r.out, /\{"eta":0\.5\}/);
});

test("an interrupt while the cell compiles stops it before it runs", () => {
  const r = traps().compile_interrupt;
  assert.equal(r.status, "error", JSON.stringify(r));
  assert.equal(r.ename, "KeyboardInterrupt");
  assert.doesNotMatch(r.out, /ran to the end/);
});

test("an interrupted async cell's timers stop and its output stays out of the next cell", () => {
  const t = traps();
  assert.equal(t.async_next.status, "ok");
  assert.doesNotMatch(t.async_next.out, /tick/, "the interval kept printing into the next cell");
  assert.match(t.async_next.out, /^spins 0$/m, "the setImmediate loop went on after the interrupt");
  assert.equal(t.async_interrupted.status, "error");
  assert.equal(t.async_interrupted.ename, "KeyboardInterrupt");
});

test("an interrupted `await net.fitAsync(...)` ends the cell and its training loop for good", () => {
  const t = traps();
  // the net (assigned before the interrupt) has trained some epochs, and trains no more
  assert.deepEqual([t.fit_async_after.status, t.fit_async_after.out], ["ok", "true 0\n"], JSON.stringify(t.fit_async_after));
  assert.equal(t.fit_async_interrupted.status, "error");
  assert.equal(t.fit_async_interrupted.ename, "KeyboardInterrupt");
});

test("an interrupted synchronous cell's timers stay silent; unref()'d housekeeping timers still run", () => {
  const t = traps();
  assert.equal(t.sync_next.status, "ok");
  assert.doesNotMatch(t.sync_next.out, /ref timer fired/, "the interrupted cell's timer printed into the next cell");
  assert.match(t.sync_next.out, /^houseKept true$/m);
  assert.equal(t.sync_interrupted.status, "error");
  assert.equal(t.sync_interrupted.ename, "KeyboardInterrupt");
});

test("a cell that throws keeps what it assigned before the throw and names what it did not reach", () => {
  const t = traps();
  assert.equal(t.kept_fail.status, "error");
  assert.match(t.kept_fail.traceback.at(-1), /stopped before it assigned w, later: later is not defined; w keeps the value of an earlier cell/);
  assert.deepEqual([t.kept_net3.status, t.kept_net3.out], ["ok", "43\n"]);
  assert.deepEqual([t.kept_w.status, t.kept_w.out], ["ok", "old\n"]);
  assert.equal(t.kept_later.status, "error");
  assert.match(t.kept_later.out, /Cannot find name 'later'/);
});

test("a runtime error is a Jupyter error: message first, src/*.ts and cell lines, no kernel frames", () => {
  const r = traps().error;
  assert.equal(r.status, "error");
  assert.equal(r.ename, "Error");
  assert.match(r.evalue, /^matmul: \(2×3\)·\(2×3\)/);
  assert.equal(r.iopub_errors.length, 1, "one iopub error message");
  assert.deepEqual(r.iopub_errors[0].traceback, r.traceback);
  const tb: string[] = r.traceback;
  assert.equal(tb[0], `Error: ${r.evalue}`);
  assert.match(tb[1], /^ {4}at \w+ \(src\/matrix\.ts:\d+:\d+\)$/);
  assert.ok(tb.includes(`    at product (cell In [${r.count}], line 2)`), tb.join("\n"));
  assert.equal(tb.at(-1), `    at cell In [${r.count}], line 4`);
  assert.equal(tb.filter((l) => /node_modules|kernel\/|node:internal|\.js:/.test(l)).length, 0, tb.join("\n"));
});

test("every edit to tslab's dist/ fits the installed tslab", () => {
  // kernel/launcher.cjs stops with the edit's name when one does not fit; this makes that a failure here
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { applyEdits } = require(join(ROOT, "kernel", "patch.cjs"));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const cells = require(join(ROOT, "kernel", "cells.cjs"));
  const dist = join(ROOT, "node_modules", "tslab", "dist");
  const conv = applyEdits(readFileSync(join(dist, "converter.js"), "utf8"), cells.CONVERTER_EDITS, "converter.js");
  assert.match(conv, /getShorthandAssignmentValueSymbol/);
  assert.equal(conv.split("inlineSourceMap: true").length - 1, 2);
  const exe = applyEdits(readFileSync(join(dist, "executor.js"), "utf8"), cells.EXECUTOR_EDITS, "executor.js");
  assert.match(exe, /setPrevDecl/);
  assert.throws(() => applyEdits("nothing", cells.EXECUTOR_EDITS, "x.js"), /x\.js does not contain exactly one of/);
});

test("one kernelspec serves every checkout: a notebook imports the src/ of the checkout it lives in", () => {
  // MLP_TRAPS_KERNEL_DIR / MLP_TRAPS_FLAGS: another launcher and its kernelspec flags (the proof on tslab's)
  const r = spawnSync(
    jupyterPython(),
    [`${FIX}/checkout_check.py`, ROOT, process.execPath, process.env.MLP_TRAPS_KERNEL_DIR ?? "", process.env.MLP_TRAPS_FLAGS ?? "--from-notebook"],
    { cwd: ROOT, encoding: "utf8", timeout: 180_000 },
  );
  assert.equal(r.status, 0, r.stderr);
  const res = JSON.parse(r.stdout.trim().split("\n").pop()!);
  assert.deepEqual(res.A, ["ok", "A A"]);
  // B's notebook (two folders down) ran B's launcher, in B's root, with B's src/
  assert.deepEqual(res.B, ["ok", "B B"]);
});
