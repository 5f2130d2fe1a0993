// The grader's pure parts, without a kernel: comparison, probe channel, ids, CSV/Markdown neutralising,
// number formatting, notebook reading and the grading notebook's guard cell.
import { test } from "node:test";
import assert from "node:assert/strict";
import { compare, compareCase, compareNumbers, describe as describeValue, errorClass } from "../scripts/hw/compare";
import { parseProbeChannel } from "../scripts/hw/probe";
import { bundleId, safeId } from "../scripts/hw/ids";
import { csvCell, csvRow, parseCsv, quotedBlock } from "../scripts/hw/report";
import { fmtE, fmtF, fmtG, round } from "../scripts/hw/format";
import { NotebookError, notebookJson, parseNotebook } from "../scripts/hw/notebook";
import { guardCell, probeCell } from "../scripts/hw/build";
import type { Case } from "../scripts/hw/plan-types";
import { readNotebookChecked } from "../scripts/hw/grade";
import { warmCells } from "../scripts/hw/execute";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

test("compare: a Matrix answer needs all r·c values — the right shape with missing or extra entries is not credited", () => {
  // the values come from the student's kernel: a rewritten probe line may claim the right shape with no data
  const E = { $m: [2, 2, [1, 2, 3, 4]] };
  const cases = [{ $m: [2, 2, []] }, { $m: [2, 2, [1, 2]] }, { $m: [2, 2, [1, 2, 3, 4, 5]] }, { $m: [2, 2, "x"] }, { $m: [2, 2, [1, 2, 3, 4]] }];
  assert.deepEqual(cases.map((a) => compare(E, a, 1e-6, 0)[0]), [false, false, false, false, true]);
  assert.deepEqual(compare(E, { $m: [2, 2, []] }, 1e-6, 0), [false, "값: 값 4개 기대, 실제 0개"]);
});

test("compare: shape mismatch, NaN, a wrong type and the largest error get fixed messages", () => {
  assert.deepEqual(compare({ $m: [2, 3, [0, 0, 0, 0, 0, 0]] }, { $m: [3, 2, [0, 0, 0, 0, 0, 0]] }, 1e-6, 0), [false, "값: 모양(shape) 기대 (2×3), 실제 (3×2)"]);
  assert.deepEqual(compare({ $m: [1, 2, [1, 2]] }, { $m: [1, 2, [1, "NaN"]] }, 1e-6, 0), [false, "값: 1번째 값이 수가 아닙니다 (문자열)"]);
  assert.deepEqual(compare({ $m: [1, 2, [1, 2]] }, [1, 2], 1e-6, 0), [false, "값: Matrix (1×2) 기대, 실제 배열(길이 2)"]);
  assert.deepEqual(compare({ W1: { $m: [1, 2, [1, 2]] } }, { W1: { $m: [1, 2, [1, 2.5]] } }, 1e-6, 0), [false, "W1: 최대 오차 5.00e-01 > 허용 오차 1e-06"]);
  assert.deepEqual(compare({ W1: [1] }, {}, 1e-6, 0), [false, "값.W1: 없음"]);
  assert.deepEqual(compare([1, 2], [1, 2, 3], 1e-6, 0), [false, "값: 길이 기대 2, 실제 3"]);
  assert.deepEqual(compare(0.5, 0.5 + 1e-9, 1e-6, 0), [true, ""]);
  assert.deepEqual(compare("a", "b", 0, 0), [false, "값: 기대한 값과 다릅니다 (문자열)"]);
  assert.equal(describeValue(null), "없음(null)");
  assert.equal(errorClass("TypeError"), "TypeError");
  assert.equal(errorClass("process.env.SECRET"), "사용자 정의 오류 (custom error class)");
});

test("compare: each entry is judged on its own tolerance; the message gives the largest error among those that failed", () => {
  // within atol + rtol·|e| for the first entry does not lend slack to the second
  assert.deepEqual(compareNumbers([0, 0], [0.9e-12, 1.8e-12], 1e-12, 0, "값"), [false, "값: 최대 오차 1.80e-12 > 허용 오차 1e-12"]);
  assert.deepEqual(compare([0.9e-12, 1.8e-12], [0, 0], 1e-12, 0), [false, "값: 최대 오차 1.80e-12 > 허용 오차 1e-12"]);
  assert.equal(compare([0.9e-12, 0.9e-12], [0, 0], 1e-12, 0)[0], true);
  // rtol: a large entry may differ by more than a small one
  assert.equal(compare([1000, 0], [1000.5, 0], 1e-6, 1e-3)[0], true);
  assert.deepEqual(compare([1000, 0], [1000.5, 1e-5], 1e-6, 1e-3), [false, "값: 최대 오차 1.00e-05 > 허용 오차 1e-06"]);
  assert.equal(compare({ $m: [1, 3, [0, 0, 0]] }, { $m: [1, 3, [0.5e-6, 0.9e-6, 1.5e-6]] }, 1e-6, 0)[0], false);
});

