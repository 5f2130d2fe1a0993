// What the grader writes: results.json, grades.csv, manual.csv/manual.md, feedback/<student>.md. Feedback
// is fixed Korean text per case; CSV cells are neutralised against formulas; written answers are fenced.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Plan } from "./plan-types";
import { fmtG } from "./format";
import { safeId } from "./ids";

export interface CaseResult {
  id: string;
  label: string;
  visibility: "public" | "hidden";
  passed: boolean;
  detail: string;
}

export interface QuestionResult {
  title?: string;
  points: number;
  kind: "auto" | "manual";
  score: number | null;
  cases: CaseResult[];
  comment?: string;
}

export interface Result {
  student: string;
  file: string;
  status: string;
  score: number;
  flags: string[];
  questions: Record<string, QuestionResult>;
  manual: Record<string, string>;
  message?: string;
  seconds?: number;
  first_error?: { where: string; question: string | null; cell: string; stderr: string };
  locked_failures?: (string | null)[];
  [k: string]: unknown;
}

export const STATUS_KO: Record<string, string> = {
  graded: "채점됨", "kernel-died": "커널 종료됨 (kernel died: process.exit() 또는 메모리 초과)",
  "kernel-unresponsive": "커널 응답 없음 (시간 초과 후 중단 실패)", unreadable: "읽을 수 없음 (unreadable: 아래 이유 참고)",
  "wrong-assignment": "다른 과제", "too-large": "파일이 너무 큼", "grader-error": "채점기 오류",
};

export function feedbackMd(plan: Plan, r: Result): string {
  const L = [`# ${plan.title} — ${r.student}`, ""];
  L.push(`- 상태(status): **${STATUS_KO[r.status] ?? r.status}**`);
  if (r.message) L.push(`- ${r.message}`);
  const autoMax = plan.questions.filter((q) => q.kind === "auto").reduce((s, q) => s + q.points, 0);
  L.push(`- 자동 채점 점수: **${fmtG(r.score)} / ${fmtG(autoMax)}**`);
  if (r.flags?.length) L.push("- 참고: " + r.flags.join(", "));
  if (r.first_error) L.push(`- 오류가 난 첫 셀: ${r.first_error.where}`);
  L.push("");
  for (const q of plan.questions) {
    const qr = r.questions?.[q.id];
    if (q.kind === "manual") {
      L.push(`## ${q.title} — 수동 채점 (${fmtG(q.points)}점 만점)`, "");
      continue;
    }
    L.push(`## ${q.title} — ${fmtG(qr?.score || 0)} / ${fmtG(q.points)}`);
    for (const c of qr?.cases ?? []) {
      const vis = c.visibility === "public" ? "공개" : "숨은 검사";
      let line = `- ${c.passed ? "✓" : "✗"} [${vis}] \`${c.id}\` — ${c.label}`;
      if (!c.passed && c.detail) line += ": " + c.detail;
      L.push(line);
    }
    L.push("");
  }
  return L.join("\n") + "\n";
}

/** A CSV cell a spreadsheet shows as text: a leading = + - @ tab or CR would start a formula. */
export function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? "" : String(v);
  return /^[=+\-@\t\r]/.test(s) ? "'" + s : s;
}

/** One CSV row as Python's csv module writes it (quoted only where needed, CRLF). */
export function csvRow(fields: string[]): string {
  return fields.map((f) => (/[",\r\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f)).join(",") + "\r\n";
}

/** Rows of CSV text (quoted fields with commas, doubled quotes and newlines). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [], field = "", quoted = false, any = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') { quoted = true; any = true; }
    else if (ch === ",") { row.push(field); field = ""; any = true; }
    else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      if (any || field || row.length) { row.push(field); rows.push(row); }
      row = []; field = ""; any = false;
    } else { field += ch; any = true; }
  }
  if (any || field || row.length) { row.push(field); rows.push(row); }
  return rows;
}

/** A written answer inside a fenced block longer than any backtick run in it: it cannot open headings,
 * close the block or forge another student's section. */
export function quotedBlock(text: string): string {
  const run = Math.max(2, ...(text.match(/`+/g) ?? []).map((m) => m.length)) + 1;
  const fence = "`".repeat(run);
  return `${fence} text\n${text.replace(/\r/g, "")}\n${fence}`;
}

export function writeReports(plan: Plan, results: Result[], outDir: string): void {
  mkdirSync(join(outDir, "feedback"), { recursive: true });
  const qids = plan.questions.map((q) => q.id);
  const maxp = plan.questions.reduce((s, q) => s + q.points, 0);
  writeFileSync(join(outDir, "results.json"), JSON.stringify({ assignment: plan.id, title: plan.title, max: maxp, questions: plan.questions, results }, null, 1));
  let csv = csvRow(["student", "status", ...qids, "total", "max", "flags"]);
  for (const r of results) {
    const row = [r.student, r.status];
    for (const q of plan.questions) {
      const sc = r.questions?.[q.id]?.score;
      row.push(sc === null || sc === undefined ? "" : fmtG(sc));
    }
    row.push(fmtG(r.score), fmtG(maxp), (r.flags ?? []).join("; "));
    csv += csvRow(row.map(csvCell));
  }
  writeFileSync(join(outDir, "grades.csv"), csv);
  const manualQ = plan.questions.filter((q) => q.kind === "manual");
  if (manualQ.length) {
    let m = csvRow(["student", "question", "max", "score", "comment", "answer"]);
    let md = "";
    for (const r of results) {
      for (const q of manualQ) {
        const qr = r.questions?.[q.id];
        const prev = qr?.score;
        m += csvRow([r.student, q.id, fmtG(q.points), prev === null || prev === undefined ? "" : fmtG(prev), qr?.comment ?? "", r.manual?.[q.id] ?? ""].map(csvCell));
        const ans = r.manual?.[q.id] || "(답 없음)";
        md += `## ${r.student} — ${q.title} (${fmtG(q.points)}점)\n\n${quotedBlock(ans)}\n\n`;
      }
    }
    writeFileSync(join(outDir, "manual.csv"), m);
    writeFileSync(join(outDir, "manual.md"), md);
  }
  for (const r of results) writeFileSync(join(outDir, "feedback", safeId(r.student) + ".md"), feedbackMd(plan, r));
}
