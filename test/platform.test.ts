// The platform pieces the notebooks stand on: the polars binary, the kernelspec and the launcher.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(__dirname, "..");

test("nodejs-polars loads its native binary and builds a DataFrame", () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pl = require("nodejs-polars");
  const df = pl.DataFrame({ epoch: [1, 2, 3], cost: [0.5, 0.25, 0.125] });
  assert.deepEqual(df.shape, { height: 3, width: 2 });
  assert.equal(df.getColumn("cost").sum(), 0.875);
});

test("package.json pins tslab exactly and never lists a platform-specific polars package", () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
  const deps = { ...pkg.dependencies, ...pkg.devDependencies };
  assert.equal(deps.tslab, "1.0.22");
  for (const [name, version] of Object.entries(deps)) {
    assert.match(String(version), /^\d+\.\d+\.\d+$/, `${name} is pinned to an exact version`);
    assert.doesNotMatch(name, /^nodejs-polars-/, `${name} is a platform package`);
  }
});

function kernel(...args: string[]) {
  return spawnSync(process.execPath, ["scripts/kernel-install.mjs", ...args], { cwd: ROOT, encoding: "utf8" });
}

test("npm run kernel registers the kernelspec idempotently and uninstalls it", () => {
  const prefix = mkdtempSync(join(tmpdir(), "kernelspec-"));
  const spec = join(prefix, "share", "jupyter", "kernels", "mlp-course", "kernel.json");
  const install = kernel("--prefix", prefix);
  assert.equal(install.status, 0, install.stderr);
  // it also fills the kernel's compile cache, so that the first notebook's import is quick
  assert.match(install.stdout, /kernel: src\/ compiled for the first import \(\d+\.\d s\)/);
  assert.ok(readdirSync(join(ROOT, "build", "kernel-cache")).some((f) => f.endsWith(".json")));
  const first = readFileSync(spec, "utf8");
  const mtime = statSync(spec).mtimeMs;
  const json = JSON.parse(first);
  assert.equal(json.display_name, "TypeScript (MLP course)");
  assert.equal(json.language, "typescript");
  // --from-notebook: the launcher hands a notebook of another checkout to that checkout's launcher
  assert.deepEqual(json.argv.slice(1), [join(ROOT, "kernel", "launcher.cjs"), "--from-notebook", "{connection_file}"]);
  assert.ok(existsSync(json.argv[0]), "argv[0] is this Node binary");
  assert.equal(kernel("--prefix", prefix).status, 0);
  assert.equal(readFileSync(spec, "utf8"), first);
  assert.equal(statSync(spec).mtimeMs, mtime, "an unchanged kernelspec is not rewritten");
  const un = kernel("--prefix", prefix, "--uninstall");
  assert.equal(un.status, 0);
  assert.match(un.stdout, /Removed kernel mlp-course/);
  assert.equal(existsSync(spec), false);
});

test("npm run kernel rejects an unknown option with a clear message", () => {
  const r = kernel("--sytem");
  assert.equal(r.status, 2);
  assert.match(r.stderr, /unknown option --sytem/);
});

test("the kernel launcher without a connection file says how to call it", () => {
  const r = spawnSync(process.execPath, ["kernel/launcher.cjs"], { cwd: ROOT, encoding: "utf8" });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /usage: node kernel\/launcher\.cjs <connection-file>/);
});