test("compare: an expected NaN or ±Infinity is matched by itself only", () => {
  const tol = [1e-6, 1e-3] as const;
  assert.equal(compare(["Infinity"], [1e308], ...tol)[0], false);
  assert.equal(compare(["Infinity"], [0], ...tol)[0], false);
  assert.equal(compare(["Infinity"], ["-Infinity"], ...tol)[0], false);
  assert.equal(compare(["-Infinity"], [-5], 1e-6, 0)[0], false);
  assert.equal(compare("NaN", 0, ...tol)[0], false);
  assert.equal(compare("NaN", "Infinity", ...tol)[0], false);
  assert.deepEqual(compare({ $m: [1, 2, [1, "NaN"]] }, { $m: [1, 2, [1, 7]] }, ...tol), [false, "값: 1번째 값이 기대한 값과 다릅니다 (수)"]);
  assert.deepEqual(compare(["Infinity", "-Infinity", "NaN", 2], ["Infinity", "-Infinity", "NaN", 2], ...tol), [true, ""]);
  // an actual ±Infinity against a finite expected value is an infinite error
  assert.deepEqual(compare([1], ["Infinity"], ...tol), [false, "값: 최대 오차 inf > 허용 오차 1e-06"]);
});

test("compareCase: accuracy needs one prediction per label", () => {
  const c = { id: "a", question: "q", visibility: "hidden", label: "", inputs: {}, call: "", atol: 0, rtol: 0, compare: "accuracy", expected: { labels: [0, 1, 1, 0], min: 0.75 } } as Case;
  assert.deepEqual(compareCase(c, { ok: true, value: { $m: [1, 4, [0.1, 0.9, 0.8, 0.2]] } }), [true, "정확도 1.000 (기준 ≥ 0.75)"]);
  assert.deepEqual(compareCase(c, { ok: true, value: { $m: [1, 4, [0.9]] } })[0], false);
  assert.deepEqual(compareCase(c, { ok: false, error: "RangeError" }), [false, "오류가 발생했습니다 (raised an error: RangeError)"]);
  assert.deepEqual(compareCase(c, undefined)[0], false);
});

test("probe channel: foreign lines counted, a case reported twice not credited, an output-limit notice is only a foreign line", () => {
  const n = "abc123";
  const text = [`MLPHW ${n} {"case":"a","ok":true,"value":1}`, `MLPHW ${n} {"case":"b","ok":true,"value":1}`, `MLPHW ${n} {"case":"b","ok":true,"value":2}`,
    `MLPHW ffff {"case":"c","ok":true}`, `MLPHW ${n} not json`, ""].join("\n");
  const ch = parseProbeChannel(text, n);
  assert.deepEqual(ch.got.get("a"), { case: "a", ok: true, value: 1 });
  assert.deepEqual(ch.got.get("b"), { case: "b", ok: false, duplicated: true });
  assert.equal(ch.forged, 2);
  // the output-limit flag comes from the grader's own count only: the channel carries no notice of it
  const notice = parseProbeChannel("MLPHW-OUTPUT-LIMIT\nMLPHW-OUTPUT-LIMIT tok\n", n);
  assert.equal(notice.forged, 2);
  assert.deepEqual(Object.keys(notice).sort(), ["duplicated", "forged", "got"]);
});

test("a notebook whose metadata.mlp_hw.locked_sha256 is not {id: hex} is unreadable, not a grader error", () => {
  const dir = mkdtempSync(join(tmpdir(), "hw-meta-"));
  const plan = { id: "hw01", title: "", notebook: "", questions: [], cases: [] };
  const nb = (meta: unknown) => JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: { mlp_hw: meta }, cells: [] });
  const read = (meta: unknown) => {
    writeFileSync(join(dir, "n.ipynb"), nb(meta));
    const [, err] = readNotebookChecked(join(dir, "n.ipynb"), plan, 5);
    return err ? err[0] : "ok";
  };
  assert.equal(read({ assignment: "hw01", locked_sha256: "abc" }), "unreadable");
  assert.equal(read({ assignment: "hw01", locked_sha256: 3 }), "unreadable");
  assert.equal(read({ assignment: "hw01", locked_sha256: { setup: 1 } }), "unreadable");
  assert.equal(read({ assignment: "hw01", locked_sha256: { setup: "ab" } }), "ok");
  assert.equal(read({ assignment: "hw01" }), "ok");
  assert.equal(read({ assignment: "hw02" }), "wrong-assignment");
  rmSync(dir, { recursive: true, force: true });
});

