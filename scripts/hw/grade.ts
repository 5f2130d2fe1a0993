// Grading: one notebook (gradeOne, also what check and submit run with the public cases only), and a
// folder of submissions (cmdGrade), each graded in a child process of its own with a hard time limit.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, relative } from "node:path";
import type { Plan } from "./plan-types";
import { buildGradingNotebook, guardCell, tamperFlags } from "./build";
import { sweepCgroups } from "./cgroup";
import { compareCase } from "./compare";
import { type Skipped, discover, readRegular } from "./discover";
import { DEFAULTS, type LimitName, type Limits, ROOT, WALL_FACTOR, bwrapAvailable, execute, warmCells, warmKernelCache } from "./execute";
import { fmtF, fmtG, head, ljust, rjust, round, tail } from "./format";
import { type Cell, type Notebook, NotebookError, cellText, firstLine, hwMeta, isDict, nbAssignment, parseNotebook, sha256Bytes } from "./notebook";
import { PROBE_MAX_BYTES, countStdoutProbeLines, parseProbeChannel } from "./probe";
import { type Result, writeReports } from "./report";
import { writeNotebook } from "./notebook";

const monotonic = () => performance.now() / 1000;
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** (notebook, null) or (null, [status, message]): size, JSON, nbformat schema and assignment. Messages are
 * fixed text: nothing of the file is echoed. */
export function readNotebookChecked(path: string, plan: Plan, maxMb: number): [Notebook, null] | [null, [string, string]] {
  const size = statSync(path).size;
  if (size > maxMb * 1024 * 1024) return [null, ["too-large", `파일이 너무 큽니다: ${fmtF(size / 1048576, 1)} MB > ${fmtF(maxMb, 1)} MB`]];
  let text: string;
  try {
    // bytes that are not UTF-8 make the file unreadable (as they did in the Python grader), never U+FFFD
    text = strictUtf8.decode(readFileSync(path));
  } catch (e) {
    if (!(e instanceof TypeError && "code" in e && e.code === "ERR_ENCODING_INVALID_ENCODED_DATA")) throw e;
    return [null, ["unreadable", "노트북을 읽을 수 없습니다 (UTF-8이 아닌 바이트가 있습니다)"]];
  }
  let nb: Notebook;
  try {
    nb = parseNotebook(text);
  } catch (e) {
    if (!(e instanceof NotebookError) && !(e instanceof RangeError)) throw e;
    return [null, ["unreadable", "노트북을 읽을 수 없습니다 (JSON 또는 nbformat 형식 오류)"]];
  }
  const meta = nb.metadata.mlp_hw;
  const locked = isDict(meta) ? ("locked_sha256" in meta ? meta.locked_sha256 : {}) : null;
  if (meta !== undefined && meta !== null && !(isDict(locked) && Object.values(locked).every((v) => typeof v === "string"))) {
    // the grader reads this metadata (the locked cells' hashes): anything but {id: hex} is a broken file
    return [null, ["unreadable", "노트북의 과제 정보(metadata.mlp_hw)가 올바르지 않습니다"]];
  }
  const got = nbAssignment(nb);
  if (got !== plan.id) {
    const shown = typeof got === "string" && /^[A-Za-z0-9_-]{1,20}$/.test(got) ? got : "?";
    return [null, ["wrong-assignment", `다른 과제의 노트북입니다: ${shown} (기대: ${plan.id})`]];
  }
  return [nb, null];
}

/** Title of the question a grading cell belongs to (a check cell: the question answered just before it). */
function cellQuestion(src: Notebook, cell: Cell, plan: Plan): string | null {
  const cid = cell.metadata.mlp_hw_id;
  if (!cid) return null;
  const titles = new Map(plan.questions.map((q) => [q.id, q.title]));
  let last: string | null = null;
  for (const c of src.cells) {
    const m = hwMeta(c);
    if (!m) continue;
    if (titles.has(m.id)) last = m.id;
    if (m.id === cid) return last ? titles.get(last) ?? null : null;
  }
  return null;
}

