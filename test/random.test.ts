import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { Random } from "../src/random";

// numpy (the pyenv `python3` on PATH) is the reference when it is installed.
function numpy(code: string): unknown {
  const r = spawnSync("python3", ["-c", `import json, numpy as np\n${code}`], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`python3 failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}
const probe = spawnSync("python3", ["-c", "import numpy; print(numpy.__version__)"], { encoding: "utf8" });
const probeDetail = (probe.error?.message ?? probe.stderr ?? "").trim().split("\n").pop() || `exit status ${probe.status}`;
const NUMPY_SKIP = probe.status === 0 ? false : `python3 with numpy is not available (${probeDetail}) — the numpy comparison is skipped`;

test("MT19937 raw outputs: the reference values of mt19937ar.c's init_genrand(5489)", () => {
  // the first outputs of the reference implementation's default seed
  const r = new Random(5489);
  assert.deepEqual([r.nextUint32(), r.nextUint32(), r.nextUint32()], [3499211612, 581869302, 3890346734]);
  // and the 10000th output, a classic check of the twist (C++ std::mt19937 default-constructed)
  const s = new Random(5489);
  let v = 0;
  for (let k = 0; k < 10000; k++) v = s.nextUint32();
  assert.equal(v, 4123659995);
});

test("seed 1: random() follows the course-notes formula from two 32-bit outputs", () => {
  const raw = new Random(1), r = new Random(1);
  for (let k = 0; k < 5; k++) {
    const a = raw.nextUint32(), b = raw.nextUint32();
    assert.equal(r.random(), ((a >>> 5) * 67108864 + (b >>> 6)) / 9007199254740992);
  }
});

test("the course's seed-1 weights: 2·U − 1, W1 (3×2) then W2 (1×3), row-major", () => {
  const r = new Random(1);
  const W1 = r.randomMatrix(3, 2).scale(2).addScalar(-1), W2 = r.randomMatrix(1, 3).scale(2).addScalar(-1);
  assert.deepEqual(W1.toArray()[0], [-0.165955990594852, 0.4406489868843162]);
  assert.deepEqual(W2.toArray()[0][2], -0.20646505153866013);
});

test("same seed, same stream; different seeds differ; modes and seeds are validated", () => {
  const a = new Random(42), b = new Random(42), c = new Random(43);
  const xa = [a.random(), a.random()], xb = [b.random(), b.random()];
  assert.deepEqual(xa, xb);
  assert.notDeepEqual(xa, [c.random(), c.random()]);
  const m = new Random(7, "mulberry32");
  const v = m.random();
  assert.ok(v >= 0 && v < 1);
  assert.equal(new Random(7, "mulberry32").random(), v);
  assert.throws(() => new Random(-1), /seed must be an integer between 0 and 2\*\*32 - 1/);
  assert.throws(() => new Random(1.5), /seed must be an integer/);
  assert.throws(() => new Random(1, "xorshift" as "numpy"), /unknown mode "xorshift"/);
});

test("uniform, interval, shuffle and permutation stay in range and are permutations", () => {
  const r = new Random(3);
  for (let k = 0; k < 1000; k++) {
    const u = r.uniform(-2, 5);
    assert.ok(u >= -2 && u < 5);
    const i = r.interval(6);
    assert.ok(Number.isInteger(i) && i >= 0 && i <= 6);
  }
  const p = r.permutation(100);
  assert.deepEqual(p.slice().sort((x, y) => x - y), Array.from({ length: 100 }, (_, k) => k));
  const arr = ["a", "b", "c", "d"];
  assert.equal(r.shuffle(arr), arr);
  assert.deepEqual(arr.slice().sort(), ["a", "b", "c", "d"]);
});

test("normal(): mean ≈ 0 and variance ≈ 1 over many draws; normal(mu, sigma) scales", () => {
  const r = new Random(11);
  const n = 20000;
  let s = 0, s2 = 0;
  for (let k = 0; k < n; k++) { const z = r.normal(); s += z; s2 += z * z; }
  assert.ok(Math.abs(s / n) < 0.03, `mean ${s / n}`);
  assert.ok(Math.abs(s2 / n - 1) < 0.05, `variance ${s2 / n}`);
  const a = new Random(2), b = new Random(2);
  assert.equal(a.normal(3, 0.5), 3 + 0.5 * b.normal());
});

function closeAll(actual: number[], expected: number[], what: string): void {
  assert.equal(actual.length, expected.length, what);
  actual.forEach((a, k) => assert.ok(Math.abs(a - expected[k]) <= 1e-15 * Math.max(1, Math.abs(a)), `${what}[${k}]: ${a} vs ${expected[k]}`));
}

test("numpy reproduction: random, random((r,c)), uniform, standard_normal, normal, shuffle, permutation", { skip: NUMPY_SKIP }, () => {
  for (const seed of [0, 1, 42, 12345, 4294967295]) {
    const ref = numpy(`
np.random.seed(${seed})
out = {}
out["random"] = [np.random.random() for _ in range(5)]
out["matrix"] = np.random.random((3, 4)).tolist()
out["uniform"] = [np.random.uniform(-1, 3) for _ in range(3)]
out["gauss"] = [np.random.standard_normal() for _ in range(7)]
out["normal"] = np.random.normal(2.0, 0.5, (2, 3)).tolist()
x = np.arange(17); np.random.shuffle(x); out["shuffle"] = x.tolist()
out["perm"] = np.random.permutation(1000).tolist()
out["after"] = np.random.random()
print(json.dumps(out))`) as Record<string, unknown>;
    const r = new Random(seed);
    assert.deepEqual([0, 1, 2, 3, 4].map(() => r.random()), ref.random, `seed ${seed}: random`);
    assert.deepEqual(r.randomMatrix(3, 4).toArray(), ref.matrix, `seed ${seed}: random((3,4))`);
    assert.deepEqual([0, 1, 2].map(() => r.uniform(-1, 3)), ref.uniform, `seed ${seed}: uniform`);
    // normal draws: same algorithm and same uniforms; V8's Math.log may differ from C's log in the
    // last bit, so compare to a relative 1e-15 (see the 10,000-draw count below)
    closeAll(Array.from({ length: 7 }, () => r.normal()), ref.gauss as number[], `seed ${seed}: standard_normal`);
    closeAll(r.normalMatrix(2, 3, 2.0, 0.5).toArray().flat(), (ref.normal as number[][]).flat(), `seed ${seed}: normal`);
    assert.deepEqual(r.shuffle(Array.from({ length: 17 }, (_, k) => k)), ref.shuffle, `seed ${seed}: shuffle`);
    assert.deepEqual(r.permutation(1000), ref.perm, `seed ${seed}: permutation`);
    assert.equal(r.random(), ref.after, `seed ${seed}: stream position after all draws`);
  }
});

test("numpy reproduction: 10,000 standard normal draws agree to 1e-15, most bit for bit", { skip: NUMPY_SKIP }, () => {
  const ref = numpy("np.random.seed(1)\nprint(json.dumps(np.random.standard_normal(10000).tolist()))") as number[];
  const r = new Random(1);
  const ours = Array.from({ length: 10000 }, () => r.normal());
  closeAll(ours, ref, "standard_normal");
  const exact = ours.filter((v, k) => v === ref[k]).length;
  console.log(`normal(): ${exact} of 10000 draws identical to numpy's bits, the rest within 1e-15`);
  assert.ok(exact >= 9000, `only ${exact} of 10000 draws identical`); // seen: 9672 (V8 vs glibc log)
  // the stream position stays in step (both consumed the same uniforms)
  const after = numpy("np.random.seed(1)\nnp.random.standard_normal(10000)\nprint(json.dumps(np.random.random()))");
  assert.equal(r.random(), after);
});
