// Letting the event loop in while training runs (NeuralNetwork.fitAsync), and the notebook's interrupt.
//
// A Jupyter kernel sends a cell's output (a liveLoss update) and hears an interrupt only when the
// event loop runs. fitAsync awaits yieldToEventLoop every few tens of milliseconds: updates get out
// while it trains, and an interrupt (the kernel aborts the cell's signal) stops it at the next yield.

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
