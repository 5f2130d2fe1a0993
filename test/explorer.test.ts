import { test } from "node:test";
import assert from "node:assert/strict";
import { Matrix } from "../src/matrix";
import { explorerGrid, trainingExplorer, type TrainingRun } from "../src/explorer";

const X = Matrix.from([[0, 0, 1, 1], [0, 1, 0, 1]]);
const labels = [0, 1, 1, 0];

function fakeRuns(grid: ReturnType<typeof explorerGrid>, epochs: number[], names = ["은닉 2", "은닉 3"]): TrainingRun[] {
  const N = grid.x1.length * grid.x2.length;
  return names.map((name, r) => ({
    name,
    cost: Array.from({ length: 100 }, (_, k) => 1 / (k + 1 + r)),
    snapshots: epochs.map((epoch) => ({ epoch, output: Array.from({ length: N }, (_, i) => ((i + epoch + r) % 10) / 10) })),
  }));
}

test("explorerGrid: an n×n grid over the samples plus padding, x1 varying fastest", () => {
  const g = explorerGrid(X, 5, 0.5);
  assert.deepEqual(g.x1, [-0.5, 0, 0.5, 1, 1.5]);
  assert.deepEqual(g.x2, [-0.5, 0, 0.5, 1, 1.5]);
  assert.equal(g.points.length, 2);
  assert.equal(g.points[0].length, 25);
  assert.deepEqual([g.points[0][1], g.points[1][1]], [0, -0.5]); // second point: x1 moved, x2 not
  assert.deepEqual([g.points[0][5], g.points[1][5]], [-0.5, 0]);
  assert.throws(() => explorerGrid(Matrix.from([[0, 1]]), 5), /X must be 2×m .*\(1×2\)/);
  assert.throws(() => explorerGrid(X, 1), /n must be an integer in 2\.\.200, got 1/);
});

test("trainingExplorer: one heatmap per run and snapshot, samples per panel, one cost curve per run", () => {
  const grid = explorerGrid(X, 4);
  const epochs = [0, 10, 50, 100];
  const fig = trainingExplorer(fakeRuns(grid, epochs), X, labels, grid, { title: "t" });
  const heat = fig.data.filter((d) => d.type === "heatmap");
  assert.equal(heat.length, 2 * epochs.length);
  assert.equal(fig.data.filter((d) => d.type === "scatter" && d.mode === "markers").length, 2 * 2);
  const curves = fig.data.filter((d) => d.mode === "lines");
  assert.equal(curves.length, 2);
  assert.deepEqual(curves.map((c) => c.xaxis), ["x3", "x3"]);
  // the heatmap z rows are the grid's x2 values, columns its x1 values
  assert.equal((heat[0].z as number[][]).length, grid.x2.length);
  assert.equal((heat[0].z as number[][])[0].length, grid.x1.length);
  // first panel on axis x, second on x2
  assert.deepEqual([heat[0].xaxis, heat[epochs.length].xaxis], ["x", "x2"]);
  // JSON round trip: plain data
  assert.deepEqual(JSON.parse(JSON.stringify(fig)), fig);
});

test("trainingExplorer: slider step s shows exactly the epoch-s heatmap of every panel and moves the epoch line", () => {
  const grid = explorerGrid(X, 4);
  const epochs = [0, 10, 50, 100];
  const runs = fakeRuns(grid, epochs, ["a", "b", "c"]);
  const fig = trainingExplorer(runs, X, labels, grid);
  const slider = (fig.layout.sliders as { active: number; steps: { label: string; method: string; args: [{ visible: boolean[] }, Record<string, number>] }[] }[])[0];
  assert.equal(slider.active, epochs.length - 1);
  assert.deepEqual(slider.steps.map((s) => s.label), ["0", "10", "50", "100"]);
  slider.steps.forEach((step, s) => {
    assert.equal(step.method, "update");
    const vis = step.args[0].visible;
    assert.equal(vis.length, fig.data.length);
    const shown = fig.data.filter((d, i) => d.type === "heatmap" && vis[i]).map((d) => d.name);
    assert.deepEqual(shown, runs.map((r) => `${r.name}, ${epochs[s]}`));
    assert.ok(fig.data.every((d, i) => d.type === "heatmap" || vis[i]), "samples and cost curves stay visible");
    assert.deepEqual(step.args[1], { "shapes[0].x0": epochs[s], "shapes[0].x1": epochs[s] });
  });
  // the initial view is the last epoch
  assert.deepEqual(fig.data.filter((d) => d.type === "heatmap" && d.visible).map((d) => d.name), ["a, 100", "b, 100", "c, 100"]);
});

test("trainingExplorer: mismatched snapshots or outputs are named in the error", () => {
  const grid = explorerGrid(X, 4);
  const runs = fakeRuns(grid, [0, 10]);
  assert.throws(() => trainingExplorer([runs[0], { ...runs[1], snapshots: runs[1].snapshots.slice(0, 1) }], X, labels, grid),
    /run "은닉 3" has snapshots at epochs \[0\], the first run at \[0,10\]/);
  const short = { ...runs[1], snapshots: [{ epoch: 0, output: [0.5] }, runs[1].snapshots[1]] };
  assert.throws(() => trainingExplorer([runs[0], short], X, labels, grid), /run "은닉 3", epoch 0: 1 outputs for a grid of 16 points/);
  assert.throws(() => trainingExplorer(runs, X, [0, 1], grid), /X has 4 samples \(columns\) but labels has 2/);
  assert.throws(() => trainingExplorer([], X, labels, grid), /no runs/);
});
