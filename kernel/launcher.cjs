#!/usr/bin/env node
// Kernel launcher for the project's Jupyter kernelspec (see kernel-setup.md).
//
//   node kernel/launcher.cjs <connection-file>                  runs this checkout's src/
//   node kernel/launcher.cjs --from-notebook <connection-file>  runs the src/ of the checkout the
//                                                               notebook lives in (the kernelspec's way)
//   node kernel/launcher.cjs --warm-cache [CELLS.json]          fills the compile cache, no kernel
//
// tslab type-checks every cell and every file a cell imports with
// `rootDir` = the kernel's working directory. Jupyter starts kernels in the
// notebook's folder, so `notebooks/x.ipynb` could not import `../src`.
// This launcher moves the kernel to the repository root before tslab starts:
// every notebook, wherever it lives, then imports the library as `./src/index`.
// The folder Jupyter chose is kept in MLP_NOTEBOOK_DIR.
//
// One kernelspec serves every checkout on the machine: with --from-notebook the launcher walks up
// from the notebook's folder to the checkout that holds it and hands over to that checkout's
// launcher, so a notebook always imports its own checkout's src/ (not that of whichever checkout
// last ran `npm run kernel`). A notebook outside any checkout gets this launcher's checkout.
"use strict";
const fs = require("fs");
const path = require("path");

let root = path.resolve(__dirname, "..");
let args = process.argv.slice(2);
const fromNotebook = args[0] === "--from-notebook";
if (fromNotebook) args = args.slice(1);
const warmOnly = args[0] === "--warm-cache";
const at = args.indexOf("--config-path");
const configPath = at >= 0 ? args[at + 1] : args[0];
if (!configPath) {
  console.error(
    "usage: node kernel/launcher.cjs <connection-file>\n" +
      "       node kernel/launcher.cjs --from-notebook <connection-file>   (the kernelspec's way)\n" +
      "       node kernel/launcher.cjs --warm-cache [CELLS.json]",
  );
  process.exit(2);
}
const own = fromNotebook && !warmOnly ? checkoutOf(process.cwd()) : null;
if (own && own !== root) {
  // the notebook's own checkout runs it, with its own launcher, tslab and src/
  process.argv.splice(2, process.argv.length - 2, ...args);
  require(path.join(own, "kernel", "launcher.cjs"));
} else {
  if (!process.env.MLP_NOTEBOOK_DIR) process.env.MLP_NOTEBOOK_DIR = process.cwd();
  process.chdir(root);
  // Our own pinned tslab, never a global one.
  const tslabDist = path.join(root, "node_modules", "tslab", "dist");
  const converters = patchTslab(tslabDist);
  if (warmOnly) warmCache(tslabDist, args[1]);
  else startKernel(tslabDist, configPath, converters);
}

/** The checkout (a folder with this project's package.json and kernel/launcher.cjs) at or above dir, or null. */
function checkoutOf(dir) {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(d, "package.json"), "utf8"));
      if (pkg.name === "mlp-course" && fs.existsSync(path.join(d, "kernel", "launcher.cjs")) && fs.existsSync(path.join(d, "node_modules", "tslab"))) {
        return fs.realpathSync(d);
      }
    } catch {
      // no package.json here
    }
    if (path.dirname(d) === d) return null;
  }
}

/**
 * `--warm-cache` (run by `npm run kernel`, `npm run setup`, `npm start`): compiles what a notebook's
 * import cell compiles, without a kernel, so that the compile cache holds src/ before the first kernel
 * starts. With CELLS.json (a JSON array of cell sources; the homework grader's warm-up, see
 * scripts/hw/execute.ts) each cell is compiled instead, each by a converter of its own, as a kernel's
 * first import: an entry is stored only for a cell that compiled all its dependencies itself. Exit
 * status 1, with TypeScript's messages, when a cell does not compile.
 * @param {string} dist
 * @param {string} [cellsFile]
 */
