// Figure builders: plain Plotly `{ data, layout }` objects that tests can inspect and
// `show(fig)` (src/display.ts) puts on screen. No plotly import here: a figure is data.
//
// Conventions: samples are columns (X is 2×m for the 2-D plots), layer-indexed weights
// (W[1] is W^[1], W[0] unused), Korean axis titles by default (`lang: "en"` for English).
import { greyPngDataUri } from "./png";

export { greyPngDataUri } from "./png";

/** A Plotly trace: `type` plus whatever attributes that trace type takes. */
export interface Trace {
  type: string;
  name?: string;
  x?: unknown[];
  y?: unknown[];
  z?: unknown[][];
  mode?: string;
  [key: string]: unknown;
}

/** A Plotly layout (title, axes, annotations, ...). */
export interface Layout {
  [key: string]: unknown;
}

/** A Plotly figure: `{ data, layout }` (+ optional config), exactly what `Plotly.newPlot` takes. */
export interface Figure {
  data: Trace[];
  layout: Layout;
  config?: Record<string, unknown>;
}

/** Anything shaped like a Matrix (src/matrix.ts): rows, cols and get(i, j). */
export interface MatrixLike {
  readonly rows: number;
  readonly cols: number;
  get(i: number, j: number): number;
}

/** Language of default titles: "ko" gives e.g. "에폭 (epoch)", "en" gives "epoch". */
export type PlotLang = "ko" | "en";

/** Fonts tried in order; the CJK ones make Korean titles render on Windows, macOS and Linux. */
export const PLOT_FONT_FAMILY =
  '"Noto Sans CJK KR", "Noto Sans KR", "Malgun Gothic", "Apple SD Gothic Neo", "Open Sans", verdana, arial, sans-serif';

/** Qualitative colours used for classes and runs (Plotly's D3 palette). */
export const PLOT_COLORS = [
  "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
  "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
];

/** Blue (negative) – white (0) – red (positive), for weights. */
export const DIVERGING: [number, string][] = [
  [0, "#2166ac"], [0.2, "#67a9cf"], [0.4, "#d1e5f0"], [0.5, "#f7f7f7"], [0.6, "#fddbc7"], [0.8, "#ef8a62"], [1, "#b2182b"],
];

const MARKER_SYMBOLS = ["circle", "x", "square", "triangle-up", "diamond", "cross", "star", "pentagon", "hexagon", "triangle-down"];

function t(lang: PlotLang | undefined, ko: string, en: string): string {
  return (lang ?? "ko") === "en" ? en : ko;
}

function axisTitle(text: string): { text: string } {
  return { text };
}

function baseLayout(title: string | undefined, extra: Layout): Layout {
  const layout: Layout = {
    font: { family: PLOT_FONT_FAMILY, size: 13 },
    margin: { l: 60, r: 20, t: title ? 50 : 20, b: 50 },
    ...extra,
  };
  if (title) layout.title = { text: title };
  return layout;
}

/** Rows of a Matrix-like or nested array as number[][]. */
export function toNested(M: MatrixLike | readonly (readonly number[])[]): number[][] {
  if (Array.isArray(M)) return (M as readonly (readonly number[])[]).map((r) => Array.from(r));
  const A = M as MatrixLike;
  const out: number[][] = [];
  for (let i = 0; i < A.rows; i++) {
    const row: number[] = new Array(A.cols);
    for (let j = 0; j < A.cols; j++) row[j] = A.get(i, j);
    out.push(row);
  }
  return out;
}

function shapeOf(M: MatrixLike | readonly (readonly number[])[]): [number, number] {
  if (Array.isArray(M)) {
    const rows = M as readonly (readonly number[])[];
    return [rows.length, rows.length ? rows[0].length : 0];
  }
  return [(M as MatrixLike).rows, (M as MatrixLike).cols];
}

