// Exercises in the lessons: "break it" cells run deliberately broken code, and the check that catches
// the mistake must fail VISIBLY without stopping Run All (a thrown error would abort the cells after it).
// The runner then proves each such cell really reported its failure (tools/check-exercises.mjs): a cell
// tagged "exercise-fails" must print EXPECTED_FAILURE_MARK, so an exercise cannot silently stop failing.

/** The start of the line `expectFailure` prints when the broken code is caught. */
export const EXPECTED_FAILURE_MARK = "✗ expected failure:";

/**
 * The check of a "break it" exercise. The cell's code is wrong on purpose, so `cond` should be false:
 * then it prints `✗ expected failure: <claim>` and `  why: <why>` and returns false — it never throws.
 * If `cond` holds (the student repaired the code), it prints `✓ <claim>` and a note, and returns true.
 * Example: `expectFailure(relErr < 1e-7, "gradientCheck passes on W1", "g'(A) is not g'(Z)")`
 */
export function expectFailure(cond: boolean, claim: string, why: string): boolean {
  if (cond) {
    console.log(`✓ ${claim}\n  (the broken code of this exercise should fail here: it passes now — what did you change?)`);
    return true;
  }
  console.log(`${EXPECTED_FAILURE_MARK} ${claim}\n  why: ${why}`);
  return false;
}
