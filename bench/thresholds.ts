// Where matmulF64 should switch kernels: times the core's plain loops (plainProduct), matmulF64's plain loops
// (matmulSmall), the WebAssembly kernel on 1 thread
// and on all threads for products of growing size (multiply-adds m·k·n), including the network's
// own shapes. Run: node --import tsx bench/thresholds.ts. Pick MATMUL_THRESHOLDS (src/engine/matmul.ts)
// from the crossovers; the machine's load shows in the figures, so run it on an idle machine.
import { plainProduct } from "../src/matrix";
import { matmulSmall } from "../src/engine/matmul";
import { matmulWasm, getMatmulThreads } from "../src/engine/wasm";
import * as os from "os";

const shapes: Array<[number, number, number]> = [
  [4, 2, 4], [2, 4, 4], [4, 4, 4], [6, 6, 6], [5, 8, 8], [8, 8, 8], [10, 10, 10], [12, 12, 12], [16, 16, 16], [20, 20, 20], [10, 100, 10],
  [24, 24, 24], [32, 32, 32], [10, 100, 100], [100, 10, 100], [48, 48, 48], [64, 64, 64], [80, 80, 80],
  [100, 100, 100], [128, 128, 128], [100, 784, 100], [100, 100, 784],
];
function perCall(f: () => void): number {
  let reps = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) f();
    const t = performance.now() - t0;
    if (t > 20) break;
    reps *= 2;
  }
  const times: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) f();
    times.push((performance.now() - t0) / reps);
  }
  return times.sort((x, y) => x - y)[2] * 1e3; // µs
}
const threads = getMatmulThreads();
console.log(`load average ${os.loadavg().map((v) => v.toFixed(2)).join(" ")}; median of 5 timings per cell`);
console.log(`m·k·n        shape          reference µs  plain µs   wasm-1 µs   wasm-${threads} µs`);
for (const [m, k, n] of shapes) {
  const a = Float64Array.from({ length: m * k }, (_, i) => Math.sin(i));
  const b = Float64Array.from({ length: k * n }, (_, i) => Math.cos(i));
  const c = new Float64Array(m * n);
  const tr = perCall(() => plainProduct(c, a, b, m, k, n));
  const tp = perCall(() => matmulSmall(c, a, b, m, k, n, false, false));
  const t1 = perCall(() => matmulWasm(c, a, b, m, k, n, { threads: 1 }));
  const t2 = perCall(() => matmulWasm(c, a, b, m, k, n, { threads }));
  console.log(`${String(m * k * n).padEnd(12)} ${`${m}×${k}·${k}×${n}`.padEnd(14)} ${tr.toFixed(1).padStart(12)} ${tp.toFixed(1).padStart(9)} ${t1.toFixed(1).padStart(11)} ${t2.toFixed(1).padStart(11)}`);
}
