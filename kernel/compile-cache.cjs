// A compile cache for tslab's converter: the first import of src/ in a new kernel reuses what an
// earlier kernel compiled, instead of type-checking and emitting every src/ file again.
//
// Why: a notebook's first cell imports ./src/index. tslab then type-checks the 16 files behind it
// and emits each as CommonJS (about 1.3 s of the 1.6 s that import takes on a 2-vCPU machine), in
// every new kernel although src/ rarely changes between two kernels.
//
// What is reused, and when: for one import cell, the "dependencies" are the TypeScript/JavaScript
// files it pulls in (src/*.ts; not .d.ts). When an import type-checked clean and every dependency
// was emitted in that same cell, the emitted CommonJS of each dependency is stored under a key that
// covers everything the result depends on:
//   - each dependency's path and full text,
//   - the compiler options tslab used (they follow the Node version and the converter kind),
//   - TypeScript's and tslab's versions and node_modules/.package-lock.json (the installed
//     packages' .d.ts files, e.g. nodejs-polars' and @types/node's),
//   - this file's format version.
// A later import with the same key skips the dependencies' type-check and emit and hands tslab the
// stored output; the cell itself is still type-checked and compiled as usual. Any edit to a src/
// file changes the key, so an edited file is always checked and compiled again (and an error in it
// is reported as before). Entries live in build/kernel-cache/ (at most MAX_ENTRIES, oldest removed).
//
// MLP_KERNEL_CACHE chooses the mode (see cacheMode):
//   (unset), on   read and write entries (and V8's code cache for TypeScript, see below);
//   off           no cache at all: nothing is read or written;
//   readonly      entries (and the code cache) are read from build/kernel-cache, but nothing there is
//                 ever written, created, refreshed, evicted or renamed; a missing or unreadable folder
//                 or entry is only a miss (compiled as usual), with nothing on stderr. For the homework
//                 grader: student code runs in the kernel's process and must not write entries that
//                 later kernels trust, while the grader's kernels still start from the kit's cache.
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

const FORMAT = 1;
const MAX_ENTRIES = 40;

/**
 * Text edits to tslab 1.0.22's dist/converter.js that route convert() through a cache object
 * (options._depCache). Each `from` must occur exactly once.
 */
const CONVERTER_EDITS = [
  {
    // which dependencies does this cell have, and are they in the cache?
    from: `        const diag = convertDiagnostics(getPreEmitDiagnosticsWithDependencies(builder, srcFile));`,
    to:
      `        const depCache = options && options._depCache ? options._depCache.lookup(builder.getProgram(), getAllSrcDependencies(builder, srcFile).filter((d) => d !== srcFilename)) : null;\n` +
      `        const diag = convertDiagnostics(depCache && depCache.hit ? ts.getPreEmitDiagnosticsOfFiles(builder.getProgram(), [srcFile]) : getPreEmitDiagnosticsWithDependencies(builder, srcFile));`,
  },
  {
    // on a hit, a dependency's output comes from the cache instead of an emit
    from: `            builder.emit(builder.getSourceFile(dep), (fileName, data) => {`,
    to:
      `            if (depCache && depCache.hit && dep !== srcFilename) {\n` +
      `                (sideOutputs || (sideOutputs = [])).push(...depCache.outputsOf(dep));\n` +
      `                continue;\n` +
      `            }\n` +
      `            const depMark = sideOutputs ? sideOutputs.length : 0;\n` +
      `            builder.emit(builder.getSourceFile(dep), (fileName, data) => {`,
  },
  {
    // on a miss, note each dependency's output; store them once the cell is done
    from: `                lastExpressionVar = name;\n            }));\n        }\n        if (sideOutputs) {`,
    to:
      `                lastExpressionVar = name;\n            }));\n` +
      `            if (depCache && !depCache.hit && dep !== srcFilename) depCache.record(dep, sideOutputs ? sideOutputs.slice(depMark) : []);\n` +
      `        }\n` +
      `        if (depCache && !depCache.hit) depCache.store();\n` +
      `        if (sideOutputs) {`,
  },
];

