// The student kit (`npm run hw -- release`): no solution, hidden input or hidden expected value anywhere
// in it, and a student's `check` and `submit` work inside the kit alone (copied away from the
// instructor's checkout; only node_modules is shared).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, lstatSync, mkdtempSync, readFileSync, readdirSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { jupyterPython } from "./jupyter-python";

const ROOT = resolve(__dirname, "..");

const PY = jupyterPython();
const skip = PY ? false : "Jupyter's Python (nbclient, nbconvert) is not installed — run `npm run setup`";

function run(cwd: string, args: string[]): { status: number; out: string } {
  const r = spawnSync(process.execPath, [join(cwd, "scripts", "hw.mjs"), ...args], {
    cwd, encoding: "utf8", env: { ...process.env, MLP_PYTHON: PY ?? "" }, maxBuffer: 64 << 20,
  });
  return { status: r.status ?? -1, out: (r.stdout ?? "") + (r.stderr ?? "") };
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (n === "node_modules") return [];
    return lstatSync(p).isDirectory() ? files(p) : [p];
  });
}

const text = (c: { source: string | string[] }) => (Array.isArray(c.source) ? c.source.join("") : c.source);

test("release: the student kit holds no solution and no hidden value; check and submit work inside it alone", { skip }, () => {
  const kit = join(mkdtempSync(join(tmpdir(), "hw-kit-")), "kit");
  let r = run(ROOT, ["release", "--out", kit]);
  assert.equal(r.status, 0, r.out);
  const all = files(kit);
  const rel = all.map((p) => p.slice(kit.length + 1));
  for (const bad of [/grading\.ts$/, /fixtures/, /make_fixtures/, /plan\.ts$/, /^test\//, /^tools\//]) {
    assert.ok(!rel.some((p) => bad.test(p)), `no ${bad} in the kit: ${rel.filter((p) => bad.test(p))}`);
  }
  assert.ok(rel.includes("homework/hw01/hw01.ipynb") && rel.includes("homework/hw02/hw02.ipynb"), rel.join(" "));
  assert.ok(rel.includes("src/index.ts") && rel.some((p) => p.startsWith("notebooks/")));
  const blob = all.map((p) => readFileSync(p, "latin1")).join("\n");
  const utf = all.map((p) => readFileSync(p, "utf8")).join("\n");

  // solution text: every non-trivial line of every BEGIN/END SOLUTION region of the sources, except lines
  // the lessons or src/ themselves teach (course material, e.g. lesson 04's backward pass)
  // and lines the source's own released cells (setup, checks, prose) contain
  const released = ["hw01", "hw02"].flatMap((id) => JSON.parse(readFileSync(join(ROOT, "homework", id, `${id}.ipynb`), "utf8")).cells)
    .filter((c: any) => !["solution", "manual"].includes(c.metadata?.mlp_hw?.kind)).map(text);
  const material = files(join(ROOT, "notebooks")).concat(files(join(ROOT, "src"))).map((p) => readFileSync(p, "utf8")).concat(released).join("\n");
  let lines = 0;
  for (const id of ["hw01", "hw02"]) {
    const src = JSON.parse(readFileSync(join(ROOT, "homework", id, `${id}.ipynb`), "utf8"));
    for (const c of src.cells) {
      for (const m of text(c).matchAll(/BEGIN SOLUTION[^\n]*\n([\s\S]*?)(?:\/\/|<!--)\s*END SOLUTION/g)) {
        for (const line of m[1].split("\n").map((l) => l.trim()).filter((l) => l.length >= 25 && !material.includes(l))) {
          lines++;
          assert.ok(!utf.includes(line), `solution line in the kit: ${line}`);
        }
      }
    }
  }
  assert.ok(lines >= 10, `checked ${lines} solution lines`);
  for (const id of ["hw01", "hw02"]) {
    const cells = JSON.parse(readFileSync(join(kit, "homework", id, `${id}.ipynb`), "utf8")).cells;
    const answers = cells.filter((c: any) => ["solution", "manual"].includes(c.metadata?.mlp_hw?.kind));
    assert.ok(answers.length >= 4);
    for (const c of answers) assert.ok(!text(c).includes("BEGIN SOLUTION"), `${id}: no solution markers in ${c.metadata.mlp_hw.id}`);
  }

  // hidden cases: no id, no input, no expected value (17-digit numbers as JSON writes them)
  let values = 0;
  for (const id of ["hw01", "hw02"]) {
    const plan = JSON.parse(spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "scripts", "hw", "plan.ts"), join(ROOT, "homework", id)],
      { cwd: ROOT, encoding: "utf8", maxBuffer: 64 << 20 }).stdout);
    for (const c of plan.cases.filter((x: any) => x.visibility === "hidden")) {
      assert.ok(!utf.includes(`"${c.id}"`), `hidden case id ${c.id} in the kit`);
      const nums: number[] = [];
      const walk = (v: any) => { if (typeof v === "number") nums.push(v); else if (v && typeof v === "object") Object.values(v).forEach(walk); };
      walk(c.inputs);
      walk(c.expected);
      for (const x of nums.filter((x) => !Number.isInteger(x) && String(x).length >= 12).slice(0, 40)) {
        values++;
        assert.ok(!blob.includes(String(x)), `hidden value ${x} of ${c.id} in the kit`);
      }
    }
  }
  assert.ok(values >= 100, `checked ${values} hidden values`);

  // the kit alone: a student fills in hw01 and checks and submits it there
  symlinkSync(join(ROOT, "node_modules"), join(kit, "node_modules"));
  const nb = join(kit, "homework", "hw01", "hw01.ipynb");
  r = run(kit, ["check", nb]);
  assert.notEqual(r.status, 0, "the stub notebook fails its checks\n" + r.out);
  assert.match(r.out, /검사 셀 실패.*Q1 순전파 forward2/);
  r = run(kit, ["submit", nb, "--student", "s1", "--out", join(kit, "out")]);
  assert.notEqual(r.status, 0, r.out);
  assert.match(r.out, /--force/);
  assert.ok(!existsSync(join(kit, "out", "hw01-s1")), "no bundle without --force when checks fail");

  copyFileSync(join(ROOT, "homework", "fixtures", "hw01", "correct.ipynb"), nb);
  r = run(kit, ["check", nb]);
  assert.equal(r.status, 0, r.out);
  assert.match(r.out, /✓ Q1 순전파 forward2: 통과/);
  r = run(kit, ["submit", nb, "--student", "s1", "--out", join(kit, "out")]);
  assert.equal(r.status, 0, r.out);
  const man = JSON.parse(readFileSync(join(kit, "out", "hw01-s1", "manifest.json"), "utf8"));
  assert.equal(man.assignment, "hw01");
  assert.deepEqual(man.check.forward2, { passed: 1, total: 1 });

  // instructor commands are not part of the kit
  r = run(kit, ["grade", "hw01", join(kit, "out")]);
  assert.notEqual(r.status, 0);
  assert.match(r.out, /released assignment|student kit/);
});
