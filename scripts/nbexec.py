"""The project's one notebook executor: runs a notebook's code cells on a Jupyter kernel through nbclient.

Used in-process by the lesson runner (scripts/nbrun.py) and the browser check (test/browser/prepare.py),
and as a command by the homework grader (scripts/hw/execute.ts):

    python3 scripts/nbexec.py JOB.json

It is the only code of the project that imports nbclient or jupyter_client. It decides nothing about what
a result means (grades, statuses of submissions, flags, failures): it runs cells under the limits the job
names and writes down what happened.

JOB.json (every key but "notebook" optional):
    notebook         the notebook to execute                       output   where the executed notebook goes
    record           where the JSON record goes (default: printed on stdout)
    cwd              the kernel's working folder (default: the notebook's folder)
    kernel           {"name", "jupyter_path" (a folder put first on JUPYTER_PATH, holding the kernelspec),
                      "transport": "tcp" | "ipc", "ip" (with ipc: the socket path prefix),
                      "connection_file", "startup_timeout" (seconds)}
    timeout          per-cell budget in seconds (default 120); a cell may override it: cells[i].budget
    cells            [{"budget": S, "pool": NAME, "idle": S}, ...] one entry per notebook cell (code cells use theirs)
    pools            {NAME: S or {"budget": S, "idle": S}}: cells of a pool share this budget; when it is used
                     up they are skipped
    cpu_usage_file   a cgroup's cpuacct.usage (nanoseconds of CPU of the kernel's process tree): budgets are
                     then CPU seconds, polled every 0.1 s, and a cell that exceeds its budget is interrupted
                     (SIGINT to the kernel process); its wall-clock limit is budget × wall_factor + wall_extra
    wall_factor, wall_extra   (default 10, 30)
    wall_per_cpu     with CPU budgets, a wall-time bound for cells that wait without computing (CPU limits do
                     not see them): a pool's cells together may take wall_per_cpu × the CPU seconds they used
                     + the pool's "idle" seconds of wall time, a cell outside a pool wall_per_cpu × its CPU +
                     its "idle"; a cell past it is interrupted ("wall_limit"), and once one was, the pools'
                     remaining cells are skipped (skipped_for "wall")
    on_timeout       "stop": record the timeout and stop (no interrupt); "interrupt" (default): interrupt
                     the kernel, note it in the cell's output and go on; two timeouts in a row stop the run
    timeout_note     the note's label, e.g. "grader" → "[grader: cell timed out after 30 CPU seconds; interrupted]"
    output_caps      {"cell": bytes, "total": bytes, "note": label}: output beyond a cap is dropped while
                     iopub messages arrive (a display update counts once per output it rewrites); the kernel
                     is never interrupted for output
    retry_aborted    how often a cell whose reply is "aborted" is sent again (tslab drops requests that
                     arrive within 200 ms of an error); default 2
    skip_empty       code cells with only whitespace are not sent (default true)

Record: {"status": "completed" | "kernel-died" | "kernel-unresponsive" | "timed-out" | "error",
         "error": text (status "error"), "seconds", "limits_in": "cpu-seconds" | "wall-seconds",
         "output_dropped": bool,
         "cells": [{"index", "status": "ok" | "error" | "aborted" | "timeout" | "dead" | "no-reply" |
                    "skipped" (skipped_for "budget" or "wall") | "empty" | "not-run" (after a stop) | "markdown",
                    "seconds", "cpu_seconds", "budget", "dropped_bytes", "timed_out", "wall_limit", "kernel_died"}]}
"""

import json
import os
import signal
import sys
import threading
import time

try:
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
except ImportError as e:  # pragma: no cover - the Node wrappers check this first
    sys.stderr.write(
        "nbexec: Jupyter's Python packages are missing (%s).\n"
        "Run `npm run setup` (or: apt-get install jupyter-nbconvert python3-nbclient).\n" % e
    )
    sys.exit(3)

