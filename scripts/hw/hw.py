"""Homework tooling: assign, check, submit, grade (and merge manual scores) for tslab notebooks.

Normally run through `npm run hw -- ...` (scripts/hw.mjs), which computes the grading plan (cases and
expected values, in Node from src/) and passes it here with --plan. See HOMEWORK.md.

Security model (grade), see HOMEWORK.md "The sandbox":
  * Each kernel runs in a bubblewrap sandbox (scripts/hw/sandbox.py): own PID/network/IPC/mount/user
    namespaces, no network (ZeroMQ over ipc sockets in its connection folder), a read-only view of
    node_modules, src/, kernel/ and the public check helpers only, a private /tmp, a cgroup holding the
    whole process tree (memory, pids, CPU time), everything killed when the kernel ends.
  * The grading notebook is rebuilt from the instructor source: setup/check/markdown cells come from the
    source (a student's edits to them are ignored and flagged); only "solution" cells and the student's
    own extra cells come from the submission.
  * A guard cell runs FIRST, before any student code: it keeps the native fs binding's writeString and
    pristine built-ins in a closure and defines one frozen, non-writable global under a random name (and
    traps forbidden classes).
  * Probe cells (appended by the grader) call the student's functions on the cases' inputs and write one
    line per case "MLPHW <nonce> <json>" to fd 3, a file the sandbox wrapper opened outside the sandbox.
    Nothing is read from stdout. Expected values never enter the sandbox: comparison happens here.
  * Limits are counted in CPU seconds (cgroup cpuacct) and output bytes (in the kernel by
    kernel-preload.cjs, and again by this reader), so grades do not depend on machine load.
"""

import argparse
import csv
import datetime
import hashlib
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

try:
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
except ImportError as e:  # pragma: no cover
    sys.stderr.write("hw: Jupyter's Python packages are missing (%s). Run `npm run setup`.\n" % e)
    sys.exit(3)

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
STUB = 'throw new Error("구현하세요");'
MANUAL_STUB = "_여기에 답을 쓰세요._"
SOLUTION_RE = re.compile(r"^([ \t]*)//[ \t]*BEGIN SOLUTION[^\n]*\n.*?^[ \t]*//[ \t]*END SOLUTION[^\n]*$", re.S | re.M)
MD_SOLUTION_RE = re.compile(r"<!--\s*BEGIN SOLUTION\s*-->.*?<!--\s*END SOLUTION\s*-->", re.S)
LOCKED_KINDS = ("setup", "check")
PROBE_LINE_RE = re.compile(r"^MLPHW ([0-9a-f]+) (.*)$")

DEFAULTS = {
    "cell_timeout": 30.0,  # seconds per student cell
    "probe_timeout": 30.0,  # seconds per probe cell
    "notebook_timeout": 120.0,  # seconds for all student cells together
    "startup_timeout": 300.0,  # wall seconds (a busy machine starts kernels slowly; this only bounds a hang)
    "memory_mb": 1536,  # RLIMIT_DATA of the kernel (Node's baseline is ~250 MB)
    "heap_mb": 1024,  # --max-old-space-size
    "cell_output_mb": 0.25,  # output kept per cell; beyond it output is dropped and the cell interrupted
    "total_output_mb": 4.0,  # output kept per notebook
    "max_notebook_mb": 5.0,  # larger submissions are rejected unread
    "parallel": 2,
}

# Code patterns that may tamper with the kernel or the grader; flagged for the instructor, not scored.
TAMPER_PATTERNS = [
    (r"require\s*\.\s*cache|__tslab__|typescript-for-tslab|zeromq", "kernel internals"),
    (r"process\s*\.\s*(stdout|stderr)\s*\.\s*write\s*=", "rewrites stdout"),
    (r"console\s*\.\s*\w+\s*=(?!=)", "rewrites console"),
    (r"\bJSON\s*\.\s*\w+\s*=(?!=)|\bconst\s+JSON\b|\blet\s+JSON\b", "rewrites JSON"),
    (r"\b(Matrix|NeuralNetwork|Random|sigmoid)\s*\.\s*prototype\s*\.\s*\w+\s*=(?!=)", "overwrites library methods"),
    (r"Object\s*\.\s*defineProperty\s*\(\s*(Matrix|NeuralNetwork|globalThis)", "redefines library or global properties"),
    (r"MLPHW|mlpHwGuard", "mentions the grader's probe protocol"),
]


# ----------------------------------------------------------------------------------------------------
# small helpers


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def sha256_text(s):
    return hashlib.sha256(s.encode("utf-8")).hexdigest()


def hw_meta(cell):
    m = cell.get("metadata", {}).get("mlp_hw")
    return m if isinstance(m, dict) and isinstance(m.get("id"), str) else None


def nb_assignment(nb):
    m = nb.get("metadata", {}).get("mlp_hw")
    return m.get("assignment") if isinstance(m, dict) else None