/**
 * converter.js's source with CONVERTER_EDITS applied; throws naming the first edit that does not fit.
 * @param {string} src
 * @returns {string}
 */
function patchConverterSource(src) {
  for (const { from, to } of CONVERTER_EDITS) {
    const at = src.indexOf(from);
    if (at < 0 || src.indexOf(from, at + 1) >= 0) {
      throw new Error(`tslab's converter.js does not contain exactly one of: ${from.trim().split("\n")[0].slice(0, 80)}`);
    }
    src = src.slice(0, at) + to + src.slice(at + from.length);
  }
  return src;
}

/**
 * Loads tslab's converter.js with the edits (after extraEdits, the kernel's own: see cells.cjs) into
 * the module cache, so that tslab's own `require("./converter")` gets it. Returns false (and leaves
 * tslab as it is) when it does not fit.
 * @param {string} dist tslab's dist/ folder
 * @param {ReadonlyArray<{ from: string; to: string }>} [extraEdits]
 * @returns {boolean}
 */
function installPatchedConverter(dist, extraEdits = []) {
  const { applyEdits, installEdited } = require("./patch.cjs");
  const file = path.join(dist, "converter.js");
  try {
    applyEdits(applyEdits(fs.readFileSync(file, "utf8"), extraEdits, "tslab's converter.js"), CONVERTER_EDITS, "tslab's converter.js");
  } catch (e) {
    process.stderr.write(`mlp-course kernel: compile cache off (${e instanceof Error ? e.message : String(e)})\n`);
    return false;
  }
  return installEdited(file, [...extraEdits, ...CONVERTER_EDITS]);
}

/**
 * The part of a TypeScript program the cache reads.
 * @typedef {{ text: string }} SourceFileLike
 * @typedef {{ getCompilerOptions(): object; getSourceFile(path: string): SourceFileLike | undefined }} ProgramLike
 * @typedef {{ path: string; data: string }} Output
 * @typedef {{ format: number; deps: string[]; outputs: Record<string, Output[]> }} Entry
 * @typedef {{ hit: true; outputsOf(dep: string): Output[] } | { hit: false; record(dep: string, outputs: Output[]): void; store(): void }} Lookup
 */

/**
 * The cache object convert() talks to. dir: where entries live; fingerprint: the versions part of
 * the key; readonly: entries are only read (a miss stores nothing, a hit refreshes nothing).
 * lookup() returns one object per convert() call.
 * @param {{ dir: string; fingerprint: object; readonly?: boolean }} opts
 * @returns {{ lookup(program: ProgramLike, deps: string[]): Lookup | null }}
 */
function createDepCache({ dir, fingerprint, readonly = false }) {
  // Every cell after the import cell has src/ as dependencies, so lookup runs on each cell: the
  // files' hashes are kept per SourceFile (TypeScript keeps the object while the file is unchanged)
  // and an entry, once read, is kept in memory.
  /** @type {WeakMap<SourceFileLike, string>} SourceFile -> sha256 of its text */
  const textHashes = new WeakMap();
  /** @type {Map<string, Entry>} key -> entry read from disk by this process */
  const hits = new Map();
  /** @param {SourceFileLike} sf */
  const textHash = (sf) => {
    let h = textHashes.get(sf);
    if (h === undefined) textHashes.set(sf, (h = crypto.createHash("sha256").update(sf.text).digest("hex")));
    return h;
  };
  return {
    lookup(program, deps) {
      if (deps.length === 0) return null;
      const sorted = deps.slice().sort();
      const hash = crypto.createHash("sha256");
      hash.update(JSON.stringify([FORMAT, fingerprint, program.getCompilerOptions()]));
      for (const dep of sorted) {
        const sf = program.getSourceFile(dep);
        if (!sf) return null; // not in the program: leave this cell alone
        hash.update("\0" + dep + "\0" + textHash(sf));
      }
      const key = hash.digest("hex");
      const file = path.join(dir, key + ".json");
      let entry = hits.get(key);
      if (entry === undefined) {
        entry = readEntry(file, sorted);
        if (entry) {
          if (!readonly) touch(file);
          hits.set(key, entry);
        }
      }
      if (entry) {
        const found = entry;
        return { hit: true, outputsOf: (dep) => found.outputs[dep] };
      }
      /** @type {Map<string, Output[]>} */
      const recorded = new Map();
      return {
        hit: false,
        record(dep, outputs) {
          recorded.set(dep, outputs);
        },
        // only a complete result is stored: every dependency emitted by this very cell
        store() {
          if (readonly || !sorted.every((d) => recorded.has(d))) return;
          writeEntry(dir, file, { format: FORMAT, deps: sorted, outputs: Object.fromEntries(recorded) });
        },
      };
    },
  };
}