TIMEOUT_ENAME = "NbexecCellTimeout"
TIMEOUT_REPLY = {"ename": TIMEOUT_ENAME, "evalue": "cell timed out; the kernel was interrupted", "traceback": []}


class CpuWatch:
    """Interrupts the kernel once a cell has used `budget` seconds of CPU time (the whole process tree, from
    the cgroup). CPU seconds, unlike wall seconds, hardly change with machine load."""

    def __init__(self, usage_file, budget, interrupt, wall_allowed=None):
        self.usage_file, self.budget, self.interrupt = usage_file, budget, interrupt
        self.wall_allowed = wall_allowed  # wall seconds the cell may take having used that much CPU, or None
        self.fired = False
        self.why = None
        self.t0 = cpu_seconds(usage_file) or 0.0
        self.w0 = time.monotonic()
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while not self.stop_event.wait(0.1):
            used = (cpu_seconds(self.usage_file) or 0) - self.t0
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
        return max(0.0, (cpu_seconds(self.usage_file) or 0) - self.t0)


def cpu_seconds(usage_file):
    try:
        with open(usage_file) as f:
            v = f.read().strip()
    except (OSError, TypeError):
        return None
    return int(v) / 1e9 if v.isdigit() else None


class CappedClient(NotebookClient):
    """nbclient with output caps (bytes) applied while iopub messages arrive, so memory stays bounded."""

    def cap_init(self, caps):
        self.cap_cell = caps.get("cell") if caps else None
        self.cap_total = caps.get("total") if caps else None
        self.cap_note = (caps or {}).get("note") or "nbexec"
        self.cap_used_total = 0
        self.cap_dropped_any = False
        self.cap_reset_cell()

    def cap_reset_cell(self):
        self.cap_cell_bytes = 0
        self.cap_cell_dropped = 0

    def cap_over(self, size):
        if self.cap_cell is None:
            return False
        self.cap_cell_bytes += size
        over = self.cap_cell_bytes > self.cap_cell or (self.cap_total is not None and self.cap_used_total + size > self.cap_total)
        if over:
            self.cap_cell_dropped += size
            self.cap_dropped_any = True
        else:
            self.cap_used_total += size
        return over

    def process_message(self, msg, cell, cell_index):
        if self.cap_cell is not None:
            content = msg.get("content", {})
            display_id = (content.get("transient") or {}).get("display_id")
            if display_id and msg.get("msg_type") in ("execute_result", "display_data", "update_display_data"):
                # an update rewrites every output shown under that id: count it once per output it rewrites
                shown = sum(len(v) for v in self._display_id_map.get(display_id, {}).values())
                size = len(json.dumps(content.get("data", {})).encode("utf-8"))
                if shown and self.cap_over(size * shown):
                    msg = dict(msg, content=dict(content, transient={}))  # keep it out of the display-id update
                    if msg.get("msg_type") == "update_display_data":
                        return None
        return super().process_message(msg, cell, cell_index)

    def output(self, outs, msg, display_id, cell_index):
        if self.cap_cell is not None:
            content = msg.get("content", {})
            if msg.get("msg_type") == "stream":
                size = len(content.get("text", "").encode("utf-8"))
            else:
                size = len(json.dumps(content.get("data", content)).encode("utf-8"))
            if self.cap_over(size):
                if self.cap_cell_dropped == size:
                    outs.append(nbformat.v4.new_output(
                        "stream", name="stderr", text="\n[%s: output limit reached; further output of this cell dropped]\n" % self.cap_note))
                return None
        return super().output(outs, msg, display_id, cell_index)


def _kernel_manager(kernel):
    if not (kernel.get("transport") or kernel.get("connection_file")):
        return None  # nbclient makes its own, as a notebook front end would
    from jupyter_client.manager import KernelManager

    opts = {"kernel_name": kernel.get("name", "python3")}
    if kernel.get("transport") == "ipc":
        opts.update(transport="ipc", ip=kernel["ip"])
    km = KernelManager(**opts)
    if kernel.get("connection_file"):
        km.connection_file = kernel["connection_file"]
    return km


