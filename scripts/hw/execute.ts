// Running a grading notebook: the kernel's cgroup, its sandbox configuration and kernelspec, then the
// project's notebook executor (scripts/nbexec.py) with the job's limits. What the executor reports (per-cell
// reply status, seconds, CPU seconds, dropped bytes) is turned into the grader's statuses and flags here.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { machine, tmpdir } from "node:os";
import { join } from "node:path";
import { Cgroup } from "./cgroup";
import type { Role } from "./build";
import { type Notebook, cellText, parseNotebook, writeNotebook } from "./notebook";
import { tail } from "./format";

export const HERE = __dirname;
export const ROOT = join(HERE, "..", "..");
export const SANDBOX_ROOT = "/course"; // where the kernel sees its files inside the sandbox
export const WALL_FACTOR = 10; // with CPU-time limits, a cell's wall-clock limit is this many times its CPU budget + 30 s
// The wall-time bound (waiting without computing holds a grading slot, and CPU limits do not see it): the
// student's cells together may take at most WALL_PER_CPU × the CPU seconds they used + IDLE_SECONDS of wall
// time, a probe cell WALL_PER_CPU × its CPU + PROBE_IDLE_SECONDS. Honest work waits only for a CPU: it would
// take a machine more than 10 times oversubscribed to reach it (a sleeping cell reaches it after
// IDLE_SECONDS, whatever the load), so the same submission hits it, or not, on any machine.
export const WALL_PER_CPU = 10, IDLE_SECONDS = 60, PROBE_IDLE_SECONDS = 30;

export interface Limits {
  cell_timeout: number;
  probe_timeout: number;
  notebook_timeout: number;
  startup_timeout: number;
  memory_mb: number;
  heap_mb: number;
  cell_output_mb: number;
  total_output_mb: number;
  max_notebook_mb: number;
  parallel: number;
  node?: string | null;
  sandbox: boolean;
  pids?: number;
  /** A compile cache the grader warmed (warmKernelCache), bound read-only into each sandboxed kernel; null: none. */
  kernel_cache?: string | null;
}

export const DEFAULTS = {
  cell_timeout: 30, // seconds per student cell
  probe_timeout: 30, // seconds per probe cell
  notebook_timeout: 120, // seconds for all student cells together
  startup_timeout: 300, // wall seconds (a busy machine starts kernels slowly; this only bounds a hang)
  memory_mb: 1536, // RLIMIT_DATA of the kernel (Node's baseline is ~250 MB)
  heap_mb: 1024, // --max-old-space-size
  cell_output_mb: 0.25, // output kept per cell; beyond it output is dropped
  total_output_mb: 4, // output kept per notebook
  max_notebook_mb: 5, // larger submissions are rejected unread
  parallel: 2,
} as const;
export type LimitName = keyof typeof DEFAULTS;
/** Limits given as whole numbers on the command line (the others may have decimals). */
export const INTEGER_LIMITS = new Set<LimitName>(["memory_mb", "heap_mb", "parallel"]);

/** The Python that has nbclient (found by scripts/jupyter.mjs and handed down by scripts/hw.mjs). */
export function python(): string {
  return process.env.MLP_HW_PYTHON || process.env.MLP_PYTHON || "/usr/bin/python3";
}

export function bwrapAvailable(): boolean {
  const r = spawnSync("bwrap", ["--unshare-all", "--unshare-user", "--die-with-parent", "--ro-bind", "/usr", "/usr",
    "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64", "--symlink", "usr/bin", "/bin", "--", "/bin/true"], { stdio: "ignore" });
  return r.status === 0;
}

const outputEnv = (limits: Limits) => ({
  MLP_HW_CELL_OUTPUT_BYTES: String(Math.trunc(limits.cell_output_mb * 1048576)),
  MLP_HW_TOTAL_OUTPUT_BYTES: String(Math.trunc(limits.total_output_mb * 1048576)),
});

const nodePath = (limits: Limits) => limits.node || process.execPath;
const cpuLimit = (limits: Limits) => Math.trunc(limits.notebook_timeout + 20 * limits.probe_timeout + 60);

/** The files every sandboxed process sees, read-only: node_modules, src/, kernel/, the public check helpers,
 * the preload, package.json and tsconfig.json, and node itself. */
