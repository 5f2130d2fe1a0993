// The kernel's compile cache in readonly mode (MLP_KERNEL_CACHE=readonly, kernel/compile-cache.cjs):
// entries and V8's code cache are read from build/kernel-cache, nothing there is ever written. In a
// throw-away project (the kernel's files copied, src/ of three small files), through the launcher's
// --warm-cache (a kernel's first import, without Jupyter) and through tslab's converter with the cache.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";

const ROOT = resolve(__dirname, "..");
const KERNEL_FILES = ["launcher.cjs", "compile-cache.cjs", "cells.cjs", "patch.cjs"];

function makeProject(): string {
  const tmp = mkdtempSync(join(tmpdir(), "mlp-cache-readonly-"));
  mkdirSync(join(tmp, "kernel"));
  mkdirSync(join(tmp, "src"));
  for (const f of KERNEL_FILES) copyFileSync(join(ROOT, "kernel", f), join(tmp, "kernel", f));
  symlinkSync(join(ROOT, "node_modules"), join(tmp, "node_modules"));
  writeFileSync(join(tmp, "src", "a.ts"), "export const a = (): number => 1;\n");
  writeFileSync(join(tmp, "src", "b.ts"), "export const b = (): number => 10;\n");
  writeFileSync(join(tmp, "src", "index.ts"), 'export * from "./a";\nexport * from "./b";\n');
  return tmp;
}

/** Every file and folder under dir: path -> [size, mtime, inode]; {} when dir does not exist. */
function snapshot(dir: string): Record<string, [number, number, number]> {
  const out: Record<string, [number, number, number]> = {};
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name), st = statSync(p);
      out[relative(dir, p)] = [st.size, st.mtimeMs, st.ino];
      if (st.isDirectory()) walk(p);
    }
  };
  if (existsSync(dir) && statSync(dir).isDirectory()) walk(dir);
  return out;
}

