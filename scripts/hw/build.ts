// The grading notebook, rebuilt from the instructor source: the guard cell first, the source's setup/check
// cells (a submission's edits to them are ignored and flagged), the submission's solution cells and its own
// extra cells in place, then one probe cell per auto-graded question.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Case, Plan } from "./plan-types";
import { type Cell, type Notebook, hwMeta, isDict, newCodeCell, sha256Text } from "./notebook";

export const LOCKED_KINDS = new Set(["setup", "check"]);

/** A student id as the grader uses it in file names and rows (see discover.ts). */
import { safeId } from "./ids";

const GUARD_SOURCE = join(__dirname, "cells", "guard.ts");

/** The guard cell: cells/guard.ts's function, called with this run's global name and the library it needs. */
export function guardCell(name: string, tag: string, forbidden: readonly string[] = []): string {
  const text = readFileSync(GUARD_SOURCE, "utf8");
  const at = text.indexOf("// BEGIN CELL\n");
  if (at < 0) throw new Error(`${GUARD_SOURCE}: no "// BEGIN CELL" line`);
  const fn = text.slice(at + "// BEGIN CELL\n".length).replace(/^export function /m, "function ").trimEnd();
  const lines = [
    "// mlp-hw grader guard: runs before any submitted code (not part of the submission)",
    `import { Matrix as MlpHwMatrix_${tag} } from "./src/matrix";`,
  ];
  if (forbidden.length) lines.push(`import * as MlpHwLib_${tag} from "./src/index";`);
  lines.push("{", fn, `  mlpHwInstallGuard(${JSON.stringify(name)}, MlpHwMatrix_${tag}, ${forbidden.length ? `MlpHwLib_${tag}` : "null"}, ${JSON.stringify(forbidden)});`, "}");
  return lines.join("\n") + "\n";
}

/** A probe cell: each case's call on its inputs, reported through the guard. */
export function probeCell(name: string, nonce: string, cases: Case[]): string {
  const lines = ["// mlp-hw probe (grader-generated; hidden inputs)", `declare const ${name}: any;`, "{", `  const P = ${name}.begin(${JSON.stringify(nonce)});`];
  for (const c of cases) lines.push(`  P.run(${JSON.stringify(c.id)}, (I: any) => ${c.call}, ${JSON.stringify(JSON.stringify(c.inputs))});`);
  lines.push("}");
  return lines.join("\n");
}

export type Role = "guard" | "locked" | "solution" | "free" | `probe:${string}`;

export interface Built {
  nb: Notebook;
  roles: Role[];
  flags: string[];
  subById: Map<string, Cell>;
}

export function buildGradingNotebook(src: Notebook, sub: Notebook, plan: Plan, cases: Case[], nonce: string, guardName: string, tag: string): Built {
  const flags: string[] = [];
  const subById = new Map<string, Cell>();
  const anchored = new Map<string | null, Cell[]>([[null, []]]);
  let anchor: string | null = null;
  for (const cell of sub.cells) {
    const meta = hwMeta(cell);
    if (meta) {
      if (subById.has(meta.id)) flags.push(`duplicate-cell:${safeId(meta.id)}`);
      else subById.set(meta.id, cell);
      anchor = meta.id;
      if (!anchored.has(anchor)) anchored.set(anchor, []);
    } else if (cell.cell_type === "code") {
      if (!anchored.has(anchor)) anchored.set(anchor, []);
      anchored.get(anchor)!.push(cell);
    }
  }
  const hw = isDict(sub.metadata.mlp_hw) ? sub.metadata.mlp_hw : {};
  const lockedSha: Record<string, unknown> = isDict(hw.locked_sha256) ? hw.locked_sha256 : {};

  const cells: Cell[] = [];
  const roles: Role[] = [];
  const add = (source: string, role: Role, metaId?: string) => {
    cells.push(newCodeCell(source, metaId ? { mlp_hw_id: metaId } : {}));
    roles.push(role);
  };
  const addFree = (id: string | null) => {
    for (const cell of anchored.get(id) ?? []) add(cell.source, "free");
  };

  add(guardCell(guardName, tag, plan.forbidden ?? []), "guard");
  addFree(null);
  for (const scell of src.cells) {
    const meta = hwMeta(scell);
    if (!meta) continue;
    if (scell.cell_type !== "code") {
      // a Markdown cell with an id (a written answer): the student's code cells after it still run
      addFree(meta.id);
      continue;
    }
    const kind = meta.kind;
    if (typeof kind === "string" && LOCKED_KINDS.has(kind)) {
      add(scell.source, "locked", meta.id);
      const s = subById.get(meta.id);
      if (s === undefined) flags.push(`missing-locked-cell:${meta.id} (restored)`);
      else if (s.source !== scell.source) flags.push(`edited-locked-cell:${meta.id} (restored)`);
      if (meta.id in lockedSha && lockedSha[meta.id] !== sha256Text(scell.source)) flags.push(`stale-student-version:${meta.id}`);
    } else if (kind === "solution") {
      const s = subById.get(meta.id);
      if (s === undefined || s.cell_type !== "code") flags.push(`missing-solution-cell:${meta.id}`);
      else add(s.source, "solution", meta.id);
    }
    addFree(meta.id);
  }
  const byQ = new Map<string, Case[]>();
  for (const c of cases) byQ.set(c.question, [...(byQ.get(c.question) ?? []), c]);
  for (const q of plan.questions) {
    const qc = byQ.get(q.id);
    if (q.kind === "auto" && qc) add(probeCell(guardName, nonce, qc), `probe:${q.id}`);
  }
  const nb: Notebook = { nbformat: 4, nbformat_minor: 5, metadata: JSON.parse(JSON.stringify(src.metadata)), cells };
  return { nb, roles, flags, subById };
}

// Code patterns that may tamper with the kernel or the grader; flagged for the instructor, not scored.
const TAMPER_PATTERNS: [RegExp, string][] = [
  [/require\s*\.\s*cache|__tslab__|typescript-for-tslab|zeromq/, "kernel internals"],
  [/process\s*\.\s*(stdout|stderr)\s*\.\s*write\s*=/, "rewrites stdout"],
  [/console\s*\.\s*\w+\s*=(?!=)/, "rewrites console"],
  [/\bJSON\s*\.\s*\w+\s*=(?!=)|\bconst\s+JSON\b|\blet\s+JSON\b/, "rewrites JSON"],
  [/\b(Matrix|NeuralNetwork|Random|sigmoid)\s*\.\s*prototype\s*\.\s*\w+\s*=(?!=)/, "overwrites library methods"],
  [/Object\s*\.\s*defineProperty\s*\(\s*(Matrix|NeuralNetwork|globalThis)/, "redefines library or global properties"],
  [/MLPHW|mlpHwGuard/, "mentions the grader's probe protocol"],
];

export function tamperFlags(sub: Notebook): string[] {
  const text = sub.cells.filter((c) => c.cell_type === "code").map((c) => c.source).join("\n");
  return TAMPER_PATTERNS.filter(([re]) => re.test(text)).map(([, what]) => `tamper-suspect:${what}`);
}
