// `npm run bench`: the course's workloads timed through the library's real API (NeuralNetwork.fit,
// matmul) and in numpy in the same run; medians, min–max, ratios; JSON in build/bench.json.
//
//   npm run bench                      all workloads
//   npm run bench -- --quick           fewer runs
//   npm run bench -- --no-numpy        skip numpy
//   npm run bench -- --no-kernel       skip the Jupyter kernel latency (e)
//   npm run bench -- --slow-runs 3     runs of the readable forward/backward/update MNIST loop (default 1)
//
// Workloads: (a) one matmul 100×784 · 784×100; (b) XOR [2,4,1], 10,000 epochs, full batch, sigmoid,
// course rule, η = 1; (c) MNIST-shaped [784,100,10], 600 steps of mini-batches of 100 on seeded
// random data, η = 0.1, float64; (d) peak memory of (c), each variant in its own process;
// (e) kernel start + first import and a small cell's round trip through a Jupyter client
// (bench/kernel_latency.py, Debian's /usr/bin/python3).
// "fit" is NeuralNetwork.fit with the engine src/index.ts installs (src/engine/train.ts: buffers
// reused, products through matmulF64); "readable loop" is the same training written with
// net.forward / net.backward / net.update (the core's fit loop, with the engine's matmul) — both end
// with the same weights, bit for bit (printed). These are measurements, not tests:
// nothing here asserts a speed.
import { spawnSync } from "child_process";
import { existsSync, mkdirSync, writeFileSync } from "fs";
import * as os from "os";
import { resolve } from "path";
import { NeuralNetwork, NetworkOptions, Matrix, Random, matmul, xor } from "../src/index";
import { plainProduct } from "../src/matrix";
import { matmulF64, matmulThreadStats, getMatmulThreads, setMatmulThreads, MATMUL_THRESHOLDS } from "../src/engine/matmul";

/** The training fit does, written with the readable methods (full batch or batches in order, no shuffle). */
function readableLoop(arch: number[], opts: NetworkOptions, X: Matrix, Y: Matrix, onEpoch?: () => void): NeuralNetwork {
  const net = new NeuralNetwork(arch, opts);
  const m = X.cols, k = opts.batchSize ?? m;
  for (let epoch = 1; epoch <= net.epochs; epoch++) {
    for (let start = 0; start < m; start += k) {
      const end = Math.min(m, start + k);
      const Xb = opts.batchSize === undefined ? X : X.colSlice(start, end);
      const Yb = opts.batchSize === undefined ? Y : Y.colSlice(start, end);
      net.update(net.backward(net.forward(Xb), Yb), opts.batchSize === undefined ? net.eta : net.eta / (end - start));
    }
    onEpoch?.();
  }
  return net;
}

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

