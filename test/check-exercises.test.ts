import { test } from "node:test";
import assert from "node:assert/strict";

type Check = (nb: unknown) => { problems: string[]; tagged: number };
const modulePath = "../tools/check-exercises.mjs";
const load = async (): Promise<Check> => ((await import(modulePath)) as { checkExercises: Check }).checkExercises;

const cell = (source: string, stdout: string, tags?: string[]) => ({
  cell_type: "code",
  source,
  metadata: tags ? { tags } : {},
  outputs: stdout ? [{ output_type: "stream", name: "stdout", text: stdout }] : [],
});
const MARK = "✗ expected failure: the check passes\n  why: because\n";

test("check-exercises: a tagged cell that printed the expected-failure mark passes", async () => {
  const checkExercises = await load();
  const r = checkExercises({ cells: [cell("// break it", MARK, ["exercise-fails"]), cell("x", "✓ fine\n")] });
  assert.deepEqual(r, { problems: [], tagged: 1 });
});

test("check-exercises: a tagged cell whose broken code now passes is a problem", async () => {
  const checkExercises = await load();
  const r = checkExercises({ cells: [cell("// break it: g'(A)", "✓ the check passes\n", ["exercise-fails"])] });
  assert.equal(r.problems.length, 1);
  assert.match(r.problems[0], /cell 1 \(\/\/ break it: g'\(A\)\): tagged "exercise-fails" but printed no/);
});

test("check-exercises: a tagged cell without output (not executed) and an untagged mark are problems", async () => {
  const checkExercises = await load();
  const r = checkExercises({ cells: [cell("// break it", "", ["exercise-fails"]), cell("// sneaky", MARK)] });
  assert.equal(r.problems.length, 2);
  assert.match(r.problems[0], /has no output/);
  assert.match(r.problems[1], /cell 2 .* is not tagged/);
});
