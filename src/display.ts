// Rich output in notebooks: Plotly figures, live training progress and DataFrame tables.
//
// In the tslab kernel, `show(fig)` sends ONE display bundle per figure:
//   application/vnd.plotly.v1+json  {data, layout, config} as a JSON object (VS Code, JupyterLab + plotly ext.)
//   text/html                       a div + script calling window.Plotly.newPlot (classic Notebook, trusted
//                                   JupyterLab, nbconvert HTML); the div shows a fallback text until drawn
//   text/plain                      a one-line summary
// plotly.js itself (4.8 MB) is inlined ONCE per notebook, in a separate output (see `initPlots`): every
// figure's script draws at once when window.Plotly exists, otherwise it queues itself and the plotly.js
// output drains the queue when it runs — so figures also draw when that output comes later in the page.
// tslab's public display API sends one MIME type per message and JSON as strings, so we call its internal
// writeDisplayData (`lastWriteDisplayData` in tslab/dist/jupyter.js), valid only while a cell executes.
// Outside a kernel (unit tests, plain node) nothing throws: a text summary is printed instead, and
// `show(fig, { file })` writes a standalone HTML page.
import * as fs from "fs";
import * as path from "path";
import { Figure, Trace, lossCurve, LossCurveOptions } from "./plot";

/** A Jupyter MIME bundle: MIME type → data (JSON types as objects). */
export interface MimeBundle {
  [mime: string]: unknown;
}

type WriteDisplayData = (
  content: { data: MimeBundle; metadata: Record<string, unknown>; transient?: { display_id?: string } },
  update: boolean,
) => void;

interface DisplayState {
  figures: number;
  displays: number;
  plotlyInlined: boolean;
}

/** Kept on globalThis so re-running the import cell (which reloads this module) keeps the counters. */
function state(): DisplayState {
  const g = globalThis as unknown as Record<symbol, DisplayState | undefined>;
  const key = Symbol.for("mlp-course.display");
  let s = g[key];
  if (!s) {
    s = { figures: 0, displays: 0, plotlyInlined: false };
    g[key] = s;
  }
  return s;
}

let jupyterModule: { lastWriteDisplayData?: WriteDisplayData | null } | null | undefined;

/** tslab's writeDisplayData for the executing cell, or null outside the tslab kernel. */
function kernelWriter(): WriteDisplayData | null {
  const g = globalThis as unknown as { __tslab__?: { require?: (id: string) => unknown } };
  if (!g.__tslab__) return null; // not in tslab: never load tslab (it pulls in TypeScript)
  if (jupyterModule === undefined) {
    jupyterModule = null;
    try {
      // In tslab, require("tslab") is hooked to tslab's own public module; jupyter.js sits beside it.
      const pub = (g.__tslab__.require ?? require)("tslab");
      for (const key of Object.keys(require.cache)) {
        const m = require.cache[key];
        if (m && m.exports === pub) {
          jupyterModule = require(path.join(path.dirname(m.filename), "jupyter.js"));
          break;
        }
      }
    } catch {
      jupyterModule = null;
    }
  }
  const w = jupyterModule?.lastWriteDisplayData;
  return typeof w === "function" ? w : null;
}

/** True when running inside the tslab kernel with a cell executing (rich output possible). */
export function inKernel(): boolean {
  return kernelWriter() !== null;
}

function send(data: MimeBundle, displayId?: string, update = false): boolean {
  const w = kernelWriter();
  if (!w) return false;
  w({ data, metadata: {}, transient: displayId ? { display_id: displayId } : {} }, update);
  return true;
}

// ---------------------------------------------------------------------------------------------
// Serialisation
// ---------------------------------------------------------------------------------------------

/** Significant digits kept for non-integer numbers in saved figures (keeps notebooks small). */
export const FIGURE_PRECISION = 6;

function roundReplacer(_key: string, v: unknown): unknown {
  if (typeof v === "number") {
    if (!Number.isFinite(v)) return null;
    return Number.isInteger(v) ? v : Number(v.toPrecision(FIGURE_PRECISION));
  }
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
  return v;
}

/** JSON text of a figure (numbers rounded to FIGURE_PRECISION significant digits, NaN/∞ → null). */
export function figureJson(fig: Figure): string {
  return JSON.stringify(fig, roundReplacer);
}

