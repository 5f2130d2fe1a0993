// Checks for notebooks: every claim the prose makes about a number is checked by a cell, so
// executing a notebook is its test (the runner fails on the first thrown error).

/**
 * States a claim from the text: throws `check failed: <claim>` when `cond` is false, prints `✓ <claim>` otherwise.
 * Example: `check(Math.abs(yHat.get(0, 0) - 0.048) < 5e-4, "ŷ₁ ≈ 0.048 as in the course")`
 */
export function check(cond: boolean, claim: string): void {
  if (!cond) throw new Error(`check failed: ${claim}`);
  console.log(`✓ ${claim}`);
}

/**
 * Like `check` but silent when it holds: for checks inside loops.
 * Example: `for (const x of xs) ensure(relativeError(a(x), b(x)) < 1e-8, \`a = b at x = ${x}\`)`
 */
export function ensure(cond: boolean, claim: string): void {
  if (!cond) throw new Error(`check failed: ${claim}`);
}
