#!/usr/bin/env node
// End-to-end check of a live notebook in a real Jupyter frontend: Debian's Jupyter Notebook (classic
// 6.4), started by `npm start` (scripts/start.mjs, as root here, with arguments passed through), in
// headless Debian chromium through playwright-core. It
//   1. opens the tree page: the repository root, with notebooks/ and homework/;
//   2. opens lesson 06 (a copy under build/live/, so the committed notebook is never written) and
//      runs Run All (Cell menu): every code cell runs, none fails;
//   3. changes a parameter of the training cell (epochs 3 -> 20) and re-runs it with Shift+Enter,
//      sampling the page while it runs: the live loss plot must change at least 3 times while the
//      cell runs (for 4 s or more), and the cell must end with the final figure;
//   4. adds a failing cell and one after it, presses Shift+Enter twice quickly: the second cell
//      must show the kernel's one-line reason instead of coming back empty.
// Screenshots go to build/live/*.png. Exit code 0 only if every check passed.
//
// Usage: node test/browser/live.mjs     (needs Debian's jupyter-notebook and /usr/bin/chromium)
/// <reference path="./jupyter-page.d.ts" />
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { CHROMIUM_ARGS } from "./chromium.mjs";

const root = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");
const outDir = join(root, "build", "live");
// a Python with Jupyter Notebook (MLP_PYTHON may be one with only nbclient, e.g. a .venv)
const python =
  /** @type {string[]} */ ([process.env.MLP_PYTHON, "/usr/bin/python3", "python3"].filter(Boolean)).find((py) => spawnSync(py, ["-c", "import notebook"], { stdio: "ignore" }).status === 0) ??
  "/usr/bin/python3";
const browserPath = process.env.MLP_CHROMIUM || "/usr/bin/chromium";
const lesson = "06-실제-데이터-MNIST.ipynb";
const copyName = "06-live.ipynb";
const RUN_ALL_LIMIT = 12 * 60_000; // MNIST on a busy 2-core machine

const failures = [];
const check = (ok, msg) => {
  if (!ok) failures.push(msg);
  console.log(`${ok ? "  ok  " : "  FAIL"} ${msg}`);
  return ok;
};

for (const [what, p] of [["python", python], ["chromium", browserPath]]) {
  if (!existsSync(p)) {
    console.error(`live notebook test: ${what} not found at ${p}`);
    process.exit(2);
  }
}
if (spawnSync(python, ["-c", "import notebook"], { stdio: "ignore" }).status !== 0) {
  console.error(`live notebook test: ${python} has no Jupyter Notebook (apt-get install jupyter-notebook)`);
  process.exit(2);
}

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
copyFileSync(join(root, "notebooks", lesson), join(outDir, copyName));

const port = await new Promise((resolve) => {
  const s = createServer();
  s.listen(0, "127.0.0.1", () => {
    const p = /** @type {import("node:net").AddressInfo} */ (s.address()).port;
    s.close(() => resolve(p));
  });
});
const token = Math.random().toString(36).slice(2);
const base = `http://127.0.0.1:${port}`;

// Jupyter's own folders under build/live: the user's config, kernelspecs and runtime files stay untouched
const env = {
  ...process.env,
  MLP_PYTHON: python,
  JUPYTER_DATA_DIR: join(outDir, "jupyter-data"),
  JUPYTER_CONFIG_DIR: join(outDir, "jupyter-config"),
  JUPYTER_RUNTIME_DIR: join(outDir, "jupyter-runtime"),
  JUPYTER_PATH: "",
};
const serverLog = [];
const server = spawn(
  process.execPath,
  [join(root, "scripts", "start.mjs"), "--no-browser", "--port", String(port), "--ip", "127.0.0.1", `--NotebookApp.token=${token}`],
  { cwd: root, env, stdio: ["ignore", "pipe", "pipe"], detached: true },
);
server.stdout.on("data", (d) => serverLog.push(String(d)));
server.stderr.on("data", (d) => serverLog.push(String(d)));
let browser;
const userDataDir = mkdtempSync(join(tmpdir(), "mlp-chromium-"));

function stopServer() {
  try {
    if (server.pid !== undefined) process.kill(-server.pid, "SIGTERM"); // its process group (detached)
  } catch {
    // gone already
  }
}

