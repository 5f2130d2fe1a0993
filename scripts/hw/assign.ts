// The student version of an assignment: solutions replaced by a stub, written answers cleared, setup and
// check cells locked (their sha256 recorded), outputs cleared.
import { existsSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import type { Plan } from "./plan-types";
import { ROOT } from "./execute";
import { type Notebook, hwMeta, parseNotebook, sha256Text, writeNotebook } from "./notebook";
import { LOCKED_KINDS } from "./build";
import { MANUAL_STUB } from "./student";
import { ljust } from "./format";

export const STUB = 'throw new Error("구현하세요");';
const SOLUTION_RE = /^([ \t]*)\/\/[ \t]*BEGIN SOLUTION[^\n]*\n[\s\S]*?^[ \t]*\/\/[ \t]*END SOLUTION[^\n]*$/gm;
const MD_SOLUTION_RE = /<!--\s*BEGIN SOLUTION\s*-->[\s\S]*?<!--\s*END SOLUTION\s*-->/g;

export const stubSolutions = (source: string) => source.replace(SOLUTION_RE, (_m, indent: string) => indent + STUB);

export function makeStudentNotebook(src: Notebook, assignmentId: string): Notebook {
  const nb = JSON.parse(JSON.stringify(src)) as Notebook;
  const locked: Record<string, string> = {};
  for (const cell of nb.cells) {
    const meta = hwMeta(cell);
    if (cell.cell_type === "code") {
      cell.outputs = [];
      cell.execution_count = null;
    }
    if (!meta) continue;
    const kind = meta.kind;
    if (kind === "solution") cell.source = stubSolutions(cell.source);
    else if (kind === "manual") cell.source = cell.source.replace(MD_SOLUTION_RE, MANUAL_STUB);
    else if (typeof kind === "string" && LOCKED_KINDS.has(kind)) {
      cell.metadata.editable = false;
      cell.metadata.deletable = false;
      locked[meta.id] = sha256Text(cell.source);
    }
    delete cell.metadata.execution;
  }
  nb.metadata.mlp_hw = { assignment: assignmentId, role: "student", locked_sha256: locked };
  return nb;
}

export function cmdAssign(plan: Plan, out: string | undefined, force: boolean): number {
  const nb = makeStudentNotebook(parseNotebook(readFileSync(plan.notebook, "utf8")), plan.id);
  const file = out || join(ROOT, "build", "homework", plan.id, basename(plan.notebook));
  if (existsSync(file) && !force) {
    console.log(`assign: ${file} already exists; not overwriting (add --force to replace it)`);
    return 1;
  }
  writeNotebook(nb, file);
  const locked = (nb.metadata.mlp_hw as { locked_sha256: Record<string, string> }).locked_sha256;
  const stubs = nb.cells.filter((c) => c.cell_type === "code").reduce((n, c) => n + c.source.split(STUB).length - 1, 0);
  console.log(`assign: wrote ${file} (${stubs} stubbed solution regions, ${Object.keys(locked).length} locked cells)`);
  for (const [k, v] of Object.entries(locked)) console.log(`  locked ${ljust(k, 20)} sha256 ${v.slice(0, 16)}`);
  return 0;
}
