// merge-manual: the instructor's scores for written answers (manual.csv) merged into results.json and grades.csv.
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Plan } from "./plan-types";
import { fmtG, reprStr, round } from "./format";
import { type QuestionResult, type Result, parseCsv, writeReports } from "./report";

const isFile = (p: string) => existsSync(p) && statSync(p).isFile();

/** A score as Python's float() reads it ("2", "1.5", "1e0", "inf", "nan"), or null. */
function parseScore(s: string): number | null {
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return Number(s);
  const m = /^([+-]?)(inf|infinity|nan)$/i.exec(s);
  if (!m) return null;
  return m[2].toLowerCase() === "nan" ? NaN : m[1] === "-" ? -Infinity : Infinity;
}

export function cmdMergeManual(plan: Plan, outDir: string, manual?: string): number {
  if (!plan.questions.some((q) => q.kind === "manual")) {
    console.log(`merge-manual: ${plan.id} has no written (manual) questions; nothing to merge`);
    return 0;
  }
  const manualCsv = manual || join(outDir, "manual.csv");
  if (!isFile(join(outDir, "results.json")) || !isFile(manualCsv)) {
    console.log(`merge-manual: ${outDir} needs results.json and manual.csv from \`grade\` (not found)`);
    return 2;
  }
  const data = JSON.parse(readFileSync(join(outDir, "results.json"), "utf8")) as { results: Result[] };
  const qpoints = new Map(plan.questions.filter((q) => q.kind === "manual").map((q) => [q.id, q.points]));
  const byStudent = new Map(data.results.map((r) => [r.student, r]));
  let merged = 0;
  const problems: string[] = [];
  const [header, ...rows] = parseCsv(readFileSync(manualCsv, "utf8"));
  for (const cells of rows) {
    const row = Object.fromEntries((header ?? []).map((h, i) => [h, cells[i]]));
    const s = row.student, q = row.question, score = (row.score ?? "").trim();
    if (!score) continue;
    const r = s !== undefined ? byStudent.get(s) : undefined;
    const points = q !== undefined ? qpoints.get(q) : undefined;
    if (!r || points === undefined) {
      problems.push(`unknown student/question: ${s ?? "None"} / ${q ?? "None"}`);
      continue;
    }
    const v = parseScore(score);
    if (v === null) {
      problems.push(`${s} / ${q}: score ${reprStr(score)} is not a number`);
      continue;
    }
    if (!(v >= 0 && v <= points)) {
      problems.push(`${s} / ${q}: score ${fmtG(v)} outside 0..${fmtG(points)}`);
      continue;
    }
    r.questions ??= {};
    const qr: QuestionResult = (r.questions[q!] ??= { points, kind: "manual", score: null, cases: [] });
    qr.score = v;
    if (row.comment) qr.comment = row.comment;
    merged++;
  }
  for (const r of data.results) r.score = round(Object.values(r.questions ?? {}).reduce((t, qr) => t + (qr.score || 0), 0), 2);
  for (const p of problems) console.log("merge-manual: " + p);
  writeReports(plan, data.results, outDir);
  console.log(`merge-manual: merged ${merged} manual scores into ${outDir} (grades.csv, results.json updated)`);
  return problems.length ? 1 : 0;
}