test("a notebook with bytes that are not UTF-8 is unreadable, not graded with U+FFFD in it", () => {
  const dir = mkdtempSync(join(tmpdir(), "hw-utf8-"));
  const plan = { id: "hw01", title: "", notebook: "", questions: [], cases: [] };
  const cell = { cell_type: "code", source: "// XX\nconst a = 1;", metadata: {}, outputs: [], execution_count: null };
  const text = JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: { mlp_hw: { assignment: "hw01" } }, cells: [cell] });
  const at = Buffer.from(text).indexOf("XX");
  const read = (bytes: Buffer) => {
    writeFileSync(join(dir, "n.ipynb"), bytes);
    return readNotebookChecked(join(dir, "n.ipynb"), plan, 5)[1];
  };
  assert.equal(read(Buffer.from(text)), null);
  for (const bad of [[0xff, 0xfe], [0xc3, 0x28], [0xed, 0xa0], [0xe2, 0x82]]) {
    const b = Buffer.from(text);
    b[at] = bad[0];
    b[at + 1] = bad[1];
    assert.deepEqual(read(b), ["unreadable", "노트북을 읽을 수 없습니다 (UTF-8이 아닌 바이트가 있습니다)"], bad.join(","));
  }
  // valid UTF-8 other than ASCII stays readable
  assert.equal(read(Buffer.from(text.replace("XX", "김철"))), null);
  rmSync(dir, { recursive: true, force: true });
});

test("ids: file-name-safe, never hidden or an option, distinct names stay distinct, idempotent", () => {
  assert.equal(safeId("s2024001"), "s2024001");
  assert.equal(safeId("김철수"), "김철수");
  assert.notEqual(safeId("김철수"), safeId("이영희"));
  assert.match(safeId("/proc/self/cwd/homework/hw01/hw01"), /^_proc_self_cwd_homework_hw01_hw01-[0-9a-f]{8}$/);
  assert.match(safeId(".hidden"), /^_\.hidden-[0-9a-f]{8}$/);
  assert.match(safeId("-rf"), /^_-rf-[0-9a-f]{8}$/);
  assert.notEqual(safeId("new\nline"), safeId("new_line"));
  assert.notEqual(safeId("a".repeat(65) + "X"), safeId("a".repeat(65) + "Y"));
  for (const n of ["x".repeat(80), "한".repeat(70)]) {
    assert.ok(Array.from(safeId(n)).length <= 64 && Buffer.byteLength(safeId(n)) <= 192, safeId(n));
  }
  for (const n of ["김철수", "-rf", "new\nline", "x".repeat(80), "e\u0301", "김철수".normalize("NFD"), "José".normalize("NFD"), Buffer.from([0xff, 0xfe]), "한".repeat(70)]) {
    assert.equal(safeId(safeId(n)), safeId(n));
  }
  assert.equal(bundleId("hw01-20240001", "hw01"), "20240001");
  assert.equal(bundleId("hw01-", "hw01"), "hw01-");
  assert.equal(bundleId("evil", "hw01"), "evil");
});

test("ids: NFC and NFD spellings of one name are two stable ids; the hash is of the name as given", () => {
  const nfc = "김철수", nfd = "김철수".normalize("NFD");
  assert.notEqual(nfc, nfd);
  assert.equal(safeId(nfc), "김철수");
  assert.match(safeId(nfd), /^김철수-[0-9a-f]{8}$/);
  assert.equal(safeId(nfd), safeId(nfd));
  assert.notEqual(safeId("José".normalize("NFC")), safeId("José".normalize("NFD")));
  assert.equal(bundleId("hw01-" + nfd, "hw01"), safeId(nfd));
  assert.equal(safeId(Buffer.from(nfd)), safeId(nfd));
  // a name's raw bytes: distinct invalid UTF-8 names stay distinct, valid ones give the id of their text
  const ff = safeId(Buffer.from([0xff, 0xfe])), fd = safeId(Buffer.from([0xff, 0xfd]));
  assert.match(ff, /^__-[0-9a-f]{8}$/);
  assert.notEqual(ff, fd);
  assert.notEqual(ff, safeId("\ufffd\ufffd"));
  assert.equal(safeId(Buffer.from([0xff, 0xfe])), ff);
  assert.equal(safeId(Buffer.from("김철수")), "김철수");
  assert.equal(bundleId(Buffer.concat([Buffer.from("hw01-"), Buffer.from([0xff])]), "hw01"), safeId(Buffer.from([0xff])));
});

test("CSV: formula-looking cells neutralised, fields quoted as Python's csv module does, and read back", () => {
  assert.equal(csvCell('=HYPERLINK("x")'), `'=HYPERLINK("x")`);
  for (const s of ["+1", "-1", "@x", "\tx", "\rx"]) assert.equal(csvCell(s)[0], "'");
  assert.equal(csvCell(" =1"), " =1");
  assert.equal(csvCell(null), "");
  const row = csvRow(["a", 'say "hi"', "x,y", "two\nlines", ""]);
  assert.equal(row, 'a,"say ""hi""","x,y","two\nlines",\r\n');
  assert.deepEqual(parseCsv(row + "\r\n" + "b,c\r\n"), [["a", 'say "hi"', "x,y", "two\nlines", ""], ["b", "c"]]);
});

