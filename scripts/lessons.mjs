// `npm run lessons`: the main job. Sets up what is missing (Jupyter, the kernel), executes every lesson
// notebook in a fresh kernel and writes executed .ipynb + standalone HTML (opens offline) to build/lessons/.
import { spawnSync } from "node:child_process";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT, checkNode, ensureJupyter, userDataDir, writeKernelSpec } from "./jupyter.mjs";
import { projectNotebooks, runNotebooks } from "./notebooks.mjs";

checkNode();
ensureJupyter({ install: true });
const kernelDir = writeKernelSpec(userDataDir());
const outDir = join(ROOT, "build", "lessons");
const only = process.argv.slice(2);
const notebooks = only.length ? only : projectNotebooks(["notebooks"]);
if (notebooks.length === 0) {
  console.error("lessons: no notebooks under notebooks/");
  process.exit(1);
}
console.log(`Executing ${notebooks.length} lesson notebook(s) into ${relative(process.cwd(), outDir) || "."}/ …`);
const code = runNotebooks(notebooks, ["--timeout", "180", "--out-dir", outDir, "--html", "--json", join(outDir, "summary.json")]);
console.log(`\nKernel "TypeScript (MLP course)" is registered (${kernelDir}); \`npm start\` opens the notebooks in Jupyter.`);
console.log("Executed lessons (open the .html files in any browser, offline):");
for (const nb of notebooks) {
  const stem = nb.replace(/^.*[\\/]/, "").replace(/\.ipynb$/, "");
  console.log(`  ${pathToFileURL(join(outDir, stem + ".html")).href}`);
}
// the "break it" exercises must still report their failure (tools/check-exercises.mjs)
const lessonCopies = notebooks.filter((nb) => /(^|[\\/])notebooks[\\/]/.test(nb)).map((nb) => join(outDir, nb.replace(/^.*[\\/]/, "")));
const exercises = lessonCopies.length ? spawnSync(process.execPath, [join(ROOT, "tools", "check-exercises.mjs"), ...lessonCopies], { stdio: "inherit" }).status : 0;
process.exit(code || exercises);
