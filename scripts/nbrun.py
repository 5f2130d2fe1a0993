"""Execute notebooks on the project's tslab kernel, the way a student's Jupyter would.

Each notebook runs top to bottom in a fresh kernel through scripts/nbexec.py (nbclient). Every code cell's
execute_reply is checked: "error" (an exception or a TypeScript type error), "abort"/"aborted"
(tslab drops requests that arrive right after an error), a timeout and a dead kernel are all
failures, reported with the notebook path, the cell number, the cell's first line and the
kernel's stderr text. A cell only counts as passed when the kernel replied "ok".

Usage (normally through `npm test`, `npm run notebooks` or `npm run lessons`):
    python3 scripts/nbrun.py [--timeout S] [--out-dir DIR] [--html] NOTEBOOK...
    python3 scripts/nbrun.py --check-clean NOTEBOOK...

Needs JUPYTER_PATH to contain the project kernelspec (scripts/jupyter.mjs writes it).
"""

import argparse
import json
import os
import re
import sys
import time

try:
    import nbformat

    import nbexec  # the project's one nbclient executor (scripts/nbexec.py)
except ImportError as e:  # pragma: no cover - the Node wrapper checks this first
    sys.stderr.write(
        "nbrun: Jupyter's Python packages are missing (%s).\n"
        "Run `npm run setup` (or: apt-get install jupyter-nbconvert python3-nbclient).\n" % e
    )
    sys.exit(3)

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def first_line(source):
    for line in source.splitlines():
        if line.strip():
            return line.strip()[:100]
    return "(empty cell)"


def cell_text_outputs(cell):
    """stderr streams and error outputs of a cell, as plain text."""
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream" and out.get("name") == "stderr":
            parts.append(out.get("text", ""))
        elif out.get("output_type") == "error":
            tb = out.get("traceback") or []
            text = "\n".join(tb) if tb else "%s: %s" % (out.get("ename", ""), out.get("evalue", ""))
            parts.append(re.sub(r"\x1b\[[0-9;]*m", "", text))
    text = "".join(parts).strip()
    # Stack frames inside node and tslab say nothing about the student's code.
    keep = [l for l in text.splitlines() if not re.search(r"^\s+at .*(node:|node_modules[\\/]tslab|sigintHandlersWrap)", l)]
    return "\n".join(keep).strip()


def check_clean(paths):
    """Committed notebooks carry no outputs and no execution counts."""
    problems = []
    for path in paths:
        try:
            nb = nbformat.read(path, as_version=4)
        except Exception as e:  # noqa: BLE001 - report any parse failure with the path
            problems.append("%s: cannot be read as a notebook: %s" % (path, e))
            continue
        for i, cell in enumerate(nb.cells, start=1):
            if cell.cell_type != "code":
                continue
            if cell.get("outputs") or cell.get("execution_count") is not None:
                problems.append(
                    "%s: cell %d (%s) carries outputs or an execution count; clear them before committing"
                    % (path, i, first_line(cell.source))
                )
    return problems


class Failure:
    def __init__(self, index, kind, cell, detail=""):
        self.index = index  # 1-based cell number as Jupyter front ends count them
        self.kind = kind
        self.first = first_line(cell.source)
        self.detail = detail or cell_text_outputs(cell)

    def describe(self, path):
        head = "%s: cell %d (%s): %s" % (path, self.index, self.first, self.kind)
        if self.detail:
            body = "\n".join("      " + l for l in self.detail.splitlines()[:40])
            return head + "\n" + body
        return head


class CouldNotRun(Exception):
    """The kernel could not be started or the executor failed (its text names the exception)."""


