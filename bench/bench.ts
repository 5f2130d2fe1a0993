// `npm run bench`: the course's workloads timed in TypeScript (the readable module and the fast
// kernel) and in numpy in the same run; medians, min–max, ratios; JSON in build/bench.json.
//
//   npm run bench                      all workloads
//   npm run bench -- --quick           fewer runs
//   npm run bench -- --no-numpy        skip numpy
//   npm run bench -- --slow-runs 3     runs of the readable module's MNIST loop (default 1: ~40 s each)
//
// Workloads: (a) one matmul 100×784 · 784×100; (b) XOR [2,4,1], 10,000 epochs, full batch, sigmoid,
// course rule, η = 1; (c) MNIST-shaped [784,100,10], 600 steps of mini-batches of 100 on seeded
// random data, η = 0.1, float64; (d) peak memory of (c), each variant in its own process.
// These are measurements, not tests: nothing here asserts a speed.
import { spawnSync } from "child_process";
import { mkdirSync, writeFileSync } from "fs";
import * as os from "os";
import { resolve } from "path";
import { NeuralNetwork, Matrix, matmul, xor } from "../src/index";
import { matmulF64, matmulReference, matmulThreadStats, getMatmulThreads, MATMUL_THRESHOLDS } from "../src/kernels/index";
import { trainFast } from "./fast-train";

const ROOT = resolve(__dirname, "..");
const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const option = (name: string, dflt: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};

interface Stats {
  runs: number;
  median: number;
  min: number;
  max: number;
}
function stats(times: number[]): Stats {
  const s = times.slice().sort((x, y) => x - y);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { runs: s.length, median, min: s[0], max: s[s.length - 1] };
}
function timeRuns(runs: number, f: () => void): number[] {
  const t: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = process.hrtime.bigint();
    f();
    t.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return t;
}

// ---- seeded data (mulberry32; the weights come from the library's numpy-compatible generator) ----
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const MNIST_SAMPLES = 6000; // 10 epochs of 60 batches = 600 steps
function mnistData(): { X: Matrix; Y: Matrix } {
  const r = rng(7);
  const X = new Matrix(784, MNIST_SAMPLES);
  for (let i = 0; i < X.data.length; i++) X.data[i] = r();
  const Y = Matrix.filled(10, MNIST_SAMPLES, 0.01);
  for (let j = 0; j < MNIST_SAMPLES; j++) Y.data[Math.floor(r() * 10) * MNIST_SAMPLES + j] = 0.99;
  return { X, Y };
}

// ---- child mode: one MNIST variant in a fresh process, for its time and its own peak memory ----
function mnistChild(variant: string, runs: number): void {
  const rssBefore = process.memoryUsage().rss;
  const { X, Y } = mnistData();
  const rssData = process.memoryUsage().rss;
  let heapPeak = process.memoryUsage().heapUsed;
  const sample = () => {
    heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
  };
  let W1: Float64Array = new Float64Array(0);
  let run: () => void;
  if (variant === "module") {
    run = () => {
      const net = new NeuralNetwork([784, 100, 10], { eta: 0.1, epochs: 10, batchSize: 100, randomSeed: 1, onEpoch: sample });
      net.fit(X, Y);
      W1 = net.W[1].data;
    };
  } else {
    const threads = variant === "fast2" ? 2 : 1;
    run = () => {
      const init = new NeuralNetwork([784, 100, 10], { randomSeed: 1 });
      W1 = init.W[1].data.slice();
      const W2 = init.W[2].data.slice();
      trainFast(W1, W2, X.data, Y.data, [784, 100, 10], MNIST_SAMPLES, { batch: 100, steps: 600, eta: 0.1, threads });
      sample();
    };
  }
  const helpersBefore = matmulThreadStats().helperChunks;
  const times = timeRuns(runs, run);
  const ru = process.resourceUsage();
  console.log(
    JSON.stringify({
      variant,
      times,
      maxRss: ru.maxRSS * 1024,
      rssBefore,
      rssData,
      heapPeak,
      helperChunks: matmulThreadStats().helperChunks - helpersBefore,
      W1sum: Array.from(W1).reduce((s, v) => s + v, 0),
      W1head: Array.from(W1.subarray(0, 8)),
    }),
  );
}

