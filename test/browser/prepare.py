"""Executes the display fixture notebook on the project kernel and exports it to HTML for the browser check.

Run by test/browser/run.mjs with Debian's /usr/bin/python3 (nbclient, nbformat, nbconvert) and
JUPYTER_PATH pointing at the project kernelspec (kernel "mlp-course").

Steps, each failing loudly (exit 1, message on stderr):
  1. execute the fixture cell by cell; every execute_reply must be "ok" and no cell may write to stderr;
     execute it a second time in a fresh kernel: the outputs must be identical (deterministic ids);
  2. nbformat.validate the executed notebook; every application/vnd.plotly.v1+json output must be a JSON
     object (dict), never a string; the notebook must carry exactly one inlined plotly.js;
  3. write manifest.json: per figure its div id, trace count and trace types (the browser checks these);
  4. write variants and export each with `python3 -m jupyter nbconvert --to html`:
       executed        as executed (plotly.js output first)
       reordered       the output carrying plotly.js moved to the END of the last code cell
       classic         as executed, nbconvert's classic template
       noplotly        the plotly.js output removed (every figure must show its fallback text)

Usage: prepare.py FIXTURE.ipynb OUT_DIR
"""

import copy
import json
import os
import re
import subprocess
import sys

import nbformat

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import nbexec  # noqa: E402 - the project's one nbclient executor (scripts/nbexec.py)

PLOTLY_MIME = "application/vnd.plotly.v1+json"
LOADER_MARK = "mlp-plotly-loader"


def fail(msg):
    sys.stderr.write("prepare.py: " + msg + "\n")
    sys.exit(1)


def first_line(src):
    return next((l.strip() for l in src.splitlines() if l.strip()), "(empty)")[:80]


def html_of(out):
    h = out.get("data", {}).get("text/html", "")
    return "".join(h) if isinstance(h, list) else h


def execute(path):
    nb = nbformat.read(path, as_version=4)
    rec = nbexec.execute(nb, {
        "kernel": {"name": "mlp-course", "startup_timeout": 60},
        "cwd": os.path.dirname(os.path.abspath(path)),
        "timeout": 180,
        "on_timeout": "stop",
        "retry_aborted": 0,
        "skip_empty": False,
    })
    if rec["status"] == "error":
        fail("could not run %s: %s" % (path, rec.get("error")))
    for c in rec["cells"]:
        if c["status"] == "markdown":
            continue
        cell = nb.cells[c["index"]]
        stderr = "".join(
            o.get("text", "") for o in cell.outputs if o.get("output_type") == "stream" and o.get("name") == "stderr"
        )
        if c["status"] != "ok" or stderr:
            fail("cell %d (%s): reply %r\n%s" % (c["index"] + 1, first_line(cell.source), c["status"], stderr))
    return nb


