// The student's commands: check (public cases only, in Korean) and submit (a hand-in bundle).
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import type { Plan } from "./plan-types";
import { type Limits, bwrapAvailable, python } from "./execute";
import { gradeOne, readNotebookChecked } from "./grade";
import { sha256Bytes } from "./notebook";
import { type Result, STATUS_KO } from "./report";
import { writeFileSync } from "node:fs";

export const MANUAL_STUB = "_여기에 답을 쓰세요._";

export function studentLimits(limits: Limits): Limits {
  if (limits.sandbox && !bwrapAvailable()) {
    console.log("(참고: bubblewrap이 없어 샌드박스 없이 검사합니다 — checking without a sandbox: bwrap is not installed)");
    return { ...limits, sandbox: false };
  }
  return limits;
}

/** Prints the public checks' outcome; true when everything the student can check passed. */
export function printCheck(plan: Plan, r: Result): boolean {
  console.log(`\n${plan.title} — ${basename(r.file)}  [공개 검사만 (public checks only)]`);
  if (r.status !== "graded") console.log(`  상태: ${STATUS_KO[r.status] ?? r.status}${r.message ? " — " + r.message : ""}`);
  let allOk = r.status === "graded";
  for (const q of plan.questions) {
    const qr = r.questions[q.id];
    if (q.kind === "manual") {
      const ans = (r.manual?.[q.id] || "").trim();
      const filled = ans && !ans.includes(MANUAL_STUB);
      console.log(`  · ${q.title}: 수동 채점 — ${filled ? "답을 썼습니다" : "아직 답이 없습니다"}`);
      continue;
    }
    if (!qr.cases.length) {
      console.log(`  · ${q.title}: 공개 검사 없음 (숨은 검사로만 채점)`);
      continue;
    }
    const ok = qr.cases.every((c) => c.passed);
    allOk &&= ok;
    console.log(`  ${ok ? "✓" : "✗"} ${q.title}: ${ok ? "통과 (passed)" : "실패 (failed)"}`);
    for (const c of qr.cases) if (!c.passed) console.log(`      - ${c.label}: ${c.detail}`);
  }
  const lf = r.locked_failures ?? [];
  const locked = lf.filter((q) => q).length ? lf.filter((q) => q) : lf.length ? [null] : [];
  if (locked.length) {
    // the notebook's own check cells ("검사 (수정하지 마세요)") failed: name the questions
    allOk = false;
    for (const q of new Set(locked)) console.log(`  ✗ 검사 셀 실패 (a locked check cell failed): ${q || "준비 셀"}`);
  }
  if (r.first_error) {
    const fe = r.first_error;
    console.log(`  첫 오류: ${fe.where} — ${fe.cell}\n      ${fe.stderr.replace(/\n/g, "\n      ").slice(0, 600)}`);
  }
  if (r.flags?.length) console.log("  참고: " + r.flags.join(", "));
  console.log("  (공개 검사만 실행했습니다. 최종 점수는 숨은 검사로 매겨집니다.)");
  return allOk;
}

export function cmdCheck(plan: Plan, notebook: string, limits: Limits): number {
  const r = gradeOne(plan, resolve(notebook), studentLimits(limits), { publicOnly: true });
  return printCheck(plan, r) ? 0 : 1;
}

const sha256File = (p: string) => sha256Bytes(readFileSync(p));

export function cmdSubmit(plan: Plan, notebook: string, limits0: Limits, opts: { student?: string; out?: string; force: boolean }): number {
  const path = resolve(notebook);
  const limits = studentLimits(limits0);
  const [, err] = readNotebookChecked(path, plan, limits.max_notebook_mb);
  if (err) {
    console.log(`submit: 제출할 수 없습니다 — ${err[1]}`);
    return 1;
  }
  const student = opts.student || process.env.USER || "student";
  if (!/^[\p{L}\p{N}\p{M}_.-]+$/u.test(student)) {
    console.log("submit: --student 에는 글자, 숫자, . _ - 만 쓰세요");
    return 1;
  }
  const outRoot = opts.out || join(dirname(path), "submission");
  const bundle = join(outRoot, `${plan.id}-${student}`);
  if (existsSync(bundle) && !opts.force) {
    console.log(`submit: ${bundle} 가 이미 있습니다 (덮어쓰려면 --force)`);
    return 1;
  }
  const before = sha256File(path);
  const work = mkdtempSync(join(tmpdir(), "mlp-hw-submit-"));
  const executed = join(work, "executed.ipynb");
  const r = gradeOne(plan, path, limits, { publicOnly: true, executedOut: executed, student });
  const ok = printCheck(plan, r);
  if (!ok && !opts.force) {
    console.log("\nsubmit: 공개 검사 중 실패한 것이 있어 제출 묶음을 만들지 않았습니다. 고친 뒤 다시 하거나, " +
      "이대로 제출하려면 --force 를 붙이세요 (checks failed; add --force to submit anyway)");
    return 1;
  }
  mkdirSync(bundle, { recursive: true });
  const nbName = `${plan.id}.ipynb`;
  copyFileSync(path, join(bundle, nbName));
  let htmlName: string | null = `${plan.id}.html`;
  // HTML of the executed copy: nbconvert's exporter, a separate step (no kernel runs here)
  const conv = spawnSync(python(), ["-m", "jupyter", "nbconvert", "--to", "html", "--output-dir", work, "--output", plan.id, executed], { encoding: "utf8" });
  if (conv.status === 0 && existsSync(join(work, htmlName))) renameSync(join(work, htmlName), join(bundle, htmlName));
  else {
    console.log(`submit: HTML 변환 실패 (${(conv.stderr || String(conv.error ?? conv.status)).trim().split("\n").pop()}); 노트북과 manifest만 저장합니다`);
    htmlName = null;
  }
  const files: Record<string, string> = { [nbName]: sha256File(join(bundle, nbName)) };
  if (htmlName) files[htmlName] = sha256File(join(bundle, htmlName));
  const check: Record<string, { passed: number; total: number }> = {};
  for (const [q, v] of Object.entries(r.questions)) if (v.kind === "auto") check[q] = { passed: v.cases.filter((c) => c.passed).length, total: v.cases.length };
  const manifest = {
    assignment: plan.id, student, notebook: nbName, html: htmlName,
    created: new Date().toISOString().slice(0, 19) + "+00:00",
    source_sha256: before, files, check, check_status: r.status, flags: r.flags,
  };
  writeFileSync(join(bundle, "manifest.json"), JSON.stringify(manifest, null, 1));
  if (sha256File(path) !== before) console.log("submit: 경고 — 제출 중 노트북 파일이 바뀌었습니다");
  console.log(`\nsubmit: 제출 묶음을 만들었습니다: ${bundle}`);
  console.log(`  ${readdirSync(bundle).sort().join(", ")}`);
  if (!ok) console.log("  경고: 공개 검사 중 실패한 것이 있는 채로 제출했습니다 (--force)");
  return 0;
}