function kitBinds(node: string): [string, string][] {
  const S = SANDBOX_ROOT;
  const binds: [string, string][] = [
    [join(ROOT, "node_modules"), `${S}/node_modules`],
    [join(ROOT, "src"), `${S}/src`],
    [join(ROOT, "kernel"), `${S}/kernel`],
    [join(ROOT, "homework", "lib", "hwcheck.ts"), `${S}/homework/lib/hwcheck.ts`],
    [join(HERE, "kernel-preload.cjs"), `${S}/scripts/hw/kernel-preload.cjs`],
  ];
  for (const f of ["package.json", "tsconfig.json"]) if (existsSync(join(ROOT, f))) binds.push([join(ROOT, f), `${S}/${f}`]);
  if (!node.startsWith("/usr/")) binds.push([node, node]);
  return binds;
}

/** Where the kernel finds its compile cache inside the sandbox (kernel/launcher.cjs: <root>/build/kernel-cache). */
const SANDBOX_CACHE = `${SANDBOX_ROOT}/build/kernel-cache`;
/** node and its flags, the same for the warm-up and every kernel (V8's code cache is keyed by them). */
const nodeArgv = (node: string, limits: Limits) =>
  [node, `--max-old-space-size=${Math.trunc(limits.heap_mb)}`, "--require", `${SANDBOX_ROOT}/scripts/hw/kernel-preload.cjs`];
const sandboxEnv = (limits: Limits, cache: string) =>
  ({ ...outputEnv(limits), PATH: "/usr/bin:/bin", HOME: "/tmp/home", TMPDIR: "/tmp", LANG: "C.UTF-8", MLP_KERNEL_CACHE: cache });

/** What sandbox.py mounts and runs. The kernel sees only the kit's files (kitBinds), the grader's warmed
 * compile cache (read-only, when there is one), its connection folder (read-write) and a private /tmp. */
function sandboxConfig(jdir: string, limits: Limits, logPath: string, probePath: string, cgroup: Cgroup) {
  const node = realpathSync(nodePath(limits));
  const binds = kitBinds(node);
  // Submitted code runs in the kernel's process: the cache it reads was written by the grader's warm-up,
  // before any submission ran, and is mounted read-only, so nothing a kernel writes reaches another kernel.
  const cache = limits.kernel_cache && existsSync(limits.kernel_cache) ? limits.kernel_cache : null;
  if (cache) binds.push([cache, SANDBOX_CACHE]);
  return {
    binds, cwd: SANDBOX_ROOT, conn_dir: join(jdir, "conn"), probe_file: probePath, log_file: logPath, cgroup: cgroup.usable ? cgroup.dirs : null,
    conn_limit_mb: 16, conn_limit_mark: CONN_LIMIT_MARK,
    limits: { data_mb: Math.trunc(limits.memory_mb), cpu_s: cpuLimit(limits), fsize_mb: 64, nofile: 1024 },
    argv: [...nodeArgv(node, limits), `${SANDBOX_ROOT}/kernel/launcher.cjs`, "{connection_file}"],
    env: sandboxEnv(limits, cache ? "readonly" : "off"),
  };
}

export interface WarmCache {
  /** The warmed cache folder (inside `parent`), or null when the warm-up failed (kernels then compile as usual). */
  dir: string | null;
  seconds: number;
  entries: number;
  note: string;
}

/**
 * The grader's warm-up of the compile cache, before any submission runs: `kernel/launcher.cjs --warm-cache`
 * compiles `cells` (import lines only: see warmCells) in the sandbox the kernels get (same paths, node
 * flags and preload, since the cache is keyed by them), with one read-write bind, the new cache folder.
 * Every kernel of the batch then gets that folder read-only. A failed warm-up only costs speed.
 */