def execute(nb, job):
    """Executes `nb` (an nbformat notebook, changed in place) as `job` says; returns the record."""
    kernel = job.get("kernel") or {}
    if kernel.get("jupyter_path"):
        os.environ["JUPYTER_PATH"] = kernel["jupyter_path"] + os.pathsep + os.environ.get("JUPYTER_PATH", "")
    default_budget = float(job.get("timeout", 120))
    cell_opts = job.get("cells") or []
    pools = {k: dict(v) if isinstance(v, dict) else {"budget": v} for k, v in (job.get("pools") or {}).items()}
    pool_used = {k: 0.0 for k in pools}  # CPU seconds (with a cpu_usage_file) of the pool's cells so far
    pool_wall = {k: 0.0 for k in pools}  # and their wall seconds
    wall_per_cpu = job.get("wall_per_cpu")
    wall_limited = False
    usage_file = job.get("cpu_usage_file")
    wall_factor, wall_extra = float(job.get("wall_factor", 10)), float(job.get("wall_extra", 30))
    on_timeout = job.get("on_timeout", "interrupt")
    note = job.get("timeout_note") or "nbexec"
    retries = int(job.get("retry_aborted", 2))
    skip_empty = job.get("skip_empty", True)
    rec = {"status": "completed", "cells": [], "output_dropped": False}
    cells = rec["cells"]
    for i, cell in enumerate(nb.cells):
        cells.append({"index": i, "status": "not-run" if cell.cell_type == "code" else "markdown", "seconds": 0.0})

    km = _kernel_manager(kernel)
    timeout_opts = (
        {"interrupt_on_timeout": True, "error_on_timeout": TIMEOUT_REPLY} if on_timeout == "interrupt" else {"interrupt_on_timeout": False}
    )
    client = CappedClient(
        nb, km=km, kernel_name=kernel.get("name", "python3"), timeout=int(default_budget),
        startup_timeout=int(kernel.get("startup_timeout", 60)), allow_errors=True, record_timing=False,
        resources={"metadata": {"path": job.get("cwd") or os.getcwd()}}, **timeout_opts,
    )
    client.cap_init(job.get("output_caps"))
    replies = {}

    def on_executed(cell, cell_index, execute_reply):
        content = execute_reply.get("content", {})
        replies[cell_index] = "timeout" if content.get("ename") == TIMEOUT_ENAME else content.get("status")

    client.on_cell_executed = on_executed

    def interrupt():
        try:
            os.kill(client.km.provisioner.process.pid, signal.SIGINT)
        except Exception:  # noqa: BLE001 - the kernel may be gone already
            pass

    start = time.monotonic()
    cpu_based = usage_file is not None and cpu_seconds(usage_file) is not None
    rec["limits_in"] = "cpu-seconds" if cpu_based else "wall-seconds"
    try:
        with client.setup_kernel():
            prev_timed_out = False
            for i, cell in enumerate(nb.cells):
                if cell.cell_type != "code":
                    continue
                c = cells[i]
                if skip_empty and not cell.source.strip():
                    c["status"] = "empty"
                    continue
                opt = cell_opts[i] if i < len(cell_opts) and isinstance(cell_opts[i], dict) else {}
                budget = float(opt.get("budget", default_budget))
                pool = opt.get("pool")
                wall_allowed = None
                if pool in pools:
                    p = pools[pool]
                    remaining = float(p["budget"]) - pool_used[pool] if cpu_based else start + float(p["budget"]) - time.monotonic()
                    bounded = cpu_based and wall_per_cpu is not None and p.get("idle") is not None
                    idle_left = wall_per_cpu * pool_used[pool] + p["idle"] - pool_wall[pool] if bounded else 1.0
                    if remaining <= 0 or (bounded and (idle_left <= 0 or wall_limited)):
                        c["status"] = "skipped"
                        c["skipped_for"] = "budget" if remaining <= 0 else "wall"
                        continue
                    budget = max(1.0, min(budget, remaining))
                    if bounded:
                        cpu0, wall0, idle = pool_used[pool], pool_wall[pool], float(p["idle"])
                        wall_allowed = lambda used, cpu0=cpu0, wall0=wall0, idle=idle: wall_per_cpu * (cpu0 + used) + idle - wall0
                elif cpu_based and wall_per_cpu is not None and opt.get("idle") is not None:
                    wall_allowed = lambda used, idle=float(opt["idle"]): wall_per_cpu * used + idle
                c["budget"] = budget
                client.timeout = int(budget * wall_factor + wall_extra) if cpu_based else int(budget)
                client.cap_reset_cell()
                t0 = time.monotonic()
                watch = CpuWatch(usage_file, budget, interrupt, wall_allowed) if cpu_based else None
                for _attempt in range(retries + 1):
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
                c["seconds"] = round(time.monotonic() - t0, 2)
                status = replies.get(i) or "no-reply"
                if status == "abort":
                    status = "aborted"
                if watch is not None:
                    used = watch.stop()
                    c["cpu_seconds"] = round(used, 2)
                    if pool in pools:
                        pool_used[pool] += used
                        pool_wall[pool] += time.monotonic() - t0
                    if watch.fired and status != "dead":
                        status = "timeout"
                        if watch.why == "wall":
                            c["wall_limit"] = True
                            wall_limited = True
                c["status"] = status
                if client.cap_cell_dropped:
                    c["dropped_bytes"] = client.cap_cell_dropped
                if status == "dead":
                    c["kernel_died"] = True
                    rec["status"] = "kernel-died"
                    break
                if status == "timeout":
                    c["timed_out"] = True
                    if on_timeout == "stop":
                        rec["status"] = "timed-out"
                        break
                    if prev_timed_out:
                        rec["status"] = "kernel-unresponsive"
                        break
                    prev_timed_out = True
                    time.sleep(0.3)  # the kernel was interrupted; tslab drops requests for 200 ms after
                    if c.get("wall_limit"):
                        # the kernel answered the interrupt (no reply would be "timeout"): it is responsive
                        prev_timed_out = replies.get(i) == "timeout"
                        cell.outputs.append(nbformat.v4.new_output(
                            "stream", name="stderr", text="\n[%s: the cell waited without computing past the notebook's wall-time bound; interrupted]\n" % note))
                        continue
                    unit = "CPU seconds" if cpu_based else "s"
                    cell.outputs.append(nbformat.v4.new_output(
                        "stream", name="stderr", text="\n[%s: cell timed out after %g %s; interrupted]\n" % (note, budget, unit)))
                    continue
                prev_timed_out = False
                if status == "error":
                    time.sleep(0.25)
    except DeadKernelError:
        rec["status"] = "kernel-died"
    except Exception as e:  # noqa: BLE001 - reported in the record; the caller decides what it means
        if rec["status"] == "completed":
            rec["status"] = "error"
        rec["error"] = "%s: %s" % (type(e).__name__, str(e)[:300])
    rec["output_dropped"] = client.cap_dropped_any
    rec["seconds"] = round(time.monotonic() - start, 2)
    return rec


def main(argv):
    if len(argv) != 1:
        sys.stderr.write(__doc__)
        return 2
    with open(argv[0], encoding="utf-8") as f:
        job = json.load(f)
    nb = nbformat.read(job["notebook"], as_version=4)
    job.setdefault("cwd", os.path.dirname(os.path.abspath(job["notebook"])))
    rec = execute(nb, job)
    if job.get("output"):
        nbformat.write(nb, job["output"])
    text = json.dumps(rec, ensure_ascii=False)
    if job.get("record"):
        with open(job["record"], "w", encoding="utf-8") as f:
            f.write(text)
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
