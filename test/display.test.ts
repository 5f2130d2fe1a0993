// show / liveLoss / showTable (src/display.ts): outside a kernel (no throw, text summary, HTML file) and
// inside a simulated tslab kernel: tslab's real jupyter.js module with its lastWriteDisplayData replaced by
// a recorder, reached the same way display.ts reaches it in the kernel (require("tslab") → require.cache).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pl from "nodejs-polars";
import {
  show,
  figureBundle,
  figureJson,
  figureSummary,
  figurePage,
  liveLoss,
  showTable,
  tableText,
  tableHtml,
  inKernel,
  initPlots,
  plotlyVersion,
  MimeBundle,
} from "../src/display";
import { lossCurve, functionPlot, Figure } from "../src/plot";

const PLOTLY = "application/vnd.plotly.v1+json";

function captureLog<T>(f: () => T): { out: string[]; value: T } {
  const out: string[] = [];
  const orig = console.log;
  console.log = (...a: unknown[]) => void out.push(a.map(String).join(" "));
  try {
    return { out, value: f() };
  } finally {
    console.log = orig;
  }
}

test("show outside a kernel: does not throw, prints a one-line summary (nothing when quiet)", () => {
  assert.equal(inKernel(), false);
  const fig = lossCurve([1, 0.5, 0.25]);
  const { out, value } = captureLog(() => show(fig));
  assert.equal(value, undefined);
  assert.deepEqual(out, ["Figure: 1 trace (scatter: 3 points) — x: 에폭 (epoch), y: 비용 (cost)"]);
  assert.deepEqual(captureLog(() => show(fig, { quiet: true })).out, []);
  assert.deepEqual(captureLog(() => initPlots()).out, []);
  assert.throws(() => show({} as Figure), /show: expected a figure/);
});

test("show with { file }: a standalone HTML page with plotly.js inlined once and the figure", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mlp-show-"));
  const file = path.join(dir, "sub", "loss.html");
  const { out } = captureLog(() => show(lossCurve([3, 2, 1], { title: "비용" }), { file }));
  assert.match(out[0], /→ .*loss\.html$/);
  const html = fs.readFileSync(file, "utf8");
  assert.ok(html.startsWith("<!DOCTYPE html>"));
  assert.equal(html.split(`plotly.js v${plotlyVersion()}`).length - 1, 1, "plotly.js inlined exactly once");
  assert.ok(html.length > 4_000_000);
  assert.match(html, /<div id="mlp-fig-\d+-[0-9a-f]{8}" class="mlp-figure"/);
  assert.ok(html.includes("P.newPlot(el, fig.data, fig.layout, fig.config)"));
  assert.ok(!/<\/script/i.test(html.slice(html.indexOf("plotly.js v"), html.lastIndexOf("</script>"))), "no early </script");
  fs.rmSync(dir, { recursive: true, force: true });
  assert.equal(figurePage([lossCurve([1]), lossCurve([2])]).split("mlp-fig-").length - 1 >= 2, true);
});

