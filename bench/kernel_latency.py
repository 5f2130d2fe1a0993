"""Kernel latency through a real Jupyter client (part of `npm run bench`; prints figures, asserts nothing).

    JUPYTER_PATH=build/jupyter /usr/bin/python3 bench/kernel_latency.py [--runs N] [--kernel mlp-course] [--json]

Run with Debian's /usr/bin/python3 (it has jupyter_client); the kernelspec comes from JUPYTER_PATH.
Before the runs it fills the kernel's compile cache (`node kernel/launcher.cjs --warm-cache`, what
`npm run kernel` does). For each of N rounds it starts fresh kernels and measures:
  start         KernelManager.start_kernel() until the kernel answers kernel_info (wait_for_ready)
  first import  executing `import { Matrix, NeuralNetwork, xor } from "./src/index";` until idle
                (src/ comes from the compile cache: the cell itself is still type-checked and compiled)
  re-import     the same cell again (what re-running a notebook's import cell costs)
  small cell    round trips of a cell that prints a small matrix (median of 20)
  trivial cell  round trips of `1 + 1` (median of 20)
  one module    in a second fresh kernel: `import { Matrix } from "./src/matrix";`
  cold          in a third fresh kernel with MLP_KERNEL_CACHE=off: start and first import when
                tslab type-checks and compiles all of src/ (the first kernel after an edit to src/)
With --json the last line of stdout is a JSON object with every figure (in seconds).
"""
import json
import os
import statistics
import subprocess
import sys
import time

from jupyter_client.manager import KernelManager

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_cell(kc, code, timeout=120):
    """Executes code, waits for the kernel to go idle; returns (seconds, status, stdout, stderr)."""
    t0 = time.perf_counter()
    msg_id = kc.execute(code, store_history=False)
    out, err, status = [], [], None
    while True:
        msg = kc.get_iopub_msg(timeout=timeout)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        t = msg["msg_type"]
        if t == "stream":
            (out if msg["content"]["name"] == "stdout" else err).append(msg["content"]["text"])
        elif t == "error":
            err.append("\n".join(msg["content"].get("traceback", [])))
        elif t == "status" and msg["content"]["execution_state"] == "idle":
            break
    elapsed = time.perf_counter() - t0
    while True:  # skip replies to earlier requests (wait_for_ready's kernel_info)
        reply = kc.get_shell_msg(timeout=timeout)
        if reply["parent_header"].get("msg_id") == msg_id:
            break
    status = reply["content"]["status"]
    return elapsed, status, "".join(out), "".join(err)


def start(kernel, env=None):
    km = KernelManager(kernel_name=kernel)
    t0 = time.perf_counter()
    km.start_kernel(cwd=ROOT, env={**os.environ, **(env or {})})
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=120)
    return km, kc, time.perf_counter() - t0


def stop(km, kc):
    kc.stop_channels()
    km.shutdown_kernel(now=True)


def checked(label, result):
    elapsed, status, out, err = result
    if status != "ok":
        raise RuntimeError(f"{label}: status {status}\n{err}{out}")
    return elapsed


def one_kernel(kernel):
    km, kc, t_start = start(kernel)
    try:
        imp = 'import { Matrix, NeuralNetwork, xor } from "./src/index";'
        t_import = checked("first import", run_cell(kc, imp))
        t_reimport = checked("re-import", run_cell(kc, imp))
        small, trivial = [], []
        for _ in range(20):
            small.append(checked("small cell", run_cell(kc, "Matrix.from([[1, 2], [3, 4]]).T")))
            trivial.append(checked("trivial cell", run_cell(kc, "1 + 1")))
        t_train = checked("xor fit", run_cell(kc, "{ const { X, Y } = xor(); new NeuralNetwork([2, 4, 1], { eta: 1, epochs: 10000 }).fit(X, Y).cost.length }"))
    finally:
        stop(km, kc)
    km, kc, t_start2 = start(kernel)
    try:
        t_one = checked("one module", run_cell(kc, 'import { Matrix } from "./src/matrix";'))
    finally:
        stop(km, kc)
    km, kc, t_cold_start = start(kernel, {"MLP_KERNEL_CACHE": "off"})
    try:
        t_cold_import = checked("cold import", run_cell(kc, imp))
    finally:
        stop(km, kc)
    return {
        "start": t_start,
        "first_import": t_import,
        "start_plus_import": t_start + t_import,
        "reimport": t_reimport,
        "small_cell_median": statistics.median(small),
        "small_cell_max": max(small),
        "trivial_cell_median": statistics.median(trivial),
        "xor_fit_cell": t_train,
        "start_2": t_start2,
        "import_matrix_only": t_one,
        "cold_start": t_cold_start,
        "cold_first_import": t_cold_import,
        "cold_start_plus_import": t_cold_start + t_cold_import,
    }


def main(argv):
    runs = int(argv[argv.index("--runs") + 1]) if "--runs" in argv else 3
    kernel = argv[argv.index("--kernel") + 1] if "--kernel" in argv else "mlp-course"
    warm = subprocess.run(["node", os.path.join(ROOT, "kernel", "launcher.cjs"), "--warm-cache"], cwd=ROOT,
                          capture_output=True, text=True)
    if warm.returncode != 0:
        raise RuntimeError("kernel/launcher.cjs --warm-cache failed:\n" + warm.stdout + warm.stderr)
    results = [one_kernel(kernel) for _ in range(runs)]
    keys = results[0].keys()
    med = {k: statistics.median(r[k] for r in results) for k in keys}
    lo = {k: min(r[k] for r in results) for k in keys}
    hi = {k: max(r[k] for r in results) for k in keys}
    labels = {
        "start": "kernel start (until kernel_info answers)",
        "first_import": 'first import from "./src/index"',
        "start_plus_import": "start + first import, compile cache filled (target <= 3 s)",
        "reimport": "re-running the import cell",
        "small_cell_median": "small cell round trip, median of 20 (target <= 100 ms)",
        "small_cell_max": "small cell round trip, slowest of 20",
        "trivial_cell_median": "`1 + 1` round trip, median of 20",
        "xor_fit_cell": "cell: XOR [2,4,1] fit, 10,000 epochs",
        "import_matrix_only": 'first import of "./src/matrix" alone (fresh kernel)',
        "cold_start": "cold: kernel start (MLP_KERNEL_CACHE=off)",
        "cold_first_import": "cold: first import, all of src/ type-checked and compiled",
        "cold_start_plus_import": "cold: start + first import",
    }
    print(f"kernel {kernel}, {runs} fresh kernels, load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    for k, label in labels.items():
        ms = lambda v: f"{v * 1e3:8.1f} ms"
        print(f"  {label:58s} {ms(med[k])}  [{ms(lo[k]).strip()} – {ms(hi[k]).strip()}]")
    if "--json" in argv:
        print(json.dumps({"runs": runs, "median": med, "min": lo, "max": hi, "all": results}))


if __name__ == "__main__":
    main(sys.argv[1:])
