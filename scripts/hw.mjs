// Homework CLI (see HOMEWORK.md):
//   npm run hw -- assign hw01 [--out FILE] [--force]          student version (solutions stubbed, checks locked)
//   npm run hw -- check path/to/hw01.ipynb                     public checks only, in Korean
//   npm run hw -- submit path/to/hw01.ipynb --student ID       hand-in bundle: notebook, HTML, manifest.json
//   npm run hw -- grade homework/hw01 FOLDER [--out DIR]       grade every submission in FOLDER
//   npm run hw -- merge-manual homework/hw01 GRADES_DIR [manual.csv]   merge manual scores back
//   npm run hw -- selftest hw01                                source = full marks, student version = 0
//   npm run hw -- release --out DIR [--force]                  the student kit (lessons, src/, assignments, public checks only)
// Limits for check/submit/grade: --cell-timeout S --probe-timeout S --notebook-timeout S --memory-mb N
//   --heap-mb N --cell-output-mb N --total-output-mb N --max-notebook-mb N --parallel N
// The grading plan (cases + expected values) is computed in Node from src/ (scripts/hw/plan.ts); the
// commands themselves are TypeScript (scripts/hw/main.ts), which runs notebooks through the project's
// one nbclient executor (scripts/nbexec.py) with the Python found here.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { ROOT, checkNode, ensureJupyter } from "./jupyter.mjs";

const USAGE = `usage:
  npm run hw -- assign <hw01|homework/hw01> [--out FILE] [--force]
  npm run hw -- check <notebook.ipynb>
  npm run hw -- submit <notebook.ipynb> --student <id> [--out DIR] [--force]
  npm run hw -- grade <homework/hw01> <folder> [--out DIR] [--parallel N] [--cell-timeout S] ...
  npm run hw -- merge-manual <homework/hw01> <grades-dir> [manual.csv]
  npm run hw -- selftest <hw01>
  npm run hw -- release --out <dir> [--force] [hw01 hw02 ...]`;

/**
 * @param {string} msg
 * @returns {never}
 */
function fail(msg, code = 2) {
  console.error(msg);
  process.exit(code);
}

const PUBLIC_PLAN = "public-checks.json";

/** homework/<id> for "hw01", "homework/hw01" or a path to the folder (instructor source: grading.ts). */
export function assignmentDir(arg, { studentKit = false } = {}) {
  if (!arg) fail(USAGE);
  const candidates = [resolve(arg), join(ROOT, "homework", arg)];
  const dir = candidates.find((d) => existsSync(join(d, "grading.ts")) || (studentKit && existsSync(join(d, PUBLIC_PLAN))));
  if (!dir) {
    if (!studentKit && candidates.some((d) => existsSync(join(d, PUBLIC_PLAN))))
      fail(`hw: "${arg}" is a released assignment (student kit): only check and submit work here`);
    fail(`hw: no assignment "${arg}" (looked for grading.ts in ${candidates.join(", ")})`);
  }
  return dir;
}

/** The plan for check/submit: the instructor's (grading.ts, public cases used) or a student kit's public checks. */
function checkPlan(dir, tmp) {
  if (existsSync(join(dir, "grading.ts"))) return makePlan(dir, tmp);
  const plan = JSON.parse(readFileSync(join(dir, PUBLIC_PLAN), "utf8"));
  plan.dir = dir;
  const file = join(tmp, `plan-${basename(dir)}.json`);
  writeFileSync(file, JSON.stringify(plan));
  return file;
}

/** The assignment id a notebook declares (metadata.mlp_hw.assignment), or null if unreadable. */
function notebookAssignment(file) {
  try {
    const nb = JSON.parse(readFileSync(file, "utf8"));
    return nb?.metadata?.mlp_hw?.assignment ?? null;
  } catch {
    return null;
  }
}

/** Writes the plan JSON for an assignment folder into a temp file; returns its path. */
export function makePlan(dir, tmp) {
  const r = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "scripts", "hw", "plan.ts"), dir], {
    cwd: ROOT,
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.status !== 0) fail(`hw: could not build the grading plan for ${dir}:\n${r.stderr}`, 1);
  const file = join(tmp, `plan-${basename(dir)}.json`);
  writeFileSync(file, r.stdout);
  return file;
}

