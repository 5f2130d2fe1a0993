#!/usr/bin/env node
// Browser check of notebook figures (issue 4): executes test/fixtures/display/figures.ipynb on the project
// kernel, exports it to HTML with nbconvert (see prepare.py), opens every export in headless Debian
// chromium (playwright-core, never a downloaded browser, network blocked) and asserts that
//   - every figure drew: Plotly's main svg is present, the plot holds the expected number of traces
//     (from the executed notebook's plotly JSON) and each trace has rendered DOM nodes;
//   - the fallback text is gone, the DataFrame table is there, and the page raised no errors;
//   - the same holds with the plotly.js output moved to the end of the notebook ("reordered") and with
//     nbconvert's classic template; without plotly.js every figure shows its visible fallback text;
//   - outputs inserted one by one into a live page, as Jupyter front ends do, draw in any order;
//   - each plotly JSON object alone draws with Plotly.newPlot (the VS Code / JupyterLab-extension path).
// Screenshots go to build/browser/*.png. Exit code 0 only if every check passed.
//
// Usage: node test/browser/run.mjs        (needs /usr/bin/python3 with nbclient/nbconvert, /usr/bin/chromium)
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { CHROMIUM_ARGS } from "./chromium.mjs";

const root = new URL("../..", import.meta.url).pathname;
const outDir = join(root, "build", "browser");
const fixture = join(root, "test", "fixtures", "display", "figures.ipynb");
const python = process.env.MLP_PYTHON || "/usr/bin/python3";
const browserPath = process.env.MLP_CHROMIUM || "/usr/bin/chromium";
const MAX_NOTEBOOK_BYTES = 6 * 1024 * 1024;
const PLOTLY_MIME = "application/vnd.plotly.v1+json";

const failures = [];
const check = (ok, msg) => {
  if (!ok) failures.push(msg);
  console.log(`${ok ? "  ok  " : "  FAIL"} ${msg}`);
};

for (const [what, p] of [["python", python], ["chromium", browserPath]]) {
  if (!existsSync(p)) {
    console.error(`browser test: ${what} not found at ${p}`);
    process.exit(2);
  }
}

// 1. Execute + validate + export (Python side).
console.log("browser test: executing the fixture and exporting HTML …");
const prep = spawnSync(python, [join(root, "test", "browser", "prepare.py"), fixture, outDir], {
  cwd: root,
  encoding: "utf8",
  env: { ...process.env, JUPYTER_PATH: [join(root, "build", "jupyter"), process.env.JUPYTER_PATH].filter(Boolean).join(":") },
});
if (prep.status !== 0) {
  console.error(prep.stdout, prep.stderr);
  console.error("browser test: preparing the notebook failed");
  process.exit(1);
}
const manifest = JSON.parse(readFileSync(join(outDir, "manifest.json"), "utf8"));
console.log(`  executed fixture: ${manifest.figures.length} figures, ${manifest.executed_bytes} bytes`);
check(manifest.executed_bytes <= MAX_NOTEBOOK_BYTES, `executed notebook ${manifest.executed_bytes} B <= 6 MB`);
check(manifest.live.points === 300, `live figure kept one output with all ${manifest.live.points}/300 epochs`);

// 2. Open each export in chromium.
const userDataDir = mkdtempSync(join(tmpdir(), "mlp-chromium-"));
// A persistent context on a fresh, empty user-data-dir (playwright passes it as --user-data-dir).
const browser = await chromium.launchPersistentContext(userDataDir, {
  executablePath: browserPath,
  headless: true,
  viewport: { width: 1100, height: 900 },
  args: CHROMIUM_ARGS,
});

async function openExport(name) {
  const page = await browser.newPage();
  const pageErrors = [];
  const consoleErrors = [];
  const blocked = [];
  page.on("pageerror", (e) => pageErrors.push(String(e)));
  page.on("console", (m) => m.type() === "error" && consoleErrors.push(m.text()));
  // Offline: nothing may come from the network (CDN require.js / MathJax in stock templates just fail).
  await page.route(/^https?:/, (route) => {
    blocked.push(route.request().url());
    return route.abort();
  });
  await page.goto(pathToFileURL(manifest.exports[name]).href, { waitUntil: "load", timeout: 60000 });
  return { page, pageErrors, consoleErrors, blocked };
}

