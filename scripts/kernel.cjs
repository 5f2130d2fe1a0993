#!/usr/bin/env node
// Kernel launcher for the project's Jupyter kernelspec (see kernel-setup.md).
//
// tslab type-checks every cell and every file a cell imports with
// `rootDir` = the kernel's working directory. Jupyter starts kernels in the
// notebook's folder, so `notebooks/x.ipynb` could not import `../src`.
// This launcher moves the kernel to the repository root before tslab starts:
// every notebook, wherever it lives, then imports the library as `./src`.
// The folder Jupyter chose is kept in MLP_NOTEBOOK_DIR.
"use strict";
const path = require("path");

const root = path.resolve(__dirname, "..");
const args = process.argv.slice(2);
const at = args.indexOf("--config-path");
const configPath = at >= 0 ? args[at + 1] : args[0];
if (!configPath) {
  console.error("usage: node scripts/kernel.cjs <connection-file>");
  process.exit(2);
}
process.env.MLP_NOTEBOOK_DIR = process.cwd();
process.chdir(root);
// Our own pinned tslab, never a global one.
const { startKernel } = require(path.join(root, "node_modules", "tslab", "dist", "main.js"));
startKernel({ configPath, enableFindLocal: false });
