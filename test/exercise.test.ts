import { test } from "node:test";
import assert from "node:assert/strict";
import { EXPECTED_FAILURE_MARK, expectFailure } from "../src/exercise";

function captured(fn: () => unknown): { out: string; result: unknown } {
  const lines: string[] = [];
  const orig = console.log;
  console.log = (...a: unknown[]) => void lines.push(a.join(" "));
  try {
    return { result: fn(), out: lines.join("\n") };
  } finally {
    console.log = orig;
  }
}

test("expectFailure: a false claim prints the mark and the reason, returns false, does not throw", () => {
  const { out, result } = captured(() => expectFailure(false, "gradientCheck passes", "g'(A) is not g'(Z)"));
  assert.equal(result, false);
  assert.ok(out.startsWith(`${EXPECTED_FAILURE_MARK} gradientCheck passes`), out);
  assert.match(out, /why: g'\(A\) is not g'\(Z\)/);
});

test("expectFailure: a true claim (repaired code) prints ✓ and no mark", () => {
  const { out, result } = captured(() => expectFailure(true, "gradientCheck passes", "reason"));
  assert.equal(result, true);
  assert.ok(out.startsWith("✓ gradientCheck passes"), out);
  assert.ok(!out.includes(EXPECTED_FAILURE_MARK));
});
