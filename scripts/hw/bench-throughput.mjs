// Grading throughput: N copies of an honest submission graded with --parallel P, in the sandbox.
//   node scripts/hw/bench-throughput.mjs [--n 100] [--parallel 2] [--no-kernel-cache]
// Prints wall seconds, seconds per submission, and seconds per submission per core (wall × P / N).
// --no-kernel-cache: the kernels compile src/ themselves instead of reading the compile cache the grader warms.
// A benchmark, not a test: run it on an otherwise idle machine and say so when you quote it.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(new URL("../..", import.meta.url).pathname);
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const n = arg("--n", 100), parallel = arg("--parallel", 2), noCache = process.argv.includes("--no-kernel-cache");
const dir = mkdtempSync(join(tmpdir(), "hw-bench-"));
const subs = join(dir, "subs");
spawnSync("mkdir", [subs]);
for (let i = 0; i < n; i++) copyFileSync(join(ROOT, "homework", "fixtures", "hw01", "correct.ipynb"), join(subs, `s${String(i).padStart(3, "0")}.ipynb`));
const t0 = Date.now();
const r = spawnSync(process.execPath, [join(ROOT, "scripts", "hw.mjs"), "grade", "hw01", subs, "--out", join(dir, "out"), "--parallel", String(parallel), ...(noCache ? ["--no-kernel-cache"] : [])], {
  cwd: ROOT, encoding: "utf8", maxBuffer: 256 << 20,
});
const wall = (Date.now() - t0) / 1000;
if (r.status !== 0) {
  console.error(r.stdout + r.stderr);
  process.exit(1);
}
const res = JSON.parse(readFileSync(join(dir, "out", "results.json"), "utf8")).results;
const full = res.filter((x) => x.score === 10).length;
const kernel = res.map((x) => x.seconds).sort((a, b) => a - b);
const cache = noCache ? "no compile cache" : "compile cache read-only";
console.log(`hw throughput: ${n} submissions, --parallel ${parallel}, ${cache}, ${cpus().length} cores: ${wall.toFixed(1)} s wall, ` +
  `${(wall / n).toFixed(2)} s per submission, ${((wall * parallel) / n).toFixed(2)} s per submission per core ` +
  `(median kernel ${kernel[Math.floor(kernel.length / 2)].toFixed(1)} s; ${full}/${n} full marks)`);
rmSync(dir, { recursive: true, force: true });