/** JSON text safe inside an HTML <script>: "<", ">", "&", U+2028/9 escaped. */
function scriptSafeJson(json: string): string {
  return json
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function stripTags(s: string): string {
  return s.replace(/<br\s*\/?>/gi, " ").replace(/<sup>(.*?)<\/sup>/gi, "^$1").replace(/<[^>]*>/g, "");
}

function titleText(x: unknown): string | undefined {
  if (typeof x === "string") return x;
  if (x && typeof x === "object" && typeof (x as { text?: unknown }).text === "string") return (x as { text: string }).text;
  return undefined;
}

/**
 * One-line text summary of a figure (the text/plain part of its bundle).
 * Example: figureSummary(lossCurve([1, 0.5])) → "Figure: 1 trace (scatter: 2 points) — x: 에폭 (epoch), y: 비용 (cost)".
 */
export function figureSummary(fig: Figure): string {
  const n = fig.data.length;
  const parts = fig.data.slice(0, 4).map((tr: Trace) => {
    const meta = tr.meta as { width?: number; height?: number } | undefined;
    if (typeof tr.source === "string") return `${tr.type} ${meta?.width ?? "?"}×${meta?.height ?? "?"}`;
    if (Array.isArray(tr.z)) return `${tr.type} ${tr.z.length}×${Array.isArray(tr.z[0]) ? tr.z[0].length : 0}`;
    return `${tr.type}: ${Array.isArray(tr.x) ? tr.x.filter((v) => v !== null).length : Array.isArray(tr.y) ? tr.y.length : 0} points`;
  });
  if (n > 4) parts.push("…");
  const title = titleText(fig.layout.title);
  const xt = titleText((fig.layout.xaxis as { title?: unknown } | undefined)?.title);
  const yt = titleText((fig.layout.yaxis as { title?: unknown } | undefined)?.title);
  const axes = [xt ? `x: ${stripTags(xt)}` : "", yt ? `y: ${stripTags(yt)}` : ""].filter(Boolean).join(", ");
  return `Figure${title ? ` "${stripTags(title)}"` : ""}: ${n} trace${n === 1 ? "" : "s"} (${parts.join("; ")})${axes ? ` — ${axes}` : ""}`;
}

/** 32-bit FNV-1a hash as 8 hex digits (deterministic ids). */
function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0");
}

/** Options of `show` / `figureBundle`. */
export interface ShowOptions {
  /** Also write a standalone HTML page (plotly.js inlined) to this path. */
  file?: string;
  /** Plot height in pixels (default: the figure's layout.height or 420). */
  height?: number;
  /** Plotly config merged over the default { responsive: true, displaylogo: false }. */
  config?: Record<string, unknown>;
  /** Outside a kernel: do not print the text summary. */
  quiet?: boolean;
  /** Extra html shown above the plot (e.g. a progress line); already escaped. */
  caption?: string;
}

const DEFAULT_CONFIG = { responsive: true, displaylogo: false };

/** The figure as sent: config filled in, numbers rounded, typed arrays as arrays. */
function prepared(fig: Figure, opts: ShowOptions): { obj: Figure; json: string } {
  const withConfig: Figure = { data: fig.data, layout: fig.layout, config: { ...DEFAULT_CONFIG, ...fig.config, ...opts.config } };
  const json = figureJson(withConfig);
  return { obj: JSON.parse(json) as Figure, json };
}

const FALLBACK_TEXT =
  "plotly.js가 로드되지 않아 그림을 그릴 수 없습니다 (plotly.js is not loaded). " +
  "Jupyter에서는 노트북을 신뢰(Trust)하고 initPlots()가 있는 첫 셀부터 다시 실행하세요 " +
  "(trust the notebook and re-run it from the setup cell that calls initPlots()).";

/** The text/html part for a figure: div with fallback text + script that draws or queues itself. */
function figureHtml(json: string, id: string, height: number, summary: string, caption?: string): string {
  return (
    (caption ? `<div class="mlp-caption" style="font-family:monospace;margin:2px 0 4px 0">${caption}</div>\n` : "") +
    `<div id="${id}" class="mlp-figure" style="width:100%;min-height:${height}px;">` +
    `<div class="mlp-fallback" style="padding:8px;border:1px dashed #999;color:#555;font-size:13px">` +
    `[${escapeHtml(summary)}] ${escapeHtml(FALLBACK_TEXT)}</div></div>\n` +
    `<script type="text/javascript">\n(function () {\n` +
    `  var id = "${id}";\n` +
    `  var fig = ${scriptSafeJson(json)};\n` +
    `  function draw(P) {\n` +
    `    var els = document.querySelectorAll('div[id="' + id + '"]');\n` +
    `    for (var i = 0; i < els.length; i++) {\n` +
    `      var el = els[i];\n` +
    `      if (el.getAttribute("data-mlp-drawn")) continue;\n` +
    `      el.setAttribute("data-mlp-drawn", "1");\n` +
    `      el.innerHTML = "";\n` +
    `      P.newPlot(el, fig.data, fig.layout, fig.config);\n` +
    `    }\n` +
    `  }\n` +
    `  if (window.Plotly && window.Plotly.newPlot) { draw(window.Plotly); }\n` +
    `  else { (window.__mlpPlotlyQueue = window.__mlpPlotlyQueue || []).push(draw); }\n` +
    `})();\n</script>`
  );
}