export function warmKernelCache(limits: Limits, cells: string[], parent: string): WarmCache {
  const t0 = performance.now();
  const dir = join(parent, "kernel-cache"), work = mkdtempSync(join(parent, "warm-"));
  mkdirSync(dir, { recursive: true });
  const cellsFile = join(work, "cells.json"), logFile = join(work, "warm.log"), cfgFile = join(work, "sandbox.json");
  writeFileSync(cellsFile, JSON.stringify(cells));
  const node = realpathSync(nodePath(limits));
  const cfg = {
    binds: [...kitBinds(node), [cellsFile, `${SANDBOX_ROOT}/build/warm-cells.json`]],
    rw_binds: [[dir, SANDBOX_CACHE]],
    cwd: SANDBOX_ROOT, conn_dir: null, probe_file: null, log_file: logFile, cgroup: null,
    limits: { data_mb: Math.trunc(limits.memory_mb), cpu_s: 120, fsize_mb: 64, nofile: 1024 },
    argv: [...nodeArgv(node, limits), `${SANDBOX_ROOT}/kernel/launcher.cjs`, "--warm-cache", `${SANDBOX_ROOT}/build/warm-cells.json`],
    env: sandboxEnv(limits, "on"),
  };
  writeFileSync(cfgFile, JSON.stringify(cfg));
  const r = spawnSync(python(), [join(HERE, "sandbox.py"), "--config", cfgFile], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 300000 });
  const seconds = (performance.now() - t0) / 1000;
  let log = "";
  try {
    log = readFileSync(logFile, "utf8");
  } catch {
    // no log
  }
  rmSync(work, { recursive: true, force: true });
  const entries = readdirSync(dir).filter((f) => f.endsWith(".json")).length;
  if (r.status !== 0 || entries === 0) {
    rmSync(dir, { recursive: true, force: true });
    const why = r.status === 0 ? "no entry written" : `exit ${r.status ?? r.signal}: ${tail((log + (r.stderr ?? "")).trim(), 300)}`;
    return { dir: null, seconds, entries: 0, note: `compile cache not warmed (${why}): kernels compile src/ themselves` };
  }
  return { dir, seconds, entries, note: `compile cache warmed in the sandbox (${entries} entries, ${seconds.toFixed(1)} s), read-only in every kernel` };
}

/** The cells the warm-up compiles: for each code cell of the grading notebook's frame (the guard and the
 * instructor source's cells), its relative import declarations, once per distinct set. A kernel's import
 * cell whose dependencies are the same files then finds them compiled (compile-cache.cjs keys an entry by
 * the dependencies' paths and texts, not by the cell). */
export function warmCells(sources: string[]): string[] {
  const out: string[] = [];
  for (const src of sources) {
    const lines = src.split("\n").filter((l) => /^\s*import\s[^;]*\sfrom\s+"\.\/[^"]*";\s*$/.test(l)).map((l) => l.trim());
    const cell = lines.join("\n");
    if (lines.length && !out.includes(cell)) out.push(cell);
  }
  return out;
}

// the machines sandbox.py has a seccomp filter for (socket(AF_INET/AF_INET6) refused: see ARCHES there)
const SECCOMP_MACHINES = ["x86_64", "aarch64"];
const KERNEL_NAME = "mlp-hw-grade";
const CONN_TMPFS = "size=1m,nr_inodes=64,mode=0700,nosuid,nodev,noexec"; // a connection file and five sockets
const CONN_LIMIT_MARK = "mlp-hw sandbox: connection folder over its limit; kernel killed"; // written by sandbox.py

/** As root: a small tmpfs on the kernel's connection folder (its one read-write place on the host), so a
 * kernel cannot fill the grading machine's disk through it. ZeroMQ's ipc transport only needs the socket
 * files there. Returns whether it is mounted (without root sandbox.py watches the folder's size instead). */
function mountConnTmpfs(conn: string): boolean {
  if (process.getuid?.() !== 0) return false;
  const r = spawnSync("mount", ["-t", "tmpfs", "-o", CONN_TMPFS, "mlp-hw-conn", conn], { stdio: "ignore" });
  return r.status === 0;
}

