#!/usr/bin/env node
// Experiment cells must stay free: a cell that invites changes (a `// parameters` block: the lines after
// that comment up to the first blank line) must run whatever values a student puts there. This tool edits
// every such block of the lesson notebooks — η×2, epochs÷2, seed+1, a hidden size +1 — writes the edited
// copies under build/perturb/<variant>/, executes them (scripts/notebooks.mjs, a fresh kernel each) and
// reports every failing cell, saying whether it was one of the edited ones.
//   node tools/perturb-parameters.mjs [--variants all,eta,epochs,seed,hidden] [NOTEBOOK...]
// Exit code 0 only if no cell failed in any variant.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(fileURLToPath(new URL(".", import.meta.url)), "..");
const MARK = "// parameters";

const num = (s) => Number(s);
const fmt = (v) => String(Number.isInteger(v) ? v : Number(v.toPrecision(12)));
const mapNumbers = (list, f) => list.replace(/-?\d+(\.\d+)?(e-?\d+)?/g, (m) => fmt(f(num(m))));
const middle = (arch) => { // [a, b, …, z] → hidden sizes (all but the first and last) + 1
  const v = arch.split(",").map((x) => x.trim());
  return v.map((x, i) => (i > 0 && i < v.length - 1 ? fmt(num(x) + 1) : x)).join(", ");
};

/** The edits, each a function of one line of a parameters block. */
export const PERTURBATIONS = {
  eta: (l) => l
    .replace(/\b(eta\s*[=:]\s*)(\d+(\.\d+)?)/g, (_, a, v) => a + fmt(num(v) * 2))
    .replace(/\b(etas\s*=\s*\[)([^\]]*)\]/g, (_, a, list) => a + mapNumbers(list, (v) => v * 2) + "]"),
  epochs: (l) => l
    .replace(/\b(epochs\s*[=:]\s*)(\d+)\b/g, (_, a, v) => a + Math.max(1, Math.floor(num(v) / 2)))
    .replace(/\b(checkpoints\s*=\s*\[)([^\]]*)\]/g, (_, a, list) => a + mapNumbers(list, (v) => Math.max(1, Math.floor(v / 2))) + "]"),
  seed: (l) => l
    .replace(/\b(randomSeed\s*[=:]\s*)(\d+)\b/g, (_, a, v) => a + (num(v) + 1))
    .replace(/\b(seeds\s*=.*=>\s*k\s*\+\s*)(\d+)/g, (_, a, v) => a + (num(v) + 1)),
  hidden: (l) => l
    .replace(/\b(netArch\s*=\s*\[)([^\]]*)\]/g, (_, a, arch) => a + middle(arch) + "]")
    .replace(/\b(hiddenSizes\s*=\s*\[)([^\]]*)\]/g, (_, a, list) => a + mapNumbers(list, (v) => v + 1) + "]")
    .replace(/\b(archs\s*=\s*\[)(.*)\];/g, (_, a, inner) => a + inner.replace(/\[([^\[\]]*)\]/g, (__, arch) => `[${middle(arch)}]`) + "];"),
};

/** Applies the named perturbations to every parameters block of a notebook; returns the edits made. */
export function perturbNotebook(nb, names) {
  const edits = [];
  nb.cells.forEach((cell, index) => {
    if (cell.cell_type !== "code") return;
    const lines = (Array.isArray(cell.source) ? cell.source.join("") : cell.source).split("\n");
    const start = lines.findIndex((l) => l.trim() === MARK);
    if (start < 0) return;
    const changed = [];
    for (let i = start + 1; i < lines.length && lines[i].trim() !== ""; i++) {
      const before = lines[i];
      lines[i] = names.reduce((l, n) => PERTURBATIONS[n](l), before);
      if (lines[i] !== before) changed.push([before.trim(), lines[i].trim()]);
    }
    const text = lines.join("\n");
    cell.source = text.split(/(?<=\n)/);
    edits.push({ cell: index + 1, id: cell.id, changed });
  });
  return edits;
}

function main() {
  const args = process.argv.slice(2);
  let variants = ["all", "eta", "epochs", "seed", "hidden"];
  const files = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--variants") variants = args[++i].split(",");
    else files.push(args[i]);
  }
  const notebooks = files.length
    ? files
    : readdirSync(join(ROOT, "notebooks")).filter((f) => f.endsWith(".ipynb")).sort().map((f) => join("notebooks", f))
        .filter((f) => readFileSync(join(ROOT, f), "utf8").includes(MARK));
  const outRoot = join(ROOT, "build", "perturb");
  rmSync(outRoot, { recursive: true, force: true });
  let failedCells = 0, failedEdited = 0;
  for (const variant of variants) {
    const names = variant === "all" ? Object.keys(PERTURBATIONS) : [variant];
    for (const n of names) if (!PERTURBATIONS[n]) { console.error(`perturb: unknown variant ${n}`); process.exit(2); }
    const dir = join(outRoot, variant);
    mkdirSync(dir, { recursive: true });
    const plan = [];
    for (const f of notebooks) {
      const nb = JSON.parse(readFileSync(join(ROOT, f), "utf8"));
      const edits = perturbNotebook(nb, names);
      const dest = join(dir, basename(f));
      writeFileSync(dest, JSON.stringify(nb, null, 1) + "\n");
      plan.push({ f, dest, edits });
    }
    console.log(`\n== variant "${variant}" (${names.join(" + ")})`);
    for (const { f, edits } of plan) {
      for (const e of edits) {
        const what = e.changed.length ? e.changed.map(([a, b]) => `${a}  →  ${b}`).join("\n        ") : "(no value this variant changes)";
        console.log(`  ${f} cell ${e.cell}: ${what}`);
      }
    }
    const summary = join(dir, "summary.json");
    const r = spawnSync(process.execPath, [join(ROOT, "scripts", "notebooks.mjs"), "--timeout", "300", "--json", summary, ...plan.map((p) => relative(ROOT, p.dest))], { cwd: ROOT, stdio: "inherit" });
    let results = [];
    try {
      results = JSON.parse(readFileSync(summary, "utf8"));
    } catch {
      console.log(`  ✗ no summary from the runner (exit ${r.status})`);
      failedCells++;
      continue;
    }
    for (const res of results) {
      const edited = new Set((plan.find((p) => relative(ROOT, p.dest) === res.notebook)?.edits ?? []).map((e) => e.cell));
      for (const fl of res.failures ?? []) {
        const isEdited = typeof fl === "object" && edited.has(fl.cell);
        failedCells++;
        if (isEdited) failedEdited++;
        console.log(`  ✗ ${res.notebook} cell ${fl.cell ?? "?"}${isEdited ? " (an edited parameters cell)" : ""}: ${fl.kind ?? fl}`);
      }
    }
  }
  console.log(`\nperturb-parameters: ${failedCells} failing cell(s), ${failedEdited} of them edited parameters cells, in ${variants.length} variant(s) of ${notebooks.length} notebook(s)`);
  process.exit(failedCells ? 1 : 0);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