/**
 * The MIME bundle `show` sends for a figure: plotly JSON object, html, text. Deterministic: the div id is
 * a counter plus a hash of the figure, so re-running a notebook from the start gives identical output.
 * Example: `figureBundle(lossCurve(net.cost))["application/vnd.plotly.v1+json"]` → { data, layout, config }.
 */
export function figureBundle(fig: Figure, opts: ShowOptions = {}): MimeBundle {
  return bundleNumbered(fig, opts, ++state().figures);
}

/** figureBundle with a given figure number (liveLoss keeps one number for all its refreshes). */
function bundleNumbered(fig: Figure, opts: ShowOptions, n: number): MimeBundle {
  if (!fig || !Array.isArray(fig.data) || typeof fig.layout !== "object" || fig.layout === null) {
    throw new Error("show: expected a figure { data: Trace[], layout } (e.g. from lossCurve)");
  }
  const { obj, json } = prepared(fig, opts);
  const id = `mlp-fig-${n}-${fnv1a(json)}`;
  const height = opts.height ?? (typeof fig.layout.height === "number" ? fig.layout.height : 420);
  const summary = figureSummary(fig);
  return {
    "application/vnd.plotly.v1+json": obj,
    "text/html": figureHtml(json, id, height, summary, opts.caption),
    "text/plain": summary,
  };
}

// ---------------------------------------------------------------------------------------------
// plotly.js, inlined once
// ---------------------------------------------------------------------------------------------

let plotlySource: string | undefined;

/** The plotly.js-dist-min bundle (read once), made safe to inline in a <script>. */
function plotlyJs(): string {
  if (plotlySource === undefined) {
    const file = require.resolve("plotly.js-dist-min");
    plotlySource = fs
      .readFileSync(file, "utf8")
      .replace(/<\/script/gi, "<\\/script")
      .replace(/<!--/g, "<\\!--");
  }
  return plotlySource;
}

/** Version of the inlined plotly.js, e.g. "4.1.2". */
export function plotlyVersion(): string {
  const pkg = JSON.parse(fs.readFileSync(require.resolve("plotly.js-dist-min/package.json"), "utf8")) as { version: string };
  return pkg.version;
}

/**
 * html that loads plotly.js (inlined, offline) unless the page already has it, then draws every figure
 * that queued itself. `define` (require.js in classic Notebook / nbconvert) is hidden while it loads.
 */
export function plotlyLoaderHtml(): string {
  return (
    `<div class="mlp-plotly-loader" style="font-size:11px;color:#888">plotly.js ${plotlyVersion()} (offline)</div>\n` +
    `<script type="text/javascript">\n` +
    `if (!(window.Plotly && window.Plotly.newPlot)) {\n(function () {\n` +
    `var __mlpDefine = window.define; window.define = undefined;\ntry {\n` +
    plotlyJs() +
    `\n} finally { window.define = __mlpDefine; }\n})();\n}\n` +
    `(function () {\n` +
    `  var q = window.__mlpPlotlyQueue || [];\n` +
    `  window.__mlpPlotlyQueue = [];\n` +
    `  for (var i = 0; i < q.length; i++) {\n` +
    `    try { q[i](window.Plotly); } catch (e) { if (window.console) console.error(e); }\n` +
    `  }\n` +
    `})();\n</script>`
  );
}

/**
 * Inlines plotly.js (4.8 MB, offline) into this cell's output so every figure in the notebook can draw.
 * Call it once in the notebook's setup cell; `show` calls it by itself if no cell of this kernel did.
 * Re-running the setup cell replaces its output, so the notebook still carries one copy. After a kernel
 * restart, run the setup cell first: otherwise the first `show` inlines a second copy (another 4.8 MB).
 * Outside a kernel it does nothing. Example: `initPlots();`
 */
export function initPlots(): void {
  if (send({ "text/html": plotlyLoaderHtml(), "text/plain": `plotly.js ${plotlyVersion()} loaded (offline copy)` })) {
    state().plotlyInlined = true;
  }
}

function ensurePlotly(): void {
  if (!state().plotlyInlined) initPlots();
}

