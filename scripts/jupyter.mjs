// Finding (or installing) Jupyter's Python side and writing the project kernelspec.
// Used by setup, kernel, start, lessons, notebooks and test scripts.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const KERNEL_NAME = "mlp-course";
export const DISPLAY_NAME = "TypeScript (MLP course)";
/** Jupyter data dir holding the kernelspec that tests and builds use (git-ignored). */
export const BUILD_JUPYTER_PATH = join(ROOT, "build", "jupyter");
const VENV_PYTHON = process.platform === "win32" ? join(ROOT, ".venv", "Scripts", "python.exe") : join(ROOT, ".venv", "bin", "python");
const PY_MODULES = ["nbclient", "nbconvert", "nbformat", "jupyter_client"];

/** Stops with a short instruction when Node is older than 20 or the npm packages are not installed. */
export function checkNode() {
  const major = Number(process.versions.node.split(".")[0]);
  if (major < 20) {
    console.error(
      `This course kit needs Node.js 20 or newer; this is ${process.version}.\n` +
        "Install the current LTS from https://nodejs.org (or `nvm install --lts`), then run the command again.",
    );
    process.exit(1);
  }
  if (!existsSync(join(ROOT, "node_modules", "tslab", "package.json"))) {
    console.error("The npm packages are not installed yet: run `npm ci` first.");
    process.exit(1);
  }
}

function hasModules(python) {
  const code = `import ${PY_MODULES.join(", ")}`;
  const r = spawnSync(python, ["-c", code], { stdio: "ignore" });
  return r.status === 0;
}

function candidates() {
  const list = [];
  if (process.env.MLP_PYTHON) list.push(process.env.MLP_PYTHON);
  list.push(VENV_PYTHON);
  // Debian's python3 (where apt installs Jupyter) before whatever python3 is first on PATH.
  if (process.platform !== "win32") list.push("/usr/bin/python3");
  list.push(process.platform === "win32" ? "python" : "python3");
  return list;
}

/** The first Python that has nbclient and nbconvert, or null. */
export function findJupyterPython() {
  for (const py of candidates()) {
    if ((py.includes("/") || py.includes("\\")) && !existsSync(py)) continue;
    if (hasModules(py)) return py;
  }
  return null;
}

function run(cmd, args, opts = {}) {
  console.log(`$ ${cmd} ${args.join(" ")}`);
  return spawnSync(cmd, args, { stdio: "inherit", ...opts }).status === 0;
}

function isDebianRoot() {
  return process.platform === "linux" && process.getuid?.() === 0 && existsSync("/usr/bin/apt-get");
}

function pythonWithVenv() {
  for (const py of ["python3", "python"]) {
    const r = spawnSync(py, ["-c", "import venv, ensurepip"], { stdio: "ignore" });
    if (r.status === 0) return py;
  }
  return null;
}

const INSTRUCTIONS =
  "Jupyter's Python packages (nbclient, nbconvert) are missing and could not be installed automatically.\n" +
  "Install them, then run the command again:\n" +
  "  Debian/Ubuntu:  sudo apt-get install jupyter-nbconvert python3-nbclient\n" +
  "  elsewhere:      python3 -m venv .venv && .venv/bin/pip install nbclient nbconvert   (Windows: .venv\\Scripts\\pip)\n" +
  "Or point MLP_PYTHON at a Python that has them.";

/**
 * Returns a Python with nbclient + nbconvert, installing them when it can:
 * Debian's packages when running as root on Debian/Ubuntu, else pip into .venv.
 * Exits with a short instruction when neither works (never a stack trace).
 */