/** `n` evenly spaced numbers from `from` to `to` inclusive. Example: linspace(0, 1, 3) → [0, 0.5, 1]. */
export function linspace(from: number, to: number, n: number): number[] {
  if (!Number.isInteger(n) || n < 2) throw new Error(`linspace: n must be an integer >= 2, got ${n}`);
  const out: number[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = from + ((to - from) * i) / (n - 1);
  out[n - 1] = to;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Loss curves
// ---------------------------------------------------------------------------------------------

/** One training run for `lossCurve`: a name for the legend and its cost per epoch. */
export interface LossRun {
  name: string;
  cost: readonly number[];
}

/** Options of `lossCurve`. */
export interface LossCurveOptions {
  /** Logarithmic cost axis (default false). */
  logY?: boolean;
  title?: string;
  lang?: PlotLang;
  xTitle?: string;
  yTitle?: string;
  height?: number;
  /** Most points drawn per run (default 500); longer runs keep each bucket's first, min and max point. */
  maxPoints?: number;
}

/**
 * Indices kept when drawing `values` with at most `maxPoints` points: all of them when short enough,
 * else per bucket the first, smallest and largest value (so spikes and the minimum survive), plus the last.
 * Example: decimate([3, 1, 2], 10) → [0, 1, 2].
 */
export function decimate(values: readonly number[], maxPoints: number): number[] {
  const n = values.length;
  if (n <= maxPoints) return Array.from({ length: n }, (_, i) => i);
  const buckets = Math.max(1, Math.floor((maxPoints - 1) / 3));
  const size = n / buckets;
  const keep: number[] = [];
  for (let b = 0; b < buckets; b++) {
    const lo = Math.floor(b * size), hi = Math.min(n, Math.floor((b + 1) * size));
    let iMin = lo, iMax = lo;
    for (let i = lo; i < hi; i++) {
      if (values[i] < values[iMin]) iMin = i;
      if (values[i] > values[iMax]) iMax = i;
    }
    keep.push(...Array.from(new Set([lo, iMin, iMax])).sort((a, c) => a - c));
  }
  if (keep[keep.length - 1] !== n - 1) keep.push(n - 1);
  return keep;
}

/**
 * Cost per epoch, one line per run; epochs on x start at 1 (the course's `range(1, len(cost_) + 1)`).
 * Example: `lossCurve(net.cost)` or `lossCurve([{ name: "lecture", cost: a.cost }, { name: "exact", cost: b.cost }], { logY: true })`.
 */
export function lossCurve(runs: readonly LossRun[] | readonly number[], opts: LossCurveOptions = {}): Figure {
  const list: LossRun[] =
    runs.length > 0 && typeof runs[0] === "number"
      ? [{ name: t(opts.lang, "비용 (cost)", "cost"), cost: runs as readonly number[] }]
      : (runs as readonly LossRun[]).map((r) => r);
  if (list.length === 0) throw new Error("lossCurve: no runs given (pass net.cost or [{ name, cost }])");
  const data: Trace[] = list.map((run, k) => {
    if (!run || !Array.isArray(run.cost)) throw new Error(`lossCurve: run ${k} has no cost array`);
    const keep = decimate(run.cost, Math.max(10, opts.maxPoints ?? 500));
    return {
      type: "scatter",
      mode: "lines",
      name: run.name,
      x: keep.map((e) => e + 1),
      y: keep.map((e) => run.cost[e]),
      line: { color: PLOT_COLORS[k % PLOT_COLORS.length], width: 2 },
    };
  });
  // Epochs are whole numbers: with only a few, tick every epoch (Plotly would put ticks at 1.5, 2.5, …).
  const epochs = Math.max(...list.map((r) => r.cost.length));
  return {
    data,
    layout: baseLayout(opts.title, {
      height: opts.height ?? 360,
      showlegend: list.length > 1,
      xaxis: {
        title: axisTitle(opts.xTitle ?? t(opts.lang, "에폭 (epoch)", "epoch")),
        zeroline: false,
        ...(epochs <= 12 ? { dtick: 1 } : {}),
      },
      yaxis: {
        title: axisTitle(opts.yTitle ?? t(opts.lang, "비용 (cost)", "cost")),
        type: opts.logY ? "log" : "linear",
        zeroline: false,
      },
    }),
  };
}

// ---------------------------------------------------------------------------------------------
// A function and its derivative (chain-rule lesson)
// ---------------------------------------------------------------------------------------------

/** Options of `functionPlot`. */
export interface FunctionPlotOptions {
  from?: number;
  to?: number;
  /** Number of sample points (default 201). */
  n?: number;
  /** Legend names of f and f' (default ["f(x)", "f'(x)"]). */
  names?: [string, string];
  title?: string;
  lang?: PlotLang;
  xTitle?: string;
  yTitle?: string;
  height?: number;
}

/**
 * f and its derivative df on one plot (two line traces, df dashed).
 * Example: `functionPlot(sigmoidScalar, sigmoidPrimeScalar, { from: -6, to: 6, names: ["σ(x)", "σ'(x)"] })`.
 */
export function functionPlot(
  f: (x: number) => number,
  df: ((x: number) => number) | null,
  opts: FunctionPlotOptions = {},
): Figure {
  const from = opts.from ?? -6;
  const to = opts.to ?? 6;
  if (!(to > from)) throw new Error(`functionPlot: need from < to, got from=${from}, to=${to}`);
  const xs = linspace(from, to, opts.n ?? 201);
  const names = opts.names ?? ["f(x)", "f'(x)"];
  const data: Trace[] = [
    { type: "scatter", mode: "lines", name: names[0], x: xs, y: xs.map((x) => f(x)), line: { color: PLOT_COLORS[0], width: 2 } },
  ];
  if (df) {
    data.push({
      type: "scatter",
      mode: "lines",
      name: names[1],
      x: xs,
      y: xs.map((x) => df(x)),
      line: { color: PLOT_COLORS[1], width: 2, dash: "dash" },
    });
  }
  return {
    data,
    layout: baseLayout(opts.title, {
      height: opts.height ?? 340,
      xaxis: { title: axisTitle(opts.xTitle ?? "x") },
      yaxis: { title: axisTitle(opts.yTitle ?? t(opts.lang, "값 (value)", "value")) },
      legend: { x: 0.02, y: 0.98 },
    }),
  };
}

// ---------------------------------------------------------------------------------------------
// Decision regions (the course's plot_decision_regions)
// ---------------------------------------------------------------------------------------------

/** Options of `decisionRegions`. */
export interface DecisionRegionOptions {
  /**
   * Grid step in data units (the course's `resolution`); default: (span of the wider axis) / 100 for
   * classes, / 60 with `probability` (drawn smoothed, so a coarser grid looks the same and saves space).
   */
  resolution?: number;
  /** Margin added around the samples on each side (default 0.5, the course uses 1). */
  padding?: number;
  /** Colour by the output probability (1×m sigmoid output) instead of the predicted class. */
  probability?: boolean;
  /** Legend names per class (default "class 0", ... / "클래스 0", ...). */
  classNames?: string[];
  title?: string;
  lang?: PlotLang;
  xTitle?: string;
  yTitle?: string;
  height?: number;
}

/** Most grid points per axis `decisionRegions` accepts (keeps notebooks small). */
export const MAX_GRID_POINTS = 400;

/**
 * Class per sample from a prediction: number[] as is; a 1×m output is thresholded at 0.5;
 * a k×m output (one-hot / softmax) gives the argmax of each column.
 * Example: classesOf(Matrix.from([[0.2, 0.7]])) → [0, 1].
 */
export function classesOf(pred: readonly number[] | MatrixLike): number[] {
  if (Array.isArray(pred)) return (pred as readonly number[]).map((v) => Math.round(v));
  const P = pred as MatrixLike;
  const out: number[] = new Array(P.cols);
  for (let j = 0; j < P.cols; j++) {
    if (P.rows === 1) {
      out[j] = P.get(0, j) >= 0.5 ? 1 : 0;
    } else {
      let best = 0;
      for (let i = 1; i < P.rows; i++) if (P.get(i, j) > P.get(best, j)) best = i;
      out[j] = best;
    }
  }
  return out;
}

/** Builds a 2×N grid matrix of the same kind as X: Matrix.from for a Matrix, nested arrays for arrays. */
function sameKind<M>(X: M, nested: number[][]): M {
  if (Array.isArray(X)) return nested as unknown as M;
  const ctor = (X as unknown as { constructor?: { from?: (n: number[][]) => unknown } }).constructor;
  if (ctor && typeof ctor.from === "function") return ctor.from(nested) as M;
  const plain: MatrixLike = { rows: nested.length, cols: nested[0].length, get: (i, j) => nested[i][j] };
  return plain as unknown as M;
}

/**
 * Colours a grid over the samples by `predict` and overlays the samples, one marker trace per class
 * (the course's `plot_decision_regions(X, y, predict)`). X is 2×m (samples are columns); predict gets a
 * 2×N grid of the same kind as X (a Matrix if X is one) and returns classes or the network output.
 * Example: `decisionRegions((G) => net.predict(G), X, labels)`.
 */
export function decisionRegions<M extends MatrixLike | readonly (readonly number[])[]>(
  predict: (grid: M) => readonly number[] | MatrixLike,
  X: M,
  labels: readonly number[] | MatrixLike,
  opts: DecisionRegionOptions = {},
): Figure {
  const [r, m] = shapeOf(X);
  if (r !== 2) throw new Error(`decisionRegions: X must be 2×m (samples are columns), got (${r}×${m})`);
  const y = classesOf(labels);
  if (y.length !== m) throw new Error(`decisionRegions: X has ${m} samples (columns) but labels has ${y.length}`);
  const rows = toNested(X);
  const pad = opts.padding ?? 0.5;
  const x1min = Math.min(...rows[0]) - pad, x1max = Math.max(...rows[0]) + pad;
  const x2min = Math.min(...rows[1]) - pad, x2max = Math.max(...rows[1]) + pad;
  const step = opts.resolution ?? Math.max(x1max - x1min, x2max - x2min) / (opts.probability ? 60 : 100);
  if (!(step > 0)) throw new Error(`decisionRegions: resolution must be > 0, got ${step}`);
  const n1 = Math.floor((x1max - x1min) / step) + 1;
  const n2 = Math.floor((x2max - x2min) / step) + 1;
  if (n1 > MAX_GRID_POINTS || n2 > MAX_GRID_POINTS) {
    throw new Error(
      `decisionRegions: resolution ${step} gives a ${n1}×${n2} grid (more than ${MAX_GRID_POINTS} per axis); use a larger resolution`,
    );
  }
  const g1 = Array.from({ length: n1 }, (_, i) => x1min + i * step);
  const g2 = Array.from({ length: n2 }, (_, i) => x2min + i * step);
  // Grid as a 2×(n1·n2) matrix, x1 varying fastest (the course's meshgrid + ravel).
  const row1: number[] = new Array(n1 * n2), row2: number[] = new Array(n1 * n2);
  for (let b = 0; b < n2; b++) for (let a = 0; a < n1; a++) { row1[b * n1 + a] = g1[a]; row2[b * n1 + a] = g2[b]; }
  const out = predict(sameKind(X, [row1, row2]));
  const outLen = Array.isArray(out) ? out.length : (out as MatrixLike).cols;
  if (outLen !== n1 * n2) throw new Error(`decisionRegions: predict returned ${outLen} values for a grid of ${n1 * n2} points`);
  let zFlat: number[];
  const prob = opts.probability === true;
  if (prob) {
    if (Array.isArray(out) || (out as MatrixLike).rows !== 1) {
      throw new Error("decisionRegions: probability: true needs predict to return a 1×m output");
    }
    // 3 decimals are more than a colour can show
    zFlat = Array.from({ length: outLen }, (_, j) => Math.round((out as MatrixLike).get(0, j) * 1000) / 1000);
  } else {
    zFlat = classesOf(out);
  }
  const z: number[][] = [];
  for (let b = 0; b < n2; b++) z.push(zFlat.slice(b * n1, (b + 1) * n1));
  const classes = Array.from(new Set([...y, ...(prob ? [] : zFlat)])).sort((a, b) => a - b);
  const kMax = Math.max(1, classes[classes.length - 1] ?? 1);
  const className = (c: number) => opts.classNames?.[c] ?? t(opts.lang, `클래스 ${c}`, `class ${c}`);
  // Discrete colorscale: class c gets PLOT_COLORS[c] on [c/kMax ± half a step].
  const colorscale: [number, string][] = [];
  if (prob) {
    colorscale.push([0, PLOT_COLORS[0]], [0.5, "#ffffff"], [1, PLOT_COLORS[1]]);
  } else {
    for (let c = 0; c <= kMax; c++) {
      const lo = Math.max(0, (c - 0.5) / kMax), hi = Math.min(1, (c + 0.5) / kMax);
      colorscale.push([lo, PLOT_COLORS[c % PLOT_COLORS.length]], [hi, PLOT_COLORS[c % PLOT_COLORS.length]]);
    }
  }
  const data: Trace[] = [
    {
      type: "heatmap",
      name: t(opts.lang, "예측 영역 (decision region)", "decision region"),
      x: g1,
      y: g2,
      z,
      zmin: 0,
      zmax: prob ? 1 : kMax,
      colorscale,
      showscale: prob,
      ...(prob ? { colorbar: { title: { text: t(opts.lang, "출력 (output)", "output") }, thickness: 14 } } : {}),
      zsmooth: prob ? "best" : false,
      opacity: 0.35,
      hoverinfo: "skip",
    },
  ];
  for (const c of Array.from(new Set(y)).sort((a, b) => a - b)) {
    const xs: number[] = [], ys: number[] = [];
    for (let j = 0; j < m; j++) if (y[j] === c) { xs.push(rows[0][j]); ys.push(rows[1][j]); }
    data.push({
      type: "scatter",
      mode: "markers",
      name: className(c),
      x: xs,
      y: ys,
      marker: {
        color: PLOT_COLORS[c % PLOT_COLORS.length],
        symbol: MARKER_SYMBOLS[c % MARKER_SYMBOLS.length],
        size: m > 500 ? 5 : 9,
        line: { color: "#222222", width: 1 },
      },
    });
  }
  return {
    data,
    layout: baseLayout(opts.title, {
      height: opts.height ?? (prob ? 460 : 420),
      xaxis: { title: axisTitle(opts.xTitle ?? "x₁"), range: [x1min, x1max], zeroline: false },
      yaxis: { title: axisTitle(opts.yTitle ?? "x₂"), range: [x2min, x2max], zeroline: false },
      // with a colour bar on the right, the class legend goes under the plot
      legend: prob ? { orientation: "h", x: 0.5, xanchor: "center", y: -0.24, yanchor: "top" } : { x: 1.02, y: 1 },
      ...(prob ? { margin: { l: 60, r: 20, t: opts.title ? 50 : 20, b: 100 } } : {}),
    }),
  };
}

// ---------------------------------------------------------------------------------------------
// MNIST digits
// ---------------------------------------------------------------------------------------------

/** Options of `digitGrid`. */
export interface DigitGridOptions {
  trueLabels?: readonly number[];
  predLabels?: readonly number[];
  /** Digits per row (default 10). */
  cols?: number;
  /** Image side in pixels (default 28). */
  side?: number;
  title?: string;
  lang?: PlotLang;
  height?: number;
}

/** Most digits `digitGrid` draws in one figure. */
export const MAX_DIGITS = 400;

/**
 * A grid of MNIST digits as ONE image trace (a greyscale PNG mosaic, dark ink on white, 2-pixel gaps)
 * with a caption above each digit: the true label, or "true→predicted" in red when the prediction is wrong.
 * `images` is a list of 784-value images (grey values in [0, 1]) or a 784×m matrix (samples are columns).
 * Example: `digitGrid(Xtest.colSlice(0, 20), { trueLabels: ytest.slice(0, 20), predLabels })`.
 */
export function digitGrid(images: readonly (readonly number[])[] | MatrixLike, opts: DigitGridOptions = {}): Figure {
  const side = opts.side ?? 28;
  let imgs: number[][];
  if (Array.isArray(images)) {
    imgs = (images as readonly (readonly number[])[]).map((im) => Array.from(im));
  } else {
    const M = images as MatrixLike;
    imgs = [];
    for (let j = 0; j < M.cols; j++) {
      const im: number[] = new Array(M.rows);
      for (let i = 0; i < M.rows; i++) im[i] = M.get(i, j);
      imgs.push(im);
    }
  }
  if (imgs.length === 0) throw new Error("digitGrid: no images");
  if (imgs.length > MAX_DIGITS) throw new Error(`digitGrid: ${imgs.length} images; draw at most ${MAX_DIGITS} per figure`);
  imgs.forEach((im, k) => {
    if (im.length !== side * side) throw new Error(`digitGrid: image ${k} has ${im.length} values, expected ${side}×${side} = ${side * side}`);
  });
  for (const [name, l] of [["trueLabels", opts.trueLabels], ["predLabels", opts.predLabels]] as const) {
    if (l && l.length !== imgs.length) throw new Error(`digitGrid: ${name} has ${l.length} entries for ${imgs.length} images`);
  }
  const cols = Math.min(opts.cols ?? 10, imgs.length);
  const rows = Math.ceil(imgs.length / cols);
  const labelled = opts.trueLabels !== undefined || opts.predLabels !== undefined;
  const gap = 2;
  const top = labelled ? 12 : gap; // room for the caption above each digit
  const cellW = side + gap, cellH = side + top;
  const W = cols * cellW, H = rows * cellH;
  const pixels = new Uint8Array(W * H).fill(255);
  const annotations: Record<string, unknown>[] = [];
  imgs.forEach((im, k) => {
    const r0 = Math.floor(k / cols) * cellH + top, c0 = (k % cols) * cellW + gap / 2;
    for (let i = 0; i < side; i++) {
      for (let j = 0; j < side; j++) {
        const v = Math.min(1, Math.max(0, im[i * side + j] || 0));
        pixels[(r0 + i) * W + c0 + j] = Math.round(255 * (1 - v));
      }
    }
    const tl = opts.trueLabels?.[k], pl = opts.predLabels?.[k];
    if (tl !== undefined || pl !== undefined) {
      const wrong = tl !== undefined && pl !== undefined && tl !== pl;
      const text = wrong ? `<b>${tl}→${pl}</b>` : `${tl ?? pl}`;
      annotations.push({
        x: c0 + side / 2 - 0.5,
        y: r0 - 1,
        xref: "x",
        yref: "y",
        text,
        showarrow: false,
        yanchor: "bottom",
        font: { size: 12, color: wrong ? "#d62728" : "#333333" },
      });
    }
  });
  const caption =
    opts.predLabels && opts.trueLabels
      ? t(opts.lang, "정답 레이블 (빨간색: 정답→예측, 틀린 경우)", "true label (red: true→predicted when wrong)")
      : undefined;
  const title = opts.title ?? caption;
  return {
    data: [
      {
        type: "image",
        name: t(opts.lang, "숫자 (digits)", "digits"),
        source: greyPngDataUri(W, H, pixels),
        x0: 0,
        dx: 1,
        y0: 0,
        dy: 1,
        hoverinfo: "skip",
        // for tests and summaries: how many digits and the mosaic size
        meta: { digits: imgs.length, width: W, height: H, cols, rows },
      },
    ],
    layout: baseLayout(title, {
      height: opts.height ?? Math.min(900, (title ? 50 : 20) + 10 + rows * 95),
      annotations,
      xaxis: { visible: false, range: [-0.5, W - 0.5], constrain: "domain" },
      yaxis: { visible: false, range: [H - 0.5, -0.5], scaleanchor: "x", constrain: "domain" },
      margin: { l: 10, r: 10, t: title ? 50 : 20, b: 10 },
      plot_bgcolor: "#ffffff",
    }),
  };
}

// ---------------------------------------------------------------------------------------------
// Confusion matrix
// ---------------------------------------------------------------------------------------------

/**
 * Counts C[i][j] = number of samples with true class i predicted as j (k classes, default max label + 1).
 * Example: confusionCounts([0, 1, 1], [0, 1, 0], 2) → [[1, 0], [1, 1]].
 */
export function confusionCounts(yTrue: readonly number[], yPred: readonly number[], k?: number): number[][] {
  if (yTrue.length !== yPred.length) {
    throw new Error(`confusionMatrix: yTrue has ${yTrue.length} labels but yPred has ${yPred.length}`);
  }
  const K = k ?? Math.max(0, ...yTrue, ...yPred) + 1;
  const C = Array.from({ length: K }, () => new Array<number>(K).fill(0));
  for (let s = 0; s < yTrue.length; s++) {
    const a = yTrue[s], b = yPred[s];
    if (!Number.isInteger(a) || !Number.isInteger(b) || a < 0 || b < 0 || a >= K || b >= K) {
      throw new Error(`confusionMatrix: sample ${s} has labels (${a}, ${b}) outside 0..${K - 1}`);
    }
    C[a][b]++;
  }
  return C;
}

/** Options of `confusionMatrix`. */
export interface ConfusionMatrixOptions {
  title?: string;
  lang?: PlotLang;
  height?: number;
}

/**
 * Heatmap of `confusionCounts` with the count written in each cell; rows = true class, columns = prediction.
 * Example: `confusionMatrix(ytest, net.predict(Xtest).argmaxCols(), 10)`.
 */
export function confusionMatrix(
  yTrue: readonly number[],
  yPred: readonly number[],
  k?: number,
  opts: ConfusionMatrixOptions = {},
): Figure {
  const C = confusionCounts(yTrue, yPred, k);
  const K = C.length;
  const names = Array.from({ length: K }, (_, i) => String(i));
  const correct = C.reduce((s, row, i) => s + row[i], 0);
  const acc = yTrue.length ? correct / yTrue.length : 0;
  return {
    data: [
      {
        type: "heatmap",
        name: t(opts.lang, "혼동 행렬 (confusion matrix)", "confusion matrix"),
        x: names,
        y: names,
        z: C,
        text: C.map((row) => row.map(String)),
        texttemplate: "%{text}",
        colorscale: [[0, "#f7fbff"], [0.25, "#c6dbef"], [0.5, "#6baed6"], [0.75, "#2171b5"], [1, "#08306b"]],
        showscale: true,
        hovertemplate: t(opts.lang, "정답 %{y}, 예측 %{x}: %{z}<extra></extra>", "true %{y}, predicted %{x}: %{z}<extra></extra>"),
      },
    ],
    layout: baseLayout(
      opts.title ?? t(opts.lang, `혼동 행렬 (confusion matrix) — 정확도 ${(acc * 100).toFixed(1)}%`, `confusion matrix — accuracy ${(acc * 100).toFixed(1)}%`),
      {
        height: opts.height ?? Math.max(320, 40 * K + 120),
        xaxis: { title: axisTitle(t(opts.lang, "예측 (predicted)", "predicted")), type: "category", constrain: "domain", showgrid: false },
        yaxis: {
          title: axisTitle(t(opts.lang, "정답 (true)", "true")),
          type: "category",
          autorange: "reversed",
          scaleanchor: "x",
          constrain: "domain",
          showgrid: false,
        },
      },
    ),
  };
}

// ---------------------------------------------------------------------------------------------
// Weight heatmap
// ---------------------------------------------------------------------------------------------

/** Options of `weightHeatmap`. */
export interface WeightHeatmapOptions {
  title?: string;
  /** Layer number l: titles the plot W^[l] and names the axes by layer. */
  layer?: number;
  lang?: PlotLang;
  xTitle?: string;
  yTitle?: string;
  height?: number;
}

/**
 * Heatmap of a weight matrix W^[l] (n_l × n_{l−1}): row i = neuron i of layer l, column j = neuron j of
 * layer l−1; red positive, blue negative, white 0. Example: `weightHeatmap(net.W[1], { layer: 1 })`.
 */
export function weightHeatmap(W: MatrixLike | readonly (readonly number[])[], opts: WeightHeatmapOptions = {}): Figure {
  const z = toNested(W);
  const [r, c] = shapeOf(W);
  if (r === 0 || c === 0) throw new Error(`weightHeatmap: empty matrix (${r}×${c})`);
  let maxAbs = 0;
  for (const row of z) for (const v of row) maxAbs = Math.max(maxAbs, Math.abs(v));
  const l = opts.layer;
  const lname = l === undefined ? "W" : `W<sup>[${l}]</sup>`;
  return {
    data: [
      {
        type: "heatmap",
        name: l === undefined ? "W" : `W[${l}]`,
        z,
        colorscale: DIVERGING,
        zmid: 0,
        zmin: -maxAbs || -1,
        zmax: maxAbs || 1,
        hovertemplate: "i=%{y}, j=%{x}: %{z:.4f}<extra></extra>",
        // small matrices also print their values (students compare them with printed weights)
        ...(r * c <= 100 ? { texttemplate: "%{z:.2f}" } : {}),
      },
    ],
    layout: baseLayout(opts.title ?? `${lname} (${r}×${c})`, {
      height: opts.height ?? Math.min(600, Math.max(260, 18 * r + 120)),
      xaxis: {
        title: axisTitle(opts.xTitle ?? (l === undefined
          ? t(opts.lang, "열 j (column)", "column j")
          : t(opts.lang, `층 ${l - 1}의 뉴런 j (from)`, `neuron j of layer ${l - 1} (from)`))),
        ...(c <= 30 ? { dtick: 1 } : {}),
        showgrid: false,
      },
      yaxis: {
        title: axisTitle(opts.yTitle ?? (l === undefined
          ? t(opts.lang, "행 i (row)", "row i")
          : t(opts.lang, `층 ${l}의 뉴런 i (to)`, `neuron i of layer ${l} (to)`))),
        autorange: "reversed",
        ...(r <= 30 ? { dtick: 1 } : {}),
        showgrid: false,
      },
    }),
  };
}

// ---------------------------------------------------------------------------------------------
// Network diagram
// ---------------------------------------------------------------------------------------------

/** Options of `networkDiagram`. */
export interface NetworkDiagramOptions {
  /** Layer-indexed weights (W[1] = W^[1], W[0] ignored): edges coloured by sign, shaded by |w|. */
  W?: readonly (MatrixLike | undefined | null)[];
  /** At most this many nodes drawn per layer; bigger layers show the first ones, "⋮" and the last (default 10). */
  maxNodes?: number;
  title?: string;
  lang?: PlotLang;
  height?: number;
}

/** Edge bins per sign when weights are given (edges are grouped into at most 2·WEIGHT_BINS traces). */
export const WEIGHT_BINS = 4;

/** Korean/English name of layer l in a network with L weight layers. */
export function layerName(l: number, L: number, lang?: PlotLang): string {
  if (l === 0) return t(lang, "입력층 (input)", "input layer");
  if (l === L) return t(lang, "출력층 (output)", "output layer");
  return L > 2 ? t(lang, `은닉층 ${l} (hidden)`, `hidden layer ${l}`) : t(lang, "은닉층 (hidden)", "hidden layer");
}

/**
 * Drawing of a network from its netArch: one column of nodes per layer (labelled 입력층/은닉층/출력층 and
 * A^[l]), edges between layers labelled W^[l] (n_l×n_{l−1}); with `W`, edges are red (w > 0) or blue (w < 0),
 * darker and thicker for larger |w|. Example: `networkDiagram([2, 3, 1], { W: net.W })`.
 */
export function networkDiagram(netArch: readonly number[], opts: NetworkDiagramOptions = {}): Figure {
  if (netArch.length < 2 || netArch.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new Error(`networkDiagram: netArch must list at least 2 positive layer sizes, got [${netArch.join(", ")}]`);
  }
  const L = netArch.length - 1;
  const maxNodes = Math.max(3, opts.maxNodes ?? 10);
  // Shown node indices per layer and their y positions (centred, top to bottom).
  const shown: number[][] = netArch.map((n) =>
    n <= maxNodes ? Array.from({ length: n }, (_, i) => i) : [...Array.from({ length: maxNodes - 2 }, (_, i) => i), n - 1],
  );
  const slots = (l: number) => (netArch[l] <= maxNodes ? netArch[l] : maxNodes); // one slot for "⋮"
  const ySlot = (l: number, s: number) => (slots(l) - 1) / 2 - s;
  const yOf = (l: number, k: number) => ySlot(l, netArch[l] <= maxNodes || k < maxNodes - 2 ? k : maxNodes - 1);
  const W = opts.W;
  for (let l = 1; l <= L && W; l++) {
    const M = W[l];
    if (M && (M.rows !== netArch[l] || M.cols !== netArch[l - 1])) {
      throw new Error(`networkDiagram: W[${l}] is (${M.rows}×${M.cols}) but netArch needs (${netArch[l]}×${netArch[l - 1]})`);
    }
  }
  let maxAbs = 0;
  if (W) {
    for (let l = 1; l <= L; l++) {
      const M = W[l];
      if (!M) continue;
      for (const i of shown[l]) for (const j of shown[l - 1]) maxAbs = Math.max(maxAbs, Math.abs(M.get(i, j)));
    }
  }
  const data: Trace[] = [];
  // Edges: grouped into traces (segments separated by null) so big layers stay cheap.
  const bins = new Map<string, { x: (number | null)[]; y: (number | null)[]; sign: number; bin: number }>();
  for (let l = 1; l <= L; l++) {
    const M = W?.[l];
    for (const i of shown[l]) {
      for (const j of shown[l - 1]) {
        let sign = 0, bin = 0;
        if (M && maxAbs > 0) {
          const w = M.get(i, j);
          sign = w >= 0 ? 1 : -1;
          bin = Math.min(WEIGHT_BINS - 1, Math.floor((Math.abs(w) / maxAbs) * WEIGHT_BINS));
        }
        const key = `${sign}:${bin}`;
        let b = bins.get(key);
        if (!b) { b = { x: [], y: [], sign, bin }; bins.set(key, b); }
        b.x.push(l - 1, l, null);
        b.y.push(yOf(l - 1, j), yOf(l, i), null);
      }
    }
  }
  const sortedBins = Array.from(bins.values()).sort((a, b) => a.sign - b.sign || a.bin - b.bin);
  for (const b of sortedBins) {
    const strength = (b.bin + 1) / WEIGHT_BINS;
    const color = b.sign > 0 ? `rgba(178,24,43,${0.15 + 0.85 * strength})` : b.sign < 0 ? `rgba(33,102,172,${0.15 + 0.85 * strength})` : "rgba(120,120,120,0.6)";
    data.push({
      type: "scatter",
      mode: "lines",
      name: b.sign === 0 ? "edges" : `${b.sign > 0 ? "w > 0" : "w < 0"} |w| ≥ ${((b.bin / WEIGHT_BINS) * maxAbs).toFixed(2)}`,
      x: b.x,
      y: b.y,
      line: { color, width: b.sign === 0 ? 1.2 : 0.6 + 2.4 * strength },
      hoverinfo: "skip",
      showlegend: false,
    });
  }
  const layerColors = ["#2ca02c", "#1f77b4", "#ff7f0e"];
  for (let l = 0; l <= L; l++) {
    const color = l === 0 ? layerColors[0] : l === L ? layerColors[2] : layerColors[1];
    data.push({
      type: "scatter",
      mode: "markers+text",
      name: layerName(l, L, opts.lang),
      x: shown[l].map(() => l),
      y: shown[l].map((k) => yOf(l, k)),
      text: shown[l].map((k) => `${k + 1}`),
      textposition: "middle center",
      textfont: { color: "#ffffff", size: 11 },
      hovertext: shown[l].map((k) => `${layerName(l, L, opts.lang)}: A[${l}] node ${k + 1}/${netArch[l]}`),
      hoverinfo: "text",
      marker: { size: 26, color, line: { color: "#333333", width: 1 } },
      showlegend: false,
    });
  }
  const maxSlots = Math.max(...netArch.map((_, l) => slots(l)));
  const top = (maxSlots - 1) / 2 + 0.45;
  const annotations: Record<string, unknown>[] = [];
  for (let l = 0; l <= L; l++) {
    annotations.push({
      x: l, y: top, xref: "x", yref: "y", showarrow: false, yanchor: "bottom",
      text: `${layerName(l, L, opts.lang)}<br>A<sup>[${l}]</sup> (${netArch[l]})`,
      font: { size: 13 },
    });
    if (netArch[l] > maxNodes) {
      annotations.push({ x: l, y: ySlot(l, maxNodes - 2), xref: "x", yref: "y", showarrow: false, text: "⋮", font: { size: 22 } });
    }
    if (l >= 1) {
      annotations.push({
        x: l - 0.5, y: -top, xref: "x", yref: "y", showarrow: false, yanchor: "top",
        text: `W<sup>[${l}]</sup> (${netArch[l]}×${netArch[l - 1]})`,
        font: { size: 13 },
      });
    }
  }
  return {
    data,
    layout: baseLayout(opts.title ?? t(opts.lang, `신경망 구조 (network) [${netArch.join(", ")}]`, `network [${netArch.join(", ")}]`), {
      height: opts.height ?? Math.max(260, 60 * maxSlots + 130),
      showlegend: false,
      annotations,
      xaxis: { visible: false, range: [-0.5, L + 0.5] },
      yaxis: { visible: false, range: [-top - 0.5, top + 0.9] },
      margin: { l: 10, r: 10, t: 50, b: 10 },
      plot_bgcolor: "#ffffff",
      hovermode: "closest",
    }),
  };
}