function writeKernelspec(jdir: string, limits: Limits, logPath: string, probePath: string, cgroup: Cgroup | null): void {
  const kdir = join(jdir, "kernels", KERNEL_NAME);
  mkdirSync(kdir, { recursive: true });
  let argv: string[];
  let env: Record<string, string> = {};
  if (limits.sandbox && cgroup) {
    const cfg = join(jdir, "sandbox.json");
    writeFileSync(cfg, JSON.stringify(sandboxConfig(jdir, limits, logPath, probePath, cgroup)));
    argv = [python(), join(HERE, "sandbox.py"), "--config", cfg, "--", "{connection_file}"];
  } else {
    // a student's own machine without bubblewrap (check/submit only): no isolation, same probe channel
    argv = [python(), join(HERE, "limited.py"), "--data-mb", String(Math.trunc(limits.memory_mb)), "--cpu-s", String(cpuLimit(limits)),
      "--fsize-mb", "64", "--log", logPath, "--probe", probePath, "--", nodePath(limits), `--max-old-space-size=${Math.trunc(limits.heap_mb)}`,
      "--require", join(HERE, "kernel-preload.cjs"), join(ROOT, "kernel", "launcher.cjs"), "{connection_file}"];
    env = { ...outputEnv(limits), MLP_KERNEL_CACHE: "off" }; // a student's own check: compiles as it always did
  }
  const spec = { argv, display_name: "mlp-hw grading", language: "typescript", interrupt_mode: "signal", env };
  writeFileSync(join(kdir, "kernel.json"), JSON.stringify(spec));
}

export interface CellRecord {
  index: number;
  role: Role;
  status: string | null;
  seconds: number;
  cpu_seconds?: number;
  dropped_bytes?: number;
  wall_limit?: boolean;
}

export interface Execution {
  status: "completed" | "kernel-died" | "kernel-unresponsive" | "grader-error";
  cells: CellRecord[];
  flags: string[];
  notes: string[];
  nb: Notebook;
  error?: string;
  seconds?: number;
  limits_in?: string;
  memory_peak_mb?: number | null;
  memory_cap_mb?: number;
}

interface ExecutorRecord {
  status: string;
  error?: string;
  seconds?: number;
  limits_in?: string;
  output_dropped?: boolean;
  cells: { index: number; status: string; seconds: number; cpu_seconds?: number; dropped_bytes?: number; skipped_for?: string; wall_limit?: boolean }[];
}

/**
 * Runs the grading notebook under the limits; the executed notebook is in the result's `nb`. The
 * output-limit flag comes from the executor's own count of dropped bytes only.
 */