/** A fixed description of a cell for feedback: its kind and question, never its text. */
function cellPlace(src: Notebook, cell: Cell, plan: Plan): string {
  const cid = cell.metadata.mlp_hw_id;
  if (!cid) return "학생이 추가한 셀";
  const kind = src.cells.map(hwMeta).find((m) => m?.id === cid)?.kind;
  const q = cellQuestion(src, cell, plan);
  const what = ({ setup: "준비 셀", check: "검사 셀", solution: "답안 셀" } as Record<string, string>)[String(kind)] ?? "셀";
  return `${what} \`${cid}\`${q ? ` (${q})` : ""}`;
}

/** Where locked cells come from: the instructor's source, or in a student kit the pristine released copy. */
function sourceNotebook(plan: Plan): Notebook {
  if (plan.template) return parseNotebook(JSON.stringify(plan.template));
  return parseNotebook(readFileSync(plan.notebook, "utf8"));
}

const hex = (n: number) => randomBytes(n).toString("hex");

export function gradeOne(plan: Plan, path: string, limits: Limits, { publicOnly = false, executedOut = null as string | null, student = null as string | null } = {}): Result {
  const t0 = monotonic();
  const questions = plan.questions;
  const result: Result = {
    student: student || basename(path).replace(/\.[^.]*$/, ""),
    file: path.startsWith(ROOT) ? relative(ROOT, path) : path,
    assignment: plan.id, status: "graded", flags: [], questions: {}, score: 0,
    max: questions.filter((q) => q.kind === "auto" || !publicOnly).reduce((s, q) => s + q.points, 0),
    manual: {},
  };
  const cases = plan.cases.filter((c) => !publicOnly || c.visibility === "public");
  for (const q of questions) {
    result.questions[q.id] = { title: q.title, points: q.points, kind: q.kind, score: q.kind === "manual" ? null : 0, cases: [] };
  }
  const [sub, err] = readNotebookChecked(path, plan, limits.max_notebook_mb);
  if (err) {
    [result.status, result.message] = err;
    for (const c of cases) result.questions[c.question].cases.push({ id: c.id, label: c.label, visibility: c.visibility, passed: false, detail: "채점되지 않음" });
    result.seconds = round(monotonic() - t0, 2);
    return result;
  }
  const src = sourceNotebook(plan);
  const nonce = hex(16), tag = hex(4), guardName = "mlpHwGuard_" + hex(8);
  const built = buildGradingNotebook(src, sub!, plan, cases, nonce, guardName, tag);
  result.flags.push(...built.flags, ...tamperFlags(sub!));
  for (const q of questions) {
    if (q.kind === "manual") result.manual[q.id] = built.subById.get(q.id)?.source ?? "";
  }
  const scratch = mkdtempSync(join(tmpdir(), "mlp-hw-run-"));
  const logPath = join(scratch, "kernel.log"), probePath = join(scratch, "probe.txt");
  writeFileSync(logPath, "", { mode: 0o600 });
  writeFileSync(probePath, "", { mode: 0o600 });
  let info;
  let probeText = "";
  try {
    info = execute(built.nb, built.roles, limits, logPath, probePath);
    const fd = openSync(probePath, "r");
    try {
      const buf = Buffer.alloc(Math.min(PROBE_MAX_BYTES, statSync(probePath).size));
      const n = buf.length ? readSync(fd, buf, 0, buf.length, 0) : 0;
      probeText = buf.subarray(0, n).toString("utf8");
    } finally {
      closeSync(fd);
    }
  } finally {
    for (const f of [logPath, probePath]) {
      try {
        unlinkSync(f);
      } catch {
        // gone
      }
    }
    rmSync(scratch, { recursive: true, force: true });
  }
  const nb = info.nb;
  result.notes = info.notes;
  if (info.memory_peak_mb !== undefined) result.memory_peak_mb = info.memory_peak_mb;
  if (info.memory_cap_mb !== undefined) result.memory_cap_mb = info.memory_cap_mb;
  result.flags.push(...info.flags);
  if (info.status !== "completed") {
    result.status = info.status;
    if (info.error) result.grader_log = info.error; // for the instructor (results.json), never in feedback
  }
  const errors = info.cells.filter((c) => (c.status === "error" || c.status === "timeout") && ["free", "solution", "locked"].includes(c.role));
  if (errors.length) {
    result.flags.push(`cells-with-errors:${errors.length}`);
    const first = nb.cells[errors[0].index];
    result.first_error = {
      where: cellPlace(src, first, plan), question: cellQuestion(src, first, plan),
      cell: firstLine(first.source), stderr: head(cellText(first, "stderr").trim(), 600),
    };
    result.locked_failures = errors.filter((x) => x.role === "locked").map((x) => cellQuestion(src, nb.cells[x.index], plan));
  }
  const channel = parseProbeChannel(probeText, nonce);
  const forged = channel.forged + countStdoutProbeLines(nb);
  if (forged) result.flags.push(`foreign-probe-lines:${forged} (ignored)`);
  if (channel.duplicated.size) result.flags.push(`probe-channel-tampered:${channel.duplicated.size} (not credited)`);
  const probeErr = new Set<string>();
  built.roles.forEach((role, i) => {
    if (role.startsWith("probe:") && cellText(nb.cells[i], "stderr").trim()) probeErr.add(role.slice(6));
  });
  const forbiddenHits = [...channel.got.values()].filter((v) => v.error === "MlpHwForbidden").length;
  if (forbiddenHits) result.flags.push(`forbidden-api:${(plan.forbidden ?? []).join("/")} (${forbiddenHits} cases not credited)`);
  for (const c of cases) {
    const got = channel.got.get(c.id);
    let [ok, detail] = compareCase(c, got);
    if (got === undefined && probeErr.has(c.question)) detail = "검사 코드가 실행되지 않았습니다 (함수가 없거나, 컴파일되지 않거나, 시그니처가 다름)";
    result.questions[c.question].cases.push({ id: c.id, label: c.label, visibility: c.visibility, passed: ok, detail });
  }
  let total = 0;
  for (const q of questions) {
    const qr = result.questions[q.id];
    if (q.kind === "auto" && qr.cases.length) {
      const passed = qr.cases.filter((x) => x.passed).length;
      qr.score = round((q.points * passed) / qr.cases.length, 2);
      total += qr.score;
    }
  }
  result.score = round(total, 2);
  result.seconds = round(monotonic() - t0, 2);
  result.cells = info.cells.map(({ role, status, seconds, cpu_seconds, wall_limit, dropped_bytes }) => ({ role, status, seconds, cpu_seconds, wall_limit, dropped_bytes }));
  if (executedOut) writeNotebook(nb, executedOut);
  return result;
}

