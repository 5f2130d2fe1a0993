// Opens the repository root (lessons in notebooks/, homework in homework/) in JupyterLab when it is
// installed, else Jupyter Notebook, with the kernel registered. Arguments after `--` go to Jupyter:
//   npm start -- --port 8899 --no-browser
// As root (containers, a VM's root shell) it adds --allow-root, which Jupyter refuses to start without.
import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { ROOT, checkNode, userDataDir, warmKernelCache, writeKernelSpec } from "./jupyter.mjs";

checkNode();
const passed = process.argv.slice(2);
writeKernelSpec(userDataDir());
warmKernelCache({ background: true }); // while Jupyter starts: the first notebook's import is then quick
const pythons = /** @type {string[]} */ ([process.env.MLP_PYTHON, join(ROOT, ".venv", "bin", "python"), "python3", "/usr/bin/python3", "python"].filter(Boolean));
/**
 * @param {string} py
 * @param {string} mod
 */
const has = (py, mod) => spawnSync(py, ["-c", `import ${mod}`], { stdio: "ignore" }).status === 0;
/**
 * Jupyter's arguments: the repository root (unless given), --allow-root as root, then the user's.
 * @param {string[]} passedArgs
 * @returns {string[]}
 */
function jupyterArgs(passedArgs, { isRoot = process.getuid?.() === 0 } = {}) {
  /** @param {string} name */
  const given = (name) => passedArgs.some((a) => a === name || a.startsWith(name + "="));
  const args = [];
  if (!given("--notebook-dir") && !passedArgs.some((a) => /^--(ServerApp|NotebookApp)\.(root_dir|notebook_dir)(=|$)/.test(a))) {
    args.push("--notebook-dir", ROOT);
  }
  if (isRoot && !given("--allow-root")) args.push("--allow-root");
  return [...args, ...passedArgs];
}
for (const app of [
  { mod: "jupyterlab", args: ["-m", "jupyterlab"] },
  { mod: "notebook", args: ["-m", "notebook"] },
]) {
  const py = pythons.find((p) => has(p, app.mod));
  if (py) {
    const args = [...app.args, ...jupyterArgs(passed)];
    console.log(`Starting ${app.mod} in ${ROOT} (lessons: notebooks/, homework: homework/; kernel: "TypeScript (MLP course)")…`);
    const child = spawn(py, args, { stdio: "inherit" });
    child.on("exit", (code) => process.exit(code ?? 0));
    for (const sig of /** @type {const} */ (["SIGINT", "SIGTERM"])) process.on(sig, () => child.kill(sig));
    await new Promise(() => {});
  }
}
console.error(
  "Neither JupyterLab nor Jupyter Notebook is installed.\n" +
    "  pip install jupyterlab        (or: sudo apt-get install jupyter-notebook)\n" +
    "or open the repository folder in VS Code with the Jupyter extension and pick the kernel \"TypeScript (MLP course)\".",
);
process.exit(1);