/** A standalone HTML page with plotly.js inlined and the given figures. Example: `writeFileSync("a.html", figurePage([fig]))`. */
export function figurePage(figs: readonly Figure[], title = "figures"): string {
  const body = figs.map((f) => figureBundle(f)["text/html"] as string).join("\n");
  return (
    `<!DOCTYPE html>\n<html lang="ko">\n<head>\n<meta charset="utf-8">\n<title>${escapeHtml(title)}</title>\n` +
    `<style>body{font-family:${"'Noto Sans CJK KR','Malgun Gothic','Apple SD Gothic Neo',sans-serif"};margin:16px;}</style>\n` +
    `</head>\n<body>\n${body}\n${plotlyLoaderHtml()}\n</body>\n</html>\n`
  );
}

/**
 * Shows a figure: in a notebook one rich output (plotly JSON + html + text); outside a kernel prints the
 * text summary (unless `quiet`). With `file`, also writes a standalone HTML page there (folders created).
 * Example: `show(lossCurve(net.cost), { file: "build/loss.html" })`.
 */
export function show(fig: Figure, opts: ShowOptions = {}): void {
  const bundle = figureBundle(fig, opts);
  if (opts.file) {
    fs.mkdirSync(path.dirname(path.resolve(opts.file)), { recursive: true });
    fs.writeFileSync(opts.file, figurePage([fig], titleText(fig.layout.title) ?? "figure"));
  }
  if (inKernel()) {
    ensurePlotly();
    send(bundle);
  } else if (!opts.quiet) {
    console.log(bundle["text/plain"] + (opts.file ? ` → ${opts.file}` : ""));
  }
}

// ---------------------------------------------------------------------------------------------
// Live training progress
// ---------------------------------------------------------------------------------------------

/** Options of `liveLoss`. */
export interface LiveLossOptions extends LossCurveOptions {
  /** Refresh every this many epochs (default: about 50 refreshes over `epochs`, else 10). */
  every?: number;
  /** Total epochs, for the progress line and to show the final figure by itself at the last epoch. */
  epochs?: number;
  /** Legend name of the run. */
  name?: string;
  /** Skip a refresh when the previous one was less than this many ms ago (default 100; the last one always shows). */
  minIntervalMs?: number;
  /** Outside a kernel: print nothing (default prints one summary line at the end). */
  quiet?: boolean;
}

/** A live loss plot; pass `onEpoch` to NeuralNetwork's options, call `finish()` after fit (safe to call twice). */
export interface LiveLoss {
  /** Cost per epoch recorded so far. */
  readonly cost: number[];
  /** Records one epoch's cost; `(epoch, cost, net)` like NeuralNetwork's onEpoch. */
  onEpoch: (epoch: number, cost: number, net?: unknown) => void;
  /** Replaces the live output with the final figure (idempotent). */
  finish: () => void;
}

/**
 * A loss plot that updates ONE output in place while training (display id), every `every` epochs,
 * with a progress line; the saved notebook keeps only the final figure.
 * Example:
 *   const live = liveLoss({ epochs: 1000, title: "XOR" });
 *   new NeuralNetwork([2, 3, 1], { eta: 1, epochs: 1000, onEpoch: live.onEpoch }).fit(X, Y);
 *   live.finish();
 */
export function liveLoss(opts: LiveLossOptions = {}): LiveLoss {
  const cost: number[] = [];
  const every = Math.max(1, Math.floor(opts.every ?? (opts.epochs ? Math.ceil(opts.epochs / 50) : 10)));
  const minInterval = opts.minIntervalMs ?? 100;
  const displayId = `mlp-live-${process.pid}-${++state().displays}`;
  const figNumber = ++state().figures;
  let started = false;
  let lastSent = 0;
  let finishedAt = -1;
  let epochs = opts.epochs;

  const figure = () => lossCurve([{ name: opts.name ?? "cost", cost }], { ...opts, title: opts.title });
  const progress = (done: boolean) => {
    const n = cost.length;
    const total = epochs ? ` / ${epochs}` : "";
    const last = n ? cost[n - 1] : NaN;
    return `${done ? "학습 완료 (done)" : "학습 중 (training)"} — 에폭 (epoch) ${n}${total}, 비용 (cost) ${Number.isFinite(last) ? last.toPrecision(6) : String(last)}`;
  };
  const render = (done: boolean) => {
    const text = progress(done);
    const bundle = bundleNumbered(figure(), { caption: escapeHtml(text) }, figNumber);
    bundle["text/plain"] = `${text}\n${bundle["text/plain"] as string}`;
    if (!started) {
      ensurePlotly();
      started = send(bundle, displayId, false);
    } else {
      send(bundle, displayId, true);
    }
    lastSent = Date.now();
  };
  const finish = () => {
    if (finishedAt === cost.length) return;
    finishedAt = cost.length;
    if (inKernel()) render(true);
    else if (!opts.quiet) console.log(progress(true));
  };
  const onEpoch = (_epoch: number, c: number, net?: unknown) => {
    cost.push(c);
    if (epochs === undefined && net && typeof (net as { epochs?: unknown }).epochs === "number") {
      epochs = (net as { epochs: number }).epochs;
    }
    const n = cost.length;
    if (epochs !== undefined && n === epochs) return finish();
    if (!inKernel()) return;
    if (n === 1 || (n % every === 0 && Date.now() - lastSent >= minInterval)) render(false);
  };
  return { cost, onEpoch, finish };
}

