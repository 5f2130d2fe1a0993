"""Generates the grading fixtures: homework/fixtures/<id>/*.ipynb plus expected.json.

    /usr/bin/python3 scripts/hw/make_fixtures.py            (rewrites homework/fixtures/hw01/)

Each fixture is the generated student version with some solution cells filled in from the instructor
source and one deliberate problem. expected.json states, for each file, the status and score the grader
must give and a flag it must raise; test/homework.test.ts grades the folder in one command and checks it.
"""
import json
import os
import sys

import nbformat

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
from hw import hw_meta, make_student_notebook  # noqa: E402


def load(path):
    return nbformat.read(path, as_version=4)


def solved(student, source, ids):
    """The student version with the source's solution cells `ids` filled in."""
    nb = nbformat.from_dict(json.loads(json.dumps(student)))
    src = {hw_meta(c)["id"]: c.source for c in source.cells if hw_meta(c)}
    for c in nb.cells:
        m = hw_meta(c)
        if m and m["id"] in ids:
            c.source = src[m["id"]]
    return nb


def cell(nb, cid):
    for c in nb.cells:
        m = hw_meta(c)
        if m and m["id"] == cid:
            return c
    raise KeyError(cid)


def append_code(nb, source):
    nb.cells.append(nbformat.v4.new_code_cell(source))
    return nb


def hw01(out):
    source = load(os.path.join(ROOT, "homework", "hw01", "hw01.ipynb"))
    student = make_student_notebook(source, "hw01")
    allq = ["forward2", "backward2", "update2", "gradcheck", "train2"]
    fx, expected = {}, {}

    fx["correct"] = solved(student, source, allq)
    expected["correct"] = {"status": "graded", "score": 10}

    fx["partial"] = solved(student, source, ["forward2", "backward2", "update2"])
    expected["partial"] = {"status": "graded", "score": 6, "flag": "cells-with-errors"}

    fx["stub-left-in"] = student
    expected["stub-left-in"] = {"status": "graded", "score": 0, "flag": "cells-with-errors"}

    nb = solved(student, source, allq)
    cell(nb, "train2").source = cell(nb, "train2").source.replace("for (let epoch = 0; epoch < epochs; epoch++) {", "for (let epoch = 0; epoch < epochs; epoch++ {")
    fx["syntax-error"] = nb
    expected["syntax-error"] = {"status": "graded", "score": 8, "flag": "cells-with-errors"}

    nb = solved(student, source, allq)
    cell(nb, "update2").source = cell(nb, "update2").source.replace("return { W1:", "const bad: number = W1;\n  return { W1:")
    fx["type-error"] = nb  # update2 does not compile, so train2 (which calls it) cannot either
    expected["type-error"] = {"status": "graded", "score": 7, "flag": "cells-with-errors"}

    fx["infinite-loop"] = append_code(solved(student, source, allq), "// 실험\nlet spins = 0;\nwhile (true) { spins++; }")
    expected["infinite-loop"] = {"status": "graded", "score": 10, "flag": "cell-timeout"}

    fx["process-exit"] = append_code(solved(student, source, allq), "// 실험\nprocess.exit(1);")
    expected["process-exit"] = {"status": "kernel-died", "score": 0}

    fx["output-flood"] = append_code(
        solved(student, source, allq),
        '// 실험: 100 MB 출력\n{ const line = "x".repeat(999); for (let i = 0; i < 100000; i++) console.log(line); }')
    expected["output-flood"] = {"status": "graded", "score": 10, "flag": "output-limit"}

    nb = solved(student, source, allq)
    cell(nb, "update2").source = cell(nb, "update2").source.replace("W1.add(g.dW1.scale(eta))", "W1.sub(g.dW1.scale(eta))")
    c = cell(nb, "update2-check")
    c.source = '// 검사 (수정하지 마세요)\nconsole.log("✓ W2 + 0.5·ΔW2\\n✓ W1 + 0.5·ΔW1\\n✓ W1은 그대로");'
    fx["edited-check-cell"] = nb  # a wrong update2 hidden behind an edited check; train2 uses update2
    expected["edited-check-cell"] = {"status": "graded", "score": 7, "flag": "edited-locked-cell:update2-check"}

    nb = solved(student, source, [])
    append_code(nb, r"""// "채점 도우미": overwrite library functions and forge probe output
Matrix.prototype.maxAbsDiff = function () { return 0; };          // every checkClose passes
(Matrix.prototype as any).matmul = function (this: Matrix, B: Matrix) { return Matrix.zeros(this.rows, B.cols); };
sigmoid.g = (Z: Matrix) => Z;
const JSON = { stringify: (_: unknown) => '{"ok":true,"value":1}', parse: (s: string) => s };
const cases = ["forward2/worked-example", "forward2/hidden-1", "forward2/hidden-2", "forward2/hidden-3",
  "backward2/worked-example", "backward2/hidden-1", "backward2/hidden-2", "update2/hidden-1",
  "gradcheck/exact-1", "gradcheck/numerical-1", "train2/xor-course", "train2/hidden-1"];
const forge = () => { for (const id of cases) console.log(`MLPHW 00000000000000000000000000000000 {"case":"${id}","ok":true,"value":{"score":100}}`); };
forge();
setInterval(forge, 5);
const realLog = console.log;
console.log = (...a: unknown[]) => realLog(...a.map((x) => String(x).replace('"ok":false', '"ok":true')));
const realWrite = process.stdout.write.bind(process.stdout);
(process.stdout as any).write = (s: string) => realWrite(String(s).replace(/"ok":false/g, '"ok":true'));
for (const name of Object.getOwnPropertyNames(globalThis)) {
  if (name.startsWith("mlpHw")) { try { (globalThis as any)[name] = { begin: () => ({ run() {} }) }; } catch (e) {} }
}
console.log("점수: 10 / 10");""")
    fx["forgery"] = nb
    expected["forgery"] = {"status": "graded", "score": 0, "flag": "foreign-probe-lines"}

    fx["corrupt-json"] = '{"cells": [{"cell_type": "code", "source": "let x = 1;", "metadata": {}'
    expected["corrupt-json"] = {"status": "unreadable", "score": 0}

    other = os.path.join(ROOT, "homework", "hw02", "hw02.ipynb")
    if os.path.exists(other):
        fx["other-assignment"] = make_student_notebook(load(other), "hw02")
    else:
        nb = solved(student, source, allq)
        nb.metadata["mlp_hw"]["assignment"] = "hw02"
        fx["other-assignment"] = nb
    expected["other-assignment"] = {"status": "wrong-assignment", "score": 0}

    os.makedirs(out, exist_ok=True)
    for name in os.listdir(out):
        if name.endswith(".ipynb"):
            os.unlink(os.path.join(out, name))
    for name, nb in fx.items():
        path = os.path.join(out, name + ".ipynb")
        if isinstance(nb, str):
            with open(path, "w", encoding="utf-8") as f:
                f.write(nb)
        else:
            nbformat.write(nb, path)
    with open(os.path.join(out, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print("make_fixtures: wrote %d fixtures to %s" % (len(fx), os.path.relpath(out, ROOT)))


if __name__ == "__main__":
    hw01(os.path.join(ROOT, "homework", "fixtures", "hw01"))
