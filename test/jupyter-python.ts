// The Python the homework tests drive nbclient with: MLP_PYTHON, the project's .venv, Debian's python3,
// then the first python3 on PATH — the first that imports nbclient, nbconvert and nbformat, or null.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";

export function jupyterPython(): string | null {
  const root = resolve(__dirname, "..");
  for (const py of [process.env.MLP_PYTHON, join(root, ".venv", "bin", "python"), "/usr/bin/python3", "python3"]) {
    if (!py || (py.includes("/") && !existsSync(py))) continue;
    if (spawnSync(py, ["-c", "import nbclient, nbconvert, nbformat"], { stdio: "ignore" }).status === 0) return py;
  }
  return null;
}
