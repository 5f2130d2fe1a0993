// What notebooks use beside the lesson core's NeuralNetwork (src/network.ts), added to its class here
// (src/index.ts imports this module, so every notebook has them):
//   await net.fitAsync(X, Y)  fit's steps (net.trainingSteps) with the event loop let in every few tens
//                             of ms, so a cell's output (liveLoss) updates while it trains and an
//                             interrupt of the cell stops it;
//   net.history()             the recorded cost and accuracy per epoch as a nodejs-polars DataFrame.
// A Jupyter kernel sends output and hears an interrupt only when the event loop runs: fitAsync awaits
// yieldToEventLoop, which rejects once the cell's signal (kernelSignal) aborts.
import * as pl from "nodejs-polars";
import { Matrix } from "./matrix";
import { NeuralNetwork } from "./network";

/** Options of fitAsync: the signal that stops it (default: the notebook cell's, kernelSignal()), and how often it yields (ms, default 50). */
export interface FitAsyncOptions {
  signal?: AbortSignal;
  yieldMs?: number;
}

declare module "./network" {
  interface NeuralNetwork {
    /**
     * fit, awaited: the same steps (trainingSteps), so the same numbers, with the event loop let in
     * every `yieldMs` ms (default 50) — a notebook then shows progress (liveLoss) while it trains. An
     * interrupt of the notebook cell (or `signal`) stops it at the next yield: it rejects with an
     * AbortError, and net keeps the epochs completed so far. Example: `await net.fitAsync(X, Y)`
     */
    fitAsync(X: Matrix, Y: Matrix, opts?: FitAsyncOptions): Promise<this>;
    /**
     * The training history as a nodejs-polars DataFrame with columns epoch (1-based) and cost;
     * `accuracy` (training accuracy recorded during fit) when opts.accuracy; val_cost/val_accuracy
     * when a validation set was given. It only reads what fit recorded (for the accuracy on another
     * set, give that set as `validation`). Example: `net.history({ accuracy: true })`
     */
    history(opts?: { accuracy?: boolean; X?: Matrix; Y?: Matrix }): pl.DataFrame;
  }
}

async function fitAsync<N extends NeuralNetwork>(this: N, X: Matrix, Y: Matrix, opts: FitAsyncOptions = {}): Promise<N> {
  const signal = opts.signal ?? kernelSignal();
  const every = opts.yieldMs ?? 50;
  let epoch = 1;
  let last = Date.now();
  for (const ev of this.trainingSteps(X, Y)) {
    if (ev.kind === "epoch") epoch = ev.epoch + 1;
    if (Date.now() - last >= every) {
      await yieldToEventLoop(signal, `at epoch ${epoch}`);
      last = Date.now();
    }
  }
  return this;
}

function history(this: NeuralNetwork, opts: { accuracy?: boolean; X?: Matrix; Y?: Matrix } = {}): pl.DataFrame {
  if (opts.X !== undefined || opts.Y !== undefined) {
    throw new Error("history: it does not train again to measure other data: create the network with validation: { X, Y } and read val_accuracy");
  }
  const n = this.cost.length, cols: Record<string, number[]> = { epoch: Array.from({ length: n }, (_, k) => k + 1), cost: this.cost.slice() };
  if (opts.accuracy) cols.accuracy = this.accuracy.slice();
  if (this.valCost.length === n && n > 0) {
    cols.val_cost = this.valCost.slice();
    cols.val_accuracy = this.valAccuracy.slice();
  }
  return pl.DataFrame(Object.entries(cols).map(([name, v]) => pl.Series(name, v, name === "epoch" ? pl.Int32 : pl.Float64)));
}

// (a declaration, not a bare assignment: tslab's TypeScript 5.0 fails to emit a module's declarations
// when it has a top-level expression statement)
/** True once NeuralNetwork has fitAsync and history (this module is loaded). */
export const notebookMethodsAdded: boolean = addMethods();

function addMethods(): boolean {
  // as a class's methods are: not enumerable
  for (const [name, value] of Object.entries({ fitAsync, history })) {
    Object.defineProperty(NeuralNetwork.prototype, name, { value, writable: true, configurable: true });
  }
  return true;
}

/**
 * The AbortSignal of the notebook cell running now when the project's kernel runs it (an interrupt
 * aborts it, see kernel/cells.cjs), else undefined. Example: `await net.fitAsync(X, Y, { signal: kernelSignal() })`
 */
export function kernelSignal(): AbortSignal | undefined {
  const hook = (globalThis as unknown as Record<symbol, { signal?: () => AbortSignal | undefined } | undefined>)[Symbol.for("mlp-course.kernel")];
  return typeof hook?.signal === "function" ? hook.signal() : undefined;
}

/**
 * Resolves on the event loop's next turn (after pending I/O: output, signals); rejects with an
 * AbortError (its message says `where`) as soon as `signal` aborts. Example: `await yieldToEventLoop()`
 */
export function yieldToEventLoop(signal?: AbortSignal, where = ""): Promise<void> {
  return new Promise((resolve, reject) => {
    const stop = () => {
      const reason: unknown = signal?.reason;
      const e = new Error(`stopped${where ? " " + where : ""}: ${reason instanceof Error ? reason.message : String(reason ?? "aborted")}`);
      e.name = "AbortError";
      reject(e);
    };
    if (signal?.aborted) return stop();
    const onAbort = () => {
      clearImmediate(h);
      stop();
    };
    const h = setImmediate(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    });
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