/** The command-line form of limits, for a child that grades one submission. */
export function limitArgs(limits: Limits): string[] {
  const a: string[] = [];
  for (const k of Object.keys(DEFAULTS) as LimitName[]) a.push("--" + k.replace(/_/g, "-"), String(limits[k]));
  if (limits.node) a.push("--node", limits.node);
  if (!limits.sandbox) a.push("--no-sandbox");
  if (typeof limits.kernel_cache === "string") a.push("--kernel-cache", limits.kernel_cache);
  else if (limits.kernel_cache === null) a.push("--no-kernel-cache");
  return a;
}

interface ChildJob {
  student: string;
  shown: string;
  /** The submission's own path (raw bytes), read again after grading. */
  path: Buffer;
  staged: string;
  digest: string;
  manifest: Record<string, unknown> | null;
  idFlags: string[];
}

function runChild(planPath: string, job: ChildJob, limits: Limits, workdir: string, executedDir: string | null): Promise<Result> {
  const resPath = join(workdir, `${hex(8)}.json`);
  const args = ["--import", "tsx", join(__dirname, "main.ts"), "grade-one", "--plan", planPath, "--submission", job.staged, "--result", resPath, "--student", job.student];
  if (executedDir) args.push("--executed", join(executedDir, job.student + ".ipynb"));
  args.push(...limitArgs(limits));
  const hard = WALL_FACTOR * (limits.notebook_timeout + 20 * limits.probe_timeout) + limits.startup_timeout + 60;
  const t0 = monotonic();
  return new Promise((done) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let out = "";
    const keep = (d: Buffer) => {
      out = tail(out + d.toString("utf8"), 4000);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // gone
      }
    }, hard * 1000);
    child.on("close", () => {
      clearTimeout(timer);
      if (existsSync(resPath)) return done(JSON.parse(readFileSync(resPath, "utf8")) as Result);
      done({
        student: job.student, file: job.staged, status: "grader-error", score: 0, flags: [], questions: {}, manual: {},
        seconds: round(monotonic() - t0, 2), message: "채점기 오류 (grader error)", grader_log: tail(out, 800),
      });
    });
  });
}

