// `npm test`: everything CI checks, in order, with each step's time and a closing count.
//   1. strict type-check of src/, test/, homework/, bench/ (tsc --noEmit), also with tslab's TypeScript 5.0,
//      and of the JavaScript tools (scripts/, kernel/, tools/, test/browser/: tsconfig.tools.json)
//   2. unit tests (Node's test runner + tsx), including the runner, homework and plot tests
//   3. committed notebooks carry no outputs
//   4. every notebook under notebooks/ and homework/ executes in a fresh project kernel
//   5. the browser check: figures in exported HTML drawn by headless Chromium
//   6. the lessons' break-it exercises still fail (executed copies in build/test-notebooks); Korean text of an
//      exported lesson drawn from the embedded font by a Chromium that sees no CJK font (test/browser/fonts.mjs)
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { ROOT, buildEnv, checkNode, ensureJupyter } from "../scripts/jupyter.mjs";
import { projectNotebooks } from "../scripts/notebooks.mjs";

checkNode();
const started = Date.now();
const python = ensureJupyter({ install: true });
const env = buildEnv({ MLP_PYTHON: python });

/** Runs a command with inherited output (also captured); resolves to { code, out }. */
function step(cmd, args) {
  return new Promise((resolveStep) => {
    const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      process.stdout.write(d);
    });
    child.stderr.on("data", (d) => {
      out += d;
      process.stderr.write(d);
    });
    child.on("close", (code) => resolveStep({ code: code ?? 1, out }));
  });
}

const counts = { passed: 0, failed: 0, skipped: 0 };
const timings = [];
function count(out, re) {
  const m = out.match(re);
  return m ? Number(m[1]) : null;
}

async function run(name, cmd, args, parse) {
  console.log(`\n━━ ${name}`);
  const t = Date.now();
  const { code, out } = await step(cmd, args);
  const secs = (Date.now() - t) / 1000;
  timings.push([name, secs, code === 0]);
  const parsed = parse ? parse(out) : null;
  if (parsed) {
    counts.passed += parsed.passed;
    counts.failed += parsed.failed;
    counts.skipped += parsed.skipped ?? 0;
    if (code !== 0 && parsed.failed === 0) counts.failed += 1; // the step itself failed
  } else if (code === 0) counts.passed += 1;
  else counts.failed += 1;
  console.log(`━━ ${name}: ${code === 0 ? "ok" : "FAILED"} (${secs.toFixed(1)} s)`);
  return code === 0;
}

const notebooks = projectNotebooks();
// Two compilers: the project's TypeScript (strict), and the TypeScript 5.0 that tslab compiles src/
// with in the kernel, so nothing in src/ depends on a newer compiler. (node_modules/.bin/tsc may be
// either one: tslab and typescript both declare it.)
const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
const tslabTsc = join(ROOT, "node_modules", "@tslab", "typescript-for-tslab", "bin", "tsc");
await run("type-check (tsc --noEmit, strict)", process.execPath, [tsc, "--noEmit", "-p", "."]);
await run("type-check of the JavaScript tools (tsconfig.tools.json)", process.execPath, [tsc, "-p", "tsconfig.tools.json"]);
await run("type-check with tslab's TypeScript 5.0", process.execPath, [tslabTsc, "--noEmit", "-p", "."]);
await run("unit tests", process.execPath, [join(ROOT, "tools", "unit.mjs")], (out) => ({
  passed: count(out, /^ℹ pass (\d+)$/m) ?? 0,
  failed: count(out, /^ℹ fail (\d+)$/m) ?? 0,
  skipped: count(out, /^ℹ skipped (\d+)$/m) ?? 0,
}));
if (notebooks.length === 0) {
  console.log("\n━━ notebooks: none found under notebooks/ or homework/");
  counts.failed += 1;
} else {
  await run("notebooks are committed without outputs", python, [join(ROOT, "scripts", "nbrun.py"), "--check-clean", ...notebooks], (out) => ({
    passed: count(out, /^clean-notebooks: (\d+) passed/m) ?? 0,
    failed: count(out, /^clean-notebooks: \d+ passed, (\d+) failed/m) ?? 1,
  }));
  const executed = join(ROOT, "build", "test-notebooks");
  await run("notebooks execute top to bottom", python, [join(ROOT, "scripts", "nbrun.py"), "--timeout", "180", "--out-dir", executed, ...notebooks], (out) => ({
    passed: count(out, /^notebooks: (\d+) passed/m) ?? 0,
    failed: count(out, /^notebooks: \d+ passed, (\d+) failed/m) ?? 1,
  }));
  // the lessons' "break it" exercises still fail where they should (tools/check-exercises.mjs)
  const lessons = notebooks.filter((nb) => nb.startsWith("notebooks")).map((nb) => join(executed, nb.replace(/^.*[\\/]/, "")));
  await run("lesson exercises fail as designed", process.execPath, [join(ROOT, "tools", "check-exercises.mjs"), ...lessons], (out) => ({
    passed: count(out, /^exercises: (\d+) passed/m) ?? 0,
    failed: count(out, /^exercises: \d+ passed, (\d+) failed/m) ?? 1,
  }));
}
const browser = join(ROOT, "test", "browser", "run.mjs");
if (existsSync(browser)) {
  const chromium = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
  if (existsSync(chromium)) {
    await run("browser check (figures drawn in headless Chromium)", process.execPath, [browser]);
    await run("browser check: Korean from the embedded font, no CJK font installed", process.execPath, [join(ROOT, "test", "browser", "fonts.mjs")]);
  } else if (process.env.CI) {
    console.log(`\n━━ browser check: ${chromium} is missing (CI installs Debian's chromium)`);
    counts.failed += 1;
  } else {
    console.log(`\n━━ browser check: SKIPPED — no Chromium at ${chromium} (apt-get install chromium, or set CHROMIUM_PATH)`);
    counts.skipped += 1;
  }
}

// the live notebook: lesson 06 in Jupyter Notebook (npm start) in headless Chromium (test/browser/live.mjs)
const live = join(ROOT, "test", "browser", "live.mjs");
if (existsSync(live) && existsSync(process.env.CHROMIUM_PATH || "/usr/bin/chromium")) {
  await run("live notebook (Jupyter Notebook in headless Chromium)", process.execPath, [live]);
}

const total = (Date.now() - started) / 1000;
console.log("\n━━ summary");
for (const [name, secs, ok] of timings) console.log(`  ${ok ? "✓" : "✗"} ${name.padEnd(52)} ${secs.toFixed(1).padStart(7)} s`);
console.log(`  whole suite: ${total.toFixed(1)} s`);
console.log(`tests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
process.exit(counts.failed === 0 && timings.every(([, , ok]) => ok) ? 0 : 1);