def load_plan(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def read_notebook_checked(path, plan, max_mb):
    """(notebook, None) or (None, (status, message)) — validates size, JSON, nbformat schema and assignment.
    Messages are fixed text: nothing of the file is echoed."""
    size = os.path.getsize(path)
    if size > max_mb * 1024 * 1024:
        return None, ("too-large", "파일이 너무 큽니다: %.1f MB > %.1f MB" % (size / 1048576, max_mb))
    try:
        with open(path, encoding="utf-8") as f:
            raw = f.read()
        nb = nbformat.reads(raw, as_version=4)
        nbformat.validate(nb)
        for c in nb.cells:
            if not isinstance(c.get("source"), str) or c.get("cell_type") not in ("code", "markdown", "raw"):
                raise ValueError("bad cell")
    except Exception:  # noqa: BLE001 - any parse or schema failure is the submission's status
        return None, ("unreadable", "노트북을 읽을 수 없습니다 (JSON 또는 nbformat 형식 오류)")
    meta = nb.metadata.get("mlp_hw")
    locked = meta.get("locked_sha256", {}) if isinstance(meta, dict) else None
    if meta is not None and not (isinstance(locked, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in locked.items())):
        # the grader reads this metadata (the locked cells' hashes): anything but {id: hex} is a broken file
        return None, ("unreadable", "노트북의 과제 정보(metadata.mlp_hw)가 올바르지 않습니다")
    got = nb_assignment(nb)
    if got != plan["id"]:
        shown = got if isinstance(got, str) and re.match(r"^[A-Za-z0-9_-]{1,20}$", got) else "?"
        return None, ("wrong-assignment", "다른 과제의 노트북입니다: %s (기대: %s)" % (shown, plan["id"]))
    return nb, None


def first_line(src):
    for line in src.splitlines():
        if line.strip():
            return line.strip()[:80]
    return "(빈 셀)"


# ----------------------------------------------------------------------------------------------------
# assign: the student version


def stub_solutions(source):
    return SOLUTION_RE.sub(lambda m: m.group(1) + STUB, source)


def make_student_notebook(src_nb, assignment_id):
    nb = nbformat.from_dict(json.loads(json.dumps(src_nb)))
    locked = {}
    for cell in nb.cells:
        meta = hw_meta(cell)
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        if not meta:
            continue
        kind = meta.get("kind")
        if kind == "solution":
            cell.source = stub_solutions(cell.source)
        elif kind == "manual":
            cell.source = MD_SOLUTION_RE.sub(MANUAL_STUB, cell.source)
        elif kind in LOCKED_KINDS:
            cell.metadata["editable"] = False
            cell.metadata["deletable"] = False
            locked[meta["id"]] = sha256_text(cell.source)
        cell.metadata.pop("execution", None)
    nb.metadata["mlp_hw"] = {"assignment": assignment_id, "role": "student", "locked_sha256": locked}
    return nb


def cmd_assign(plan, args):
    src = nbformat.read(plan["notebook"], as_version=4)
    nb = make_student_notebook(src, plan["id"])
    out = args.out or os.path.join(ROOT, "build", "homework", plan["id"], os.path.basename(plan["notebook"]))
    if os.path.exists(out) and not args.force:
        print("assign: %s already exists; not overwriting (add --force to replace it)" % out)
        return 1
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    nbformat.write(nb, out)
    locked = nb.metadata["mlp_hw"]["locked_sha256"]
    stubs = sum(c.source.count(STUB) for c in nb.cells if c.cell_type == "code")
    print("assign: wrote %s (%d stubbed solution regions, %d locked cells)" % (out, stubs, len(locked)))
    for k, v in locked.items():
        print("  locked %-20s sha256 %s" % (k, v[:16]))
    return 0


# ----------------------------------------------------------------------------------------------------
# building the grading notebook

GUARD_TEMPLATE = r"""// mlp-hw grader guard: runs before any submitted code (not part of the submission)
import { Matrix as MlpHwMatrix_%(tag)s } from "./src/matrix";
{
  const g: any = globalThis, O = Object, R = Reflect, J = JSON, S = String, A = Array, N = Number;
  const apply = R.apply, keys = O.keys, freeze = O.freeze, isArray = A.isArray, stringify = J.stringify;
  const parse = J.parse, isInteger = N.isInteger, MatrixClass: any = MlpHwMatrix_%(tag)s, F64 = Float64Array;
  const f64from = F64.from, slice = S.prototype.slice;
  // fd 3: the grader's probe channel (not stdout). Written through the native binding's own functions,
  // taken here before any submitted code ran: fs.writeSync looks them up on the binding at call time,
  // and submitted code can replace them there (and fs.writeSync, Function.prototype.call, ...), but not
  // these references. fd 3 is checked to be still the file it was (same device and inode) before each
  // write, so a submission that closed it and opened something it can read in its place gets nothing.
  const fsb: any = (process as any).binding("fs"), writeString = fsb.writeString, fstat = fsb.fstat;
  function fdId(): string {
    try { const st = apply(fstat, fsb, [3, false, undefined, {}]); return st[0] + ":" + st[7]; } catch (e) { return "none"; }
  }
  const probeFd = fdId();
  // Lock the kernel's own machinery against monkey-patching from submitted code.
  try {
    const req: any = require;
    for (const k of keys(req.cache)) {
      if (/[\\/]node_modules[\\/](tslab|zeromq)[\\/]/.test(k)) {
        const ex = req.cache[k].exports;
        for (const n of O.getOwnPropertyNames(ex)) {
          const v = ex[n];
          if (typeof v === "function" && v.prototype) freeze(v.prototype);
        }
      }
    }
    freeze(req("vm"));
    if (g.__tslab__) freeze(g.__tslab__);
  } catch (e) {}
  function num(x: number): string {
    return x === x ? (x === Infinity ? '"Infinity"' : x === -Infinity ? '"-Infinity"' : S(x)) : '"NaN"';
  }
  function enc(v: any, depth: number): string {
    const t = typeof v;
    if (t === "number") return num(v);
    if (t === "string" || t === "boolean") return stringify(v);
    if (v === null || t === "undefined") return "null";
    if (t === "bigint") return stringify(S(v));
    if (t === "function") return '"[function]"';
    if (depth > 6) return '"[too deep]"';
    const r = v.rows, c = v.cols, d = v.data;
    if (typeof r === "number" && typeof c === "number" && d != null && isInteger(r) && isInteger(c) && r >= 0 && c >= 0) {
      const n = r * c;
      if (n > 2000000) return '{"$error":"matrix too large"}';
      let s = '{"$m":[' + r + "," + c + ",[";
      for (let i = 0; i < n; i++) s += (i ? "," : "") + num(+d[i]);
      return s + "]]}";
    }
    if (isArray(v)) {
      const n = v.length > 100000 ? 100000 : v.length;
      let s = "[";
      for (let i = 0; i < n; i++) s += (i ? "," : "") + enc(v[i], depth + 1);
      return s + "]";
    }
    if (t === "object") {
      const ks = keys(v);
      let s = "{";
      for (let i = 0; i < ks.length && i < 100; i++) s += (i ? "," : "") + stringify(ks[i]) + ":" + enc(v[ks[i]], depth + 1);
      return s + "}";
    }
    return '"[' + t + ']"';
  }
  function dec(w: any): any {
    if (isArray(w)) { const out: any[] = []; for (let i = 0; i < w.length; i++) out[i] = dec(w[i]); return out; }
    if (w && typeof w === "object") {
      if (isArray(w.$m)) return new MatrixClass(w.$m[0], w.$m[1], apply(f64from, F64, [w.$m[2]]));
      const o: any = {}; for (const k of keys(w)) o[k] = dec(w[k]); return o;
    }
    return w;
  }
  function errClass(e: any): string {
    try { const n = e && e.constructor && e.constructor.name; return typeof n === "string" ? apply(slice, n, [0, 60]) : typeof e; } catch (x) { return "?"; }
  }
  let forbiddenUsed = false, probing = false;
  class MlpHwForbidden extends Error {}
  function begin(nonce: string) {
    // From the first probe on, forbidden classes throw, for good: the probe cells come after every
    // cell of the notebook, and a timer left by submitted code between two probe cells (which could
    // compute a later case's answer from inputs an earlier case showed) finds them trapped too.
    probing = true;
    const out = (s: string) => {
      if (fdId() !== probeFd) return; // fd 3 was replaced: the case gets no result
      try { apply(writeString, fsb, [3, s, null, "utf8", undefined, {}]); } catch (e) {}
    };
    return freeze({
      run(id: string, fn: (I: any) => any, inputs: string) {
        let line: string;
        try {
          forbiddenUsed = false;
          const encoded = enc(fn(dec(parse(inputs))), 0); // a getter on the result runs the student's code too
          if (forbiddenUsed) throw new MlpHwForbidden();
          line = '{"case":' + stringify(id) + ',"ok":true,"value":' + encoded + "}";
        } catch (e) {
          line = '{"case":' + stringify(id) + ',"ok":false,"error":' + stringify(errClass(e)) + "}";
        }
        out("MLPHW " + nonce + " " + line + "\n");
      },
    });
  }
  %(forbid)s
  O.defineProperty(g, "%(name)s", { value: freeze({ begin }), writable: false, configurable: false, enumerable: false });
}
"""


FORBID_TEMPLATE = r"""// the assignment forbids these library classes in answers: their methods (and static functions) are
  // wrapped before any submitted code runs. Once the probes have begun they throw (the case is not
  // credited, flag forbidden-api); before, they work, so the notebook's own check cells may use them.
  // The originals stay in this closure only.
  {
    const lib: any = MlpHwLib;
    const trap = (target: any, k: string) => {
      const orig = target[k];
      O.defineProperty(target, k, { configurable: false, writable: false, value: function (this: any) {
        if (probing) { forbiddenUsed = true; throw new MlpHwForbidden(); }
        return apply(orig, this, arguments);
      } });
    };
    for (const cls of %s) {
      const C = lib[cls];
      if (typeof C !== "function") continue;
      for (const k of O.getOwnPropertyNames(C.prototype)) {
        const d = O.getOwnPropertyDescriptor(C.prototype, k);
        if (k !== "constructor" && d && typeof d.value === "function") trap(C.prototype, k);
      }
      for (const k of O.getOwnPropertyNames(C)) {
        const d = O.getOwnPropertyDescriptor(C, k);
        if (d && d.configurable && typeof d.value === "function") trap(C, k);
      }
      freeze(C.prototype);
      freeze(C);
    }
  }"""


def guard_cell(name, tag, forbidden=()):
    forbid = FORBID_TEMPLATE % json.dumps(list(forbidden)) if forbidden else ""
    src = GUARD_TEMPLATE % {"name": name, "tag": tag, "forbid": forbid}
    if forbidden:
        src = src.replace("\n{\n", '\nimport * as MlpHwLib_%s from "./src/index";\n{\n  const MlpHwLib: any = MlpHwLib_%s;\n' % (tag, tag), 1)
    return src


def probe_cell(name, nonce, cases):
    lines = [
        "// mlp-hw probe (grader-generated; hidden inputs)",
        "declare const %s: any;" % name,
        "{",
        "  const P = %s.begin(%s);" % (name, json.dumps(nonce)),
    ]
    for c in cases:
        lines.append(
            "  P.run(%s, (I: any) => %s, %s);"
            % (json.dumps(c["id"]), c["call"], json.dumps(json.dumps(c["inputs"], separators=(",", ":"))))
        )
    lines.append("}")
    return "\n".join(lines)


def build_grading_notebook(src_nb, sub_nb, plan, cases, nonce, guard_name, tag):
    """Returns (notebook, cell roles, flags). Roles: guard/locked/solution/free/probe:<question>."""
    flags = []
    sub_by_id = {}
    anchored = {None: []}
    anchor = None
    for cell in sub_nb.cells:
        meta = hw_meta(cell)
        if meta:
            if meta["id"] in sub_by_id:
                flags.append("duplicate-cell:%s" % safe_id(meta["id"]))
            else:
                sub_by_id[meta["id"]] = cell
            anchor = meta["id"]
            anchored.setdefault(anchor, [])
        elif cell.cell_type == "code":
            anchored.setdefault(anchor, []).append(cell)
    locked_sha = (sub_nb.metadata.get("mlp_hw") or {}).get("locked_sha256") or {}

    cells, roles = [], []

    def add(source, role, meta_id=None):
        c = nbformat.v4.new_code_cell(source)
        if meta_id:
            c.metadata["mlp_hw_id"] = meta_id
        cells.append(c)
        roles.append(role)

    add(guard_cell(guard_name, tag, plan.get("forbidden") or ()), "guard")
    for cell in anchored.get(None, []):
        add(cell.source, "free")
    for scell in src_nb.cells:
        meta = hw_meta(scell)
        if not meta:
            continue
        if scell.cell_type != "code":
            # a Markdown cell with an id (a written answer): the student's code cells after it still run
            for cell in anchored.get(meta["id"], []):
                add(cell.source, "free")
            continue
        kind = meta.get("kind")
        if kind in LOCKED_KINDS:
            add(scell.source, "locked", meta["id"])
            s = sub_by_id.get(meta["id"])
            if s is None:
                flags.append("missing-locked-cell:%s (restored)" % meta["id"])
            elif s.source != scell.source:
                flags.append("edited-locked-cell:%s (restored)" % meta["id"])
            if meta["id"] in locked_sha and locked_sha[meta["id"]] != sha256_text(scell.source):
                flags.append("stale-student-version:%s" % meta["id"])
        elif kind == "solution":
            s = sub_by_id.get(meta["id"])
            if s is None or s.cell_type != "code":
                flags.append("missing-solution-cell:%s" % meta["id"])
            else:
                add(s.source, "solution", meta["id"])
        for cell in anchored.get(meta["id"], []):
            add(cell.source, "free")
    by_q = {}
    for c in cases:
        by_q.setdefault(c["question"], []).append(c)
    for q in plan["questions"]:
        if q["kind"] == "auto" and q["id"] in by_q:
            add(probe_cell(guard_name, nonce, by_q[q["id"]]), "probe:" + q["id"])
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata = json.loads(json.dumps(src_nb.metadata))
    return nb, roles, flags, sub_by_id


def tamper_flags(sub_nb):
    text = "\n".join(c.source for c in sub_nb.cells if c.cell_type == "code")
    found = []
    for pat, what in TAMPER_PATTERNS:
        if re.search(pat, text):
            found.append("tamper-suspect:" + what)
    return found


# ----------------------------------------------------------------------------------------------------
# execution under limits


SANDBOX_ROOT = "/course"  # where the kernel sees its files inside the sandbox
CGROUP_BASE = "/sys/fs/cgroup"


def bwrap_available():
    if not shutil.which("bwrap"):
        return False
    r = subprocess.run(["bwrap", "--unshare-all", "--unshare-user", "--die-with-parent", "--ro-bind", "/usr", "/usr",
                        "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64", "--symlink", "usr/bin", "/bin",
                        "--", "/bin/true"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return r.returncode == 0


class Cgroup:
    """A memory + pids cgroup (v1) for one kernel's whole process tree; None-like when not writable."""

    def __init__(self, memory_mb, pids):
        self.dirs = {}
        self.note = None
        name = "mlp-hw-%d-%s" % (os.getpid(), secrets.token_hex(4))
        try:
            for ctrl in ("memory", "pids", "cpuacct"):
                d = os.path.join(CGROUP_BASE, ctrl, name)
                os.mkdir(d)
                self.dirs[ctrl] = d
            self._write("memory", "memory.limit_in_bytes", str(int(memory_mb) << 20))
            if os.path.exists(os.path.join(self.dirs["memory"], "memory.memsw.limit_in_bytes")):
                self._write("memory", "memory.memsw.limit_in_bytes", str(int(memory_mb) << 20))
            self._write("pids", "pids.max", str(int(pids)))
        except OSError as e:
            self.note = "cgroups not writable (%s): memory and process limits are per process (rlimits) only" % e.strerror
            self.remove()
            self.dirs = {}

    def _write(self, ctrl, f, v):
        with open(os.path.join(self.dirs[ctrl], f), "w") as fh:
            fh.write(v)

    def _read(self, ctrl, f):
        try:
            with open(os.path.join(self.dirs[ctrl], f)) as fh:
                return fh.read()
        except (OSError, KeyError):
            return ""

    def cpu_seconds(self):
        """CPU time used so far by every process of the kernel's tree (None without the cpuacct cgroup)."""
        v = self._read("cpuacct", "cpuacct.usage").strip()
        return int(v) / 1e9 if v.isdigit() else None

    def oom_killed(self):
        m = re.search(r"oom_kill (\d+)", self._read("memory", "memory.oom_control"))
        return bool(m and int(m.group(1)) > 0) or self._read("memory", "memory.failcnt").strip() not in ("", "0")

    def pids_hit(self):
        # pids.events exists on newer kernels only
        m = re.search(r"max (\d+)", self._read("pids", "pids.events"))
        return bool(m and int(m.group(1)) > 0)

    def kill_all(self):
        """SIGKILL every process left in the cgroup (children that escaped the kernel's session)."""
        for _ in range(50):
            pids = set()
            for ctrl in self.dirs:
                pids |= {int(x) for x in self._read(ctrl, "cgroup.procs").split()}
            if not pids:
                return
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            time.sleep(0.05)

    def remove(self):
        self.kill_all()
        for d in self.dirs.values():
            for _ in range(20):
                try:
                    os.rmdir(d)
                    break
                except OSError:
                    time.sleep(0.05)


CGROUP_NAME_RE = re.compile(r"^mlp-hw-(\d+)-[0-9a-f]+$")


def grader_alive(pid):
    """Whether the process that named a cgroup may still be running. Any live pid counts: graders are not
    only this script (another implementation or version of the grader may share the names), and killing a
    running grader's kernels is far worse than keeping a leftover until its pid is free again."""
    return os.path.exists("/proc/%d" % pid)


def sweep_cgroups():
    """Removes the cgroups (mlp-hw-<pid>-<hex>) of graders that are gone (SIGKILLed: their `finally` never
    ran), after killing whatever is still in them. Those named after a live pid are left alone. Returns how
    many folders were removed."""
    removed = 0
    for ctrl in ("memory", "pids", "cpuacct"):
        base = os.path.join(CGROUP_BASE, ctrl)
        try:
            names = os.listdir(base)
        except OSError:
            continue
        for name in names:
            m = CGROUP_NAME_RE.match(name)
            if not m or grader_alive(int(m.group(1))):
                continue
            left = Cgroup.__new__(Cgroup)
            left.dirs, left.note = {ctrl: os.path.join(base, name)}, None
            left.remove()
            removed += not os.path.isdir(os.path.join(base, name))
    return removed


CONN_TMPFS = "size=1m,nr_inodes=64,mode=0700,nosuid,nodev,noexec"  # a connection file and five sockets
CONN_LIMIT_MARK = "mlp-hw sandbox: connection folder over its limit; kernel killed"  # written by sandbox.py


def mount_conn_tmpfs(conn):
    """As root: a small tmpfs on the kernel's connection folder (its one read-write place on the host), so a
    kernel cannot fill the grading machine's disk through it. ZeroMQ's ipc transport only needs the socket
    files there. Returns whether it is mounted (without root sandbox.py watches the folder's size instead)."""
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", CONN_TMPFS, "mlp-hw-conn", conn],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return r.returncode == 0


def sandbox_config(jdir, limits, log_path, probe_path, cgroup, limit_token):
    """What sandbox.py mounts and runs. The kernel sees only: node_modules, src/, kernel/, the public check
    helpers, this preload, its connection folder (read-write) and a private /tmp."""
    node = os.path.realpath(limits.get("node") or shutil.which("node") or "/usr/bin/node")
    S = SANDBOX_ROOT
    binds = [
        [os.path.join(ROOT, "node_modules"), S + "/node_modules"],
        [os.path.join(ROOT, "src"), S + "/src"],
        [os.path.join(ROOT, "kernel"), S + "/kernel"],
        [os.path.join(ROOT, "homework", "lib", "hwcheck.ts"), S + "/homework/lib/hwcheck.ts"],
        [os.path.join(HERE, "kernel-preload.cjs"), S + "/scripts/hw/kernel-preload.cjs"],
    ]
    for f in ("package.json", "tsconfig.json"):
        if os.path.exists(os.path.join(ROOT, f)):
            binds.append([os.path.join(ROOT, f), S + "/" + f])
    if not node.startswith("/usr/"):
        binds.append([node, node])
    cpu = int(limits["notebook_timeout"] + 20 * limits["probe_timeout"] + 60)
    return {
        "binds": binds, "cwd": S, "conn_dir": os.path.join(jdir, "conn"), "probe_file": probe_path,
        "log_file": log_path, "cgroup": cgroup.dirs or None, "limit_token": limit_token,
        "conn_limit_mb": 16, "conn_limit_mark": CONN_LIMIT_MARK,
        "limits": {"data_mb": int(limits["memory_mb"]), "cpu_s": cpu, "fsize_mb": 64, "nofile": 1024},
        "argv": [node, "--max-old-space-size=%d" % int(limits["heap_mb"]), "--require",
                 S + "/scripts/hw/kernel-preload.cjs", S + "/kernel/launcher.cjs", "{connection_file}"],
        # No compile cache while grading: nothing a kernel writes may reach another kernel.
        "env": dict(output_env(limits), PATH="/usr/bin:/bin", HOME="/tmp/home", TMPDIR="/tmp", LANG="C.UTF-8",
                    MLP_KERNEL_CACHE="off"),
    }


def output_env(limits):
    return {"MLP_HW_CELL_OUTPUT_BYTES": str(int(limits["cell_output_mb"] * 1048576)),
            "MLP_HW_TOTAL_OUTPUT_BYTES": str(int(limits["total_output_mb"] * 1048576)),
            "MLP_HW_LIMIT_FD": "4"}  # the output-limit token's pipe (sandbox.py, limited.py)


def write_kernelspec(dirpath, limits, log_path, probe_path, cgroup, sandboxed, limit_token):
    kdir = os.path.join(dirpath, "kernels", "mlp-hw-grade")
    os.makedirs(kdir, exist_ok=True)
    if sandboxed:
        cfg_path = os.path.join(dirpath, "sandbox.json")
        with open(cfg_path, "w") as f:
            json.dump(sandbox_config(dirpath, limits, log_path, probe_path, cgroup, limit_token), f)
        argv = [sys.executable, os.path.join(HERE, "sandbox.py"), "--config", cfg_path, "--", "{connection_file}"]
        env = {}
    else:
        # a student's own machine without bubblewrap (check/submit only): no isolation, same probe channel
        node = limits.get("node") or shutil.which("node") or "node"
        cpu = int(limits["notebook_timeout"] + 20 * limits["probe_timeout"] + 60)
        argv = [sys.executable, os.path.join(HERE, "limited.py"), "--data-mb", str(int(limits["memory_mb"])),
                "--cpu-s", str(cpu), "--fsize-mb", "64", "--log", log_path, "--probe", probe_path, "--token", limit_token, "--",
                node, "--max-old-space-size=%d" % int(limits["heap_mb"]), "--require", os.path.join(HERE, "kernel-preload.cjs"),
                os.path.join(ROOT, "kernel", "launcher.cjs"), "{connection_file}"]
        env = dict(output_env(limits), MLP_KERNEL_CACHE="off")
    spec = {"argv": argv, "display_name": "mlp-hw grading", "language": "typescript", "interrupt_mode": "signal",
            "env": env}
    with open(os.path.join(kdir, "kernel.json"), "w") as f:
        json.dump(spec, f)
    return "mlp-hw-grade"


class CpuWatch:
    """Interrupts the kernel once the cell has used `budget` seconds of CPU time (the whole process tree,
    from the cgroup). CPU seconds, unlike wall seconds, hardly change with machine load, so the same
    submission times out (or not) on a quiet and on a busy machine. `wall_allowed(cpu used)`, if given,
    is the wall time the cell may take having used that much CPU: a cell that waits (sleeps, awaits a
    timer) uses no CPU, and is interrupted when its wall time passes it (`why` = "wall")."""

    def __init__(self, cgroup, budget, interrupt, wall_allowed=None):
        self.cgroup, self.budget, self.interrupt = cgroup, budget, interrupt
        self.wall_allowed = wall_allowed
        self.fired = False
        self.why = None
        self.t0 = cgroup.cpu_seconds()
        self.w0 = time.monotonic()
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while not self.stop_event.wait(0.1):
            used = (self.cgroup.cpu_seconds() or 0) - self.t0
            if self.fired:
                continue
            if used > self.budget:
                self.fired, self.why = True, "cpu"
                self.interrupt()
            elif self.wall_allowed is not None and time.monotonic() - self.w0 > self.wall_allowed(used):
                self.fired, self.why = True, "wall"
                self.interrupt()

    def stop(self):
        self.stop_event.set()
        self.thread.join()
        return max(0.0, (self.cgroup.cpu_seconds() or 0) - self.t0)


WALL_FACTOR = 10  # with CPU-time limits, a cell's wall-clock limit is this many times its CPU budget + 30 s
# The wall-time bound (waiting without computing holds a grading slot, and CPU limits do not see it):
# the student's cells together may take at most WALL_PER_CPU × the CPU seconds they used + IDLE_SECONDS of
# wall time, a probe cell WALL_PER_CPU × its CPU + PROBE_IDLE_SECONDS. Honest work waits only for a CPU:
# it would take a machine more than 10 times oversubscribed to reach it (a sleeping cell reaches it after
# IDLE_SECONDS, whatever the load), so the same submission hits it, or not, on any machine.
WALL_PER_CPU, IDLE_SECONDS, PROBE_IDLE_SECONDS = 10.0, 60.0, 30.0


class CappedClient(NotebookClient):
    """nbclient with an output cap (bytes) applied while iopub messages arrive, so memory stays bounded.
    The kernel applies the same cap first (scripts/hw/kernel-preload.cjs), in its own order of output;
    this one only matters if submitted code switched that off. It never interrupts the kernel: an
    interrupt lands at a moment that depends on machine load, and so would the grade."""

    def hw_init(self, cell_cap, total_cap):
        self.hw_cell_cap = cell_cap
        self.hw_total_cap = total_cap
        self.hw_total = 0
        self.hw_flood = False
        self.hw_reset_cell(False)

    def hw_reset_cell(self, probe):
        self.hw_cell_bytes = 0
        self.hw_cell_dropped = 0
        self.hw_probe = probe

    def hw_over(self, size):
        self.hw_cell_bytes += size
        over = self.hw_cell_bytes > self.hw_cell_cap or self.hw_total + size > self.hw_total_cap
        if over:
            self.hw_cell_dropped += size
            self.hw_flood = True
        else:
            self.hw_total += size
        return over

    def process_message(self, msg, cell, cell_index):
        content = msg.get("content", {})
        display_id = (content.get("transient") or {}).get("display_id")
        if display_id and msg.get("msg_type") in ("execute_result", "display_data", "update_display_data"):
            # an update rewrites every output shown under that id: count it once per output it rewrites
            shown = sum(len(v) for v in self._display_id_map.get(display_id, {}).values())
            size = len(json.dumps(content.get("data", {})).encode("utf-8"))
            if shown and self.hw_over(size * shown):
                msg = dict(msg, content=dict(content, transient={}))  # keep it out of the display-id update
                if msg.get("msg_type") == "update_display_data":
                    return None
        return super().process_message(msg, cell, cell_index)

    def output(self, outs, msg, display_id, cell_index):
        content = msg.get("content", {})
        if msg.get("msg_type") == "stream":
            size = len(content.get("text", "").encode("utf-8"))
        else:
            size = len(json.dumps(content.get("data", content)).encode("utf-8"))
        if self.hw_over(size):
            if self.hw_cell_dropped == size:
                outs.append(nbformat.v4.new_output("stream", name="stderr", text="\n[grader: output limit reached; further output of this cell dropped]\n"))
            return None
        return super().output(outs, msg, display_id, cell_index)


def cell_text(cell, stream=None):
    parts = []
    for o in cell.get("outputs", []):
        if o.get("output_type") == "stream" and (stream is None or o.get("name") == stream):
            parts.append(o.get("text", ""))
        elif o.get("output_type") == "error" and stream in (None, "stderr"):
            parts.append("%s: %s" % (o.get("ename", ""), o.get("evalue", "")))
    return "".join(parts)


TIMEOUT_REPLY = {"ename": "MlpHwCellTimeout", "evalue": "cell timed out; the grader interrupted the kernel", "traceback": []}


def execute(nb, roles, limits, log_path, probe_path, limit_token):
    """Runs the grading notebook. Returns dict(status, cells=[{role, status, seconds}], flags).
    `limit_token` authenticates the kernel preload's output-limit notice on the probe channel (it reaches the
    preload on a pipe closed before any cell runs; see sandbox.py)."""
    info = {"status": "completed", "cells": [], "flags": [], "notes": []}
    jdir = tempfile.mkdtemp(prefix="mlp-hw-jp-")
    conn_mounted = False
    sandboxed = limits.get("sandbox", True)
    cgroup = Cgroup(limits["memory_mb"] + 256, limits.get("pids", 256)) if sandboxed else None
    if cgroup is not None and cgroup.note:
        info["notes"].append(cgroup.note)
    try:
        from jupyter_client.manager import KernelManager

        kernel = write_kernelspec(jdir, limits, log_path, probe_path, cgroup, sandboxed, limit_token)
        os.environ["JUPYTER_PATH"] = jdir + os.pathsep + os.environ.get("JUPYTER_PATH", "")
        conn = os.path.join(jdir, "conn")
        os.makedirs(conn)
        if sandboxed:
            conn_mounted = mount_conn_tmpfs(conn)
            if not conn_mounted:
                info["notes"].append("no tmpfs on the connection folder (needs root): sandbox.py watches its size instead")
        if sandboxed:
            # no network in the sandbox: ZeroMQ over unix sockets in the connection folder
            km = KernelManager(kernel_name=kernel, transport="ipc", ip=os.path.join(conn, "k"))
        else:
            km = KernelManager(kernel_name=kernel)
        km.connection_file = os.path.join(conn, "kernel.json")
        # On a timeout nbclient interrupts the kernel itself and keeps reading the cell's output until
        # the kernel is idle. (With interrupt_on_timeout=False it raised at once and left its output
        # reader for the timed-out cell running: that reader then swallowed every other message of the
        # following cells, so probe lines went missing at random.)
        client = CappedClient(
            nb, km=km, kernel_name=kernel, timeout=int(limits["cell_timeout"]), startup_timeout=int(limits["startup_timeout"]),
            allow_errors=True, interrupt_on_timeout=True, error_on_timeout=TIMEOUT_REPLY, record_timing=False,
            resources={"metadata": {"path": jdir}},
        )
        client.hw_init(limits["cell_output_mb"] * 1048576, limits["total_output_mb"] * 1048576)
        replies = {}

        def on_executed(cell, cell_index, execute_reply):
            content = execute_reply.get("content", {})
            timed_out = content.get("ename") == TIMEOUT_REPLY["ename"]
            replies[cell_index] = "timeout" if timed_out else content.get("status")

        client.on_cell_executed = on_executed
        start = time.monotonic()
        deadline = start + limits["notebook_timeout"]
        prev_timed_out = False
        cpu_based = cgroup is not None and cgroup.cpu_seconds() is not None
        cpu_used = 0.0  # CPU seconds of the student's cells so far (the notebook limit, when cpu_based)
        wall_used = 0.0  # their wall seconds (bounded by WALL_PER_CPU × cpu_used + IDLE_SECONDS)
        info["limits_in"] = "cpu-seconds" if cpu_based else "wall-seconds"

        def interrupt():
            try:
                os.kill(client.km.provisioner.process.pid, signal.SIGINT)
            except Exception:  # noqa: BLE001
                pass
        with client.setup_kernel():
            for i, cell in enumerate(nb.cells):
                role = roles[i]
                is_probe = role.startswith("probe:")
                rec = {"role": role, "status": None, "seconds": 0.0}
                info["cells"].append(rec)
                student_cell = not is_probe and role != "guard"
                if student_cell:
                    remaining = (limits["notebook_timeout"] - cpu_used) if cpu_based else (deadline - time.monotonic())
                    idle_left = WALL_PER_CPU * cpu_used + IDLE_SECONDS - wall_used
                    if remaining <= 0 or (cpu_based and (idle_left <= 0 or "wall-limit" in info["flags"])):
                        rec["status"] = "skipped"
                        flag = "notebook-timeout" if remaining <= 0 else "wall-limit"
                        if flag not in info["flags"]:
                            info["flags"].append(flag)
                        continue
                    budget = max(1.0, min(limits["cell_timeout"], remaining))
                    cpu0, wall0 = cpu_used, wall_used
                    wall_allowed = lambda used, cpu0=cpu0, wall0=wall0: WALL_PER_CPU * (cpu0 + used) + IDLE_SECONDS - wall0
                else:
                    budget = limits["probe_timeout"]
                    wall_allowed = lambda used: WALL_PER_CPU * used + PROBE_IDLE_SECONDS
                client.timeout = int(budget * WALL_FACTOR + 30) if cpu_based else int(budget)
                client.hw_reset_cell(is_probe)
                t0 = time.monotonic()
                watch = CpuWatch(cgroup, budget, interrupt, wall_allowed) if cpu_based else None
                for attempt in range(3):
                    replies.pop(i, None)
                    try:
                        client.execute_cell(cell, i)
                    except CellTimeoutError:
                        replies[i] = "timeout"
                    except DeadKernelError:
                        replies[i] = "dead"
                    if replies.get(i) not in ("abort", "aborted"):
                        break
                    time.sleep(0.3)  # tslab drops requests arriving within 200 ms of an error
                rec["seconds"] = round(time.monotonic() - t0, 2)
                status = replies.get(i) or "no-reply"
                if watch is not None:
                    used = watch.stop()
                    rec["cpu_seconds"] = round(used, 2)
                    if student_cell:
                        cpu_used += used
                        wall_used += time.monotonic() - t0
                    if watch.fired and status not in ("dead",):
                        status = "timeout"
                        if watch.why == "wall":
                            rec["wall_limit"] = True
                            if "wall-limit" not in info["flags"]:
                                info["flags"].append("wall-limit")
                rec["status"] = status
                if client.hw_cell_dropped:
                    rec["dropped_bytes"] = client.hw_cell_dropped
                if status == "dead":
                    info["status"] = "kernel-died"
                    break
                if status == "timeout":
                    if prev_timed_out:
                        info["status"] = "kernel-unresponsive"
                        break
                    prev_timed_out = True
                    time.sleep(0.3)  # nbclient interrupted the kernel; tslab drops requests for 200 ms after
                    if rec.get("wall_limit"):
                        # the kernel answered the interrupt (no reply would be "timeout"): it is responsive
                        prev_timed_out = replies.get(i) == "timeout"
                        cell.outputs.append(nbformat.v4.new_output("stream", name="stderr", text="\n[grader: the cell waited without computing past the notebook's wall-time bound; interrupted]\n"))
                        continue
                    cell.outputs.append(nbformat.v4.new_output("stream", name="stderr", text="\n[grader: cell timed out after %g %s; interrupted]\n" % (budget, "CPU seconds" if cpu_based else "s")))
                    if "cell-timeout" not in info["flags"]:
                        info["flags"].append("cell-timeout")
                    continue
                prev_timed_out = False
                if status == "error":
                    broken = "Unexpected pending rebuildTimer" in cell_text(cell, "stderr")
                    if broken and "kernel-broken" not in info["flags"]:
                        info["flags"].append("kernel-broken")  # tslab's compiler breaks after some interrupts
                    time.sleep(0.25)
        if client.hw_flood:
            info["flags"].append("output-limit")
        info["seconds"] = round(time.monotonic() - start, 2)
    except DeadKernelError:
        info["status"] = "kernel-died"
    except Exception as e:  # noqa: BLE001 - the batch must go on
        if info["status"] == "completed":
            info["status"] = "grader-error"
        info["error"] = "%s: %s" % (type(e).__name__, str(e)[:300])
    finally:
        if cgroup is not None and cgroup.dirs:
            peak = cgroup._read("memory", "memory.max_usage_in_bytes").strip()
            info["memory_peak_mb"] = round(int(peak) / 1048576) if peak.isdigit() else None
            info["memory_cap_mb"] = limits["memory_mb"] + 256
        if cgroup is not None:
            if cgroup.oom_killed():
                info["flags"].append("memory-limit")
            if cgroup.pids_hit():
                info["flags"].append("process-limit")
            cgroup.remove()  # every process the kernel started is gone
        if conn_mounted:
            subprocess.run(["umount", "-l", os.path.join(jdir, "conn")], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(jdir, ignore_errors=True)
    # The kernel's log is text submitted code can write (fs.writeSync(2, ...)): it is read only to explain
    # a kernel death the grader saw itself; memory-limit otherwise comes from the cgroup alone.
    if info["status"] == "kernel-died":
        try:
            with open(log_path, encoding="utf-8", errors="replace") as f:
                log = f.read(200000)
            if re.search(r"heap out of memory|allocation failed", log, re.I) and "memory-limit" not in info["flags"]:
                info["flags"].append("memory-limit")
            if CONN_LIMIT_MARK in log:  # sandbox.py killed the kernel: its connection folder grew too large
                info["flags"].append("disk-limit")
        except OSError:
            pass
    return info


# ----------------------------------------------------------------------------------------------------
# comparing probe values with the expected values (outside the kernel)


def shape_str(m):
    return "(%d×%d)" % (m[0], m[1])


def describe(v):
    if isinstance(v, dict) and "$m" in v:
        return "Matrix " + shape_str(v["$m"])
    if isinstance(v, list):
        return "배열(길이 %d)" % len(v)
    if isinstance(v, dict):
        return "객체"
    return {str: "문자열", bool: "참/거짓", int: "수", float: "수", type(None): "없음(null)"}.get(type(v), "값")


def to_float(x):
    if isinstance(x, bool):
        return None
    if isinstance(x, (int, float)):
        return float(x)
    if x in ("NaN", "Infinity", "-Infinity"):
        return float(x.lower().replace("infinity", "inf"))
    return None


def compare(expected, actual, atol, rtol, path="값"):
    """(ok, message). message names the field and the expected vs actual shape or the largest error."""
    if isinstance(expected, dict) and "$m" in expected:
        if not (isinstance(actual, dict) and isinstance(actual.get("$m"), list) and len(actual["$m"]) == 3):
            return False, "%s: Matrix %s 기대, 실제 %s" % (path, shape_str(expected["$m"]), describe(actual))
        er, ec, ed = expected["$m"]
        ar, ac, ad = actual["$m"]
        if (er, ec) != (ar, ac):
            return False, "%s: 모양(shape) 기대 %s, 실제 %s" % (path, shape_str((er, ec)), shape_str((ar, ac)))
        return compare_numbers(ed, ad, atol, rtol, path)
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return False, "%s: 객체 기대, 실제 %s" % (path, describe(actual))
        worst = (True, "")
        for k, ev in expected.items():
            if k not in actual:
                return False, "%s.%s: 없음" % (path, k)
            ok, msg = compare(ev, actual[k], atol, rtol, "%s.%s" % (path, k) if path != "값" else k)
            if not ok:
                return ok, msg
            worst = (True, msg) if msg else worst
        return worst
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return False, "%s: 배열(길이 %d) 기대, 실제 %s" % (path, len(expected), describe(actual))
        if len(actual) != len(expected):
            return False, "%s: 길이 기대 %d, 실제 %d" % (path, len(expected), len(actual))
        if all(to_float(x) is not None for x in expected):
            return compare_numbers(expected, actual, atol, rtol, path)
        for i, (e, a) in enumerate(zip(expected, actual)):
            ok, msg = compare(e, a, atol, rtol, "%s[%d]" % (path, i))
            if not ok:
                return ok, msg
        return True, ""
    e, a = to_float(expected), to_float(actual)
    if e is not None:
        return compare_numbers([expected], [actual], atol, rtol, path)
    return (expected == actual), ("" if expected == actual else "%s: 기대한 값과 다릅니다 (%s)" % (path, describe(actual)))


def compare_numbers(ed, ad, atol, rtol, path):
    # zip() stops at the shorter list: without this a matrix reported with the right shape and no
    # entries would pass (the values come from the student's kernel and can be anything)
    if not isinstance(ad, list) or len(ad) != len(ed):
        return False, "%s: 값 %d개 기대, 실제 %s" % (path, len(ed), "%d개" % len(ad) if isinstance(ad, list) else describe(ad))
    worst, worst_i = 0.0, -1
    for i, (e, a) in enumerate(zip(ed, ad)):
        ef, af = to_float(e), to_float(a)
        if af is None or af != af or ef is None:
            return False, "%s: %d번째 값이 수가 아닙니다 (%s)" % (path, i, describe(a))
        d = abs(af - ef)
        if d > atol + rtol * abs(ef) and d - atol > worst:
            worst, worst_i = d, i
        elif worst_i < 0 and d > worst:
            worst = d
    if worst_i >= 0:
        return False, "%s: 최대 오차 %.2e > 허용 오차 %.0e" % (path, worst, atol)
    return True, ""


KNOWN_ERRORS = {"Error", "TypeError", "RangeError", "ReferenceError", "SyntaxError", "EvalError", "URIError",
                "AggregateError", "InternalError", "MlpHwForbidden"}


def error_class(name):
    """The error's class if it is one of JavaScript's own (a class name the student chose could carry anything)."""
    return name if name in KNOWN_ERRORS else "사용자 정의 오류 (custom error class)" if name else "알 수 없음"


def compare_case(case, got):
    if got is None:
        return False, "결과 없음 (probe가 실행되지 않았거나 컴파일되지 않음)"
    if got.get("duplicated"):
        return False, "결과가 두 번 이상 보고되어 인정하지 않습니다 (probe channel written by submitted code)"
    if got.get("error") == "MlpHwForbidden":
        return False, "이 과제에서 쓰면 안 되는 라이브러리 기능을 썼습니다 (forbidden library class)"
    if not got.get("ok"):
        return False, "오류가 발생했습니다 (raised an error: %s)" % error_class(got.get("error"))
    if case["compare"] == "accuracy":
        exp = case["expected"]
        v = got.get("value")
        m = v.get("$m") if isinstance(v, dict) else None
        if not (isinstance(m, list) and len(m) == 3 and m[0] == 1 and m[1] == len(exp["labels"])
                and isinstance(m[2], list) and len(m[2]) == len(exp["labels"])):
            # the entries are counted too: zip() below would stop at a shorter list
            return False, "예측: Matrix (1×%d) 기대, 실제 %s" % (len(exp["labels"]), describe(v))
        preds = [1 if (to_float(x) or 0) >= 0.5 else 0 for x in v["$m"][2]]
        acc = sum(int(p == l) for p, l in zip(preds, exp["labels"])) / len(preds)
        return (acc >= exp["min"]), "정확도 %.3f (기준 ≥ %.2f)" % (acc, exp["min"])
    return compare(case["expected"], got.get("value"), case["atol"], case["rtol"])


PROBE_MAX_BYTES = 64 << 20


def parse_probe_channel(text, nonce, limit_token=None):
    """{case id: payload} from the probe channel (fd 3 of the kernel). Every value on it was computed in the
    sandbox, which never holds an expected value, so a line written there by submitted code can carry only
    its own answers. Still: a case reported more than once is not credited (returned in `duplicated`), and
    lines without this run's nonce are counted as foreign. The kernel preload's output-limit notice counts
    only with this run's limit token (submitted code can write fd 3 but never saw the token)."""
    got, forged, duplicated = {}, 0, set()
    limit_hit = False
    for line in text.splitlines():
        if limit_token and line.strip() == "MLPHW-OUTPUT-LIMIT " + limit_token:
            limit_hit = True
            continue
        m = PROBE_LINE_RE.match(line.strip())
        if not m or m.group(1) != nonce:
            if line.strip():
                forged += 1
            continue
        try:
            payload = json.loads(m.group(2))
        except ValueError:
            forged += 1
            continue
        cid = payload.get("case") if isinstance(payload, dict) else None
        if not isinstance(cid, str):
            forged += 1
        elif cid in got:
            duplicated.add(cid)
        else:
            got[cid] = payload
    for cid in duplicated:
        got[cid] = {"case": cid, "ok": False, "duplicated": True}
    return got, forged, duplicated, limit_hit


def count_stdout_probe_lines(nb):
    """Probe-looking lines printed on stdout (ignored: values travel only on the probe channel)."""
    n = 0
    for cell in nb.cells:
        n += sum(1 for line in cell_text(cell, "stdout").splitlines() if "MLPHW" in line)
    return n


# ----------------------------------------------------------------------------------------------------
# grading one notebook


def cell_question(src_nb, cell, plan):
    """Title of the question a grading cell belongs to (a check cell: the question answered just before it)."""
    cid = cell.metadata.get("mlp_hw_id")
    titles = {q["id"]: q["title"] for q in plan["questions"]}
    if not cid:
        return None
    last = None
    for c in src_nb.cells:
        m = hw_meta(c)
        if not m:
            continue
        if m["id"] in titles:
            last = m["id"]
        if m["id"] == cid:
            return titles.get(last) if last else None
    return None


def cell_place(src_nb, cell, plan):
    """A fixed description of a cell for feedback: its kind and question, never its text."""
    cid = cell.metadata.get("mlp_hw_id")
    if not cid:
        return "학생이 추가한 셀"
    kind = next(((hw_meta(c) or {}).get("kind") for c in src_nb.cells if (hw_meta(c) or {}).get("id") == cid), None)
    q = cell_question(src_nb, cell, plan)
    what = {"setup": "준비 셀", "check": "검사 셀", "solution": "답안 셀"}.get(kind, "셀")
    return "%s `%s`%s" % (what, cid, " (%s)" % q if q else "")


def source_notebook(plan):
    """Where locked cells come from: the instructor's source, or in a student kit the pristine released copy."""
    if plan.get("template"):
        return nbformat.reads(json.dumps(plan["template"]), as_version=4)
    return nbformat.read(plan["notebook"], as_version=4)


def student_limits(args):
    lim = limits_from(args)
    if lim["sandbox"] and not bwrap_available():
        lim["sandbox"] = False
        print("(참고: bubblewrap이 없어 샌드박스 없이 검사합니다 — checking without a sandbox: bwrap is not installed)")
    return lim


def grade_one(plan, path, limits, public_only=False, executed_out=None, student=None):
    t0 = time.monotonic()
    student = student or os.path.splitext(os.path.basename(path))[0]
    questions = plan["questions"]
    result = {
        "student": student, "file": os.path.relpath(path, ROOT) if path.startswith(ROOT) else path,
        "assignment": plan["id"], "status": "graded", "flags": [], "questions": {}, "score": 0.0,
        "max": sum(q["points"] for q in questions if q["kind"] == "auto" or not public_only),
        "manual": {},
    }
    cases = [c for c in plan["cases"] if not public_only or c["visibility"] == "public"]
    for q in questions:
        result["questions"][q["id"]] = {
            "title": q["title"], "points": q["points"], "kind": q["kind"],
            "score": None if q["kind"] == "manual" else 0.0, "cases": [],
        }
    sub, err = read_notebook_checked(path, plan, limits["max_notebook_mb"])
    if err:
        result["status"], result["message"] = err
        for c in cases:
            result["questions"][c["question"]]["cases"].append(
                {"id": c["id"], "label": c["label"], "visibility": c["visibility"], "passed": False, "detail": "채점되지 않음"})
        result["seconds"] = round(time.monotonic() - t0, 2)
        return result
    src = source_notebook(plan)
    nonce = secrets.token_hex(16)
    tag = secrets.token_hex(4)
    guard_name = "mlpHwGuard_" + secrets.token_hex(8)
    nb, roles, flags, sub_by_id = build_grading_notebook(src, sub, plan, cases, nonce, guard_name, tag)
    result["flags"] += flags + tamper_flags(sub)
    for q in questions:
        if q["kind"] == "manual":
            cell = sub_by_id.get(q["id"])
            result["manual"][q["id"]] = cell.source if cell is not None else ""
    fd, log_path = tempfile.mkstemp(prefix="mlp-hw-kernel-", suffix=".log")
    os.close(fd)
    fd, probe_path = tempfile.mkstemp(prefix="mlp-hw-probe-", suffix=".txt")
    os.close(fd)
    try:
        limit_token = secrets.token_hex(16)
        info = execute(nb, roles, limits, log_path, probe_path, limit_token)
        with open(probe_path, "rb") as f:
            probe_text = f.read(PROBE_MAX_BYTES).decode("utf-8", "replace")
    finally:
        for f in (log_path, probe_path):
            try:
                os.unlink(f)
            except OSError:
                pass
    result["notes"] = info.get("notes", [])
    for k in ("memory_peak_mb", "memory_cap_mb"):
        if k in info:
            result[k] = info[k]
    result["flags"] += info["flags"]
    if info["status"] != "completed":
        result["status"] = info["status"]
        if info.get("error"):
            result["grader_log"] = info["error"]  # for the instructor (results.json), never in feedback
    errors = [(i, c) for i, c in enumerate(info["cells"]) if c["status"] in ("error", "timeout") and c["role"] in ("free", "solution", "locked")]
    if errors:
        result["flags"].append("cells-with-errors:%d" % len(errors))
        i, c = errors[0]
        result["first_error"] = {"where": cell_place(src, nb.cells[i], plan), "question": cell_question(src, nb.cells[i], plan),
                                 "cell": first_line(nb.cells[i].source), "stderr": cell_text(nb.cells[i], "stderr").strip()[:600]}
        result["locked_failures"] = [cell_question(src, nb.cells[j], plan) for j, x in errors if x["role"] == "locked"]
    got, forged, duplicated, limit_hit = parse_probe_channel(probe_text, nonce, limit_token)
    if limit_hit and "output-limit" not in result["flags"]:
        result["flags"].append("output-limit")
    forged += count_stdout_probe_lines(nb)
    if forged:
        result["flags"].append("foreign-probe-lines:%d (ignored)" % forged)
    if duplicated:
        result["flags"].append("probe-channel-tampered:%d (not credited)" % len(duplicated))
    probe_err = {}
    for cell, role in zip(nb.cells, roles):
        if role.startswith("probe:"):
            err_text = cell_text(cell, "stderr").strip()
            if err_text:
                probe_err[role[6:]] = True
    forbidden_hits = sum(1 for v in got.values() if v.get("error") == "MlpHwForbidden")
    if forbidden_hits:
        result["flags"].append("forbidden-api:%s (%d cases not credited)" % ("/".join(plan.get("forbidden") or []), forbidden_hits))
    for c in cases:
        ok, detail = compare_case(c, got.get(c["id"]))
        if got.get(c["id"]) is None and c["question"] in probe_err:
            detail = "검사 코드가 실행되지 않았습니다 (함수가 없거나, 컴파일되지 않거나, 시그니처가 다름)"
        result["questions"][c["question"]]["cases"].append(
            {"id": c["id"], "label": c["label"], "visibility": c["visibility"], "passed": ok, "detail": detail})
    total = 0.0
    for q in questions:
        qr = result["questions"][q["id"]]
        if q["kind"] == "auto" and qr["cases"]:
            passed = sum(1 for x in qr["cases"] if x["passed"])
            qr["score"] = round(q["points"] * passed / len(qr["cases"]), 2)
            total += qr["score"]
    result["score"] = round(total, 2)
    result["seconds"] = round(time.monotonic() - t0, 2)
    result["cells"] = info["cells"]
    if executed_out:
        os.makedirs(os.path.dirname(executed_out), exist_ok=True)
        nbformat.write(nb, executed_out)
    return result


def limits_from(args):
    lim = dict(DEFAULTS)
    for k in DEFAULTS:
        v = getattr(args, k, None)
        if v is not None:
            lim[k] = v
    lim["node"] = getattr(args, "node", None)
    lim["sandbox"] = not getattr(args, "no_sandbox", False)
    return lim


def cmd_grade_one(plan, args):
    res = grade_one(plan, args.submission, limits_from(args), public_only=args.public_only,
                    executed_out=args.executed, student=args.student)
    with open(args.result, "w", encoding="utf-8") as f:
        json.dump(res, f, ensure_ascii=False)
    return 0


# ----------------------------------------------------------------------------------------------------
# grade a folder


ID_MAX_CHARS, ID_MAX_BYTES = 64, 192  # 192 UTF-8 bytes + ".ipynb" stay under a file name's 255 bytes


def safe_id(raw):
    """A student id as the grader uses it in file names and rows. The name is NFC-normalised; Unicode
    letters, digits and marks (김철수, José) and . _ - are kept, anything else becomes _, and an id never
    starts with . or - (no hidden files, no options, no CSV formulas). When that changed the name or it is
    longer than 64 characters (192 bytes), 8 hex digits of the name's sha256 are appended (after at most
    55 characters of it), so distinct names never merge into one id; the same name always gives the same
    id. Idempotent: safe_id(safe_id(x)) == safe_id(x)."""
    import unicodedata

    name = unicodedata.normalize("NFC", str(raw))
    s = "".join(ch if ch in "._-" or unicodedata.category(ch)[0] in "LNM" else "_" for ch in name)
    if not s or s[0] in ".-":
        s = "_" + s
    if s != name or len(s) > ID_MAX_CHARS or len(s.encode("utf-8")) > ID_MAX_BYTES:
        s = s[:ID_MAX_CHARS - 9]
        while len(s.encode("utf-8")) > ID_MAX_BYTES - 9:
            s = s[:-1]
        s += "-" + hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return s


def read_regular(path, limit):
    """Bytes of a regular file, refusing symlinks (O_NOFOLLOW), anything that is not a regular file
    (checked with fstat before any read; O_NONBLOCK so that opening a FIFO or a device never waits) and
    anything larger than `limit`."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        import stat

        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise OSError("not a regular file")
        if st.st_size > limit:
            return None
        chunks, n = [], 0
        while True:
            b = os.read(fd, 1 << 20)
            if not b:
                break
            chunks.append(b)
            n += len(b)
            if n > limit:
                return None
        return b"".join(chunks)
    finally:
        os.close(fd)


def bundle_id(folder_name, assignment):
    """A bundle's student id: its folder name, without the `<assignment>-` that `submit` puts in front. The
    manifest's `student` is text the student wrote; it is compared with this, never trusted."""
    if assignment and folder_name.startswith(assignment + "-") and len(folder_name) > len(assignment) + 1:
        folder_name = folder_name[len(assignment) + 1:]
    return safe_id(folder_name)


def is_notebook_name(name):
    return name.lower().endswith(".ipynb") and len(name) > 6


def discover(folder, max_bytes, assignment=None, skipped=None):
    """[(student id, display path, bytes or None, problem or None, manifest or None, flags)] for the folder's
    *.ipynb files and submit bundles (folders with manifest.json). Everything is data: ids come from file and
    folder names (a manifest `student` that disagrees is flagged and ignored), a manifest names only a file
    inside its own bundle, symlinks (files, bundles, manifests) are refused, and the bytes are read once,
    here, before any kernel runs. A folder without manifest.json is a bundle of its one notebook (*.ipynb in
    any case); every other entry is appended to `skipped` as (name, reason): nothing is left out silently."""
    out = []
    skipped = [] if skipped is None else skipped
    for name in sorted(os.listdir(folder)):
        p = os.path.join(folder, name)
        if name.startswith("."):
            skipped.append((name, "숨김 파일 (hidden entry)"))
            continue
        if os.path.islink(p):
            if is_notebook_name(name) or os.path.isdir(p):
                out.append((safe_id(os.path.splitext(name)[0]), name, None, "심볼릭 링크(symlink)는 받지 않습니다", None, []))
            else:
                skipped.append((name, "심볼릭 링크, 노트북 아님 (symlink, not a notebook)"))
            continue
        if os.path.isdir(p):
            mpath = os.path.join(p, "manifest.json")
            if not os.path.lexists(mpath):
                # no manifest: the folder's one notebook, if it holds exactly one
                try:
                    nbs = sorted(n for n in os.listdir(p) if is_notebook_name(n) and not n.startswith("."))
                except OSError:
                    nbs = None
                student = bundle_id(name, assignment)
                if nbs is None or len(nbs) != 1:
                    why = ("폴더를 읽을 수 없습니다" if nbs is None else
                           "manifest.json이 없고 노트북(.ipynb)이 %d개입니다 (하나여야 합니다)" % len(nbs))
                    out.append((student, name + "/", None, why, None, []))
                    continue
                try:
                    data = read_regular(os.path.join(p, nbs[0]), max_bytes)
                except OSError:
                    out.append((student, name + "/" + nbs[0], None, "노트북을 읽을 수 없습니다 (심볼릭 링크 또는 일반 파일이 아님)", None, []))
                    continue
                out.append((student, name + "/" + nbs[0], data, None if data is not None else "too-large", None, []))
                continue
            try:
                man = json.loads(read_regular(mpath, 1 << 20) or b"null")
                if not isinstance(man, dict):
                    raise ValueError("manifest.json is not an object")
            except (OSError, ValueError) as e:
                out.append((bundle_id(name, assignment), name + "/manifest.json", None, "manifest.json을 읽을 수 없습니다", None, []))
                continue
            student = bundle_id(name, assignment)
            claimed = man.get("student")
            flags = [] if claimed is None or (isinstance(claimed, str) and safe_id(claimed) == student) else ["manifest-student-mismatch (ignored)"]
            nbname = man.get("notebook")
            if not isinstance(nbname, str) or nbname in ("", ".", "..") or "/" in nbname or "\\" in nbname or "\0" in nbname:
                out.append((student, name + "/manifest.json", None, "manifest의 notebook은 묶음 안의 파일 이름이어야 합니다", man, flags))
                continue
            try:
                data = read_regular(os.path.join(p, nbname), max_bytes)
            except OSError:
                out.append((student, name + "/" + nbname, None, "묶음 안의 노트북을 읽을 수 없습니다 (없음, 심볼릭 링크, 또는 일반 파일이 아님)", man, flags))
                continue
            out.append((student, name + "/" + nbname, data, None if data is not None else "too-large", man, flags))
        elif is_notebook_name(name):
            try:
                data = read_regular(p, max_bytes)
            except OSError:
                out.append((safe_id(name[:-6]), name, None, "노트북을 읽을 수 없습니다", None, []))
                continue
            out.append((safe_id(name[:-6]), name, data, None if data is not None else "too-large", None, []))
        else:
            skipped.append((name, "노트북(.ipynb)도 제출 폴더도 아닙니다 (not a notebook or a bundle)"))
    return out


def run_child(plan_path, student, path, limits, workdir, executed_dir, public_only=False):
    res_path = os.path.join(workdir, "%s.json" % hashlib.sha1(path.encode()).hexdigest())
    cmd = [sys.executable, os.path.abspath(__file__), "grade-one", "--plan", plan_path, "--submission", path,
           "--result", res_path, "--student", student]
    if executed_dir:
        cmd += ["--executed", os.path.join(executed_dir, student + ".ipynb")]
    if public_only:
        cmd.append("--public-only")
    if not limits.get("sandbox", True):
        cmd.append("--no-sandbox")
    for k in DEFAULTS:
        cmd += ["--" + k.replace("_", "-"), str(limits[k])]
    if limits.get("node"):
        cmd += ["--node", limits["node"]]
    hard = WALL_FACTOR * (limits["notebook_timeout"] + 20 * limits["probe_timeout"]) + limits["startup_timeout"] + 60
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=hard)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
    if os.path.exists(res_path):
        with open(res_path, encoding="utf-8") as f:
            return json.load(f)
    return {"student": student, "file": path, "status": "grader-error", "score": 0.0, "flags": [],
            "questions": {}, "manual": {}, "seconds": round(time.monotonic() - t0, 2),
            "message": "채점기 오류 (grader error)", "grader_log": (out or b"").decode("utf-8", "replace")[-800:]}


def feedback_md(plan, r):
    L = ["# %s — %s" % (plan["title"], r["student"]), ""]
    L.append("- 상태(status): **%s**" % STATUS_KO.get(r["status"], r["status"]))
    if r.get("message"):
        L.append("- %s" % r["message"])
    auto_max = sum(q["points"] for q in plan["questions"] if q["kind"] == "auto")
    L.append("- 자동 채점 점수: **%s / %s**" % (fmt(r["score"]), fmt(auto_max)))
    if r.get("flags"):
        L.append("- 참고: " + ", ".join(r["flags"]))
    if r.get("first_error"):
        L.append("- 오류가 난 첫 셀: %s" % r["first_error"]["where"])
    L.append("")
    for q in plan["questions"]:
        qr = r["questions"].get(q["id"], {})
        if q["kind"] == "manual":
            L.append("## %s — 수동 채점 (%s점 만점)" % (q["title"], fmt(q["points"])))
            L.append("")
            continue
        L.append("## %s — %s / %s" % (q["title"], fmt(qr.get("score") or 0), fmt(q["points"])))
        for c in qr.get("cases", []):
            vis = "공개" if c["visibility"] == "public" else "숨은 검사"
            mark = "✓" if c["passed"] else "✗"
            line = "- %s [%s] `%s` — %s" % (mark, vis, c["id"], c["label"])
            if not c["passed"] and c.get("detail"):
                line += ": " + c["detail"]
            L.append(line)
        L.append("")
    return "\n".join(L) + "\n"


STATUS_KO = {
    "graded": "채점됨", "kernel-died": "커널 종료됨 (kernel died: process.exit() 또는 메모리 초과)",
    "kernel-unresponsive": "커널 응답 없음 (시간 초과 후 중단 실패)", "unreadable": "읽을 수 없음 (JSON 오류)",
    "wrong-assignment": "다른 과제", "too-large": "파일이 너무 큼", "grader-error": "채점기 오류",
}


def fmt(x):
    return ("%g" % x) if isinstance(x, (int, float)) else str(x)


def csv_cell(v):
    """A CSV cell a spreadsheet shows as text: a leading = + - @ tab or CR would start a formula."""
    v = "" if v is None else str(v)
    return "'" + v if v[:1] in ("=", "+", "-", "@", "\t", "\r") else v


def quoted_block(text):
    """A written answer inside a fenced block longer than any backtick run in it: it cannot open headings,
    close the block or forge another student's section."""
    run = max([len(m) for m in re.findall(r"`+", text)] + [2]) + 1
    return "%s text\n%s\n%s" % ("`" * run, text.replace("\r", ""), "`" * run)


def write_reports(plan, results, out_dir):
    os.makedirs(os.path.join(out_dir, "feedback"), exist_ok=True)
    qids = [q["id"] for q in plan["questions"]]
    maxp = sum(q["points"] for q in plan["questions"])
    with open(os.path.join(out_dir, "results.json"), "w", encoding="utf-8") as f:
        json.dump({"assignment": plan["id"], "title": plan["title"], "max": maxp, "questions": plan["questions"],
                   "results": results}, f, ensure_ascii=False, indent=1)
    with open(os.path.join(out_dir, "grades.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["student", "status"] + qids + ["total", "max", "flags"])
        for r in results:
            row = [r["student"], r["status"]]
            for q in plan["questions"]:
                sc = r.get("questions", {}).get(q["id"], {}).get("score")
                row.append("" if sc is None else fmt(sc))
            row += [fmt(r["score"]), fmt(maxp), "; ".join(r.get("flags", []))]
            w.writerow([csv_cell(x) for x in row])
    manual_q = [q for q in plan["questions"] if q["kind"] == "manual"]
    if manual_q:
        with open(os.path.join(out_dir, "manual.csv"), "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(["student", "question", "max", "score", "comment", "answer"])
            for r in results:
                for q in manual_q:
                    qr = r.get("questions", {}).get(q["id"], {})
                    prev = qr.get("score")
                    w.writerow([csv_cell(x) for x in (r["student"], q["id"], fmt(q["points"]), "" if prev is None else fmt(prev),
                                                      qr.get("comment", ""), r.get("manual", {}).get(q["id"], ""))])
        with open(os.path.join(out_dir, "manual.md"), "w", encoding="utf-8") as f:
            for r in results:
                for q in manual_q:
                    ans = r.get("manual", {}).get(q["id"], "") or "(답 없음)"
                    f.write("## %s — %s (%s점)\n\n%s\n\n" % (r["student"], q["title"], fmt(q["points"]), quoted_block(ans)))
    for r in results:
        with open(os.path.join(out_dir, "feedback", safe_id(r["student"]) + ".md"), "w", encoding="utf-8") as f:
            f.write(feedback_md(plan, r))


def blank_result(plan, student, shown, status, message, flags=()):
    return {"student": student, "file": shown, "status": status, "score": 0.0, "flags": list(flags), "questions": {},
            "manual": {}, "seconds": 0, "message": message}


def cmd_grade(plan, args):
    folder = args.folder
    if not os.path.isdir(folder):
        print("grade: %s is not a folder" % folder)
        return 2
    limits = limits_from(args)
    if limits["sandbox"] and not bwrap_available():
        print("grade: bubblewrap (bwrap) is missing or cannot create namespaces here; install the Debian package "
              "`bubblewrap` (submissions are never graded outside the sandbox)")
        return 2
    out_dir = args.out or os.path.join(ROOT, "build", "grades", plan["id"])
    os.makedirs(out_dir, exist_ok=True)
    swept = sweep_cgroups()
    if swept:
        print("grade: removed %d cgroup folders left by graders that were killed" % swept)
    max_bytes = int(limits["max_notebook_mb"] * 1048576)
    skipped = []
    found = discover(folder, max_bytes, plan["id"], skipped)
    entries = len(found) + len(skipped)
    for name, why in skipped:
        print("grade: skipped %s — %s" % (json.dumps(name, ensure_ascii=False), why))
    if not found:
        print("grade: no submissions (*.ipynb or bundles with manifest.json) in %s" % folder)
        return 2
    workdir = tempfile.mkdtemp(prefix="mlp-hw-grade-")
    staged_dir = os.path.join(workdir, "staged")
    os.mkdir(staged_dir)
    executed_dir = os.path.join(out_dir, "executed")
    by_id = {}
    for item in found:
        by_id.setdefault(item[0], []).append(item)
    jobs, rows = [], {}
    for student, items in by_id.items():
        if len(items) > 1:
            rows[student] = blank_result(plan, student, ", ".join(i[1] for i in items), "duplicate-student",
                                         "같은 학번으로 제출물이 %d개 있습니다 (채점하지 않음)" % len(items),
                                         ["duplicate-student:%d" % len(items)] + [f for i in items for f in i[5]])
            continue
        _, shown, data, problem, man, id_flags = items[0]
        if problem == "too-large":
            rows[student] = blank_result(plan, student, shown, "too-large", "파일이 너무 큽니다 (> %g MB)" % limits["max_notebook_mb"], id_flags)
            continue
        if problem:
            rows[student] = blank_result(plan, student, shown, "unreadable", problem, id_flags)
            continue
        staged = os.path.join(staged_dir, student + ".ipynb")
        with open(staged, "wb") as f:
            f.write(data)
        digest = hashlib.sha256(data).hexdigest()
        jobs.append((student, shown, staged, digest, man, id_flags))
    notes = []
    print("grade: %d submissions of %s, %d in parallel (cell %gs, notebook %gs, memory %d MB, output %g MB/cell)%s"
          % (len(by_id), plan["id"], limits["parallel"], limits["cell_timeout"], limits["notebook_timeout"],
             limits["memory_mb"], limits["cell_output_mb"], "" if limits["sandbox"] else " — NOT SANDBOXED"))
    t0 = time.monotonic()
    lock = threading.Lock()
    auto_max = sum(q["points"] for q in plan["questions"])

    def report(r):
        with lock:
            print("  %-28s %-20s %6s / %-4s %5.1fs  %s" % (r["student"][:28], r["status"], fmt(r["score"]), fmt(auto_max),
                  r.get("seconds", 0), "; ".join(r.get("flags", []))[:120]))
            sys.stdout.flush()

    def one(job):
        student, shown, staged, digest, man, id_flags = job
        r = run_child(args.plan, student, staged, limits, workdir, executed_dir)
        r["student"], r["file"], r["sha256"] = student, shown, digest
        r["flags"] = list(id_flags) + list(r.get("flags") or [])
        if man is not None:
            want = (man.get("files") or {}).get(man.get("notebook"))
            if want and want != digest:
                r.setdefault("flags", []).append("bundle-hash-mismatch")
        for n in r.pop("notes", []) or []:
            if n not in notes:
                notes.append(n)
        report(r)
        return r

    for r in rows.values():
        report(r)
    with ThreadPoolExecutor(max_workers=max(1, int(limits["parallel"]))) as ex:
        for r in ex.map(one, jobs):
            rows[r["student"]] = r
    elapsed = time.monotonic() - t0
    # the submissions as they are now, read the same way (a change during grading is reported; grading
    # used the bytes read before any kernel ran)
    changed = []
    for student, shown, staged, digest, man, _ in jobs:
        try:
            now = read_regular(os.path.join(folder, shown), max_bytes)
        except OSError:
            now = None
        if now is None or hashlib.sha256(now).hexdigest() != digest:
            changed.append(shown)
        rows[student]["unchanged"] = shown not in changed
    shutil.rmtree(workdir, ignore_errors=True)
    results = [rows[k] for k in sorted(rows)]
    write_reports(plan, results, out_dir)
    with open(os.path.join(out_dir, "run.json"), "w") as f:
        json.dump({"seconds": round(elapsed, 2), "submissions": len(results), "entries": entries,
                   "skipped": [{"entry": n, "reason": w} for n, w in skipped], "parallel": limits["parallel"],
                   "sandbox": "bubblewrap" if limits["sandbox"] else "none", "notes": notes,
                   "modified_submissions": changed}, f, indent=1)
    for n in notes:
        print("grade: note: " + n)
    print("grade: %d submissions graded in %.1f s → %s (results.json, grades.csv, feedback/%s)"
          % (len(results), elapsed, out_dir, ", manual.csv" if any(q["kind"] == "manual" for q in plan["questions"]) else ""))
    merged = len(found) - len(by_id)
    print("grade: the folder's %d entries: %d rows (%d graded, %d not graded)%s, %d skipped (listed above)"
          % (entries, len(results), sum(1 for r in results if r["status"] == "graded"),
             sum(1 for r in results if r["status"] != "graded"),
             " + %d entries merged into duplicate-student rows" % merged if merged else "", len(skipped)))
    if changed:
        print("grade: ERROR: submission files changed during grading: %s" % changed)
        return 1
    print("grade: submission files unchanged (sha256 checked before and after)")
    return 0


def cmd_merge_manual(plan, args):
    out_dir = args.grades
    if not any(q["kind"] == "manual" for q in plan["questions"]):
        print("merge-manual: %s has no written (manual) questions; nothing to merge" % plan["id"])
        return 0
    manual_csv = args.manual or os.path.join(out_dir, "manual.csv")
    if not os.path.isfile(os.path.join(out_dir, "results.json")) or not os.path.isfile(manual_csv):
        print("merge-manual: %s needs results.json and manual.csv from `grade` (not found)" % out_dir)
        return 2
    with open(os.path.join(out_dir, "results.json"), encoding="utf-8") as f:
        data = json.load(f)
    manual_csv = args.manual or os.path.join(out_dir, "manual.csv")
    qpoints = {q["id"]: q["points"] for q in plan["questions"] if q["kind"] == "manual"}
    by_student = {r["student"]: r for r in data["results"]}
    merged, problems = 0, []
    with open(manual_csv, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            s, q, score = row.get("student"), row.get("question"), (row.get("score") or "").strip()
            if not score:
                continue
            if s not in by_student or q not in qpoints:
                problems.append("unknown student/question: %s / %s" % (s, q))
                continue
            try:
                v = float(score)
            except ValueError:
                problems.append("%s / %s: score %r is not a number" % (s, q, score))
                continue
            if not 0 <= v <= qpoints[q]:
                problems.append("%s / %s: score %g outside 0..%g" % (s, q, v, qpoints[q]))
                continue
            qr = by_student[s].setdefault("questions", {}).setdefault(q, {"points": qpoints[q], "kind": "manual", "cases": []})
            qr["score"] = v
            if row.get("comment"):
                qr["comment"] = row["comment"]
            merged += 1
    for r in data["results"]:
        r["score"] = round(sum((qr.get("score") or 0) for qr in r.get("questions", {}).values()), 2)
    for p in problems:
        print("merge-manual: " + p)
    write_reports(plan, data["results"], out_dir)
    print("merge-manual: merged %d manual scores into %s (grades.csv, results.json updated)" % (merged, out_dir))
    return 1 if problems else 0


# ----------------------------------------------------------------------------------------------------
# student commands: check and submit


def print_check(plan, r):
    print("\n%s — %s  [공개 검사만 (public checks only)]" % (plan["title"], os.path.basename(r["file"])))
    if r["status"] != "graded":
        print("  상태: %s%s" % (STATUS_KO.get(r["status"], r["status"]), (" — " + r["message"]) if r.get("message") else ""))
    all_ok = r["status"] == "graded"
    for q in plan["questions"]:
        qr = r["questions"][q["id"]]
        if q["kind"] == "manual":
            ans = (r.get("manual", {}).get(q["id"]) or "").strip()
            filled = ans and MANUAL_STUB not in ans
            print("  %s %s: 수동 채점 — %s" % ("·", q["title"], "답을 썼습니다" if filled else "아직 답이 없습니다"))
            continue
        if not qr["cases"]:
            print("  · %s: 공개 검사 없음 (숨은 검사로만 채점)" % q["title"])
            continue
        ok = all(c["passed"] for c in qr["cases"])
        all_ok &= ok
        print("  %s %s: %s" % ("✓" if ok else "✗", q["title"], "통과 (passed)" if ok else "실패 (failed)"))
        for c in qr["cases"]:
            if not c["passed"]:
                print("      - %s: %s" % (c["label"], c["detail"]))
    locked = [q for q in r.get("locked_failures", []) if q] or ([None] if r.get("locked_failures") else [])
    if locked:
        # the notebook's own check cells ("검사 (수정하지 마세요)") failed: name the questions
        all_ok = False
        for q in dict.fromkeys(locked):
            print("  ✗ 검사 셀 실패 (a locked check cell failed): %s" % (q or "준비 셀"))
    if r.get("first_error"):
        fe = r["first_error"]
        print("  첫 오류: %s — %s\n      %s" % (fe["where"], fe["cell"], fe["stderr"].replace("\n", "\n      ")[:600]))
    if r.get("flags"):
        print("  참고: " + ", ".join(r["flags"]))
    print("  (공개 검사만 실행했습니다. 최종 점수는 숨은 검사로 매겨집니다.)")
    return all_ok


def cmd_check(plan, args):
    r = grade_one(plan, os.path.abspath(args.notebook), student_limits(args), public_only=True)
    ok = print_check(plan, r)
    return 0 if ok else 1


def cmd_submit(plan, args):
    path = os.path.abspath(args.notebook)
    limits = student_limits(args)
    nb, err = read_notebook_checked(path, plan, limits["max_notebook_mb"])
    if err:
        print("submit: 제출할 수 없습니다 — %s" % err[1])
        return 1
    student = args.student or os.environ.get("USER") or "student"
    if not re.match(r"^[\w.-]+$", student):
        print("submit: --student 에는 글자, 숫자, . _ - 만 쓰세요")
        return 1
    out_root = args.out or os.path.join(os.path.dirname(path), "submission")
    bundle = os.path.join(out_root, "%s-%s" % (plan["id"], student))
    if os.path.exists(bundle) and not args.force:
        print("submit: %s 가 이미 있습니다 (덮어쓰려면 --force)" % bundle)
        return 1
    before = sha256_file(path)
    executed = os.path.join(tempfile.mkdtemp(prefix="mlp-hw-submit-"), "executed.ipynb")
    r = grade_one(plan, path, limits, public_only=True, executed_out=executed, student=student)
    ok = print_check(plan, r)
    if not ok and not args.force:
        print("\nsubmit: 공개 검사 중 실패한 것이 있어 제출 묶음을 만들지 않았습니다. 고친 뒤 다시 하거나, "
              "이대로 제출하려면 --force 를 붙이세요 (checks failed; add --force to submit anyway)")
        return 1
    os.makedirs(bundle, exist_ok=True)
    nb_name = "%s.ipynb" % plan["id"]
    shutil.copyfile(path, os.path.join(bundle, nb_name))
    html_name = "%s.html" % plan["id"]
    try:
        from nbconvert import HTMLExporter

        body, _ = HTMLExporter().from_notebook_node(nbformat.read(executed, as_version=4))
        with open(os.path.join(bundle, html_name), "w", encoding="utf-8") as f:
            f.write(body)
    except Exception as e:  # noqa: BLE001
        print("submit: HTML 변환 실패 (%s); 노트북과 manifest만 저장합니다" % e)
        html_name = None
    files = {nb_name: sha256_file(os.path.join(bundle, nb_name))}
    if html_name:
        files[html_name] = sha256_file(os.path.join(bundle, html_name))
    manifest = {
        "assignment": plan["id"], "student": student, "notebook": nb_name, "html": html_name,
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "source_sha256": before, "files": files,
        "check": {q: {"passed": sum(c["passed"] for c in v["cases"]), "total": len(v["cases"])}
                  for q, v in r["questions"].items() if v["kind"] == "auto"},
        "check_status": r["status"], "flags": r["flags"],
    }
    with open(os.path.join(bundle, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, ensure_ascii=False, indent=1)
    if sha256_file(path) != before:
        print("submit: 경고 — 제출 중 노트북 파일이 바뀌었습니다")
    print("\nsubmit: 제출 묶음을 만들었습니다: %s" % bundle)
    print("  %s" % ", ".join(sorted(os.listdir(bundle))))
    if not ok:
        print("  경고: 공개 검사 중 실패한 것이 있는 채로 제출했습니다 (--force)")
    return 0


# ----------------------------------------------------------------------------------------------------


def main(argv=None):
    ap = argparse.ArgumentParser(prog="hw.py", description="homework tooling (use `npm run hw -- ...`)")
    sub = ap.add_subparsers(dest="cmd", required=True)

    def common(p, limits=True):
        p.add_argument("--plan", required=True)
        if limits:
            for k, v in DEFAULTS.items():
                p.add_argument("--" + k.replace("_", "-"), dest=k, type=type(v), default=None)
            p.add_argument("--node")
            p.add_argument("--no-sandbox", action="store_true", help=argparse.SUPPRESS)

    p = sub.add_parser("assign"); common(p, False); p.add_argument("--out"); p.add_argument("--force", action="store_true")
    p = sub.add_parser("check"); common(p); p.add_argument("notebook")
    p = sub.add_parser("submit"); common(p); p.add_argument("notebook"); p.add_argument("--student"); p.add_argument("--out"); p.add_argument("--force", action="store_true")
    p = sub.add_parser("grade"); common(p); p.add_argument("folder"); p.add_argument("--out")
    p = sub.add_parser("grade-one"); common(p)
    p.add_argument("--submission", required=True); p.add_argument("--result", required=True)
    p.add_argument("--student"); p.add_argument("--executed"); p.add_argument("--public-only", action="store_true")
    p = sub.add_parser("merge-manual"); common(p, False); p.add_argument("grades"); p.add_argument("manual", nargs="?")
    args = ap.parse_args(argv)
    plan = load_plan(args.plan)
    fn = {"assign": cmd_assign, "check": cmd_check, "submit": cmd_submit, "grade": cmd_grade,
          "grade-one": cmd_grade_one, "merge-manual": cmd_merge_manual}[args.cmd]
    return fn(plan, args)


if __name__ == "__main__":
    sys.exit(main())
