// An interactive training explorer for 2-D data: decision regions of several runs side by side and
// their cost curves, with a Plotly slider over the epochs. Plain data like the builders in plot.ts:
// the slider's steps switch traces with Plotly's "update" method, so the figure needs no kernel and no
// frames — it works in exported HTML, classic Notebook and VS Code exactly as `show` draws any figure.
import { decimate, PLOT_COLORS, PLOT_FONT_FAMILY } from "./plot";
import type { Figure, MatrixLike, PlotLang, Trace } from "./plot";

/** A regular grid over 2-D samples: `points` is 2×N (x1 varying fastest) for `predict`, N = x1.length · x2.length. */
export interface ExplorerGrid {
  x1: number[];
  x2: number[];
  points: number[][];
}

/** The network's outputs on the grid after `epoch` epochs (0 = the initial weights). */
export interface TrainingSnapshot {
  epoch: number;
  output: readonly number[];
}

/** One training run: a name for its panel, cost per epoch, snapshots at the same epochs as the other runs. */
export interface TrainingRun {
  name: string;
  cost: readonly number[];
  snapshots: readonly TrainingSnapshot[];
}

export interface TrainingExplorerOptions {
  title?: string;
  lang?: PlotLang;
  /** Most points per cost curve (default 300). */
  maxCostPoints?: number;
  height?: number;
}

/**
 * An n×n grid around the samples of X (2×m, samples are columns), `padding` added on each side.
 * Example: `explorerGrid(X, 31).points` is a 2×961 nested array to pass to `net.predict(Matrix.from(...))`.
 */
export function explorerGrid(X: MatrixLike, n = 31, padding = 0.5): ExplorerGrid {
  if (X.rows !== 2) throw new Error(`explorerGrid: X must be 2×m (samples are columns), got (${X.rows}×${X.cols})`);
  if (!Number.isInteger(n) || n < 2 || n > 200) throw new Error(`explorerGrid: n must be an integer in 2..200, got ${n}`);
  const range = (i: number): number[] => {
    let lo = Infinity, hi = -Infinity;
    for (let j = 0; j < X.cols; j++) { lo = Math.min(lo, X.get(i, j)); hi = Math.max(hi, X.get(i, j)); }
    lo -= padding; hi += padding;
    return Array.from({ length: n }, (_, k) => lo + ((hi - lo) * k) / (n - 1));
  };
  const x1 = range(0), x2 = range(1);
  const r1: number[] = [], r2: number[] = [];
  for (const b of x2) for (const a of x1) { r1.push(a); r2.push(b); }
  return { x1, x2, points: [r1, r2] };
}

const t = (lang: PlotLang | undefined, ko: string, en: string): string => ((lang ?? "ko") === "en" ? en : ko);
// two decimals are more than a colour can show, and keep the figure small
const round2 = (v: number): number => Math.round(v * 100) / 100;

/**
 * Decision regions (network output on the grid, 0 blue – 0.5 white – 1 orange) of each run in a row of
 * panels, the cost curves of all runs below, and a slider over the snapshot epochs that shows every
 * panel at that epoch and moves a line on the cost plot. Every run needs snapshots at the same epochs.
 * Example: `trainingExplorer(runs, X, [0, 1, 1, 0], explorerGrid(X))` → { data, layout } with layout.sliders.
 */