export function execute(nb: Notebook, roles: Role[], limits: Limits, logPath: string, probePath: string): Execution {
  const info: Execution = { status: "completed", cells: [], flags: [], notes: [], nb };
  const jdir = mkdtempSync(join(tmpdir(), "mlp-hw-jp-"));
  const cgroup = limits.sandbox ? new Cgroup(limits.memory_mb + 256, limits.pids ?? 256) : null;
  let connMounted = false;
  if (cgroup?.note) info.notes.push(cgroup.note);
  try {
    writeKernelspec(jdir, limits, logPath, probePath, cgroup);
    const conn = join(jdir, "conn");
    mkdirSync(conn);
    if (limits.sandbox) {
      connMounted = mountConnTmpfs(conn);
      if (!connMounted) info.notes.push("no tmpfs on the connection folder (needs root): sandbox.py watches its size instead");
      if (!SECCOMP_MACHINES.includes(machine())) {
        info.notes.push(`no seccomp filter for ${machine()} (sandbox.py knows ${SECCOMP_MACHINES.join(", ")}): TCP on the sandbox's loopback is not refused`);
      }
    }
    const input = join(jdir, "grading.ipynb"), output = join(jdir, "executed.ipynb"), recordFile = join(jdir, "record.json");
    writeNotebook(nb, input);
    const student = (role: Role) => !role.startsWith("probe:") && role !== "guard";
    const job = {
      notebook: input, output, record: recordFile, cwd: jdir,
      kernel: {
        name: KERNEL_NAME, jupyter_path: jdir, connection_file: join(conn, "kernel.json"), startup_timeout: limits.startup_timeout,
        // no network in the sandbox: ZeroMQ over unix sockets in the connection folder
        ...(limits.sandbox ? { transport: "ipc", ip: join(conn, "k") } : { transport: "tcp" }),
      },
      cells: roles.map((role) => (student(role) ? { budget: limits.cell_timeout, pool: "student" } : { budget: limits.probe_timeout, idle: PROBE_IDLE_SECONDS })),
      pools: { student: { budget: limits.notebook_timeout, idle: IDLE_SECONDS } },
      cpu_usage_file: cgroup?.cpuUsageFile ?? null,
      wall_factor: WALL_FACTOR, wall_extra: 30, wall_per_cpu: WALL_PER_CPU,
      on_timeout: "interrupt", timeout_note: "grader", retry_aborted: 2, skip_empty: false,
      output_caps: { cell: limits.cell_output_mb * 1048576, total: limits.total_output_mb * 1048576, note: "grader" },
    };
    writeFileSync(join(jdir, "job.json"), JSON.stringify(job));
    const r = spawnSync(python(), [join(ROOT, "scripts", "nbexec.py"), join(jdir, "job.json")], {
      encoding: "utf8", maxBuffer: 64 << 20, stdio: ["ignore", "pipe", "pipe"],
    });
    if (!existsSync(recordFile)) {
      info.status = "grader-error";
      info.error = `the notebook executor exited with ${r.status ?? r.signal}: ${tail((r.stderr ?? "") + (r.stdout ?? ""), 300)}`;
      return info;
    }
    const rec = JSON.parse(readFileSync(recordFile, "utf8")) as ExecutorRecord;
    if (existsSync(output)) info.nb = parseNotebook(readFileSync(output, "utf8"));
    info.seconds = rec.seconds;
    info.limits_in = rec.limits_in;
    for (const c of rec.cells) {
      const role = roles[c.index];
      if (c.status === "not-run") break; // after the executor stopped
      const cell: CellRecord = { index: c.index, role, status: c.status, seconds: c.seconds };
      if (c.cpu_seconds !== undefined) cell.cpu_seconds = c.cpu_seconds;
      if (c.dropped_bytes) cell.dropped_bytes = c.dropped_bytes;
      if (c.wall_limit) cell.wall_limit = true;
      info.cells.push(cell);
      const flag = (f: string) => {
        if (!info.flags.includes(f)) info.flags.push(f);
      };
      if (c.status === "skipped") flag(c.skipped_for === "wall" ? "wall-limit" : "notebook-timeout");
      if (c.status === "timeout") flag(c.wall_limit ? "wall-limit" : "cell-timeout");
      if (c.status === "error" && cellText(info.nb.cells[c.index], "stderr").includes("Unexpected pending rebuildTimer") && !info.flags.includes("kernel-broken")) {
        info.flags.push("kernel-broken"); // tslab's compiler breaks after some interrupts
      }
    }
    if (rec.status === "kernel-died" || rec.status === "kernel-unresponsive") info.status = rec.status;
    else if (rec.status === "error") {
      info.status = "grader-error";
      info.error = rec.error;
    }
    if (rec.output_dropped) info.flags.push("output-limit");
  } catch (e) {
    if (info.status === "completed") info.status = "grader-error";
    info.error = tail(e instanceof Error ? `${e.name}: ${e.message}` : String(e), 300);
  } finally {
    if (cgroup?.usable) {
      info.memory_peak_mb = cgroup.memoryPeakMb();
      info.memory_cap_mb = limits.memory_mb + 256;
    }
    if (cgroup) {
      if (cgroup.oomKilled()) info.flags.push("memory-limit");
      if (cgroup.pidsHit()) info.flags.push("process-limit");
      cgroup.remove(); // every process the kernel started is gone
    }
    if (connMounted) spawnSync("umount", ["-l", join(jdir, "conn")], { stdio: "ignore" });
    rmSync(jdir, { recursive: true, force: true });
  }
  // The kernel's log is text submitted code can write (fs.writeSync(2, ...)): it is read only to explain a
  // kernel death the grader saw itself; memory-limit otherwise comes from the cgroup alone.
  if (info.status === "kernel-died") {
    try {
      const log = readFileSync(logPath, "utf8").slice(0, 200000);
      if (/heap out of memory|allocation failed/i.test(log) && !info.flags.includes("memory-limit")) info.flags.push("memory-limit");
      if (log.includes(CONN_LIMIT_MARK)) info.flags.push("disk-limit"); // sandbox.py killed the kernel: its connection folder grew too large
    } catch {
      // no log
    }
  }
  return info;
}