async function figureState(page, id) {
  return page.evaluate((id) => {
    const el = document.getElementById(id);
    if (!el) return { found: false };
    // (Plotly keeps its state on the div: _fullData)
    const gd = /** @type {any} */ (el.classList.contains("js-plotly-plot") ? el : el.querySelector(".js-plotly-plot"));
    const fallback = /** @type {HTMLElement | null} */ (el.querySelector(".mlp-fallback"));
    const full = gd && gd._fullData ? gd._fullData : [];
    // Rendered nodes per trace type: scatter → .scatterlayer .trace, heatmap → .hm image, image → .im image.
    const rendered = {
      scatter: el.querySelectorAll(".scatterlayer .trace").length,
      heatmap: el.querySelectorAll(".heatmaplayer .hm").length,
      image: el.querySelectorAll(".imagelayer .im").length,
    };
    const box = el.getBoundingClientRect();
    return {
      found: true,
      drawn: el.getAttribute("data-mlp-drawn") === "1",
      svg: el.querySelectorAll("svg.main-svg").length,
      traces: full.length,
      types: full.map((t) => t.type),
      rendered,
      fallbackVisible: !!fallback && fallback.offsetParent !== null,
      height: Math.round(box.height),
      width: Math.round(box.width),
    };
  }, id);
}

function expectedRendered(types) {
  const c = { scatter: 0, heatmap: 0, image: 0 };
  for (const t of types) c[t] = (c[t] ?? 0) + 1;
  return c;
}

async function checkDrawn(name, { screenshots }) {
  console.log(`\n[${name}] ${manifest.exports[name]}`);
  const { page, pageErrors, consoleErrors, blocked } = await openExport(name);
  const ids = manifest.figures.map((f) => f.id);
  await page
    .waitForFunction((ids) => ids.every((id) => document.getElementById(id)?.getAttribute("data-mlp-drawn") === "1"), ids, {
      timeout: 30000,
    })
    .catch(() => {});
  await page.waitForTimeout(300); // let Plotly finish its async layout pass
  for (const f of manifest.figures) {
    const s = await figureState(page, f.id);
    const exp = expectedRendered(f.types);
    const okRendered = Object.keys(exp).every((k) => s.rendered?.[k] === exp[k]);
    check(
      s.found && s.drawn && s.svg > 0 && s.traces === f.traces && okRendered && !s.fallbackVisible && s.height > 100,
      `${name}: ${f.id} drew ${s.traces}/${f.traces} traces [${(s.types || []).join(",")}], svg ${s.svg}, ` +
        `rendered ${JSON.stringify(s.rendered)}, ${s.width}×${s.height}px — ${f.summary.split("\n").pop().slice(0, 60)}`,
    );
  }
  const tableRows = await page.evaluate(() => {
    const t = document.querySelector("table.dataframe");
    return t ? t.querySelectorAll("tbody tr").length : -1;
  });
  check(tableRows === manifest.tables[0].rows, `${name}: DataFrame table with ${tableRows} rows`);
  check(pageErrors.length === 0, `${name}: no page errors${pageErrors.length ? ": " + pageErrors.join(" | ") : ""}`);
  if (consoleErrors.length) console.log(`  note: console errors (network blocked: ${blocked.length} requests): ${consoleErrors.slice(0, 3).join(" | ")}`);
  await page.screenshot({ path: join(outDir, `${name}.png`), fullPage: true });
  if (screenshots) {
    let k = 0;
    for (const f of manifest.figures) {
      await page.locator(`[id="${f.id}"]`).screenshot({ path: join(outDir, `${name}-fig${++k}.png`) });
    }
  }
  await page.close();
}

async function checkFallback(name) {
  console.log(`\n[${name}] ${manifest.exports[name]}`);
  const { page, pageErrors } = await openExport(name);
  await page.waitForTimeout(500);
  for (const f of manifest.figures) {
    const s = await figureState(page, f.id);
    check(s.found && !s.drawn && s.fallbackVisible, `${name}: ${f.id} shows its fallback text (plotly.js absent)`);
  }
  check(pageErrors.length === 0, `${name}: no page errors${pageErrors.length ? ": " + pageErrors.join(" | ") : ""}`);
  await page.screenshot({ path: join(outDir, `${name}.png`), fullPage: false });
  await page.close();
}

