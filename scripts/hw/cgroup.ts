// A cgroup (v1: memory, pids, cpuacct) holding one kernel's whole process tree. Created before the kernel
// starts (the sandbox wrapper joins it), read while it runs (CPU seconds, by the executor), and after it:
// memory peak, OOM kills, pids limit hits; then every process left in it is killed and it is removed.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmdirSync, statSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { join } from "node:path";

const CGROUP_BASE = "/sys/fs/cgroup";
const CONTROLLERS = ["memory", "pids", "cpuacct"] as const;
/** Cgroup folders are named after the grader process that made them: mlp-hw-<pid>-<hex>. */
const CGROUP_PREFIX = "mlp-hw-";
const CGROUP_NAME_RE = /^mlp-hw-(\d+)-[0-9a-f]+$/;

type Controller = (typeof CONTROLLERS)[number];

export function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export class Cgroup {
  dirs: Partial<Record<Controller, string>> = {};
  /** Why the cgroup could not be made (limits then hold per process only), or null. */
  note: string | null = null;

  constructor(memoryMb: number, pids: number) {
    const name = `${CGROUP_PREFIX}${process.pid}-${randomBytes(4).toString("hex")}`;
    try {
      for (const ctrl of CONTROLLERS) {
        const d = join(CGROUP_BASE, ctrl, name);
        mkdirSync(d);
        this.dirs[ctrl] = d;
      }
      const bytes = String(Math.trunc(memoryMb) * 1048576);
      this.write("memory", "memory.limit_in_bytes", bytes);
      if (existsSync(join(this.dirs.memory!, "memory.memsw.limit_in_bytes"))) this.write("memory", "memory.memsw.limit_in_bytes", bytes);
      this.write("pids", "pids.max", String(Math.trunc(pids)));
    } catch (e) {
      const why = (e as NodeJS.ErrnoException).code ?? String(e);
      this.note = `cgroups not writable (${why}): memory and process limits are per process (rlimits) only`;
      this.remove();
      this.dirs = {};
    }
  }

  get usable(): boolean {
    return Object.keys(this.dirs).length > 0;
  }

  private write(ctrl: Controller, file: string, value: string): void {
    writeFileSync(join(this.dirs[ctrl]!, file), value);
  }

  read(ctrl: Controller, file: string): string {
    const d = this.dirs[ctrl];
    if (!d) return "";
    try {
      return readFileSync(join(d, file), "utf8");
    } catch {
      return "";
    }
  }

  /** The cpuacct.usage file the executor polls (nanoseconds of CPU of the whole tree), or null. */
  get cpuUsageFile(): string | null {
    return this.dirs.cpuacct && /^\d+$/.test(this.read("cpuacct", "cpuacct.usage").trim()) ? join(this.dirs.cpuacct, "cpuacct.usage") : null;
  }

  memoryPeakMb(): number | null {
    const peak = this.read("memory", "memory.max_usage_in_bytes").trim();
    return /^\d+$/.test(peak) ? Math.round(Number(peak) / 1048576) : null;
  }

  oomKilled(): boolean {
    const m = /oom_kill (\d+)/.exec(this.read("memory", "memory.oom_control"));
    return (m !== null && Number(m[1]) > 0) || !["", "0"].includes(this.read("memory", "memory.failcnt").trim());
  }

  pidsHit(): boolean {
    // pids.events exists on newer kernels only
    const m = /max (\d+)/.exec(this.read("pids", "pids.events"));
    return m !== null && Number(m[1]) > 0;
  }

  /** SIGKILL every process left in the cgroup (children that escaped the kernel's session). */
  killAll(): void {
    for (let round = 0; round < 50; round++) {
      const pids = new Set<number>();
      for (const ctrl of Object.keys(this.dirs) as Controller[]) {
        for (const x of this.read(ctrl, "cgroup.procs").split(/\s+/)) if (x) pids.add(Number(x));
      }
      if (pids.size === 0) return;
      for (const pid of pids) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // gone already
        }
      }
      sleepSync(50);
    }
  }

  remove(): void {
    this.killAll();
    for (const d of Object.values(this.dirs)) {
      for (let i = 0; i < 20; i++) {
        try {
          rmdirSync(d);
          break;
        } catch {
          sleepSync(50);
        }
      }
    }
  }
}

/** Whether the process that named a cgroup may still be running. Any live pid counts: killing a running
 * grader's kernels is far worse than keeping a leftover until its pid is free again. */
const graderAlive = (pid: number) => existsSync(`/proc/${pid}`);

/**
 * Removes the cgroups of graders that are gone (SIGKILLed: their clean-up never ran), after killing whatever
 * is still in them. Those named after a live pid are left alone. Returns how many folders were removed.
 */
export function sweepCgroups(): number {
  let removed = 0;
  for (const ctrl of CONTROLLERS) {
    const base = join(CGROUP_BASE, ctrl);
    let names: string[];
    try {
      names = readdirSync(base);
    } catch {
      continue;
    }
    for (const name of names) {
      const m = CGROUP_NAME_RE.exec(name);
      if (!m || graderAlive(Number(m[1]))) continue;
      const left = Object.create(Cgroup.prototype) as Cgroup;
      left.dirs = { [ctrl]: join(base, name) };
      left.note = null;
      left.remove();
      let still = false;
      try {
        still = statSync(join(base, name)).isDirectory();
      } catch {
        still = false;
      }
      if (!still) removed++;
    }
  }
  return removed;
}
