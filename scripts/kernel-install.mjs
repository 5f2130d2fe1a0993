// Registers the project's Jupyter kernel ("TypeScript (MLP course)"), without needing Python.
//   npm run kernel                      per-user (JupyterLab, Notebook, VS Code find it)
//   npm run kernel -- --system          system-wide, /usr/local/share/jupyter (JupyterHub; needs root)
//   npm run kernel -- --prefix DIR      into DIR/share/jupyter (a virtualenv or conda env)
//   npm run kernel -- --uninstall       remove it again (combine with --system / --prefix)
// Running it twice is harmless: the kernelspec is rewritten only when it changed.
import { join } from "node:path";
import { DISPLAY_NAME, KERNEL_NAME, checkNode, removeKernelSpec, systemDataDir, userDataDir, warmKernelCache, writeKernelSpec } from "./jupyter.mjs";

checkNode();
const args = process.argv.slice(2);
const known = new Set(["--system", "--uninstall", "--prefix", "--help", "-h"]);
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--prefix") i++;
  else if (!known.has(args[i])) {
    console.error(`kernel: unknown option ${args[i]} (use --system, --prefix DIR, --uninstall)`);
    process.exit(2);
  }
}
if (args.includes("--help") || args.includes("-h")) {
  console.log("usage: npm run kernel [-- --system | --prefix DIR] [--uninstall]");
  process.exit(0);
}
const p = args.indexOf("--prefix");
let dataDir = userDataDir();
if (p >= 0) {
  if (!args[p + 1]) {
    console.error("kernel: --prefix needs a folder");
    process.exit(2);
  }
  dataDir = join(args[p + 1], "share", "jupyter");
} else if (args.includes("--system")) dataDir = systemDataDir();

try {
  if (args.includes("--uninstall")) {
    const removed = removeKernelSpec(dataDir);
    console.log(removed ? `Removed kernel ${KERNEL_NAME} from ${join(dataDir, "kernels")}` : `Kernel ${KERNEL_NAME} was not installed in ${join(dataDir, "kernels")}`);
  } else {
    const dir = writeKernelSpec(dataDir);
    console.log(`Kernel "${DISPLAY_NAME}" (${KERNEL_NAME}) registered in ${dir}`);
    console.log("Pick it in JupyterLab, Notebook or VS Code (Select Kernel → Jupyter Kernel…).");
    warmKernelCache();
  }
} catch (e) {
  const err = /** @type {NodeJS.ErrnoException} */ (e);
  if (err.code === "EACCES" || err.code === "EPERM") {
    console.error(`kernel: no permission to write ${dataDir}. A system-wide install needs root (sudo npm run kernel -- --system).`);
    process.exit(1);
  }
  throw e;
}