/**
 * The entry in `file` when it is one for exactly these deps, else undefined (absent, unreadable, damaged).
 * @param {string} file
 * @param {string[]} deps
 * @returns {Entry | undefined}
 */
function readEntry(file, deps) {
  try {
    const entry = JSON.parse(fs.readFileSync(file, "utf8"));
    const ok =
      entry.format === FORMAT &&
      Array.isArray(entry.deps) &&
      entry.deps.length === deps.length &&
      entry.deps.every((d, i) => d === deps[i]) &&
      deps.every((d) => Array.isArray(entry.outputs[d]) && entry.outputs[d].every((o) => typeof o.path === "string" && typeof o.data === "string"));
    return ok ? entry : undefined;
  } catch {
    return undefined; // absent, or unreadable: compile as usual
  }
}

/** @param {string} file */
function touch(file) {
  try {
    const now = new Date();
    fs.utimesSync(file, now, now);
  } catch {
    // a read-only cache still works
  }
}

/**
 * @param {string} dir
 * @param {string} file
 * @param {Entry} entry
 */
function writeEntry(dir, file, entry) {
  try {
    fs.mkdirSync(dir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(entry));
    fs.renameSync(tmp, file); // atomic: a kernel starting meanwhile reads the old state or the whole entry
    prune(dir);
  } catch (e) {
    // A shared read-only checkout (JupyterHub) is normal: its cache was filled by `npm run kernel`.
    const err = /** @type {NodeJS.ErrnoException} */ (e);
    if (!["EACCES", "EPERM", "EROFS"].includes(err.code ?? "")) {
      process.stderr.write(`mlp-course kernel: could not write the compile cache in ${dir} (${err.message})\n`);
    }
  }
}

/** @param {string} dir */
function prune(dir) {
  const entries = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .map((f) => {
      const p = path.join(dir, f);
      try {
        return { p, t: fs.statSync(p).mtimeMs };
      } catch {
        return null;
      }
    })
    .filter((e) => e !== null)
    .sort((a, b) => b.t - a.t);
  for (const { p } of entries.slice(MAX_ENTRIES)) fs.rmSync(p, { force: true });
}

/**
 * The versions part of the key: TypeScript, tslab, the installed packages.
 * @param {string} root
 * @param {{ version: string }} ts
 * @param {string} dist
 */
function fingerprint(root, ts, dist) {
  /** @param {string} p */
  const read = (p) => {
    try {
      return fs.readFileSync(p);
    } catch {
      return "";
    }
  };
  const lock = crypto.createHash("sha256").update(read(path.join(root, "node_modules", ".package-lock.json"))).digest("hex");
  const tslab = JSON.parse(String(read(path.join(dist, "..", "package.json")) || "{}")).version;
  return { typescript: ts.version, tslab, lock };
}

