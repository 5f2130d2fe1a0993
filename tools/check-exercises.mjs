#!/usr/bin/env node
// Checks executed lesson notebooks: every code cell tagged "exercise-fails" (a "break it" exercise) printed
// the expected-failure mark of src/exercise.ts, so the exercise still catches the mistake it shows, and
// no untagged cell printed it. A notebook run stays green either way (expectFailure never throws); this is
// what makes an exercise that stopped failing a failed test.
//   node tools/check-exercises.mjs build/test-notebooks/01-연쇄법칙.ipynb ...
import { readFileSync } from "node:fs";
import { basename } from "node:path";

const MARK = "✗ expected failure:"; // EXPECTED_FAILURE_MARK in src/exercise.ts
const TAG = "exercise-fails";

const text = (v) => (Array.isArray(v) ? v.join("") : v ?? "");
const firstLine = (src) => text(src).split("\n").find((l) => l.trim())?.trim().slice(0, 80) ?? "(empty cell)";

/** Problems of one executed notebook, and how many exercise cells it has. */
export function checkExercises(nb) {
  const problems = [];
  let tagged = 0;
  nb.cells.forEach((cell, i) => {
    if (cell.cell_type !== "code") return;
    const isTagged = (cell.metadata?.tags ?? []).includes(TAG);
    const out = (cell.outputs ?? [])
      .filter((o) => o.output_type === "stream" && o.name === "stdout")
      .map((o) => text(o.text))
      .join("");
    const printed = out.split("\n").some((l) => l.startsWith(MARK));
    const where = `cell ${i + 1} (${firstLine(cell.source)})`;
    if (isTagged) {
      tagged++;
      if (!(cell.outputs ?? []).length) problems.push(`${where}: tagged "${TAG}" but has no output (not executed?)`);
      else if (!printed) problems.push(`${where}: tagged "${TAG}" but printed no "${MARK}" line — the broken code passes its check now`);
    } else if (printed) {
      problems.push(`${where}: printed "${MARK}" but is not tagged "${TAG}"`);
    }
  });
  return { problems, tagged };
}

if (process.argv[1] && import.meta.url.endsWith(basename(process.argv[1]))) {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    console.error("check-exercises: give executed notebooks (.ipynb)");
    process.exit(2);
  }
  let passed = 0, failed = 0;
  for (const f of files) {
    let nb;
    try {
      nb = JSON.parse(readFileSync(f, "utf8"));
    } catch (e) {
      console.log(`  ✗ ${f}: cannot be read: ${e instanceof Error ? e.message : String(e)}`);
      failed++;
      continue;
    }
    const { problems, tagged } = checkExercises(nb);
    if (problems.length) {
      failed++;
      console.log(`  ✗ ${f}`);
      for (const p of problems) console.log(`      ${p}`);
    } else {
      passed++;
      console.log(`  ✓ ${f}: ${tagged} exercise cell(s) failed as designed`);
    }
  }
  console.log(`exercises: ${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}