def run_notebook(path, kernel_name, timeout, startup_timeout):
    """Returns (executed notebook, list of Failure, seconds)."""
    nb = nbformat.read(path, as_version=4)
    rec = nbexec.execute(nb, {
        "kernel": {"name": kernel_name, "startup_timeout": startup_timeout},
        "cwd": os.path.dirname(os.path.abspath(path)),
        "timeout": timeout,
        "on_timeout": "stop",
        "retry_aborted": 0,
    })
    if rec["status"] == "error":
        raise CouldNotRun(rec.get("error", "the executor failed"))
    failures = []
    for c in rec["cells"]:
        index, cell, status = c["index"], nb.cells[c["index"]], c["status"]
        if status in ("ok", "empty", "markdown", "not-run"):
            continue
        if status == "timeout":
            failures.append(Failure(index + 1, "timed out after %d s" % timeout, cell))
        elif status == "dead":
            failures.append(Failure(index + 1, "the kernel died (process.exit() or a crash)", cell))
        elif status == "aborted":
            failures.append(Failure(index + 1, "aborted by the kernel after an earlier error", cell))
        elif status == "error":
            failures.append(Failure(index + 1, "error", cell))
        else:
            failures.append(Failure(index + 1, "no reply status (%r)" % (None if status == "no-reply" else status), cell))
    if rec["status"] == "kernel-died" and not any(c["status"] == "dead" for c in rec["cells"]):
        raise CouldNotRun("DeadKernelError: the kernel died before any cell ran")
    return nb, failures, rec["seconds"]


def export_html(nb, dest):
    """Standalone HTML: plots inlined by the notebook itself, MathJax inlined here, no CDN."""
    from nbconvert import HTMLExporter

    mathjax = os.path.join(ROOT, "node_modules", "mathjax", "es5", "tex-svg-full.js")
    with open(mathjax, encoding="utf-8") as f:
        mathjax_js = f.read()
    exporter = HTMLExporter(
        template_name="offline",
        extra_template_basedirs=[os.path.join(HERE, "nbconvert")],
    )
    body, _ = exporter.from_notebook_node(nb, resources={"mlp_mathjax_js": mathjax_js})
    with open(dest, "w", encoding="utf-8") as f:
        f.write(body)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("notebooks", nargs="+")
    ap.add_argument("--kernel", default="mlp-course")
    ap.add_argument("--timeout", type=int, default=120, help="seconds per cell")
    ap.add_argument("--startup-timeout", type=int, default=60)
    ap.add_argument("--out-dir", help="write executed notebooks here")
    ap.add_argument("--html", action="store_true", help="also export standalone HTML into --out-dir")
    ap.add_argument("--check-clean", action="store_true", help="only check that notebooks carry no outputs")
    ap.add_argument("--json", help="write a JSON summary here")
    args = ap.parse_args(argv)

    if args.check_clean:
        problems = check_clean(args.notebooks)
        for p in problems:
            print("  ✗ " + p)
        dirty = len({p.split(": ")[0] for p in problems})
        print("clean-notebooks: %d passed, %d failed" % (len(args.notebooks) - dirty, dirty))
        return 1 if problems else 0

    summary = []
    passed = failed = 0
    total_start = time.monotonic()
    for path in args.notebooks:
        rel = os.path.relpath(path, ROOT)
        try:
            nb, failures, seconds = run_notebook(path, args.kernel, args.timeout, args.startup_timeout)
        except Exception as e:  # noqa: BLE001 - a broken notebook file or kernel start must not hide the others
            failures, seconds, nb = [], 0.0, None
            print("  ✗ %s: could not run: %s" % (rel, e if isinstance(e, CouldNotRun) else "%s: %s" % (type(e).__name__, e)))
            failed += 1
            summary.append({"notebook": rel, "ok": False, "seconds": 0, "failures": [str(e)]})
            continue
        if failures:
            failed += 1
            print("  ✗ %s (%.1f s)" % (rel, seconds))
            for f in failures:
                print("    " + f.describe(rel))
        else:
            passed += 1
            print("  ✓ %s (%.1f s)" % (rel, seconds))
        sys.stdout.flush()
        summary.append(
            {
                "notebook": rel,
                "ok": not failures,
                "seconds": round(seconds, 2),
                "failures": [{"cell": f.index, "kind": f.kind, "first_line": f.first, "stderr": f.detail} for f in failures],
            }
        )
        if args.out_dir and nb is not None:
            os.makedirs(args.out_dir, exist_ok=True)
            stem = os.path.splitext(os.path.basename(path))[0]
            nbformat.write(nb, os.path.join(args.out_dir, stem + ".ipynb"))
            if args.html:
                export_html(nb, os.path.join(args.out_dir, stem + ".html"))
    print("notebooks took %.1f s" % (time.monotonic() - total_start))
    print("notebooks: %d passed, %d failed" % (passed, failed))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(summary, f, ensure_ascii=False, indent=1)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