export function ensureJupyter({ install = true } = {}) {
  let py = findJupyterPython();
  if (py) return py;
  if (install && isDebianRoot()) {
    console.log("Installing Jupyter (nbclient, nbconvert) from Debian's packages…");
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    if (
      run("apt-get", ["update", "-qq"], { env }) &&
      run("apt-get", ["install", "-y", "-qq", "--no-install-recommends", "jupyter-nbconvert", "python3-nbclient"], { env })
    ) {
      py = findJupyterPython();
      if (py) return py;
    }
  }
  if (install) {
    const base = pythonWithVenv();
    if (base) {
      console.log("Installing Jupyter (nbclient, nbconvert) into .venv with pip…");
      if (
        existsSync(VENV_PYTHON) ||
        run(base, ["-m", "venv", join(ROOT, ".venv")])
      ) {
        if (run(VENV_PYTHON, ["-m", "pip", "install", "--quiet", "nbclient", "nbconvert", "nbformat", "jupyter_client"])) {
          py = findJupyterPython();
          if (py) return py;
        }
      }
    }
  }
  console.error(INSTRUCTIONS);
  process.exit(3);
}

/**
 * The kernelspec's kernel.json: this checkout's Node runs this checkout's launcher, which hands a
 * notebook that lives in another checkout over to that checkout's launcher (--from-notebook), so
 * one kernelspec serves every checkout on the machine.
 */
export function kernelJson({ nodeArgs = [] } = {}) {
  return {
    argv: [process.execPath, ...nodeArgs, join(ROOT, "kernel", "launcher.cjs"), "--from-notebook", "{connection_file}"],
    display_name: DISPLAY_NAME,
    language: "typescript",
    metadata: { mlp_course_root: ROOT },
  };
}

/** Writes `<dataDir>/kernels/<name>/kernel.json`; returns the folder. Idempotent. */
export function writeKernelSpec(dataDir, { name = KERNEL_NAME, nodeArgs = [] } = {}) {
  const dir = join(dataDir, "kernels", name);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "kernel.json");
  const text = JSON.stringify(kernelJson({ nodeArgs }), null, 2) + "\n";
  if (!existsSync(file) || readFileSync(file, "utf8") !== text) writeFileSync(file, text);
  return dir;
}

/**
 * Compiles src/ into the kernel's compile cache (build/kernel-cache, see kernel-setup.md), so that
 * the first notebook's import is quick. Waits for it (~2.5 s) unless background is set. Never fatal:
 * a src/ that does not compile is reported and the kernel compiles it again later.
 */
export function warmKernelCache({ background = false } = {}) {
  const args = [join(ROOT, "kernel", "launcher.cjs"), "--warm-cache"];
  if (background) {
    spawn(process.execPath, args, { cwd: ROOT, stdio: "ignore", detached: true }).unref();
    return true;
  }
  return spawnSync(process.execPath, args, { cwd: ROOT, stdio: "inherit" }).status === 0;
}

export function removeKernelSpec(dataDir, name = KERNEL_NAME) {
  const dir = join(dataDir, "kernels", name);
  if (!existsSync(dir)) return false;
  rmSync(dir, { recursive: true, force: true });
  return true;
}

/** Jupyter's per-user data dir on this OS (what `jupyter --data-dir` prints). */
export function userDataDir() {
  if (process.env.JUPYTER_DATA_DIR) return process.env.JUPYTER_DATA_DIR;
  if (process.platform === "darwin") return join(homedir(), "Library", "Jupyter");
  if (process.platform === "win32") return join(process.env.APPDATA || join(homedir(), "AppData", "Roaming"), "jupyter");
  return join(process.env.XDG_DATA_HOME || join(homedir(), ".local", "share"), "jupyter");
}

/** System-wide data dir (JupyterHub): every user's Jupyter finds kernels here. */
export function systemDataDir() {
  if (process.platform === "win32") return join(process.env.PROGRAMDATA || "C:\\ProgramData", "jupyter");
  return "/usr/local/share/jupyter";
}

/** Environment for running Jupyter against the build kernelspec. */
export function buildEnv(extra = {}) {
  writeKernelSpec(BUILD_JUPYTER_PATH);
  const sep = process.platform === "win32" ? ";" : ":";
  const jp = [BUILD_JUPYTER_PATH, process.env.JUPYTER_PATH].filter(Boolean).join(sep);
  return { ...process.env, JUPYTER_PATH: jp, PYTHONUNBUFFERED: "1", ...extra };
}