function warmCache(dist, cellsFile) {
  const t0 = Date.now();
  const { createConverter } = require(path.join(dist, "converter.js"));
  /** @type {unknown} */
  const given = cellsFile ? JSON.parse(fs.readFileSync(cellsFile, "utf8")) : ['import * as mlp from "./src/index";'];
  if (!Array.isArray(given) || !given.every((c) => typeof c === "string")) {
    console.error(`kernel: ${cellsFile} is not a JSON array of cell sources`);
    process.exit(2);
  }
  let failed = 0;
  for (const src of given) {
    const conv = createConverter({ isJS: false, isBrowser: false });
    const result = conv.convert("", src);
    conv.close();
    const errors = result.diagnostics || [];
    for (const d of errors) console.error(`${d.fileName || "cell"} ${d.start?.line + 1}:${d.start?.character + 1} - ${d.messageText}`);
    if (errors.length) failed++;
  }
  const what = cellsFile ? `${given.length - failed} of ${given.length} cells compiled` : failed ? "src/ has type errors; nothing cached" : "src/ compiled for the first import";
  console.log(`kernel: ${what} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  process.exit(failed ? 1 : 0);
}

/**
 * tslab's startKernel (dist/main.js) in a different order: the sockets are bound first, then the
 * TypeScript compiler is built (~0.8 s). Jupyter clients connect and send kernel_info meanwhile;
 * ZeroMQ's I/O thread accepts and queues them, so the first reply goes out as soon as the compiler
 * is ready. tslab builds the compiler before binding, which left clients retrying against a port
 * that was not open yet (about 0.3 s more before "kernel ready"). Cells run through cells.cjs.
 */
/**
 * @param {string} dist
 * @param {string} configPath
 * @param {ReturnType<typeof patchTslab>} converters
 */
function startKernel(dist, configPath, converters) {
  const ts = require(require.resolve("@tslab/typescript-for-tslab", { paths: [dist] }));
  const server = require("./cells.cjs").startKernel({ dist, ts, root, converters, configPath });
  // runs before any message is handled: messages are events, this is the promise's continuation
  server.init().then(() => converters.node);
}

/**
 * Fixes to tslab 1.0.22 (frozen upstream). First, output: see serializeZmqSends. Then two so that
 * editing src/ while a notebook is open works, and a third for speed:
 *
 * 1. tslab caches each imported module and re-evaluates only the files that changed. A notebook
 *    imports src/index.ts, which re-exports the other files, so an edit to src/network.ts was
 *    re-compiled but src/index still handed out the old module. Here the changed files and every
 *    file that imports them, directly or not, are handed back to tslab as changed, so the next
 *    import re-evaluates them. Files that import nothing changed keep their module (a Matrix made
 *    before an edit to network.ts is still a Matrix after it); nothing is re-evaluated when
 *    nothing changed.
 *
 * 2. tslab's compiler host allows only one pending rebuild timer. TypeScript also starts a second
 *    kind of timer when a watched *directory* changes (a file created, deleted or replaced by an
 *    editor's atomic save or `git checkout`); tslab then throws "Unexpected pending rebuildTimer"
 *    on every later cell until the kernel restarts. Directory watching only serves to retry
 *    imports that failed earlier, so it is turned off: edits to existing files are still seen
 *    (file watchers), and a new file under src/ is picked up by restarting the kernel.
 *
 * 3. A compile cache, so that a new kernel's first import of src/ does not type-check and emit
 *    all of src/ again when nothing changed since an earlier kernel did: see compile-cache.cjs.
 *
 * 4. How a cell runs, errors read and interrupts work: see cells.cjs (its edits to tslab's
 *    converter.js and executor.js are made here, before tslab loads them).
 */
function patchTslab(dist) {
  serializeZmqSends(require(require.resolve("zeromq", { paths: [dist] })));
  // 3. the compile caches (kernel/compile-cache.cjs): V8's code for TypeScript itself, and
  //    src/ compiled by an earlier kernel
  const cache = require("./compile-cache.cjs");
  const cacheDir = path.join(root, "build", "kernel-cache");
  // MLP_KERNEL_CACHE: on, off, or readonly (entries and code cache read, nothing written there)
  const mode = cache.cacheMode(), cacheOn = mode !== "off", readonly = mode === "readonly";
  let codeCache = cacheOn ? cache.loadTypeScriptWithCodeCache(dist, cacheDir, { readonly }) : null;
  const ts = require(require.resolve("@tslab/typescript-for-tslab", { paths: [dist] }));
  ts.sys.watchDirectory = () => ({ close() {} });
  // the kernel's own edits (cells.cjs): shorthand properties, source maps; tslab's executor opened up
  const cells = require("./cells.cjs");
  const { installEdited } = require("./patch.cjs");
  installEdited(path.join(dist, "executor.js"), cells.EXECUTOR_EDITS);
  const depCache =
    cacheOn && cache.installPatchedConverter(dist, cells.CONVERTER_EDITS)
      ? cache.createDepCache({ dir: cacheDir, fingerprint: cache.fingerprint(root, ts, dist), readonly })
      : null;
  if (!depCache) installEdited(path.join(dist, "converter.js"), cells.CONVERTER_EDITS);

  const converter = require(path.join(dist, "converter.js"));
  const createConverter = converter.createConverter;
  converter.createConverter = function (options) {
    const conv = createConverter(depCache ? { ...options, _depCache: depCache } : options);
    const convert = conv.convert;
    const known = new Map(); // emitted path -> compiled JS of every imported file so far
    conv.convert = function (prevDecl, src) {
      const result = convert.call(this, prevDecl, src);
      if (codeCache) {
        // once the first cell has been compiled, V8's code for TypeScript covers what a kernel uses
        const saving = codeCache;
        codeCache = null;
        if (warmOnly) saving.save();
        else setTimeout(() => saving.save(), 1000).unref();
      }
      if (result && result.sideOutputs && result.sideOutputs.length > 0) {
        const changed = new Set();
        for (const out of result.sideOutputs) {
          known.set(out.path, out.data);
          changed.add(out.path);
        }
        const stale = withImporters(known, changed);
        result.sideOutputs = Array.from(stale, (p) => ({ path: p, data: known.get(p) })).sort((a, b) =>
          a.path.localeCompare(b.path),
        );
      }
      return result;
    };
    return conv;
  };
  // the kernel's converters, built on first use
  return {
    get node() {
      return (this._node ??= converter.createConverter({ isJS: false, isBrowser: false }));
    },
    get browser() {
      return (this._browser ??= converter.createConverter({ isJS: false, isBrowser: true }));
    },
    close() {
      this._node?.close();
      this._browser?.close();
    },
  };
}

/** The changed paths plus every known module that requires one of them, directly or through others. */
function withImporters(known, changed) {
  const stale = new Set(changed);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [file, js] of known) {
      if (stale.has(file)) continue;
      if (relativeRequires(file, js).some((dep) => stale.has(dep))) {
        stale.add(file);
        grew = true;
      }
    }
  }
  return stale;
}

/** Paths of the `require("./x")` / `require("../x")` calls in a compiled module, as tslab keys them. */
function relativeRequires(file, js) {
  const deps = [];
  for (const m of js.matchAll(/require\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g)) {
    let dep = path.posix.join(path.posix.dirname(file.split(path.sep).join("/")), m[1]);
    if (path.posix.extname(dep) === "") dep += ".js";
    deps.push(dep);
  }
  return deps;
}

/**
 * tslab sends every message (each console.log line, each status) with `socket.send()` without
 * waiting for the previous one. zeromq 6 allows one send in flight per socket: after a few hundred
 * immediate sends it defers one to let the event loop breathe, and a send issued meanwhile fails
 * ("Socket is busy writing"). A cell that printed 1,000 lines lost most of them and the kernel
 * never reported idle again. Here each socket's sends are queued behind the one in flight, in order.
 */
function serializeZmqSends(zmq) {
  // iopub: keep up to 10,000 messages for a slow front end instead of ZeroMQ's default 1,000
  // (beyond the limit a publisher drops messages silently).
  const Publisher = zmq.Publisher;
  class RoomyPublisher extends Publisher {
    constructor(options) {
      super({ sendHighWaterMark: 10000, ...options });
    }
  }
  Object.defineProperty(zmq, "Publisher", { configurable: true, enumerable: true, writable: true, value: RoomyPublisher });

  const proto = zmq.Socket.prototype;
  const send = proto.send;
  const tails = new WeakMap(); // socket -> promise of its last queued send
  // The native method is read-only but configurable.
  Object.defineProperty(proto, "send", { configurable: true, writable: false, value: queuedSend });
  /** @this {any} */
  function queuedSend(...args) {
    const prev = tails.get(this);
    const start = () => send.apply(this, args);
    const p = prev ? prev.then(start) : new Promise((resolve) => resolve(start()));
    const tail = p.then(
      () => undefined,
      () => undefined,
    );
    tails.set(this, tail);
    tail.then(() => {
      if (tails.get(this) === tail) tails.delete(this);
    });
    return p;
  }
}