export function trainingExplorer(
  runs: readonly TrainingRun[],
  X: MatrixLike,
  labels: readonly number[],
  grid: ExplorerGrid,
  opts: TrainingExplorerOptions = {},
): Figure {
  if (runs.length === 0) throw new Error("trainingExplorer: no runs");
  if (labels.length !== X.cols) throw new Error(`trainingExplorer: X has ${X.cols} samples (columns) but labels has ${labels.length}`);
  const epochs = runs[0].snapshots.map((s) => s.epoch);
  if (epochs.length === 0) throw new Error(`trainingExplorer: run "${runs[0].name}" has no snapshots`);
  const N = grid.x1.length * grid.x2.length;
  for (const run of runs) {
    const e = run.snapshots.map((s) => s.epoch);
    if (e.length !== epochs.length || e.some((v, k) => v !== epochs[k])) {
      throw new Error(`trainingExplorer: run "${run.name}" has snapshots at epochs [${e}], the first run at [${epochs}]`);
    }
    for (const s of run.snapshots) {
      if (s.output.length !== N) {
        throw new Error(`trainingExplorer: run "${run.name}", epoch ${s.epoch}: ${s.output.length} outputs for a grid of ${N} points`);
      }
    }
  }
  const R = runs.length, S = epochs.length;
  const gap = 0.04, width = (1 - gap * (R - 1)) / R;
  const domain = (r: number): [number, number] => [r * (width + gap), r * (width + gap) + width];
  const ax = (r: number): string => (r === 0 ? "" : String(r + 1)); // x, x2, x3, … (Plotly's axis names)
  const data: Trace[] = [];
  // 1. heatmaps: run r, snapshot s at index r·S + s; the last snapshot is shown first
  runs.forEach((run, r) => {
    run.snapshots.forEach((snap, s) => {
      const z: number[][] = [];
      for (let b = 0; b < grid.x2.length; b++) z.push(Array.from(snap.output.slice(b * grid.x1.length, (b + 1) * grid.x1.length), round2));
      data.push({
        type: "heatmap", name: `${run.name}, ${snap.epoch}`, x: grid.x1, y: grid.x2, z,
        zmin: 0, zmax: 1, zsmooth: "best", opacity: 0.45, hoverinfo: "skip",
        colorscale: [[0, PLOT_COLORS[0]], [0.5, "#ffffff"], [1, PLOT_COLORS[1]]],
        showscale: false,
        visible: s === S - 1,
        xaxis: `x${ax(r)}`, yaxis: `y${ax(r)}`,
      });
    });
  });
  // 2. the samples on every panel, one marker trace per class
  const classes = Array.from(new Set(labels)).sort((a, b) => a - b);
  runs.forEach((_run, r) => {
    for (const c of classes) {
      const xs: number[] = [], ys: number[] = [];
      for (let j = 0; j < X.cols; j++) if (labels[j] === c) { xs.push(X.get(0, j)); ys.push(X.get(1, j)); }
      data.push({
        type: "scatter", mode: "markers", name: t(opts.lang, `레이블 ${c}`, `label ${c}`), x: xs, y: ys,
        legendgroup: `label${c}`, showlegend: r === 0,
        marker: { color: PLOT_COLORS[c % PLOT_COLORS.length], size: 10, line: { color: "#222222", width: 1 } },
        xaxis: `x${ax(r)}`, yaxis: `y${ax(r)}`,
      });
    }
  });
  // 3. the cost curves (epoch k + 1 on x for cost[k], as lossCurve), on the bottom plot
  const costAxis = String(R + 1);
  runs.forEach((run, r) => {
    const keep = decimate(run.cost, opts.maxCostPoints ?? 300);
    data.push({
      type: "scatter", mode: "lines", name: run.name, x: keep.map((k) => k + 1), y: keep.map((k) => run.cost[k]),
      line: { color: PLOT_COLORS[(r + 2) % PLOT_COLORS.length], width: 2 },
      xaxis: `x${costAxis}`, yaxis: `y${costAxis}`,
    });
  });
  const H = R * S;
  const visibleAt = (s: number): boolean[] => data.map((_, i) => (i < H ? i % S === s : true));
  const epochLine = (e: number) => ({ "shapes[0].x0": e, "shapes[0].x1": e });
  const layout: Record<string, unknown> = {
    font: { family: PLOT_FONT_FAMILY, size: 13 },
    height: opts.height ?? 640,
    margin: { l: 50, r: 20, t: opts.title ? 90 : 60, b: 110 },
    // the legend in the cost plot's top-right corner, where the falling curves leave room
    legend: { orientation: "h", x: 1, xanchor: "right", y: 0.38, yanchor: "top", bgcolor: "rgba(255,255,255,0.8)" },
    annotations: runs.map((run, r) => ({
      text: run.name, showarrow: false, xref: "paper", yref: "paper",
      x: (domain(r)[0] + domain(r)[1]) / 2, y: 1.0, xanchor: "center", yanchor: "bottom",
    })),
    shapes: [{
      type: "line", xref: `x${costAxis}`, yref: `y${costAxis} domain`, x0: epochs[S - 1], x1: epochs[S - 1], y0: 0, y1: 1,
      line: { color: "#444444", width: 1, dash: "dot" },
    }],
    sliders: [{
      active: S - 1,
      pad: { t: 40 },
      currentvalue: { prefix: t(opts.lang, "에폭 (epoch): ", "epoch: ") },
      steps: epochs.map((e, s) => ({ label: String(e), method: "update", args: [{ visible: visibleAt(s) }, epochLine(e)] })),
    }],
  };
  if (opts.title) layout.title = { text: opts.title };
  runs.forEach((_run, r) => {
    layout[`xaxis${ax(r)}`] = { domain: domain(r), anchor: `y${ax(r)}`, range: [grid.x1[0], grid.x1[grid.x1.length - 1]], title: { text: "x₁" }, zeroline: false };
    layout[`yaxis${ax(r)}`] = { domain: [0.55, 1], anchor: `x${ax(r)}`, range: [grid.x2[0], grid.x2[grid.x2.length - 1]], zeroline: false, ...(r === 0 ? { title: { text: "x₂" } } : { showticklabels: false }) };
  });
  layout[`xaxis${costAxis}`] = { domain: [0, 1], anchor: `y${costAxis}`, title: { text: t(opts.lang, "에폭 (epoch)", "epoch") } };
  layout[`yaxis${costAxis}`] = { domain: [0, 0.38], anchor: `x${costAxis}`, title: { text: t(opts.lang, "비용 (cost)", "cost") } };
  return { data, layout };
}
