// Opens notebooks/ in JupyterLab when it is installed, else Jupyter Notebook, with the kernel registered.
import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { ROOT, checkNode, userDataDir, warmKernelCache, writeKernelSpec } from "./jupyter.mjs";

checkNode();
writeKernelSpec(userDataDir());
warmKernelCache({ background: true }); // while Jupyter starts: the first notebook's import is then quick
const pythons = [process.env.MLP_PYTHON, join(ROOT, ".venv", "bin", "python"), "python3", "/usr/bin/python3", "python"].filter(Boolean);
const has = (py, mod) => spawnSync(py, ["-c", `import ${mod}`], { stdio: "ignore" }).status === 0;
for (const app of [
  { mod: "jupyterlab", args: ["-m", "jupyterlab"] },
  { mod: "notebook", args: ["-m", "notebook"] },
]) {
  const py = pythons.find((p) => has(p, app.mod));
  if (py) {
    console.log(`Starting ${app.mod} in notebooks/ (kernel: "TypeScript (MLP course)")…`);
    const child = spawn(py, [...app.args, "--notebook-dir", join(ROOT, "notebooks")], { stdio: "inherit" });
    child.on("exit", (code) => process.exit(code ?? 0));
    process.on("SIGINT", () => child.kill("SIGINT"));
    await new Promise(() => {});
  }
}
console.error(
  "Neither JupyterLab nor Jupyter Notebook is installed.\n" +
    "  pip install jupyterlab        (or: sudo apt-get install jupyter-notebook)\n" +
    "or open notebooks/ in VS Code with the Jupyter extension and pick the kernel \"TypeScript (MLP course)\".",
);
process.exit(1);