// ---------------------------------------------------------------------------------------------
// Tables (nodejs-polars DataFrames)
// ---------------------------------------------------------------------------------------------

/** What `showTable` needs from a nodejs-polars DataFrame. */
export interface TableLike {
  readonly height: number;
  readonly columns: string[];
  head(n: number): { toRecords(): Record<string, unknown>[] };
}

/** Options of `showTable`. */
export interface TableOptions {
  /** Rows shown (default 10); the rest is summarised as "… N more rows". */
  maxRows?: number;
  /** Significant digits for non-integer numbers (default 6). */
  digits?: number;
  title?: string;
  quiet?: boolean;
}

function cellText(v: unknown, digits: number): string {
  if (v === null || v === undefined) return "null";
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : Number.isFinite(v) ? String(Number(v.toPrecision(digits))) : String(v);
  if (typeof v === "bigint") return v.toString();
  if (v instanceof Date) return v.toISOString();
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

function tableRows(df: TableLike, opts: TableOptions): { cols: string[]; rows: string[][]; more: number } {
  const maxRows = Math.max(0, opts.maxRows ?? 10);
  const digits = opts.digits ?? 6;
  const recs = df.head(maxRows).toRecords();
  return {
    cols: df.columns.slice(),
    rows: recs.map((r) => df.columns.map((c) => cellText(r[c], digits))),
    more: Math.max(0, df.height - recs.length),
  };
}

/** Plain-text table (right-aligned columns) of the first maxRows rows. Example: tableText(net.history()). */
export function tableText(df: TableLike, opts: TableOptions = {}): string {
  const { cols, rows, more } = tableRows(df, opts);
  const w = cols.map((c, k) => Math.max(c.length, ...rows.map((r) => r[k].length)));
  const line = (cells: string[]) => cells.map((s, k) => s.padStart(w[k])).join("  ");
  const out = [
    ...(opts.title ? [opts.title] : []),
    line(cols),
    w.map((n) => "-".repeat(n)).join("  "),
    ...rows.map(line),
    `(${df.height} rows × ${cols.length} columns${more ? `, ${more} more rows not shown` : ""})`,
  ];
  return out.join("\n");
}

/** HTML table of the first maxRows rows. Example: tableHtml(df, { maxRows: 5 }). */
export function tableHtml(df: TableLike, opts: TableOptions = {}): string {
  const { cols, rows, more } = tableRows(df, opts);
  const th = cols.map((c) => `<th style="text-align:right;padding:2px 8px">${escapeHtml(c)}</th>`).join("");
  const trs = rows
    .map((r) => `<tr>${r.map((v) => `<td style="text-align:right;padding:2px 8px;font-family:monospace">${escapeHtml(v)}</td>`).join("")}</tr>`)
    .join("\n");
  return (
    `<div class="mlp-table">` +
    (opts.title ? `<div style="font-weight:bold;margin-bottom:4px">${escapeHtml(opts.title)}</div>` : "") +
    `<table class="dataframe" style="border-collapse:collapse">\n<thead><tr>${th}</tr></thead>\n<tbody>\n${trs}\n</tbody>\n</table>\n` +
    `<div style="font-size:12px;color:#666">${df.height} rows × ${cols.length} columns${more ? ` (${more} more rows not shown)` : ""}</div></div>`
  );
}

/**
 * Displays a nodejs-polars DataFrame as an HTML table (text fallback); outside a kernel prints the text.
 * Example: `showTable(net.history(), { maxRows: 5 })`.
 */
export function showTable(df: TableLike, opts: TableOptions = {}): void {
  const text = tableText(df, opts);
  if (!send({ "text/html": tableHtml(df, opts), "text/plain": text }) && !opts.quiet) console.log(text);
}
