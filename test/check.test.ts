import { test } from "node:test";
import assert from "node:assert/strict";
import { check, ensure } from "../src/check";

test("check prints a claim that holds and throws for one that does not", (t) => {
  const logs: string[] = [];
  t.mock.method(console, "log", (s: string) => logs.push(s));
  check(1 + 1 === 2, "1 + 1 = 2");
  assert.deepEqual(logs, ["✓ 1 + 1 = 2"]);
  assert.throws(() => check(false, "0.1 + 0.2 = 0.3 exactly"), { message: "check failed: 0.1 + 0.2 = 0.3 exactly" });
});

test("ensure is silent when the claim holds and throws the same message otherwise", (t) => {
  const logs: string[] = [];
  t.mock.method(console, "log", (s: string) => logs.push(s));
  ensure(true, "holds");
  assert.deepEqual(logs, []);
  assert.throws(() => ensure(false, "x > 0"), { message: "check failed: x > 0" });
});