/** `node kernel/launcher.cjs --warm-cache` in the project: what a kernel's first import compiles. */
function warm(tmp: string, mode: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(tmp, "kernel", "launcher.cjs"), "--warm-cache"], {
    cwd: tmp,
    encoding: "utf8",
    env: { ...process.env, MLP_KERNEL_CACHE: mode },
    timeout: 240_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const entryFiles = (cache: string) => (existsSync(cache) ? readdirSync(cache).filter((f) => f.endsWith(".json")) : []);

test("MLP_KERNEL_CACHE=readonly: an import that hits and one that misses leave build/kernel-cache exactly as it was", () => {
  const tmp = makeProject(), cache = join(tmp, "build", "kernel-cache");
  try {
    const filled = warm(tmp, "on");
    assert.equal(filled.status, 0, filled.stderr);
    assert.equal(entryFiles(cache).length, 1);
    assert.ok(readdirSync(cache).some((f) => /^v8-typescript-.*\.bin$/.test(f)), "V8's code cache for TypeScript was written");
    // everything dated back a year, so that a refresh (touch) or a rewrite would show in the mtimes
    const old = new Date(Date.now() - 365 * 86400_000);
    for (const p of [cache, ...readdirSync(cache).map((f) => join(cache, f))]) utimesSync(p, old, old);
    const before = snapshot(join(tmp, "build"));

    const hit = warm(tmp, "readonly");
    assert.equal(hit.status, 0, hit.stderr);
    assert.equal(hit.stderr, "");
    assert.deepEqual(snapshot(join(tmp, "build")), before, "a readonly hit changed the cache folder");

    writeFileSync(join(tmp, "src", "b.ts"), "export const b = (): number => 20;\n");
    const miss = warm(tmp, "readonly");
    assert.equal(miss.status, 0, miss.stderr);
    assert.equal(miss.stderr, "");
    assert.deepEqual(snapshot(join(tmp, "build")), before, "a readonly miss changed the cache folder");

    // the same miss with the cache on stores a second entry (so the readonly miss above did compile and store nothing)
    assert.equal(warm(tmp, "on").status, 0);
    assert.equal(entryFiles(cache).length, 2);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test("MLP_KERNEL_CACHE=readonly without a cache folder, or with a file in its place: compiles, quietly, and creates nothing", () => {
  const tmp = makeProject(), build = join(tmp, "build");
  try {
    const none = warm(tmp, "readonly");
    assert.equal(none.status, 0, none.stderr);
    assert.equal(none.stderr, "");
    assert.match(none.stdout, /src\/ compiled for the first import/);
    assert.equal(existsSync(build), false, "build/ was created");

    mkdirSync(build);
    writeFileSync(join(build, "kernel-cache"), "not a folder");
    const before = snapshot(build);
    const blocked = warm(tmp, "readonly");
    assert.equal(blocked.status, 0, blocked.stderr);
    assert.equal(blocked.stderr, "");
    assert.deepEqual(snapshot(build), before);
    assert.equal(readFileSync(join(build, "kernel-cache"), "utf8"), "not a folder");
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test("a readonly hit serves the stored output: the dependencies are not compiled again", () => {
  const tmp = makeProject(), cache = join(tmp, "build", "kernel-cache");
  try {
    assert.equal(warm(tmp, "on").status, 0);
    // the stored b.js edited by hand: b() returns 30 there, 10 in src/b.ts
    const [entry] = entryFiles(cache);
    const file = join(cache, entry);
    const stored = JSON.parse(readFileSync(file, "utf8"));
    let edited = 0;
    for (const outs of Object.values(stored.outputs) as Array<Array<{ path: string; data: string }>>) {
      for (const o of outs) if (/b\.js$/.test(o.path) && /10/.test(o.data)) [o.data, edited] = [o.data.replace("10", "30"), edited + 1];
    }
    assert.equal(edited, 1);
    writeFileSync(file, JSON.stringify(stored));
    const before = snapshot(join(tmp, "build"));
    // tslab's converter with the cache as the launcher sets it up (compile-cache.cjs, cells.cjs's edits), readonly
    const script = `
      const path = require("path");
      const root = process.cwd(), dist = path.join(root, "node_modules", "tslab", "dist");
      const cache = require("./kernel/compile-cache.cjs"), cells = require("./kernel/cells.cjs");
      if (!cache.installPatchedConverter(dist, cells.CONVERTER_EDITS)) throw new Error("the cache's edits do not fit");
      const ts = require(require.resolve("@tslab/typescript-for-tslab", { paths: [dist] }));
      const depCache = cache.createDepCache({ dir: path.join(root, "build", "kernel-cache"), fingerprint: cache.fingerprint(root, ts, dist), readonly: true });
      const conv = require(path.join(dist, "converter.js")).createConverter({ isJS: false, isBrowser: false, _depCache: depCache });
      const r = conv.convert("", 'import { a, b } from "./src/index";\\na() + b()');
      conv.close();
      console.log(JSON.stringify({ diagnostics: r.diagnostics, b: (r.sideOutputs || []).filter((o) => /b\\.js$/.test(o.path)).map((o) => o.data) }));`;
    const r = spawnSync(process.execPath, ["-e", script], { cwd: tmp, encoding: "utf8", timeout: 240_000 });
    assert.equal(r.status, 0, r.stderr);
    const res = JSON.parse(r.stdout.trim().split("\n").pop()!);
    assert.deepEqual(res.diagnostics, []);
    assert.equal(res.b.length, 1);
    assert.match(res.b[0], /30/, "b.js came from the entry (a compile would give 10)");
    assert.deepEqual(snapshot(join(tmp, "build")), before);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test("MLP_KERNEL_CACHE: on, off and readonly are its values; another one says so on stderr and means on", () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { cacheMode } = require(join(ROOT, "kernel", "compile-cache.cjs"));
  for (const [v, mode] of [[undefined, "on"], ["", "on"], ["on", "on"], ["1", "on"], ["off", "off"], ["0", "off"], ["FALSE", "off"], ["readonly", "readonly"], [" ReadOnly ", "readonly"]]) {
    assert.equal(cacheMode(v === undefined ? {} : { MLP_KERNEL_CACHE: v }), mode, String(v));
  }
  const write = process.stderr.write;
  const said: string[] = [];
  process.stderr.write = ((s: string) => (said.push(String(s)), true)) as typeof process.stderr.write;
  try {
    assert.equal(cacheMode({ MLP_KERNEL_CACHE: "ro" }), "on");
  } finally {
    process.stderr.write = write;
  }
  assert.match(said.join(""), /MLP_KERNEL_CACHE="ro" is not on, off or readonly; the compile cache is on/);
});