async function waitForServer() {
  const t0 = Date.now();
  while (Date.now() - t0 < 60_000) {
    if (server.exitCode !== null) throw new Error(`npm start exited (${server.exitCode}):\n${serverLog.join("")}`);
    try {
      const r = await fetch(`${base}/api/status?token=${token}`);
      if (r.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`Jupyter did not start within 60 s:\n${serverLog.join("")}`);
}

try {
  console.log("live notebook test: starting Jupyter Notebook through scripts/start.mjs …");
  await waitForServer();
  const log = serverLog.join("");
  // Jupyter refuses to start as root without --allow-root: being up proves start.mjs added it
  check(true, `npm start started Jupyter (uid ${process.getuid?.()})`);
  check(log.includes(`Starting notebook in ${root}`), "npm start opens the repository root");

  browser = await chromium.launchPersistentContext(userDataDir, {
    executablePath: browserPath,
    headless: true,
    viewport: { width: 1200, height: 1000 },
    args: CHROMIUM_ARGS,
  });
  const page = await browser.newPage();
  const pageErrors = [];
  page.on("pageerror", (e) => pageErrors.push(String(e)));
  // Offline: only the local Jupyter server (MathJax from a CDN just fails, as it would offline)
  await page.route(/^https?:/, (route) => (route.request().url().startsWith(base) ? route.continue() : route.abort()));

  // 1. the tree: the repository root
  await page.goto(`${base}/tree?token=${token}`, { waitUntil: "load" });
  await page.waitForSelector("#notebook_list .list_item a", { timeout: 30_000 });
  const entries = await page.$$eval("#notebook_list .list_item a.item_link", (as) => as.map((a) => a.textContent.trim()));
  check(entries.includes("notebooks") && entries.includes("homework"), `the tree shows notebooks/ and homework/ (${entries.join(", ")})`);
  await page.screenshot({ path: join(outDir, "1-tree.png") });

  // 2. lesson 06: Run All
  await page.goto(`${base}/notebooks/build/live/${encodeURIComponent(copyName)}?token=${token}`, { waitUntil: "load" });
  await page.waitForFunction(() => window.Jupyter?.notebook?.kernel?.is_connected?.() && document.querySelector("#kernel_indicator_icon.kernel_idle_icon"), null, {
    timeout: 120_000,
  });
  const kernelName = await page.evaluate(() => window.Jupyter.notebook.kernel.name);
  check(kernelName === "mlp-course", `the notebook's kernel is mlp-course (${kernelName})`);
  const t0 = Date.now();
  await page.click("#celllink");
  await page.click("#run_all_cells");
  await page.waitForFunction(
    () => {
      const cells = window.Jupyter.notebook.get_cells().filter((c) => c.cell_type === "code");
      const done = cells.every((c) => typeof c.input_prompt_number === "number");
      return done && document.querySelector("#kernel_indicator_icon.kernel_idle_icon");
    },
    null,
    { timeout: RUN_ALL_LIMIT, polling: 500 },
  );
  const runAll = await page.evaluate(() => {
    const cells = window.Jupyter.notebook.get_cells().filter((c) => c.cell_type === "code");
    return {
      cells: cells.length,
      errors: cells.filter((c) => c.output_area.outputs.some((o) => o.output_type === "error" || (o.output_type === "stream" && o.name === "stderr"))).length,
      figures: document.querySelectorAll(".output_area .js-plotly-plot").length,
    };
  });
  console.log(`  Run All: ${runAll.cells} code cells in ${((Date.now() - t0) / 1000).toFixed(1)} s, ${runAll.figures} figures drawn`);
  check(runAll.errors === 0, `Run All: no cell failed (${runAll.errors} with an error or stderr)`);
  check(runAll.figures >= 5, `Run All: the lesson's figures are drawn (${runAll.figures})`);
  await page.screenshot({ path: join(outDir, "2-run-all.png") });

  // 3. the training cell: change a parameter, re-run, watch the live plot
  const trainIndex = await page.evaluate(() =>
    window.Jupyter.notebook.get_cells().findIndex((c) => c.cell_type === "code" && /await net\.fitAsync\(/.test(c.get_text()) && /liveLoss\(/.test(c.get_text())),
  );
  if (check(trainIndex >= 0, "lesson 06 has a training cell with `await net.fitAsync(...)` and liveLoss")) {
    const changed = await page.evaluate((i) => {
      const cell = window.Jupyter.notebook.get_cell(i);
      const before = cell.get_text();
      cell.set_text(before.replace(/const epochs = 3;/, "const epochs = 20;"));
      window.Jupyter.notebook.select(i);
      cell.element[0].scrollIntoView();
      return cell.get_text() !== before;
    }, trainIndex);
    check(changed, "the training cell's epochs changed from 3 to 20");
    const cellEl = (await page.$$(".cell"))[trainIndex];
    await cellEl.click({ position: { x: 200, y: 10 } });
    const started = Date.now();
    await page.keyboard.press("Shift+Enter");
    const samples = [];
    let shots = 0;
    for (;;) {
      const sample = await page.evaluate((i) => {
        const cell = window.Jupyter.notebook.get_cell(i);
        const area = cell.output_area.element[0];
        const plot = area.querySelector(".js-plotly-plot");
        const line = plot && plot.querySelector(".scatterlayer .trace path.js-line");
        return {
          running: cell.element[0].classList.contains("running"),
          text: (area.innerText.match(/(학습 중|학습 완료)[^\n]*/) || [""])[0],
          drawn: !!plot && !!line,
          path: line ? line.getAttribute("d") : "",
        };
      }, trainIndex);
      const s = { ...sample, t: Date.now() - started };
      samples.push(s);
      // two screenshots mid-run: after epochs 5 and 12 of 20
      const epochNow = Number((s.text.match(/에폭 \(epoch\) (\d+)/) || [])[1] || 0);
      if (s.running && s.drawn && shots < 2 && epochNow >= [5, 12][shots]) {
        await page.screenshot({ path: join(outDir, `3-live-${++shots}.png`) });
      }
      if (!s.running && s.t > 1000) break;
      if (s.t > RUN_ALL_LIMIT) break;
      await new Promise((r) => setTimeout(r, 120));
    }
    const runningStates = [];
    for (const s of samples) {
      if (!s.running || !s.drawn) continue;
      const key = s.text + "|" + s.path;
      if (runningStates.at(-1) !== key) runningStates.push(key);
    }
    const end = samples[samples.length - 1];
    const seconds = (end.t / 1000).toFixed(1);
    const runTime = samples.filter((s) => s.running).at(-1)?.t ?? 0;
    console.log(`  training cell: ${samples.length} samples over ${seconds} s, ${runningStates.length} distinct live states while running`);
    for (const k of runningStates.slice(0, 30)) console.log(`    ${k.split("|")[0]}`);
    check(runTime >= 4000, `the training cell ran for ≥ 4 s (${(runTime / 1000).toFixed(1)} s)`);
    check(runningStates.length >= 3, `the live plot changed at least 3 times while the cell ran (${runningStates.length})`);
    const paths = new Set(samples.filter((x) => x.running && x.drawn).map((x) => x.path));
    check(paths.size >= 3, `the plotted loss curve itself was redrawn with new points at least 3 times (${paths.size} different curves)`);
    check(/학습 완료/.test(end.text) && /에폭 \(epoch\) 20 \/ 20/.test(end.text) && end.drawn, `the cell ended with the final figure (${end.text})`);
    await page.screenshot({ path: join(outDir, "4-trained.png") });
  }

  // 4. a failing cell, then Shift+Enter twice quickly
  const [failIdx, nextIdx] = await page.evaluate(() => {
    const nb = window.Jupyter.notebook;
    const a = nb.insert_cell_at_bottom("code");
    a.set_text('throw new Error("on purpose: a failing cell");');
    const b = nb.insert_cell_at_bottom("code");
    b.set_text('"the cell after it"');
    const n = nb.get_cells().length;
    nb.select(n - 2);
    a.element[0].scrollIntoView();
    return [n - 2, n - 1];
  });
  const failEl = (await page.$$(".cell"))[failIdx];
  await failEl.click({ position: { x: 200, y: 10 } });
  await page.keyboard.press("Escape"); // command mode: Shift+Enter runs and moves on
  await page.keyboard.press("Shift+Enter");
  await page.keyboard.press("Shift+Enter");
  await page.waitForFunction(
    ([a, b]) => {
      const nb = window.Jupyter.notebook;
      // an aborted cell gets no execution count: "done" is the running mark gone
      return [a, b].every((i) => !nb.get_cell(i).element[0].classList.contains("running")) &&
        document.querySelector("#kernel_indicator_icon.kernel_idle_icon");
    },
    [failIdx, nextIdx],
    { timeout: 60_000 },
  );
  await page.waitForTimeout(500);
  const after = await page.evaluate(([a, b]) => {
    const nb = window.Jupyter.notebook;
    return { failed: nb.get_cell(a).output_area.element[0].innerText, next: nb.get_cell(b).output_area.element[0].innerText };
  }, [failIdx, nextIdx]);
  console.log(`  failing cell shows: ${JSON.stringify(after.failed.slice(0, 200))}`);
  console.log(`  the cell after it shows: ${JSON.stringify(after.next.slice(0, 200))}`);
  check(/^Error: on purpose: a failing cell/m.test(after.failed), "the failing cell shows its error, message first");
  check(/Not run: In \[\d+\] above failed/.test(after.next), "the cell run right after it shows why it did not run");
  await page.screenshot({ path: join(outDir, "5-double-run.png"), fullPage: false });
  check(pageErrors.length === 0, `no page errors (${pageErrors.slice(0, 3).join(" | ")})`);
} catch (e) {
  failures.push(e instanceof Error && e.stack ? e.stack : String(e));
  console.error(e);
} finally {
  if (browser) await browser.close();
  stopServer();
  rmSync(userDataDir, { recursive: true, force: true });
}

console.log(`screenshots: ${outDir}/*.png`);
if (failures.length) {
  console.log(`live notebook test: ${failures.length} check(s) FAILED`);
  process.exit(1);
}
console.log("live notebook test: all checks passed");