test("figureBundle: plotly JSON object + html + text; numbers rounded, html injection-safe, ids deterministic", () => {
  const fig: Figure = {
    data: [{ type: "scatter", name: "</script><script>alert(1)</script>", x: [1, 2, 3], y: [0.1 + 0.2, NaN, 1 / 3] }],
    layout: { title: { text: "a <b>bold</b> title" } },
  };
  const b = figureBundle(fig);
  assert.deepEqual(Object.keys(b).sort(), [PLOTLY, "text/html", "text/plain"].sort());
  const obj = b[PLOTLY] as Figure;
  assert.equal(typeof obj, "object");
  assert.deepEqual(obj.data[0].y, [0.3, null, 0.333333]);
  assert.deepEqual(obj.config, { responsive: true, displaylogo: false });
  assert.deepEqual(obj, JSON.parse(figureJson({ ...fig, config: obj.config })));
  const html = b["text/html"] as string;
  assert.ok(!html.includes("</script><script>alert"), "a trace name cannot close the script");
  assert.ok(html.includes("\\u003c/script\\u003e"));
  assert.match(html, /class="mlp-fallback"[^>]*>\[Figure &quot;a bold title&quot;: 1 trace/);
  assert.equal(b["text/plain"], 'Figure "a bold title": 1 trace (scatter: 3 points)');

  // the div id is a running number plus a hash of the figure: the same figure in the same position
  // of a fresh run gets the same id; a different figure never shares an id
  const id = (x: MimeBundle) => /id="(mlp-fig-(\d+)-([0-9a-f]{8}))"/.exec(x["text/html"] as string)!;
  const a1 = id(figureBundle(lossCurve([1, 2]))), a2 = id(figureBundle(lossCurve([1, 2]))), a3 = id(figureBundle(lossCurve([1, 3])));
  assert.equal(Number(a2[2]), Number(a1[2]) + 1);
  assert.equal(a1[3], a2[3]);
  assert.notEqual(a1[3], a3[3]);
  assert.equal(figureSummary(functionPlot(Math.sin, Math.cos, { n: 11 })), "Figure: 2 traces (scatter: 11 points; scatter: 11 points) — x: x, y: 값 (value)");
});

test("liveLoss outside a kernel: records every epoch, prints one line at the end, finish is idempotent", () => {
  const { out, value: live } = captureLog(() => {
    const live = liveLoss({ epochs: 5 });
    [5, 4, 3, 2, 1].forEach((c, e) => live.onEpoch(e, c));
    live.finish();
    live.finish();
    return live;
  });
  assert.deepEqual(live.cost, [5, 4, 3, 2, 1]);
  assert.deepEqual(out, ["학습 완료 (done) — 에폭 (epoch) 5 / 5, 비용 (cost) 1.00000"]);
  // epochs taken from the network when not given
  const { out: out2 } = captureLog(() => {
    const l2 = liveLoss();
    l2.onEpoch(0, 2, { epochs: 2 });
    l2.onEpoch(1, 1, { epochs: 2 });
  });
  assert.equal(out2.length, 1);
});

test("tables: text and HTML views of a polars DataFrame, maxRows, nulls, escaping", () => {
  const df = pl.DataFrame({ epoch: [1, 2, 3, 4], cost: [0.123456789, 0.5, 0.25, 0.125], note: ["<b>", null, "ok", "ok"] });
  const text = tableText(df, { maxRows: 2 });
  const lines = text.split("\n");
  assert.equal(lines.length, 5);
  assert.match(lines[0], /epoch\s+cost\s+note/);
  assert.match(lines[2], /1\s+0\.123457\s+<b>/);
  assert.match(lines[3], /2\s+0\.5\s+null/);
  assert.equal(lines[4], "(4 rows × 3 columns, 2 more rows not shown)");
  const html = tableHtml(df, { maxRows: 3, title: "기록" });
  assert.equal((html.match(/<tr>/g) ?? []).length, 4); // header + 3 rows
  assert.ok(html.includes("&lt;b&gt;") && !html.includes("<b>"));
  assert.ok(html.includes("(1 more rows not shown)"));
  const { out } = captureLog(() => showTable(df, { maxRows: 1 }));
  assert.equal(out.length, 1);
  assert.ok(out[0].includes("3 more rows not shown"));
});

// --- inside a (simulated) tslab kernel --------------------------------------------------------

interface Sent {
  data: MimeBundle;
  transient?: { display_id?: string };
  update: boolean;
}

function withFakeKernel<T>(f: (sent: Sent[]) => T): T {
  const g = globalThis as unknown as { __tslab__?: unknown };
  // tslab's own modules, loaded from node_modules exactly as the kernel has them
  const jupyter = require("tslab/dist/jupyter.js") as { lastWriteDisplayData: unknown };
  const sent: Sent[] = [];
  const saved = jupyter.lastWriteDisplayData;
  jupyter.lastWriteDisplayData = (content: { data: MimeBundle; transient?: { display_id?: string } }, update: boolean) =>
    sent.push({ data: content.data, transient: content.transient, update });
  g.__tslab__ = { require: (id: string) => require(id) };
  try {
    return f(sent);
  } finally {
    delete g.__tslab__;
    jupyter.lastWriteDisplayData = saved;
  }
}

test("in a kernel: show sends plotly.js once, then one 3-mime bundle per figure with the JSON as an object", () => {
  withFakeKernel((sent) => {
    assert.equal(inKernel(), true);
    const { out } = captureLog(() => {
      show(lossCurve([1, 0.5]));
      show(lossCurve([2, 1]));
    });
    assert.deepEqual(out, [], "nothing printed as text in a kernel");
    assert.equal(sent.length, 3);
    assert.deepEqual(Object.keys(sent[0].data).sort(), ["text/html", "text/plain"]);
    assert.ok((sent[0].data["text/html"] as string).includes(`plotly.js v${plotlyVersion()}`));
    for (const s of sent.slice(1)) {
      assert.deepEqual(Object.keys(s.data).sort(), [PLOTLY, "text/html", "text/plain"].sort());
      assert.equal(typeof s.data[PLOTLY], "object");
      assert.equal(s.update, false);
    }
    initPlots(); // an explicit setup cell always (re)sends it
    assert.equal(sent.length, 4);
    showTable(pl.DataFrame({ a: [1, 2] }));
    assert.deepEqual(Object.keys(sent[4].data).sort(), ["text/html", "text/plain"]);
  });
  assert.equal(inKernel(), false);
});

test("in a kernel: liveLoss updates ONE display id in place and ends with the full curve", () => {
  withFakeKernel((sent) => {
    const live = liveLoss({ epochs: 100, every: 10, minIntervalMs: 0, title: "live" });
    for (let e = 0; e < 100; e++) live.onEpoch(e, 1 / (e + 1));
    live.finish(); // already finished at epoch 100: no extra message
    const figs = sent.filter((s) => PLOTLY in s.data);
    const ids = new Set(figs.map((s) => s.transient?.display_id));
    assert.equal(ids.size, 1, "one display id");
    assert.ok([...ids][0]);
    assert.equal(figs[0].update, false);
    assert.ok(figs.slice(1).every((s) => s.update));
    assert.equal(figs.length, 1 + 9 + 1, "first epoch, every 10th (10..90), final");
    const last = figs[figs.length - 1];
    const y = (last.data[PLOTLY] as Figure).data[0].y as number[];
    assert.equal(y.length, 100);
    assert.equal(y[99], 0.01);
    assert.match(last.data["text/plain"] as string, /^학습 완료 \(done\) — 에폭 \(epoch\) 100 \/ 100/);
    // all refreshes share the figure number, so the saved final output does not depend on timing
    const num = (s: Sent) => /mlp-fig-(\d+)-/.exec(s.data["text/html"] as string)![1];
    assert.equal(new Set(figs.map(num)).size, 1);
  });
});
