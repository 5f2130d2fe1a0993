// Executes notebooks on the project kernel through scripts/nbrun.py (which runs them with the project's one
// nbclient executor, scripts/nbexec.py).
//   node scripts/notebooks.mjs                 every notebook under notebooks/ and homework/
//   node scripts/notebooks.mjs A.ipynb B.ipynb  just those
//   --check-clean   only check that they carry no outputs   --timeout S   seconds per cell
//   --out-dir DIR   keep executed copies                    --html        and standalone HTML
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { ROOT, buildEnv, checkNode, ensureJupyter } from "./jupyter.mjs";

/** Notebooks the project ships: lessons and homework sources (fixtures and build output excluded). */
export function projectNotebooks(dirs = ["notebooks", "homework"]) {
  const walk = (dir) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return [];
    }
    return entries.flatMap((e) => {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        return e.name.startsWith(".") || /fixture|node_modules|submissions|student|build/i.test(e.name) ? [] : walk(p);
      }
      return e.name.endsWith(".ipynb") ? [relative(ROOT, p)] : [];
    });
  };
  return dirs.flatMap((d) => walk(join(ROOT, d))).sort();
}

/** Runs nbrun.py; returns its exit code. */
export function runNotebooks(paths, extraArgs = [], { install = true } = {}) {
  const python = ensureJupyter({ install });
  const r = spawnSync(python, [join(ROOT, "scripts", "nbrun.py"), ...extraArgs, ...paths], {
    cwd: ROOT,
    env: buildEnv(),
    stdio: "inherit",
  });
  return r.status ?? 1;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  checkNode();
  const args = process.argv.slice(2);
  const flags = [];
  const paths = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--timeout" || a === "--out-dir" || a === "--json") flags.push(a, args[++i]);
    else if (a.startsWith("--")) flags.push(a);
    else paths.push(a);
  }
  const list = paths.length ? paths : projectNotebooks();
  if (list.length === 0) {
    console.error("notebooks: no notebooks found under notebooks/ or homework/");
    process.exit(1);
  }
  process.exit(runNotebooks(list, flags));
}
