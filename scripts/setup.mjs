// One-time set-up: checks Node, finds or installs Jupyter's Python side, registers the kernel and
// compiles src/ for its first import.
import { checkNode, ensureJupyter, userDataDir, warmKernelCache, writeKernelSpec } from "./jupyter.mjs";

checkNode();
const python = ensureJupyter({ install: true });
console.log(`Jupyter (nbclient, nbconvert): ${python}`);
console.log(`Kernel registered in ${writeKernelSpec(userDataDir())}`);
warmKernelCache();
