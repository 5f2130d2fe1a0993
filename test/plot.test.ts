// Figure builders (src/plot.ts): trace types, lengths, axis titles, and data checked against the inputs
// they were built from (the predict function, the images, brute-force counts).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as zlib from "zlib";
import {
  lossCurve,
  decimate,
  functionPlot,
  decisionRegions,
  classesOf,
  digitGrid,
  greyPngDataUri,
  confusionCounts,
  confusionMatrix,
  weightHeatmap,
  networkDiagram,
  linspace,
  Figure,
  MatrixLike,
  Trace,
} from "../src/plot";
import { Matrix } from "../src/matrix";

const axisTitle = (fig: Figure, axis: "xaxis" | "yaxis") =>
  ((fig.layout[axis] as { title?: { text?: string } }).title ?? {}).text;
const nums = (a: unknown[] | undefined) => (a ?? []) as number[];

/** A seeded sequence (LCG) so "random" test data is reproducible without Math.random. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

test("lossCurve: one scatter line per run, epochs 1..n on x, Korean titles by default", () => {
  const cost = [0.9, 0.5, 0.3, 0.25];
  const fig = lossCurve(cost);
  assert.equal(fig.data.length, 1);
  assert.equal(fig.data[0].type, "scatter");
  assert.deepEqual(fig.data[0].x, [1, 2, 3, 4]);
  assert.deepEqual(fig.data[0].y, cost);
  assert.equal(axisTitle(fig, "xaxis"), "에폭 (epoch)");
  assert.equal(axisTitle(fig, "yaxis"), "비용 (cost)");
  assert.equal((fig.layout.yaxis as { type: string }).type, "linear");

  const two = lossCurve(
    [
      { name: "lecture", cost: [1, 0.5] },
      { name: "exact", cost: [1, 0.4, 0.2] },
    ],
    { logY: true, lang: "en", title: "XOR" },
  );
  assert.deepEqual(two.data.map((t) => t.name), ["lecture", "exact"]);
  assert.deepEqual(two.data.map((t) => (t.x ?? []).length), [2, 3]);
  assert.equal((two.layout.yaxis as { type: string }).type, "log");
  assert.equal(axisTitle(two, "xaxis"), "epoch");
  assert.equal(two.layout.showlegend, true);
  assert.deepEqual(two.layout.title, { text: "XOR" });
  assert.throws(() => lossCurve([]), /lossCurve: no runs/);
});

test("lossCurve: a few epochs get one tick per epoch, many are left to Plotly", () => {
  const dtick = (n: number) => (lossCurve(Array.from({ length: n }, (_, i) => 1 / (i + 1))).layout.xaxis as { dtick?: number }).dtick;
  assert.equal(dtick(5), 1);
  assert.equal(dtick(12), 1);
  assert.equal(dtick(13), undefined);
  assert.equal(dtick(1000), undefined);
});

test("lossCurve: a 10,000-epoch run is drawn with <= 500 points keeping first, last, min and max", () => {
  const rnd = lcg(7);
  const cost = Array.from({ length: 10000 }, (_, e) => 1 / (1 + e / 100) + 0.01 * rnd());
  cost[4321] = 5; // a spike must survive
  const fig = lossCurve(cost);
  const x = nums(fig.data[0].x), y = nums(fig.data[0].y);
  assert.ok(x.length <= 500 && x.length > 250, `points drawn: ${x.length}`);
  assert.equal(x[0], 1);
  assert.equal(x[x.length - 1], 10000);
  for (let k = 1; k < x.length; k++) assert.ok(x[k] > x[k - 1], "epochs strictly increasing");
  x.forEach((e, k) => assert.equal(y[k], cost[e - 1]));
  assert.ok(y.includes(Math.max(...cost)) && y.includes(Math.min(...cost)));
  // each bucket's extremes are kept: the drawn curve's envelope equals the data's over any window
  assert.deepEqual(decimate([3, 1, 2], 10), [0, 1, 2]);
});

test("functionPlot: f and f' as two line traces on an evenly spaced grid", () => {
  const sig = (x: number) => 1 / (1 + Math.exp(-x));
  const dsig = (x: number) => sig(x) * (1 - sig(x));
  const fig = functionPlot(sig, dsig, { from: -6, to: 6, n: 121, names: ["σ(x)", "σ'(x)"] });
  assert.equal(fig.data.length, 2);
  assert.deepEqual(fig.data.map((t) => t.type), ["scatter", "scatter"]);
  assert.deepEqual(fig.data.map((t) => t.name), ["σ(x)", "σ'(x)"]);
  const x = nums(fig.data[0].x);
  assert.equal(x.length, 121);
  assert.equal(x[0], -6);
  assert.equal(x[120], 6);
  x.forEach((v, i) => {
    assert.equal(nums(fig.data[0].y)[i], sig(v));
    assert.equal(nums(fig.data[1].y)[i], dsig(v));
  });
  assert.equal(axisTitle(fig, "xaxis"), "x");
  assert.equal(axisTitle(fig, "yaxis"), "값 (value)");
  assert.equal(functionPlot(sig, null).data.length, 1);
  assert.throws(() => functionPlot(sig, dsig, { from: 1, to: 1 }), /functionPlot: need from < to/);
  assert.deepEqual(linspace(0, 1, 3), [0, 0.5, 1]);
  // one linspace for plots and data (moons, spirals): one point is the start, none is empty
  assert.deepEqual(linspace(2, 5, 1), [2]);
  assert.deepEqual(linspace(2, 5, 0), []);
  assert.deepEqual(linspace(-1, 1, 5), [-1, -0.5, 0, 0.5, 1]);
  assert.throws(() => linspace(0, 1, 2.5), /linspace: n must be a non-negative integer, got 2.5/);
});

test("decisionRegions: heatmap of predict over the grid + one marker trace per class", () => {
  const X = [[0, 0, 1, 1], [0, 1, 0, 1]];
  const labels = [0, 1, 1, 0];
  const rule = (a: number, b: number) => ((a > 0.5) !== (b > 0.5) ? 1 : 0);
  let calls = 0;
  const predict = (G: number[][]) => {
    calls++;
    assert.equal(G.length, 2);
    return G[0].map((a, j) => rule(a, G[1][j]));
  };
  const fig = decisionRegions(predict, X, labels, { resolution: 0.05, padding: 0.5 });
  assert.equal(calls, 1);
  assert.deepEqual(fig.data.map((t) => t.type), ["heatmap", "scatter", "scatter"]);
  const hm = fig.data[0];
  const gx = nums(hm.x), gy = nums(hm.y), z = hm.z as number[][];
  assert.equal(gx.length, 41);
  assert.equal(gy.length, 41);
  assert.equal(z.length, gy.length);
  z.forEach((row, b) => {
    assert.equal(row.length, gx.length);
    row.forEach((v, a) => assert.equal(v, rule(gx[a], gy[b])));
  });
  // samples, split by label
  assert.deepEqual([fig.data[1].x, fig.data[1].y], [[0, 1], [0, 1]]);
  assert.deepEqual([fig.data[2].x, fig.data[2].y], [[0, 1], [1, 0]]);
  assert.equal(fig.data[1].mode, "markers");
  assert.equal(axisTitle(fig, "xaxis"), "x₁");
  assert.equal(fig.data[1].name, "클래스 0");
});

test("decisionRegions: with a Matrix, predict gets a Matrix grid; 1×m outputs threshold at 0.5, k×m take argmax", () => {
  const X = Matrix.from([[0, 0, 1, 1], [0, 1, 0, 1]]);
  const fig = decisionRegions(
    (G: Matrix) => {
      assert.ok(G instanceof Matrix, "grid has the same kind as X");
      assert.equal(G.rows, 2);
      return Matrix.fromFunction(1, G.cols, (_, j) => 1 / (1 + Math.exp(-4 * (G.get(0, j) - 0.5))));
    },
    X,
    [0, 0, 1, 1],
  );
  const hm = fig.data[0];
  const gx = nums(hm.x);
  (hm.z as number[][]).forEach((row) => row.forEach((v, a) => assert.equal(v, gx[a] >= 0.5 ? 1 : 0)));

  const prob = decisionRegions((G: Matrix) => Matrix.fromFunction(1, G.cols, (_, j) => G.get(1, j) / 2), X, [0, 1, 0, 1], {
    probability: true,
  });
  const gy = nums(prob.data[0].y);
  (prob.data[0].z as number[][]).forEach((row, b) => row.forEach((v) => assert.ok(Math.abs(v - gy[b] / 2) <= 5e-4)));
  assert.equal(prob.data[0].zsmooth, "best");

  const P = Matrix.from([[0.2, 0.7, 0.1], [0.9, 0.1, 0.2], [0.1, 0.3, 0.6]]);
  assert.deepEqual(classesOf(P), P.argmaxCols());
  assert.deepEqual(classesOf(Matrix.from([[0.2, 0.7]])), [0, 1]);
  assert.throws(() => decisionRegions(() => [], X, [0, 1]), /X has 4 samples \(columns\) but labels has 2/);
  assert.throws(() => decisionRegions(() => [], Matrix.from([[1, 2, 3]]), [0, 1, 0]), /X must be 2×m .* got \(1×3\)/);
  assert.throws(() => decisionRegions(() => [], X, [0, 0, 1, 1], { resolution: 1e-4 }), /use a larger resolution/);
  assert.throws(() => decisionRegions(() => [1, 0], X, [0, 0, 1, 1]), /predict returned 2 values for a grid of/);
});

/** Decodes the greyscale PNG written by greyPngDataUri (no filters) back to width, height, pixels. */
function decodePng(uri: string): { w: number; h: number; px: Uint8Array } {
  const buf = Buffer.from(uri.replace(/^data:image\/png;base64,/, ""), "base64");
  assert.deepEqual([...buf.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  let off = 8, w = 0, h = 0;
  const idat: Buffer[] = [];
  while (off < buf.length) {
    const len = buf.readUInt32BE(off), type = buf.toString("latin1", off + 4, off + 8);
    const body = buf.subarray(off + 8, off + 8 + len);
    if (type === "IHDR") { w = body.readUInt32BE(0); h = body.readUInt32BE(4); assert.equal(body[8], 8); assert.equal(body[9], 0); }
    if (type === "IDAT") idat.push(body);
    off += 12 + len;
  }
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const px = new Uint8Array(w * h);
  for (let r = 0; r < h; r++) {
    assert.equal(raw[r * (w + 1)], 0);
    px.set(raw.subarray(r * (w + 1) + 1, (r + 1) * (w + 1)), r * w);
  }
  return { w, h, px };
}

test("digitGrid: one image trace whose PNG holds every digit's pixels; captions mark wrong predictions", () => {
  const rnd = lcg(3);
  const images = Array.from({ length: 13 }, () => Array.from({ length: 784 }, () => (rnd() < 0.3 ? rnd() : 0)));
  const trueLabels = images.map((_, k) => k % 10);
  const predLabels = trueLabels.map((y, k) => (k === 4 ? 9 : y));
  const fig = digitGrid(images, { trueLabels, predLabels, cols: 5 });
  assert.equal(fig.data.length, 1);
  const tr = fig.data[0] as Trace & { source: string; meta: { width: number; height: number; rows: number } };
  assert.equal(tr.type, "image");
  const { w, h, px } = decodePng(tr.source);
  assert.deepEqual([w, h], [tr.meta.width, tr.meta.height]);
  assert.equal(tr.meta.rows, 3);
  // find each digit in the mosaic: digit k sits in row floor(k/5), column k%5 of the grid
  const cellW = w / 5, cellH = h / 3, top = cellH - 28, left = (cellW - 28) / 2;
  images.forEach((im, k) => {
    const r0 = Math.floor(k / 5) * cellH + top, c0 = (k % 5) * cellW + left;
    for (let i = 0; i < 28; i++) for (let j = 0; j < 28; j++) {
      assert.equal(px[(r0 + i) * w + c0 + j], Math.round(255 * (1 - im[i * 28 + j])));
    }
  });
  const ann = fig.layout.annotations as { text: string; font: { color: string } }[];
  assert.equal(ann.length, 13);
  assert.equal(ann[4].text, "<b>4→9</b>");
  assert.equal(ann[4].font.color, "#d62728");
  assert.equal(ann[3].text, "3");
  // a 784×m matrix (samples are columns) gives the same picture
  const M: MatrixLike = { rows: 784, cols: images.length, get: (i, j) => images[j][i] };
  assert.equal(digitGrid(M, { trueLabels, predLabels, cols: 5 }).data[0].source, tr.source);
  assert.throws(() => digitGrid([[1, 2, 3]]), /image 0 has 3 values, expected 28×28 = 784/);
  assert.throws(() => digitGrid(images, { trueLabels: [1] }), /trueLabels has 1 entries for 13 images/);
  assert.equal(decodePng(greyPngDataUri(2, 1, Uint8Array.from([0, 255]))).px.join(), "0,255");
});

test("confusionMatrix: counts equal a brute-force count, rows = true class, columns = prediction", () => {
  const rnd = lcg(11);
  const yTrue = Array.from({ length: 200 }, () => Math.floor(rnd() * 4));
  const yPred = yTrue.map((y) => (rnd() < 0.7 ? y : Math.floor(rnd() * 4)));
  const C = confusionCounts(yTrue, yPred, 4);
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) {
    assert.equal(C[i][j], yTrue.filter((y, s) => y === i && yPred[s] === j).length);
  }
  const fig = confusionMatrix(yTrue, yPred, 4);
  assert.equal(fig.data.length, 1);
  assert.equal(fig.data[0].type, "heatmap");
  assert.deepEqual(fig.data[0].z, C);
  assert.deepEqual(fig.data[0].x, ["0", "1", "2", "3"]);
  assert.equal(axisTitle(fig, "xaxis"), "예측 (predicted)");
  assert.equal(axisTitle(fig, "yaxis"), "정답 (true)");
  const acc = yTrue.filter((y, s) => y === yPred[s]).length / yTrue.length;
  assert.match((fig.layout.title as { text: string }).text, new RegExp(`${(acc * 100).toFixed(1)}%`));
  assert.deepEqual(confusionCounts([0, 1, 1], [0, 1, 0]), [[1, 0], [1, 1]]);
  assert.throws(() => confusionCounts([0, 1], [0]), /yTrue has 2 labels but yPred has 1/);
  assert.throws(() => confusionCounts([0, 5], [0, 1], 3), /sample 1 has labels \(5, 1\) outside 0..2/);
});

test("weightHeatmap: z is W (rows = neurons of layer l), colour scale centred at 0", () => {
  const W1 = Matrix.from([[-0.5, 0.25], [1.5, -2], [0, 0.75]]);
  const fig = weightHeatmap(W1, { layer: 1 });
  assert.equal(fig.data.length, 1);
  assert.equal(fig.data[0].type, "heatmap");
  assert.deepEqual(fig.data[0].z, W1.toArray());
  assert.equal(fig.data[0].zmid, 0);
  assert.deepEqual([fig.data[0].zmin, fig.data[0].zmax], [-2, 2]);
  assert.equal((fig.layout.title as { text: string }).text, "W<sup>[1]</sup> (3×2)");
  assert.equal(axisTitle(fig, "yaxis"), "층 1의 뉴런 i (to)");
  assert.equal(axisTitle(fig, "xaxis"), "층 0의 뉴런 j (from)");
  assert.deepEqual(weightHeatmap([[1, 2]]).data[0].z, [[1, 2]]);
});

test("networkDiagram: nodes per layer, one edge per weight, edge colour follows the weight's sign", () => {
  const plain = networkDiagram([2, 3, 1]);
  const nodes = plain.data.filter((t) => t.mode === "markers+text");
  assert.deepEqual(nodes.map((t) => (t.x ?? []).length), [2, 3, 1]);
  assert.deepEqual(nodes.map((t) => t.name), ["입력층 (input)", "은닉층 (hidden)", "출력층 (output)"]);
  const segments = (f: Figure) =>
    f.data.filter((t) => t.mode === "lines").reduce((s, t) => s + (t.x ?? []).filter((v) => v === null).length, 0);
  assert.equal(segments(plain), 2 * 3 + 3 * 1);
  const texts = (plain.layout.annotations as { text: string }[]).map((a) => a.text).join(" ");
  for (const s of ["입력층", "은닉층", "출력층", "A<sup>[0]</sup>", "A<sup>[2]</sup>", "W<sup>[1]</sup> (3×2)", "W<sup>[2]</sup> (1×3)"]) {
    assert.ok(texts.includes(s), `annotation ${s}`);
  }

  const W1 = Matrix.from([[-0.17, 0.44], [-1.0, -0.4], [-0.7, -0.82]]);
  const W2 = Matrix.from([[-0.63, 0.31, -0.21]]);
  const fig = networkDiagram([2, 3, 1], { W: [Matrix.zeros(0, 0), W1, W2] });
  assert.equal(segments(fig), 9);
  // every segment from (l-1, y_j) to (l, y_i) sits in a trace whose colour matches sign(W[l][i][j])
  const yOf = (n: number, k: number) => (n - 1) / 2 - k;
  const arch = [2, 3, 1], Ws = [null, W1, W2];
  for (const tr of fig.data.filter((t) => t.mode === "lines")) {
    const red = String((tr.line as { color: string }).color).startsWith("rgba(178");
    const x = tr.x as (number | null)[], y = tr.y as (number | null)[];
    for (let s = 0; s < x.length; s += 3) {
      const l = x[s + 1] as number;
      const j = arch[l - 1] === 1 ? 0 : [0, 1, 2].find((k) => yOf(arch[l - 1], k) === y[s])!;
      const i = [0, 1, 2].find((k) => yOf(arch[l], k) === y[s + 1])!;
      assert.equal(red, Ws[l]!.get(i, j) >= 0, `edge W[${l}](${i},${j})`);
    }
  }
  const big = networkDiagram([784, 100, 10], { maxNodes: 8 });
  const bigNodes = big.data.filter((t) => t.mode === "markers+text");
  assert.deepEqual(bigNodes.map((t) => (t.x ?? []).length), [7, 7, 7]);
  assert.ok((big.layout.annotations as { text: string }[]).some((a) => a.text === "⋮"));
  assert.throws(() => networkDiagram([2, 3, 1], { W: [null, W2, W1] }), /W\[1\] is \(1×3\) but netArch needs \(3×2\)/);
  assert.throws(() => networkDiagram([2]), /netArch must list at least 2/);
});