// Live front ends (JupyterLab, classic Notebook, VS Code's html path) insert outputs one by one after the
// page loaded and run their scripts by re-creating the <script> elements (with an AMD `define` present,
// as classic Notebook's require.js has it). Emulate that, in three orders:
// plotly.js first; plotly.js last; and a figure output inserted a second time with the SAME div id
// (what a kernel restart + re-run produces while the old output is still on the page).
async function checkDynamic() {
  const nb = JSON.parse(readFileSync(join(outDir, "executed.ipynb"), "utf8"));
  const htmls = [];
  for (const cell of nb.cells) {
    for (const o of cell.outputs ?? []) {
      const h = o.data?.["text/html"];
      if (h) htmls.push(Array.isArray(h) ? h.join("") : h);
    }
  }
  const loader = htmls.filter((h) => h.includes("mlp-plotly-loader"));
  const rest = htmls.filter((h) => !h.includes("mlp-plotly-loader"));
  const firstFig = rest.find((h) => h.includes("mlp-figure"));
  const orders = {
    "dynamic-plotly-first": [...loader, ...rest],
    "dynamic-plotly-last": [...rest, ...loader],
    "dynamic-rerun-same-id": [...loader, ...rest, firstFig],
  };
  for (const [name, list] of Object.entries(orders)) {
    console.log(`\n[${name}] outputs inserted one by one into a loaded page`);
    const page = await browser.newPage();
    const pageErrors = [];
    page.on("pageerror", (e) => pageErrors.push(String(e)));
    await page.route(/^https?:/, (route) => route.abort());
    // an AMD loader like classic Notebook's require.js: plotly.js must still end up on window.Plotly
    await page.setContent(
      '<!DOCTYPE html><html><head><meta charset="utf-8"><script>window.define = function () {' +
        ' throw new Error("AMD define called"); }; window.define.amd = {};</script></head><body></body></html>',
    );
    await page.evaluate((list) => {
      for (const h of list) {
        const div = document.createElement("div");
        div.className = "output";
        div.innerHTML = h; // scripts inserted this way do not run ...
        document.body.appendChild(div);
        for (const old of Array.from(div.querySelectorAll("script"))) {
          const s = document.createElement("script"); // ... so front ends re-create them
          s.textContent = old.textContent;
          old.replaceWith(s);
        }
      }
    }, list);
    await page.waitForTimeout(500);
    const states = await page.evaluate(() =>
      Array.from(document.querySelectorAll(".mlp-figure")).map((el) => ({
        id: el.id,
        drawn: el.getAttribute("data-mlp-drawn") === "1",
        svg: el.querySelectorAll("svg.main-svg").length,
        traces: (/** @type {any} */ (el)._fullData ?? []).length,
      })),
    );
    const expected = list.filter((h) => h.includes("mlp-figure")).length;
    check(states.length === expected, `${name}: ${states.length}/${expected} figure divs on the page`);
    const byId = new Map(manifest.figures.map((f) => [f.id, f]));
    const bad = states.filter((st) => !(st.drawn && st.svg > 0 && st.traces === byId.get(st.id)?.traces));
    check(bad.length === 0, `${name}: every figure div drew with the expected traces${bad.length ? ": " + JSON.stringify(bad) : ""}`);
    check(pageErrors.length === 0, `${name}: no page errors${pageErrors.length ? ": " + pageErrors.join(" | ") : ""}`);
    await page.close();
  }
}

// VS Code and JupyterLab's plotly extension draw the application/vnd.plotly.v1+json object themselves:
// Plotly.newPlot(div, data, layout, config) on the stored JSON alone (no html, no scripts of ours).
async function checkPlotlyJson() {
  const name = "plotly-json-mime";
  console.log(`\n[${name}] each figure drawn from its application/vnd.plotly.v1+json object alone`);
  const nb = JSON.parse(readFileSync(join(outDir, "executed.ipynb"), "utf8"));
  const figs = [];
  for (const cell of nb.cells) for (const o of cell.outputs ?? []) if (o.data?.[PLOTLY_MIME]) figs.push(o.data[PLOTLY_MIME]);
  const plotlyJs = readFileSync(join(root, "node_modules", "plotly.js-dist-min", "plotly.min.js"), "utf8");
  const page = await browser.newPage();
  const pageErrors = [];
  page.on("pageerror", (e) => pageErrors.push(String(e)));
  await page.route(/^https?:/, (route) => route.abort());
  await page.setContent('<!DOCTYPE html><html><head><meta charset="utf-8"></head><body></body></html>');
  await page.addScriptTag({ content: plotlyJs });
  const res = await page.evaluate(async (figs) => {
    const out = [];
    for (const f of figs) {
      const div = /** @type {any} */ (document.createElement("div"));
      document.body.appendChild(div);
      await /** @type {any} */ (window).Plotly.newPlot(div, f.data, f.layout, f.config);
      out.push({ traces: div._fullData.length, svg: div.querySelectorAll("svg.main-svg").length });
    }
    return out;
  }, figs);
  check(res.length === manifest.figures.length, `${name}: ${res.length}/${manifest.figures.length} figures`);
  res.forEach((r, k) =>
    check(r.svg > 0 && r.traces === manifest.figures[k].traces, `${name}: figure ${k + 1} drew ${r.traces}/${manifest.figures[k].traces} traces`),
  );
  check(pageErrors.length === 0, `${name}: no page errors${pageErrors.length ? ": " + pageErrors.join(" | ") : ""}`);
  await page.screenshot({ path: join(outDir, `${name}.png`), fullPage: true });
  await page.close();
}

try {
  await checkDrawn("executed", { screenshots: true });
  await checkDrawn("reordered", { screenshots: false });
  await checkDrawn("classic", { screenshots: false });
  await checkFallback("noplotly");
  await checkDynamic();
  await checkPlotlyJson();
} finally {
  await browser.close();
  rmSync(userDataDir, { recursive: true, force: true });
}

console.log(`\nbrowser test: ${failures.length ? `${failures.length} FAILED` : "all checks passed"}; screenshots in ${outDir}`);
process.exit(failures.length ? 1 : 0);
