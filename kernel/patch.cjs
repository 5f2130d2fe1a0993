// Anchored text edits to tslab's dist/ files (tslab 1.0.22 is frozen upstream), loaded into Node's
// module cache in place of the originals so that tslab's own require() gets the edited module.
"use strict";
const fs = require("fs");
const path = require("path");

/**
 * The part of Node's private Module API the kernel uses (not in @types/node): a module made by hand
 * with its search paths, compiled from a source text, then put into require.cache.
 * @typedef {{ exports: unknown; filename: string; paths: string[]; loaded: boolean; require(id: string): unknown; _compile(source: string, filename: string): void }} PrivateModule
 * @typedef {{ new (id: string, parent?: unknown): PrivateModule; _nodeModulePaths(dir: string): string[]; wrap(source: string): string }} PrivateModuleClass
 */
const Module = /** @type {PrivateModuleClass} */ (/** @type {unknown} */ (require("module")));

/**
 * A new module for `file` (parent: `parent`), with Node's search paths for its folder.
 * @param {string} file
 * @param {unknown} parent
 * @returns {PrivateModule}
 */
function newModule(file, parent) {
  const m = new Module(file, parent);
  m.filename = file;
  m.paths = Module._nodeModulePaths(path.dirname(file));
  return m;
}

/**
 * Puts m into require.cache under `file` (which Node's require then returns), or takes it out (m undefined).
 * @param {string} file
 * @param {PrivateModule | undefined} m
 */
function cacheModule(file, m) {
  if (m) require.cache[file] = /** @type {NodeJS.Module} */ (/** @type {unknown} */ (m));
  else delete require.cache[file];
}

/**
 * src with each { from, to } of edits applied; `from` must occur exactly once. Throws naming the
 * file and the first edit that does not fit (tslab was changed: the edits need a look).
 * @param {string} src
 * @param {ReadonlyArray<{ from: string; to: string }>} edits
 * @param {string} what
 * @returns {string}
 */
function applyEdits(src, edits, what) {
  for (const { from, to } of edits) {
    const at = src.indexOf(from);
    if (at < 0 || src.indexOf(from, at + 1) >= 0) {
      throw new Error(`${what} does not contain exactly one of: ${from.trim().split("\n")[0].slice(0, 80)}`);
    }
    src = src.slice(0, at) + to + src.slice(at + from.length);
  }
  return src;
}

/**
 * Compiles `file` with the edits into require.cache. Returns false (leaving the module alone) when
 * it is loaded already; throws when an edit does not fit.
 * @param {string} file
 * @param {ReadonlyArray<{ from: string; to: string }>} edits
 * @returns {boolean}
 */
function installEdited(file, edits) {
  file = fs.realpathSync(file); // the path Node's require keys its cache by (node_modules may be a symlink)
  if (require.cache[file]) return false;
  const src = applyEdits(fs.readFileSync(file, "utf8"), edits, `tslab's ${path.basename(file)}`);
  const m = newModule(file, module);
  m._compile(src, file);
  m.loaded = true;
  cacheModule(file, m);
  return true;
}

module.exports = { applyEdits, installEdited, newModule, cacheModule, Module };
