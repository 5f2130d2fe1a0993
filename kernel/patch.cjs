// Anchored text edits to tslab's dist/ files (tslab 1.0.22 is frozen upstream), loaded into Node's
// module cache in place of the originals so that tslab's own require() gets the edited module.
"use strict";
const fs = require("fs");
const path = require("path");

/**
 * src with each { from, to } of edits applied; `from` must occur exactly once. Throws naming the
 * file and the first edit that does not fit (tslab was changed: the edits need a look).
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
 */
function installEdited(file, edits) {
  file = fs.realpathSync(file); // the path Node's require keys its cache by (node_modules may be a symlink)
  if (require.cache[file]) return false;
  const src = applyEdits(fs.readFileSync(file, "utf8"), edits, `tslab's ${path.basename(file)}`);
  const Module = require("module");
  const m = new Module(file, module);
  m.filename = file;
  m.paths = Module._nodeModulePaths(path.dirname(file));
  m._compile(src, file);
  m.loaded = true;
  require.cache[file] = m;
  return true;
}

module.exports = { applyEdits, installEdited };