// ---- seeded data (the library's Random: mulberry32 for data, numpy-compatible for the weights) ----
function rng(seed: number): () => number {
  const r = new Random(seed, "mulberry32");
  return () => r.random();
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
  const opts: NetworkOptions = { eta: 0.1, epochs: 10, batchSize: 100, randomSeed: 1, onEpoch: sample };
  let run: () => void;
  if (variant === "readable") {
    run = () => {
      W1 = readableLoop([784, 100, 10], opts, X, Y, sample).W[1].data;
    };
  } else {
    if (variant === "fit1") setMatmulThreads(1);
    run = () => {
      W1 = new NeuralNetwork([784, 100, 10], opts).fit(X, Y).W[1].data;
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

// ---- child mode "live": fit and `await fitAsync` alternating in one process (same data, same load) ----
async function liveChild(runs: number): Promise<void> {
  const { X, Y } = mnistData();
  const opts: NetworkOptions = { eta: 0.1, epochs: 10, batchSize: 100, randomSeed: 1 };
  const fitTimes: number[] = [], asyncTimes: number[] = [];
  let a: Float64Array = new Float64Array(0), b: Float64Array = new Float64Array(0);
  new NeuralNetwork([784, 100, 10], opts).fit(X, Y); // warm-up (JIT, WebAssembly, worker threads)
  let yields = 0;
  for (let r = 0; r < runs; r++) {
    let t0 = process.hrtime.bigint();
    a = new NeuralNetwork([784, 100, 10], opts).fit(X, Y).W[1].data;
    fitTimes.push(Number(process.hrtime.bigint() - t0) / 1e9);
    const counter = setInterval(() => yields++, 1); // counts how often the event loop got in
    t0 = process.hrtime.bigint();
    b = (await new NeuralNetwork([784, 100, 10], opts).fitAsync(X, Y)).W[1].data;
    asyncTimes.push(Number(process.hrtime.bigint() - t0) / 1e9);
    clearInterval(counter);
  }
  console.log(JSON.stringify({ fitTimes, asyncTimes, same: sameBits(a, b), yieldsPerRun: yields / runs }));
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
  ratioOfMinima?: number;
  note?: string;
}
const rows: Row[] = [];
function report(workload: string, variant: string, times: number[], numpyTimes: number[] | undefined, extra: Partial<Row> = {}) {
  const s = stats(times);
  const np = numpyTimes ? stats(numpyTimes) : undefined;
  // ratio: of the medians; ratio of the fastest runs beside it (the runs least disturbed by the
  // machine's other jobs — on this shared VM a run can be 1.6× slower for a while, for both sides)
  const row: Row = {
    workload, variant, stats: s, numpy: np,
    ratio: np ? s.median / np.median : undefined,
    ratioOfMinima: np ? s.min / np.min : undefined,
    ...extra,
  };
  rows.push(row);
  const g = row.gflops !== undefined ? `  ${row.gflops.toFixed(2)} GFLOP/s` : "";
  const n = np ? `  numpy ${fmtTime(np.median)}  ratio ${row.ratio!.toFixed(2)}× (fastest runs ${row.ratioOfMinima!.toFixed(2)}×)` : "";
  console.log(
    `  ${variant.padEnd(34)} ${fmtTime(s.median).padStart(10)}  [${fmtTime(s.min)} – ${fmtTime(s.max)}, ${s.runs} runs]${g}${n}${row.note ? `  (${row.note})` : ""}`,
  );
}

function main(): void {
  if (flag("--child") && args[args.indexOf("--child") + 1] === "live") {
    liveChild(option("--runs", 5)).catch((e) => {
      console.error(e);
      process.exit(1);
    });
    return;
  }
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
  const tRef = perCall(3, () => plainProduct(C, A, B, m, k, n));
  report("matmul", "plain loops (plainProduct, i-k-j)", tRef, npMat, { gflops: gf(tRef) });
  const MA = new Matrix(m, k, A), MB = new Matrix(k, n, B);
  const tMod = perCall(100, () => matmul(MA, MB));
  report("matmul", "matmul(A, B) (src/matrix.ts)", tMod, npMat, { gflops: gf(tMod) });
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
  const xorOpts: NetworkOptions = { eta: 1, epochs: 10000, randomSeed: 1 };
  let netW1: Float64Array = new Float64Array(0);
  // A fit takes ~7 ms once V8 has optimised it, which takes a few fits: the first one in a fresh
  // process is reported on its own (what the first run of a notebook cell costs), then five more
  // warm it up, and the median of 15 is the steady state (what re-running the cell costs).
  // The runs alternate with numpy's: this shared VM has streaks (seconds long) where everything
  // takes ~1.6× as long, and a fit lasts only ~7 ms, so numpy's runs from the start of the bench
  // can meet another machine state than ours. So the runs come in 15 slots: in each, numpy_bench.py
  // trains 3 times in its own process (after its own warm-up), then fit runs 3 times; each side's
  // figure for the slot is its median of 3, and the ratio compares the slots' medians.
  const tXorFirst = timeRuns(1, () => new NeuralNetwork([2, 4, 1], xorOpts).fit(Xx, Yx));
  for (let i = 0; i < 5; i++) new NeuralNetwork([2, 4, 1], xorOpts).fit(Xx, Yx);
  const xorRuns = Math.max(runs, 15);
  const npXor: number[] = [];
  const tXorFit: number[] = [];
  for (let r = 0; r < xorRuns; r++) {
    if (numpy) {
      const slot = runNumpy(0, 3, 0);
      if (typeof slot !== "string" && slot.xor) npXor.push(stats(slot.xor).median);
    }
    tXorFit.push(stats(timeRuns(3, () => (netW1 = new NeuralNetwork([2, 4, 1], xorOpts).fit(Xx, Yx).W[1].data))).median);
  }
  const npXorRef = npXor.length > 0 ? npXor : numpy?.xor;
  report("xor", "NeuralNetwork.fit", tXorFit, npXorRef, { note: "target <= 0.05× numpy; runs = slots of 3, interleaved with numpy's" });
  report("xor", "NeuralNetwork.fit, first call", tXorFirst, npXorRef, { note: "V8 not yet optimised" });
  let loopW1: Float64Array = new Float64Array(0);
  for (let i = 0; i < 2; i++) readableLoop([2, 4, 1], xorOpts, Xx, Yx);
  const tXorLoop = timeRuns(xorRuns, () => {
    loopW1 = readableLoop([2, 4, 1], xorOpts, Xx, Yx).W[1].data;
  });
  report("xor", "readable forward/backward/update loop", tXorLoop, npXorRef, { note: `final W1 ${sameBits(netW1, loopW1) ? "identical to fit's, bit for bit" : `DIFFERS from fit's by ${maxAbsDiff(netW1, loopW1)}`}` });

  // (c) + (d) MNIST-shaped, each variant in its own process
  console.log(`\n(c) MNIST-shaped [784,100,10], 600 steps of batch 100 (random data, seeded), float64, η = 0.1`);
  const variants: Array<[string, string, number]> = [
    ["fit", `NeuralNetwork.fit (${getMatmulThreads()} threads)`, mnistRuns],
    ["fit1", "NeuralNetwork.fit, setMatmulThreads(1)", mnistRuns],
    ["readable", "readable forward/backward/update loop", slowRuns],
  ];
  const memory: Record<string, unknown> = {};
  const heads: Record<string, number[]> = {};
  for (const [v, label, nRuns] of variants) {
    const c = runChild(v, nRuns);
    heads[v] = c.W1head;
    const note = v === "fit" ? `worker took ${c.helperChunks} chunks; target <= 3× numpy, goal 1×` : v === "fit1" ? "vs numpy on 1 BLAS thread" : undefined;
    report("mnist", label, c.times, v === "fit1" ? numpy1?.mnist ?? numpy?.mnist : numpy?.mnist, { note });
    memory[v] = { peakRss: c.maxRss, rssBeforeData: c.rssBefore, rssAfterData: c.rssData, heapPeak: c.heapPeak };
  }
  if (numpy?.mnist) rows.push({ workload: "mnist", variant: "numpy", stats: stats(numpy.mnist) });
  if (numpy1?.mnist) rows.push({ workload: "mnist", variant: "numpy 1 thread", stats: stats(numpy1.mnist) });
  if (numpy?.mnist) console.log(`  numpy: ${fmtTime(stats(numpy.mnist).median)} (default BLAS threads)${numpy1?.mnist ? `, ${fmtTime(stats(numpy1.mnist).median)} (1 BLAS thread)` : ""}`);
  const sameHeads = heads.fit.every((v, i) => Object.is(v, heads.readable[i]) && Object.is(v, heads.fit1[i]));
  console.log(`  final W1[0..7] of fit, fit on 1 thread and the readable loop: ${sameHeads ? "identical, bit for bit" : `DIFFER: ${heads.fit.slice(0, 3)} / ${heads.fit1.slice(0, 3)} / ${heads.readable.slice(0, 3)}`}`);

  // (c2) live training: `await fitAsync` (lets the event loop in every 50 ms, for notebook progress)
  // against fit, alternating run by run in one process so that both see the same machine load
  {
    const r = spawnSync(process.execPath, ["--import", "tsx", __filename, "--child", "live", "--runs", String(quick ? 3 : 7)], { cwd: ROOT, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`bench child live failed:\n${r.stderr}`);
    const live = JSON.parse(r.stdout.trim().split("\n").pop() as string) as { fitTimes: number[]; asyncTimes: number[]; same: boolean; yieldsPerRun: number };
    const f = stats(live.fitTimes), a = stats(live.asyncTimes);
    const load = os.loadavg().map((v) => v.toFixed(2)).join(", ");
    console.log(
      `  live training (same process, alternating): fit ${fmtTime(f.median)}, await fitAsync ${fmtTime(a.median)} — ` +
        `fitAsync/fit ${(a.median / f.median).toFixed(3)} (medians), ${(a.min / f.min).toFixed(3)} (fastest runs); target <= 1.05; ` +
        `${live.yieldsPerRun.toFixed(0)} timer ticks got in per fitAsync run; final W1 ${live.same ? "identical, bit for bit" : "DIFFERS"}; load average ${load}`,
    );
    rows.push({ workload: "mnist", variant: "await fitAsync (live)", stats: a });
    rows.push({ workload: "mnist", variant: "fit (beside fitAsync)", stats: f });
  }

  console.log("\n(d) peak memory of the MNIST run (each in its own process; data X 784×6000 = 38 MB)");
  for (const [v, label] of variants) {
    const mm = memory[v] as { peakRss: number; rssBeforeData: number; rssAfterData: number; heapPeak: number };
    console.log(`  ${label.padEnd(34)} peak RSS ${fmtMB(mm.peakRss)} (process start ${fmtMB(mm.rssBeforeData)}, after data ${fmtMB(mm.rssAfterData)}), peak V8 heap seen ${fmtMB(mm.heapPeak)}`);
  }
  if (numpy) console.log(`  ${"numpy (whole bench process)".padEnd(34)} peak RSS ${fmtMB(numpy.max_rss_bytes)}`);

  let kernel: unknown = undefined;
  if (!flag("--no-kernel")) {
    console.log("\n(e) Jupyter kernel latency (bench/kernel_latency.py through jupyter_client, fresh kernels)");
    kernel = kernelLatency(quick ? 1 : 3);
  }

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
    kernel,
  };
  mkdirSync(resolve(ROOT, "build"), { recursive: true });
  writeFileSync(resolve(ROOT, "build/bench.json"), JSON.stringify(out, null, 2) + "\n");
  console.log("wrote build/bench.json");
}

// Debian's /usr/bin/python3 has jupyter_client (the pyenv python3 on PATH has numpy but no Jupyter)
function kernelLatency(runs: number): unknown {
  const kernelJson = resolve(ROOT, "build/jupyter/kernels/mlp-course/kernel.json");
  const python = existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
  if (!existsSync(kernelJson)) {
    console.log("  skipped: no kernelspec at build/jupyter/kernels/mlp-course (npm test or npm run kernel creates it)");
    return { skipped: "no kernelspec" };
  }
  const r = spawnSync(python, [resolve(ROOT, "bench/kernel_latency.py"), "--runs", String(runs), "--json"], {
    cwd: ROOT,
    env: { ...process.env, JUPYTER_PATH: resolve(ROOT, "build/jupyter") },
    encoding: "utf8",
    maxBuffer: 1 << 24,
    timeout: 600_000,
  });
  if (r.status !== 0) {
    const why = (r.stderr || String(r.error)).trim().split("\n").pop();
    console.log(`  skipped: ${why}`);
    return { skipped: why };
  }
  const lines = r.stdout.trim().split("\n");
  for (const line of lines.slice(0, -1)) console.log(`  ${line}`);
  return JSON.parse(lines[lines.length - 1]);
}

function sameBits(x: Float64Array, y: Float64Array): boolean {
  return x.length === y.length && x.every((v, i) => Object.is(v, y[i]));
}

function maxAbsDiff(x: Float64Array, y: Float64Array): number {
  if (x.length !== y.length) return NaN;
  let d = 0;
  for (let i = 0; i < x.length; i++) d = Math.max(d, Math.abs(x[i] - y[i]));
  return d;
}

main();