function runChild(variant: string, runs: number): {
  times: number[];
  maxRss: number;
  rssBefore: number;
  rssData: number;
  heapPeak: number;
  helperChunks: number;
  W1head: number[];
} {
  const r = spawnSync(process.execPath, ["--import", "tsx", __filename, "--child", variant, "--runs", String(runs)], {
    cwd: ROOT,
    encoding: "utf8",
    maxBuffer: 1 << 24,
  });
  if (r.status !== 0) throw new Error(`bench child ${variant} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop() as string);
}

// ---- numpy, spawned: the pyenv python3 first on PATH (Debian's /usr/bin/python3 has no numpy) ----
interface NumpyResult {
  numpy: string;
  blas: string;
  matmul: { per_call: number[]; flop: number };
  xor?: number[];
  mnist?: number[];
  max_rss_bytes: number;
}
function runNumpy(runsMatmul: number, runsXor: number, runsMnist: number, threads?: number): NumpyResult | string {
  const env = { ...process.env };
  if (threads !== undefined) {
    env.OPENBLAS_NUM_THREADS = String(threads);
    env.OMP_NUM_THREADS = String(threads);
  }
  const r = spawnSync("python3", [resolve(ROOT, "bench/numpy_bench.py"), String(runsMatmul), String(runsXor), String(runsMnist)], {
    cwd: ROOT,
    env,
    encoding: "utf8",
    maxBuffer: 1 << 24,
  });
  if (r.error) return `python3 not found (${(r.error as NodeJS.ErrnoException).code})`;
  if (r.status !== 0) {
    if (/No module named .?numpy/.test(r.stderr)) return "python3 has no numpy";
    return `numpy bench failed: ${r.stderr.trim().split("\n").pop()}`;
  }
  return JSON.parse(r.stdout);
}

// ---- printing ----
const fmtTime = (s: number) => (s >= 1 ? `${s.toFixed(2)} s` : s >= 1e-3 ? `${(s * 1e3).toFixed(2)} ms` : `${(s * 1e6).toFixed(1)} µs`);
const fmtMB = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;
interface Row {
  workload: string;
  variant: string;
  stats: Stats;
  gflops?: number;
  numpy?: Stats;
  ratio?: number;
  note?: string;
}
const rows: Row[] = [];
function report(workload: string, variant: string, times: number[], numpyTimes: number[] | undefined, extra: Partial<Row> = {}) {
  const s = stats(times);
  const np = numpyTimes ? stats(numpyTimes) : undefined;
  const row: Row = { workload, variant, stats: s, numpy: np, ratio: np ? s.median / np.median : undefined, ...extra };
  rows.push(row);
  const g = row.gflops !== undefined ? `  ${row.gflops.toFixed(2)} GFLOP/s` : "";
  const n = np ? `  numpy ${fmtTime(np.median)}  ratio ${row.ratio!.toFixed(2)}×` : "";
  console.log(
    `  ${variant.padEnd(34)} ${fmtTime(s.median).padStart(10)}  [${fmtTime(s.min)} – ${fmtTime(s.max)}, ${s.runs} runs]${g}${n}${row.note ? `  (${row.note})` : ""}`,
  );
}

function main(): void {
  if (flag("--child")) return mnistChild(args[args.indexOf("--child") + 1], option("--runs", 3));
  const quick = flag("--quick");
  const runs = quick ? 3 : 7;
  const mnistRuns = quick ? 1 : 3;
  const slowRuns = option("--slow-runs", 1);
  const cpu = os.cpus()[0]?.model ?? "unknown";
  const load0 = os.loadavg();
  console.log(`npm run bench — ${os.cpus().length} × ${cpu}, Node ${process.version}, ${new Date().toISOString()}`);
  console.log(`load average at start: ${load0.map((v) => v.toFixed(2)).join(", ")} (other processes on the machine skew every figure)`);
  console.log(`matmulF64 thresholds (multiply-adds): plain loops < ${MATMUL_THRESHOLDS.wasm} ≤ WebAssembly 1 thread < ${MATMUL_THRESHOLDS.threads} ≤ ${getMatmulThreads()} threads`);

  // numpy first (so it measures an idle machine as much as we do), default BLAS threads and 1 thread
  let numpy: NumpyResult | undefined;
  let numpy1: NumpyResult | undefined;
  let numpyNote = "";
  if (!flag("--no-numpy")) {
    const r = runNumpy(runs, runs, mnistRuns);
    if (typeof r === "string") numpyNote = r;
    else {
      numpy = r;
      const r1 = runNumpy(runs, 0, mnistRuns, 1);
      if (typeof r1 !== "string") numpy1 = r1;
    }
  } else numpyNote = "skipped (--no-numpy)";
  console.log(numpy ? `numpy ${numpy.numpy} (${numpy.blas}), python3 on PATH` : `numpy: absent — ${numpyNote}; no ratios`);

  // (a) one product W1·A0: (100×784)·(784×100) = 15.7 MFLOP
  console.log("\n(a) matmul 100×784 · 784×100 (per product)");
  const [m, k, n] = [100, 784, 100];
  const r = rng(3);
  const A = Float64Array.from({ length: m * k }, () => r() - 0.5);
  const B = Float64Array.from({ length: k * n }, () => r() - 0.5);
  const C = new Float64Array(m * n);
  const flop = 2 * m * k * n;
  const perCall = (reps: number, f: () => void) => {
    for (let i = 0; i < Math.max(2, reps >> 2); i++) f(); // warm-up (JIT, WebAssembly tier-up, worker start)
    return timeRuns(runs, () => {
      for (let i = 0; i < reps; i++) f();
    }).map((t) => t / reps);
  };
  const gf = (t: number[]) => flop / stats(t).median / 1e9;
  const npMat = numpy?.matmul.per_call;
  const npMat1 = numpy1?.matmul.per_call;
  const tRef = perCall(3, () => matmulReference(C, A, B, m, k, n));
  report("matmul", "reference kernel (i-k-j loops)", tRef, npMat, { gflops: gf(tRef) });
  const MA = new Matrix(m, k, A), MB = new Matrix(k, n, B);
  const tMod = perCall(3, () => matmul(MA, MB));
  report("matmul", "src/matrix.ts matmul (today)", tMod, npMat, { gflops: gf(tMod) });
  const t1 = perCall(200, () => matmulF64(C, A, B, m, k, n, { threads: 1 }));
  report("matmul", "fast, 1 thread", t1, npMat1, { gflops: gf(t1), note: "vs numpy on 1 BLAS thread" });
  const h0 = matmulThreadStats().helperChunks;
  const t2 = perCall(200, () => matmulF64(C, A, B, m, k, n, { threads: 2 }));
  const helped = matmulThreadStats().helperChunks - h0;
  report("matmul", "fast, 2 threads", t2, npMat, { gflops: gf(t2), note: `worker took ${helped} chunks` });
  if (npMat) console.log(`  numpy: ${(flop / stats(npMat).median / 1e9).toFixed(2)} GFLOP/s (default threads)` + (npMat1 ? `, ${(flop / stats(npMat1).median / 1e9).toFixed(2)} GFLOP/s (1 thread)` : ""));
  for (const [name, t] of [["numpy", npMat], ["numpy 1 thread", npMat1]] as const) {
    if (t) rows.push({ workload: "matmul", variant: name, stats: stats(t), gflops: flop / stats(t).median / 1e9 });
  }

  // (b) XOR [2,4,1], 10,000 epochs, full batch, η = 1
  console.log("\n(b) XOR [2,4,1], 10,000 epochs, full batch, sigmoid, course rule, η = 1");
  const { X: Xx, Y: Yx } = xor();
  let netW1 = new Float64Array(0);
  const tXorMod = timeRuns(runs, () => {
    const net = new NeuralNetwork([2, 4, 1], { eta: 1, epochs: 10000, randomSeed: 1 }).fit(Xx, Yx);
    netW1 = net.W[1].data;
  });
  report("xor", "NeuralNetwork.fit (src/network.ts)", tXorMod, numpy?.xor);
  let fastW1 = new Float64Array(0);
  const tXorFast = timeRuns(runs, () => {
    const init = new NeuralNetwork([2, 4, 1], { randomSeed: 1 });
    fastW1 = init.W[1].data.slice();
    trainFast(fastW1, init.W[2].data.slice(), Xx.data, Yx.data, [2, 4, 1], 4, { steps: 10000, eta: 1 });
  });
  const xorDiff = maxAbsDiff(netW1, fastW1);
  report("xor", "fast kernel + reused buffers", tXorFast, numpy?.xor, { note: `W1 differs from the module's by ${xorDiff}` });

  // (c) + (d) MNIST-shaped, each variant in its own process
  console.log(`\n(c) MNIST-shaped [784,100,10], 600 steps of batch 100 (random data, seeded), float64, η = 0.1`);
  const variants: Array<[string, string, number]> = [
    ["module", "NeuralNetwork.fit (src/network.ts)", slowRuns],
    ["fast1", "fast kernel, 1 thread", mnistRuns],
    ["fast2", "fast kernel, 2 threads", mnistRuns],
  ];
  const memory: Record<string, unknown> = {};
  const heads: Record<string, number[]> = {};
  for (const [v, label, nRuns] of variants) {
    const c = runChild(v, nRuns);
    heads[v] = c.W1head;
    const note = v === "fast2" ? `worker took ${c.helperChunks} chunks` : v === "module" ? `${nRuns} run${nRuns > 1 ? "s" : ""}` : undefined;
    report("mnist", label, c.times, v === "fast1" ? numpy1?.mnist ?? numpy?.mnist : numpy?.mnist, { note });
    memory[v] = { peakRss: c.maxRss, rssBeforeData: c.rssBefore, rssAfterData: c.rssData, heapPeak: c.heapPeak };
  }
  if (numpy1?.mnist) rows.push({ workload: "mnist", variant: "numpy 1 thread", stats: stats(numpy1.mnist) });
  console.log(`  (fast 1 thread is compared with numpy on 1 BLAS thread${numpy1 ? `: ${fmtTime(stats(numpy1.mnist!).median)}` : ""}; the others with numpy's default threads)`);
  console.log(`  final W1[0..3] module ${heads.module.slice(0, 3).join(", ")}`);
  console.log(`  final W1[0..3] fast   ${heads.fast2.slice(0, 3).join(", ")}  (max diff over W1[0..7]: ${maxAbsDiff(Float64Array.from(heads.module), Float64Array.from(heads.fast2))})`);

  console.log("\n(d) peak memory of the MNIST run (each in its own process; data X 784×6000 = 38 MB)");
  for (const [v, label] of variants) {
    const mm = memory[v] as { peakRss: number; rssBeforeData: number; rssAfterData: number; heapPeak: number };
    console.log(`  ${label.padEnd(34)} peak RSS ${fmtMB(mm.peakRss)} (process start ${fmtMB(mm.rssBeforeData)}, after data ${fmtMB(mm.rssAfterData)}), peak V8 heap seen ${fmtMB(mm.heapPeak)}`);
  }
  if (numpy) console.log(`  ${"numpy (whole bench process)".padEnd(34)} peak RSS ${fmtMB(numpy.max_rss_bytes)}`);

  const load1 = os.loadavg();
  console.log(`\nload average at end: ${load1.map((v) => v.toFixed(2)).join(", ")}`);
  const out = {
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, cpu, node: process.version, loadavgStart: load0, loadavgEnd: load1 },
    numpy: numpy ? { version: numpy.numpy, blas: numpy.blas } : { absent: numpyNote },
    thresholds: MATMUL_THRESHOLDS,
    rows,
    memory,
    numpyPeakRss: numpy?.max_rss_bytes,
  };
  mkdirSync(resolve(ROOT, "build"), { recursive: true });
  writeFileSync(resolve(ROOT, "build/bench.json"), JSON.stringify(out, null, 2) + "\n");
  console.log("wrote build/bench.json");
}

function maxAbsDiff(x: Float64Array, y: Float64Array): number {
  if (x.length !== y.length) return NaN;
  let d = 0;
  for (let i = 0; i < x.length; i++) d = Math.max(d, Math.abs(x[i] - y[i]));
  return d;
}

main();
