// Prints an assignment's grading plan as JSON: questions and cases with their expected values,
// computed here in Node from src/ (the student's kernel never sees or computes them).
//   node --import tsx scripts/hw/plan.ts homework/hw01 > plan.json
import { resolve, join, basename } from "node:path";
import { existsSync } from "node:fs";
import { wire, type Assignment } from "../../homework/lib/grading";

async function main(): Promise<void> {
  const dir = resolve(process.argv[2] ?? "");
  const file = join(dir, "grading.ts");
  if (!existsSync(file)) {
    process.stderr.write(`plan: ${file} not found (an assignment folder holds <id>.ipynb and grading.ts)\n`);
    process.exit(2);
  }
  const mod = (await import(file)) as { assignment?: Assignment; default?: { assignment?: Assignment } };
  const a = mod.assignment ?? mod.default?.assignment;
  if (!a) throw new Error(`${file} does not export \`assignment\``);
  if (a.id !== basename(dir)) throw new Error(`${file}: assignment id "${a.id}" differs from its folder "${basename(dir)}"`);
  const ids = new Set<string>();
  const cases = a.cases.map((c) => {
    if (ids.has(c.id)) throw new Error(`${file}: duplicate case id ${c.id}`);
    ids.add(c.id);
    if (!a.questions.some((q) => q.id === c.question)) throw new Error(`${file}: case ${c.id} names unknown question ${c.question}`);
    return {
      id: c.id, question: c.question, visibility: c.visibility, label: c.label,
      inputs: c.inputs, call: c.call, expected: wire(c.reference()),
      atol: c.atol, rtol: c.rtol ?? 0, compare: c.compare ?? "values",
    };
  });
  const plan = { id: a.id, title: a.title, dir, notebook: join(dir, a.notebook), questions: a.questions, cases, forbidden: a.forbidden ?? [] };
  process.stdout.write(JSON.stringify(plan));
}

main().catch((e: unknown) => {
  process.stderr.write(`plan: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exit(1);
});
