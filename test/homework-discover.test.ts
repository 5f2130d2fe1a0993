// Discovery of submissions with file and folder names that are not valid UTF-8 or not in NFC. The names are
// made here, in a temporary folder: git cannot hold them portably.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs, { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { syncBuiltinESMExports } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { discover, type Skipped } from "../scripts/hw/discover";

const raw = (dir: string, ...parts: (string | number[])[]) =>
  Buffer.concat([Buffer.from(dir + "/"), ...parts.map((x) => (typeof x === "string" ? Buffer.from(x) : Buffer.from(x)))]);

test("discover: names that are not valid UTF-8 are read by their bytes, each under an id of its own; the batch goes on", () => {
  const dir = mkdtempSync(join(tmpdir(), "hw-names-"));
  writeFileSync(raw(dir, [0xff, 0xfe], ".ipynb"), "a");
  writeFileSync(raw(dir, [0xff, 0xfd], ".ipynb"), "b");
  writeFileSync(raw(dir, "ok.ipynb"), "c");
  writeFileSync(raw(dir, [0xfe], ".txt"), "d");
  mkdirSync(raw(dir, "hw01-", [0xc3, 0x28]));
  writeFileSync(raw(dir, "hw01-", [0xc3, 0x28], "/", [0x80], ".ipynb"), "e");
  const skipped: Skipped[] = [];
  const found = discover(dir, 1 << 20, "hw01", skipped);
  const again = discover(dir, 1 << 20, "hw01");
  rmSync(dir, { recursive: true, force: true });
  const byData = new Map(found.map((f) => [f.data?.toString(), f]));
  assert.deepEqual([...byData.keys()].sort(), ["a", "b", "c", "e"]);
  for (const f of found) assert.equal(f.problem, null, f.shown);
  assert.equal(new Set(found.map((f) => f.student)).size, 4, found.map((f) => f.student).join(" "));
  assert.deepEqual(again.map((f) => f.student), found.map((f) => f.student));
  assert.equal(byData.get("c")!.student, "ok");
  assert.match(byData.get("a")!.student, /^__-[0-9a-f]{8}$/);
  assert.match(byData.get("e")!.student, /^__-[0-9a-f]{8}$/);
  assert.equal(byData.get("a")!.shown, "\\xff\\xfe.ipynb");
  assert.equal(byData.get("e")!.shown, "hw01-\\xc3(/\\x80.ipynb");
  assert.deepEqual(byData.get("a")!.path, raw(dir, [0xff, 0xfe], ".ipynb"));
  assert.deepEqual(skipped, [{ entry: "\\xfe.txt", reason: "노트북(.ipynb)도 제출 폴더도 아닙니다 (not a notebook or a bundle)" }]);
});

test("discover: 김철수.ipynb in NFC and in NFD are two submissions with two ids, not one duplicate", () => {
  const dir = mkdtempSync(join(tmpdir(), "hw-nfd-"));
  writeFileSync(join(dir, "김철수".normalize("NFC") + ".ipynb"), "nfc");
  writeFileSync(join(dir, "김철수".normalize("NFD") + ".ipynb"), "nfd");
  const found = discover(dir, 1 << 20, "hw01");
  rmSync(dir, { recursive: true, force: true });
  assert.equal(found.length, 2);
  const ids = new Map(found.map((f) => [f.data?.toString(), f.student]));
  assert.equal(ids.get("nfc"), "김철수");
  assert.match(ids.get("nfd")!, /^김철수-[0-9a-f]{8}$/);
});

test("discover: an entry that fails to be examined is an unreadable row or a skipped line; the others are still found", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "hw-fail-"));
  for (const n of ["a.ipynb", "gone.ipynb", "gone.txt", "z.ipynb"]) writeFileSync(join(dir, n), n);
  // as if these two vanished between the listing and the lstat (a race no test can time)
  const mfs = fs as { lstatSync: typeof fs.lstatSync };
  const real = fs.lstatSync;
  t.after(() => {
    mfs.lstatSync = real;
    syncBuiltinESMExports();
    rmSync(dir, { recursive: true, force: true });
  });
  mfs.lstatSync = ((p: fs.PathLike, ...rest: never[]) => {
    if (/gone\.[a-z]+$/.test(p.toString())) throw Object.assign(new Error("ENOENT: no such file or directory"), { code: "ENOENT" });
    return (real as (...a: unknown[]) => unknown)(p, ...rest);
  }) as typeof fs.lstatSync;
  syncBuiltinESMExports();
  const skipped: Skipped[] = [];
  const found = discover(dir, 1 << 20, "hw01", skipped);
  assert.deepEqual(found.map((f) => [f.student, f.data?.toString() ?? null, f.problem]),
    [["a", "a.ipynb", null], ["gone", null, "노트북을 읽을 수 없습니다"], ["z", "z.ipynb", null]]);
  assert.deepEqual(skipped, [{ entry: "gone.txt", reason: "읽을 수 없는 항목입니다 (unreadable entry)" }]);
});