def main():
    if len(sys.argv) != 3:
        fail("usage: prepare.py FIXTURE.ipynb OUT_DIR")
    fixture, out_dir = sys.argv[1], sys.argv[2]
    os.makedirs(out_dir, exist_ok=True)

    committed = nbformat.read(fixture, as_version=4)
    for i, c in enumerate(committed.cells):
        if c.cell_type == "code" and (c.get("outputs") or c.get("execution_count") is not None):
            fail("%s: cell %d is committed with outputs; clear them" % (fixture, i + 1))

    nb = execute(fixture)
    nbformat.validate(nb)
    # Deterministic output: a second fresh run must give byte-identical outputs (div ids are a counter
    # plus a hash of the figure, never random).
    again = execute(fixture)
    for i, (a, b) in enumerate(zip(nb.cells, again.cells)):
        if json.dumps(a.get("outputs", []), sort_keys=True) != json.dumps(b.get("outputs", []), sort_keys=True):
            fail("cell %d (%s): outputs differ between two fresh runs" % (i + 1, first_line(a.source)))

    figures, loaders, tables, live = [], [], [], []
    for ci, cell in enumerate(nb.cells):
        for oi, out in enumerate(cell.get("outputs", [])):
            data = out.get("data", {})
            html = html_of(out)
            if LOADER_MARK in html:
                loaders.append((ci, oi))
            if "<table" in html:
                tables.append({"cell": ci, "rows": html.count("<tr>") - 1})
            if PLOTLY_MIME in data:
                fig = data[PLOTLY_MIME]
                if not isinstance(fig, dict):
                    fail("cell %d output %d: %s is a %s, not a JSON object" % (ci + 1, oi, PLOTLY_MIME, type(fig).__name__))
                if not {"text/html", "text/plain"} <= set(data):
                    fail("cell %d output %d: bundle lacks text/html or text/plain: %s" % (ci + 1, oi, sorted(data)))
                m = re.search(r'<div id="(mlp-fig-[^"]+)"', html)
                if not m:
                    fail("cell %d output %d: no figure div in text/html" % (ci + 1, oi))
                entry = {
                    "cell": ci,
                    "id": m.group(1),
                    "traces": len(fig["data"]),
                    "types": [t.get("type") for t in fig["data"]],
                    "summary": "".join(data["text/plain"]) if isinstance(data["text/plain"], list) else data["text/plain"],
                }
                figures.append(entry)
                if "liveLoss(" in cell.source:
                    live.append(dict(entry, outputs_in_cell=len(cell.outputs), points=len(fig["data"][0]["y"])))

    if len(loaders) != 1:
        fail("expected exactly one output carrying plotly.js, found %d" % len(loaders))
    if len(figures) < 3:
        fail("expected at least 3 figures, found %d" % len(figures))
    if len(live) != 1:
        fail("expected one live-updated figure, found %d" % len(live))
    if live[0]["outputs_in_cell"] != 1:
        fail("the live cell kept %d outputs; only the final figure should stay" % live[0]["outputs_in_cell"])
    if not tables:
        fail("no DataFrame table output")
    ids = [f["id"] for f in figures]
    if len(set(ids)) != len(ids):
        fail("figure div ids are not unique: %s" % ids)

    executed_path = os.path.join(out_dir, "executed.ipynb")
    nbformat.write(nb, executed_path)
    size = os.path.getsize(executed_path)

    # Variant: the plotly.js output moved to the very end of the notebook.
    reordered = copy.deepcopy(nb)
    ci, oi = loaders[0]
    loader = reordered.cells[ci].outputs.pop(oi)
    last_code = max(i for i, c in enumerate(reordered.cells) if c.cell_type == "code")
    reordered.cells[last_code].outputs.append(loader)
    nbformat.validate(reordered)
    nbformat.write(reordered, os.path.join(out_dir, "reordered.ipynb"))

    # Variant: no plotly.js at all (figures must show their fallback text, not break).
    noplotly = copy.deepcopy(nb)
    noplotly.cells[ci].outputs.pop(oi)
    nbformat.write(noplotly, os.path.join(out_dir, "noplotly.ipynb"))

    exports = {}
    for name, template in (("executed", "lab"), ("reordered", "lab"), ("classic", "classic"), ("noplotly", "lab")):
        src = os.path.join(out_dir, ("executed" if name == "classic" else name) + ".ipynb")
        cmd = [
            sys.executable, "-m", "jupyter", "nbconvert", "--to", "html", "--template", template,
            "--output-dir", out_dir, "--output", name, src,
        ]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            fail("nbconvert failed for %s:\n%s" % (name, r.stderr))
        exports[name] = os.path.join(out_dir, name + ".html")

    manifest = {
        "executed_bytes": size,
        "figures": figures,
        "live": live[0],
        "tables": tables,
        "loader": {"cell": ci, "output": oi},
        "exports": exports,
    }
    with open(os.path.join(out_dir, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1, ensure_ascii=False)
    print(json.dumps({"figures": len(figures), "executed_bytes": size, "exports": sorted(exports)}))


if __name__ == "__main__":
    main()