/**
 * Runs one of the homework commands (scripts/hw/main.ts) with the Jupyter Python it needs.
 * @param {string[]} args
 * @param {string} python
 */
function hwCommand(args, python) {
  const r = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "scripts", "hw", "main.ts"), ...args], {
    cwd: ROOT,
    stdio: "inherit",
    env: { ...process.env, MLP_HW_PYTHON: python, PYTHONUNBUFFERED: "1" },
  });
  return r.status ?? 1;
}

function main(argv) {
  checkNode();
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === "-h" || cmd === "--help") {
    console.log(USAGE);
    return 0;
  }
  const py = ensureJupyter({ install: true });
  const tmp = mkdtempSync(join(tmpdir(), "mlp-hw-"));
  const node = ["--node", process.execPath];
  try {
    switch (cmd) {
      case "assign": {
        const dir = assignmentDir(rest[0]);
        return hwCommand(["assign", "--plan", makePlan(dir, tmp), ...rest.slice(1)], py);
      }
      case "check":
      case "submit": {
        const nbPath = rest.find((a) => !a.startsWith("--") && a.endsWith(".ipynb"));
        if (!nbPath || !existsSync(nbPath)) fail(`hw ${cmd}: give the notebook file (.ipynb)\n${USAGE}`);
        const id = notebookAssignment(nbPath);
        const at = rest.indexOf("--assignment");
        const want = at >= 0 ? rest[at + 1] : null;
        const chosen = want ?? id;
        if (!chosen) fail(`hw ${cmd}: ${nbPath} is not a homework notebook (no metadata.mlp_hw.assignment, or not valid JSON)`, 1);
        if (want && id && want !== id) fail(`hw ${cmd}: ${nbPath} is assignment ${id}, not ${want}`, 1);
        const args = rest.filter((a, i) => !(a === "--assignment" || (at >= 0 && i === at + 1)));
        return hwCommand([cmd, "--plan", checkPlan(assignmentDir(chosen, { studentKit: true }), tmp), ...node, ...args], py);
      }
      case "grade": {
        const dir = assignmentDir(rest[0]);
        if (!rest[1]) fail(USAGE);
        return hwCommand(["grade", "--plan", makePlan(dir, tmp), ...node, ...rest.slice(1)], py);
      }
      case "merge-manual": {
        const dir = assignmentDir(rest[0]);
        return hwCommand(["merge-manual", "--plan", makePlan(dir, tmp), ...rest.slice(1)], py);
      }
      case "selftest": {
        // The source must score full marks and the generated student version zero, without crashing.
        const dir = assignmentDir(rest[0]);
        const plan = makePlan(dir, tmp);
        const folder = join(tmp, "submissions");
        const meta = JSON.parse(readFileSync(plan, "utf8"));
        let st = hwCommand(["assign", "--plan", plan, "--out", join(folder, "student-version.ipynb")], py);
        if (st !== 0) return st;
        st = spawnSync("cp", [meta.notebook, join(folder, "source.ipynb")]).status ?? 1;
        if (st !== 0) fail("selftest: could not copy the source notebook", 1);
        const out = join(tmp, "grades");
        st = hwCommand(["grade", "--plan", plan, ...node, folder, "--out", out, ...rest.slice(1)], py);
        const res = JSON.parse(readFileSync(join(out, "results.json"), "utf8"));
        const auto = meta.questions.filter((q) => q.kind === "auto").reduce((s, q) => s + q.points, 0);
        const by = Object.fromEntries(res.results.map((r) => [r.student, r]));
        const okSource = by.source?.score === auto && by.source?.status === "graded";
        const okStudent = by["student-version"]?.score === 0 && by["student-version"]?.status === "graded";
        console.log(`selftest ${meta.id}: source ${by.source?.score}/${auto} ${okSource ? "✓" : "✗"}, ` +
          `student version ${by["student-version"]?.score}/${auto} ${okStudent ? "✓" : "✗"}`);
        return st === 0 && okSource && okStudent ? 0 : 1;
      }
      case "release":
        return release(rest, tmp, py);
      default:
        fail(`hw: unknown command "${cmd}"\n${USAGE}`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return 0;
}

/**
 * The student kit: what a student clones or downloads. Lessons, src/, the kernel, the student commands,
 * and per assignment the generated student notebook plus its public checks (cases marked "public" with
 * their expected values, and the pristine student notebook the locked cells are restored from).
 * Nothing of grading.ts, the solutions, the hidden cases or the fixtures is copied.
 */
function release(args, tmp, py) {
  const at = args.indexOf("--out");
  const out = at >= 0 ? resolve(args[at + 1] ?? "") : null;
  if (!out) fail("hw release: give the kit's folder with --out DIR");
  const force = args.includes("--force");
  const ids = args.filter((a, i) => !a.startsWith("--") && i !== at + 1);
  if (existsSync(out) && readdirSync(out).length > 0) {
    if (!force) fail(`hw release: ${out} is not empty; not overwriting (add --force to replace it)`, 1);
    rmSync(out, { recursive: true, force: true });
  }
  const hwRoot = join(ROOT, "homework");
  const assignments = ids.length ? ids : readdirSync(hwRoot).filter((d) => existsSync(join(hwRoot, d, "grading.ts")) && existsSync(join(hwRoot, d, `${d}.ipynb`))).sort();
  mkdirSync(out, { recursive: true });
  const copy = (rel) => cpSync(join(ROOT, rel), join(out, rel), { recursive: true, dereference: false, errorOnExist: false });
  for (const rel of ["src", "kernel", "notebooks", "README.md", "kernel-setup.md", "HOMEWORK.md", "tsconfig.json", "package-lock.json",
    "scripts/setup.mjs", "scripts/kernel-install.mjs", "scripts/start.mjs", "scripts/lessons.mjs", "scripts/notebooks.mjs",
    "scripts/jupyter.mjs", "scripts/nbrun.py", "scripts/nbexec.py", "scripts/nbconvert", "scripts/hw.mjs", "scripts/hw/sandbox.py",
    "scripts/hw/limited.py", "scripts/hw/kernel-preload.cjs", "scripts/hw/cells", "homework/lib/hwcheck.ts"]) {
    if (existsSync(join(ROOT, rel))) copy(rel);
  }
  // the student commands (check, submit); the plan builder stays with the instructor (it reads grading.ts)
  for (const f of readdirSync(join(ROOT, "scripts", "hw"))) {
    if (f.endsWith(".ts") && f !== "plan.ts") copy(join("scripts", "hw", f));
  }
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
  for (const k of ["test", "test:unit", "typecheck", "bench", "build:wasm"]) delete pkg.scripts[k];
  writeFileSync(join(out, "package.json"), JSON.stringify(pkg, null, 2) + "\n");
  const tsconfig = join(out, "tsconfig.json");
  if (existsSync(tsconfig)) {
    writeFileSync(tsconfig, readFileSync(tsconfig, "utf8").replace(/"include":\s*\[[^\]]*\]/, '"include": ["src/**/*.ts", "homework/**/*.ts"]'));
  }
  for (const id of assignments) {
    const dir = assignmentDir(id);
    const planFile = makePlan(dir, tmp);
    const plan = JSON.parse(readFileSync(planFile, "utf8"));
    const target = join(out, "homework", plan.id);
    mkdirSync(target, { recursive: true });
    const nbName = basename(plan.notebook);
    const st = hwCommand(["assign", "--plan", planFile, "--out", join(target, nbName)], py);
    if (st !== 0) return st;
    const pub = {
      id: plan.id, title: plan.title, notebook: nbName, questions: plan.questions, forbidden: plan.forbidden,
      cases: plan.cases.filter((c) => c.visibility === "public"),
      // the locked cells are restored from this copy, not from the notebook the student edits
      template: JSON.parse(readFileSync(join(target, nbName), "utf8")),
    };
    writeFileSync(join(target, PUBLIC_PLAN), JSON.stringify(pub));
  }
  console.log(`hw release: wrote the student kit to ${out} (${assignments.join(", ")}; public checks only)`);
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exit(main(process.argv.slice(2)));
}
