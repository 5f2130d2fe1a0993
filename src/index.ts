// What notebooks import (`import { ... } from "./src/index"`): the lesson core and its helpers, with
// the engine (src/engine/) installed behind matmul and fit. Every result is the same without it.
import { useProduct } from "./matrix";
import { useFitEngine } from "./network";
import { fitEngine, product } from "./engine/index";

export * from "./matrix";
export * from "./activations";
export * from "./loss";
export * from "./numpy-random";
export * from "./random";
export * from "./network";
export * from "./gradcheck";
export * from "./data";
export * from "./plot";
export * from "./display";
export * from "./check";
export * from "./notebook";
export * from "./exercise";
export * from "./explorer";

// (a declaration, not a bare call: tslab's TypeScript 5.0 fails to emit a module's declarations
// when it has a top-level expression statement)
/** True once this module has installed the engine: matmul through its product, fit through its FitEngine. */
export const engineInstalled: boolean = installEngine();

function installEngine(): boolean {
  useProduct(product);
  useFitEngine(fitEngine);
  return true;
}