function blankResult(student: string, shown: string, status: string, message: string, flags: string[] = []): Result {
  return { student, file: shown, status, score: 0, flags, questions: {}, manual: {}, seconds: 0, message };
}

export async function cmdGrade(plan: Plan, planPath: string, folder: string, limits: Limits, out: string | null): Promise<number> {
  if (!existsSync(folder) || !statSync(folder).isDirectory()) {
    console.log(`grade: ${folder} is not a folder`);
    return 2;
  }
  if (limits.sandbox && !bwrapAvailable()) {
    console.log("grade: bubblewrap (bwrap) is missing or cannot create namespaces here; install the Debian package " +
      "`bubblewrap` (submissions are never graded outside the sandbox)");
    return 2;
  }
  const outDir = out || join(ROOT, "build", "grades", plan.id);
  mkdirSync(outDir, { recursive: true });
  const swept = sweepCgroups();
  if (swept) console.log(`grade: removed ${swept} cgroup folders left by graders that were killed`);
  const maxBytes = Math.trunc(limits.max_notebook_mb * 1048576);
  const skipped: Skipped[] = [];
  const found = discover(folder, maxBytes, plan.id, skipped);
  const entries = found.length + skipped.length;
  for (const s of skipped) console.log(`grade: skipped ${JSON.stringify(s.entry)} — ${s.reason}`);
  if (!found.length) {
    console.log(`grade: no submissions (*.ipynb or bundles with manifest.json) in ${folder}`);
    return 2;
  }
  const workdir = mkdtempSync(join(tmpdir(), "mlp-hw-grade-"));
  const stagedDir = join(workdir, "staged");
  mkdirSync(stagedDir);
  const executedDir = join(outDir, "executed");
  const byId = new Map<string, typeof found>();
  for (const item of found) byId.set(item.student, [...(byId.get(item.student) ?? []), item]);
  const jobs: ChildJob[] = [];
  const rows = new Map<string, Result>();
  for (const [student, items] of byId) {
    if (items.length > 1) {
      rows.set(student, blankResult(student, items.map((i) => i.shown).join(", "), "duplicate-student",
        `같은 학번으로 제출물이 ${items.length}개 있습니다 (채점하지 않음)`, [`duplicate-student:${items.length}`, ...items.flatMap((i) => i.flags)]));
      continue;
    }
    const { shown, path, data, problem, manifest, flags: idFlags } = items[0];
    if (problem === "too-large") {
      rows.set(student, blankResult(student, shown, "too-large", `파일이 너무 큽니다 (> ${fmtG(limits.max_notebook_mb)} MB)`, idFlags));
      continue;
    }
    if (problem || !data) {
      rows.set(student, blankResult(student, shown, "unreadable", problem ?? "노트북을 읽을 수 없습니다", idFlags));
      continue;
    }
    const staged = join(stagedDir, student + ".ipynb");
    writeFileSync(staged, data);
    jobs.push({ student, shown, path, staged, digest: sha256Bytes(data), manifest, idFlags });
  }
  const notes: string[] = [];
  if (limits.sandbox && limits.kernel_cache === undefined && jobs.length) {
    // before any submission runs: the kernels' compile cache, from the kit alone, read-only in every kernel
    const src = sourceNotebook(plan).cells.filter((c) => c.cell_type === "code").map((c) => c.source);
    const warm = warmKernelCache(limits, warmCells([guardCell("mlpHwGuard_warm", "warm", plan.forbidden ?? []), ...src]), workdir);
    limits = { ...limits, kernel_cache: warm.dir };
    notes.push(warm.note);
    console.log(`grade: ${warm.note}`);
  }
  console.log(`grade: ${byId.size} submissions of ${plan.id}, ${limits.parallel} in parallel (cell ${fmtG(limits.cell_timeout)}s, ` +
    `notebook ${fmtG(limits.notebook_timeout)}s, memory ${Math.trunc(limits.memory_mb)} MB, output ${fmtG(limits.cell_output_mb)} MB/cell)` +
    (limits.sandbox ? "" : " — NOT SANDBOXED"));
  const t0 = monotonic();
  const autoMax = plan.questions.reduce((s, q) => s + q.points, 0);
  const report = (r: Result) => {
    console.log(`  ${ljust(head(r.student, 28), 28)} ${ljust(r.status, 20)} ${rjust(fmtG(r.score), 6)} / ${ljust(fmtG(autoMax), 4)} ` +
      `${rjust(fmtF(r.seconds ?? 0, 1), 5)}s  ${head((r.flags ?? []).join("; "), 120)}`);
  };
  for (const r of rows.values()) report(r);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const job = jobs[next++];
      const r = await runChild(planPath, job, limits, workdir, executedDir);
      r.student = job.student;
      r.file = job.shown;
      r.sha256 = job.digest;
      r.flags = [...job.idFlags, ...(r.flags ?? [])];
      const man = job.manifest;
      if (man !== null) {
        const files = isDict(man.files) ? man.files : {};
        const want = typeof man.notebook === "string" ? files[man.notebook] : undefined;
        if (want && want !== job.digest) (r.flags ??= []).push("bundle-hash-mismatch");
      }
      for (const n of (r.notes as string[] | undefined) ?? []) if (!notes.includes(n)) notes.push(n);
      delete r.notes;
      report(r);
      rows.set(job.student, r);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.trunc(limits.parallel)) }, worker));
  const elapsed = monotonic() - t0;
  // the submissions as they are now, read the same way (a change during grading is reported; grading used
  // the bytes read before any kernel ran)
  const changed: string[] = [];
  for (const job of jobs) {
    let now: Buffer | null;
    try {
      now = readRegular(job.path, maxBytes);
    } catch {
      now = null;
    }
    if (now === null || sha256Bytes(now) !== job.digest) changed.push(job.shown);
    rows.get(job.student)!.unchanged = !changed.includes(job.shown);
  }
  rmSync(workdir, { recursive: true, force: true });
  const results = [...rows.keys()].sort().map((k) => rows.get(k)!);
  writeReports(plan, results, outDir);
  writeFileSync(join(outDir, "run.json"), JSON.stringify({
    seconds: round(elapsed, 2), submissions: results.length, entries, skipped, parallel: limits.parallel,
    sandbox: limits.sandbox ? "bubblewrap" : "none", notes, modified_submissions: changed,
  }, null, 1));
  for (const n of notes) console.log("grade: note: " + n);
  console.log(`grade: ${results.length} submissions graded in ${fmtF(elapsed, 1)} s → ${outDir} (results.json, grades.csv, feedback/` +
    `${plan.questions.some((q) => q.kind === "manual") ? ", manual.csv" : ""})`);
  const merged = found.length - byId.size;
  console.log(`grade: the folder's ${entries} entries: ${results.length} rows (${results.filter((r) => r.status === "graded").length} graded, ` +
    `${results.filter((r) => r.status !== "graded").length} not graded)${merged ? ` + ${merged} entries merged into duplicate-student rows` : ""}, ` +
    `${skipped.length} skipped (listed above)`);
  if (changed.length) {
    console.log(`grade: ERROR: submission files changed during grading: ${JSON.stringify(changed)}`);
    return 1;
  }
  console.log("grade: submission files unchanged (sha256 checked before and after)");
  return 0;
}