test("manual.md: an answer stays inside a fence longer than any backtick run in it", () => {
  assert.equal(quotedBlock("plain"), "``` text\nplain\n```");
  assert.equal(quotedBlock("a ```` b\r\n## x"), "````` text\na ```` b\n## x\n`````");
});

test("number formatting matches printf (%g, %.2e, %.3f) and Python's round", () => {
  assert.deepEqual([6, 6.67, 0.5, 10, 1e-7, 1234567, 2 / 3].map(fmtG), ["6", "6.67", "0.5", "10", "1e-07", "1.23457e+06", "0.666667"]);
  assert.equal(fmtE(0.000123, 2), "1.23e-04");
  assert.equal(fmtE(1e-6, 0), "1e-06");
  assert.equal(fmtF(0.0625, 3), "0.062");
  assert.equal(fmtF(0.75, 3), "0.750");
  assert.equal(round(2 / 3, 2), 0.67);
  assert.equal(round(0.125, 2), 0.12);
});

test("notebooks: invalid nbformat is refused with NotebookError; written back as nbformat writes it", () => {
  const bad = ['{"cells": [', '{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "code", "metadata": {}, "outputs": []}]}',
    '{"nbformat": 3, "metadata": {}, "cells": []}', '{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "code", "source": "", "metadata": {}, "outputs": [], "execution_count": null, "evil": 1}]}',
    "[" .repeat(200000)];
  for (const text of bad) assert.throws(() => parseNotebook(text), NotebookError);
  const nb = parseNotebook('{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "code", "source": ["a\\n", "b"], "metadata": {}, "outputs": [{"output_type": "stream", "name": "stdout", "text": ["x\\n"]}], "execution_count": null}]}');
  assert.equal(nb.cells[0].source, "a\nb");
  assert.equal(notebookJson(nb), '{\n "cells": [\n  {\n   "cell_type": "code",\n   "execution_count": null,\n   "metadata": {},\n   "outputs": [\n    {\n     "name": "stdout",\n     "output_type": "stream",\n     "text": [\n      "x\\n"\n     ]\n    }\n   ],\n   "source": [\n    "a\\n",\n    "b"\n   ]\n  }\n ],\n "metadata": {},\n "nbformat": 4,\n "nbformat_minor": 5\n}\n');
});

test("grading cells: the guard is cells/guard.ts's function, called once; a probe cell carries its cases as JSON", () => {
  const g = guardCell("mlpHwGuard_x", "t1", ["NeuralNetwork"]);
  assert.match(g, /^import \{ Matrix as MlpHwMatrix_t1 \} from "\.\/src\/matrix";$/m);
  assert.match(g, /^import \* as MlpHwLib_t1 from "\.\/src\/index";$/m);
  assert.match(g, /^function mlpHwInstallGuard\(/m);
  assert.doesNotMatch(g, /\bexport\b/);
  assert.match(g, /mlpHwInstallGuard\("mlpHwGuard_x", MlpHwMatrix_t1, MlpHwLib_t1, \["NeuralNetwork"\]\);\n\}\n$/);
  assert.doesNotMatch(guardCell("n", "t2"), /src\/index/);
  const p = probeCell("G", "nonce", [{ id: "q/1", call: "f(I.X)", inputs: { X: { $m: [1, 1, [0.5]] } } } as Case]);
  assert.ok(p.includes(`P.run("q/1", (I: any) => f(I.X), "{\\"X\\":{\\"$m\\":[1,1,[0.5]]}}");`), p);
});

test("warm-up cells: each cell's relative imports once per distinct set, nothing else of a cell", () => {
  const guard = guardCell("mlpHwGuard_x", "t", []), guardLib = guardCell("mlpHwGuard_x", "t", ["NeuralNetwork"]);
  const setup = 'import { Matrix, sigmoid } from "./src/index";\nimport { checkClose } from "./homework/lib/hwcheck";\n\nconst XOR_X = Matrix.from([[0, 1]]);';
  const cells = warmCells([guard, guardLib, setup, setup, 'import * as fs from "fs";\nconst answer = 42;', "function f() {}"]);
  assert.deepEqual(cells, [
    'import { Matrix as MlpHwMatrix_t } from "./src/matrix";',
    'import { Matrix as MlpHwMatrix_t } from "./src/matrix";\nimport * as MlpHwLib_t from "./src/index";',
    'import { Matrix, sigmoid } from "./src/index";\nimport { checkClose } from "./homework/lib/hwcheck";',
  ]);
});