/**
 * The cache's mode from MLP_KERNEL_CACHE (see the header): "off" for off, 0 or false; "readonly";
 * "on" otherwise (unset, on, 1, true; any other value too, said once on stderr).
 * @param {NodeJS.ProcessEnv} [env]
 * @returns {"on" | "off" | "readonly"}
 */
function cacheMode(env = process.env) {
  const v = (env.MLP_KERNEL_CACHE || "").trim().toLowerCase();
  if (v === "off" || v === "0" || v === "false") return "off";
  if (v === "readonly") return "readonly";
  if (!["", "on", "1", "true"].includes(v)) {
    process.stderr.write(`mlp-course kernel: MLP_KERNEL_CACHE=${JSON.stringify(env.MLP_KERNEL_CACHE)} is not on, off or readonly; the compile cache is on\n`);
  }
  return "on";
}

/**
 * False when the cache is off (cacheMode); otherwise it lives in <root>/build/kernel-cache.
 * @param {NodeJS.ProcessEnv} [env]
 */
function cacheEnabled(env = process.env) {
  return cacheMode(env) !== "off";
}

module.exports = {
  CONVERTER_EDITS,
  patchConverterSource,
  installPatchedConverter,
  createDepCache,
  fingerprint,
  cacheMode,
  cacheEnabled,
};

/**
 * Loads tslab's TypeScript (a 10 MB script) with a V8 code cache: the machine code V8 made for it
 * in an earlier kernel, including the functions compiled lazily while that kernel built its
 * compiler and ran its first import. Saves compiling them again (~0.1 s of a kernel's start).
 * V8 checks the cache against the source and its own version and flags, and ignores (and here
 * rewrites) one that does not fit. Returns { save } — call save() once the kernel has done its
 * first import, to write the cache if there was none — or null when TypeScript was loaded already.
 * With readonly, save() writes nothing (a missing or rejected cache stays as it is).
 * @param {string} dist tslab's dist/ folder
 * @param {string} dir the cache folder
 * @param {{ readonly?: boolean }} [opts]
 * @returns {{ save(): void } | null}
 */
function loadTypeScriptWithCodeCache(dist, dir, { readonly = false } = {}) {
  const { Module, newModule, cacheModule } = require("./patch.cjs");
  const vm = require("vm");
  const file = fs.realpathSync(require.resolve("@tslab/typescript-for-tslab", { paths: [dist] }));
  if (require.cache[file]) return null;
  const source = fs.readFileSync(file, "utf8");
  const stat = fs.statSync(file);
  const id = crypto
    .createHash("sha256")
    .update(JSON.stringify([file, stat.size, stat.mtimeMs, process.version, process.arch, process.execArgv]))
    .digest("hex")
    .slice(0, 24);
  const cacheFile = path.join(dir, `v8-typescript-${id}.bin`);
  let cachedData;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
  const m = newModule(file, module);
  cacheModule(file, m);
  try {
    /** @type {(this: unknown, exports: unknown, require: (id: string) => unknown, module: unknown, filename: string, dirname: string) => void} */
    const wrapper = script.runInThisContext();
    wrapper.call(m.exports, m.exports, (id) => m.require(id), m, file, path.dirname(file));
  } catch (e) {
    cacheModule(file, undefined);
    throw e;
  }
  m.loaded = true;
  const needed = !readonly && (cachedData === undefined || script.cachedDataRejected === true);
  return {
    save() {
      if (!needed) return;
      try {
        fs.mkdirSync(dir, { recursive: true });
        const tmp = `${cacheFile}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, script.createCachedData());
        fs.renameSync(tmp, cacheFile);
        for (const f of fs.readdirSync(dir)) {
          if (f.startsWith("v8-typescript-") && path.join(dir, f) !== cacheFile) fs.rmSync(path.join(dir, f), { force: true });
        }
      } catch {
        // no cache: the next kernel compiles TypeScript as before
      }
    },
  };
}

module.exports.loadTypeScriptWithCodeCache = loadTypeScriptWithCodeCache;
