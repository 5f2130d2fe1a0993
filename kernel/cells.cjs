// How the kernel runs a cell: tslab's executor with its traps mended (see kernel-setup.md, "What is
// left of tslab's behaviour"). tslab compiles the cell (dist/converter.js) and this file runs it:
//
//   - no request is dropped silently: tslab aborted every request arriving within 200 ms of a failed
//     cell, with no output. Here the requests that were queued behind a failed (or interrupted) cell
//     and asked to stop on errors (`stop_on_error`, Jupyter's default for Run All and Shift+Enter)
//     come back "aborted" with a visible one-line reason; every other request runs.
//   - an interrupt while the cell compiles stops it before it runs (tslab ran it to the end).
//   - an interrupted cell is stopped for good: its timers (setTimeout, setInterval, setImmediate)
//     are cleared, its later output is dropped, and its AbortSignal (kernelSignal(), used by
//     fitAsync) fires, so an awaited training loop ends at its next yield. Timers marked unref()
//     are left to run: that is how a library schedules housekeeping (src/engine/wasm.ts closes
//     what an interrupted fit left open with one).
//   - a cell that throws keeps what it assigned before the throw (tslab forgot every declaration of
//     the cell, even its imports); names it did not reach keep their earlier value and type, and the
//     cell says which names those are.
//   - a runtime error is a Jupyter `error` (reply and iopub message: ename, evalue, traceback); the
//     traceback's first line is the message, frames point at the cell's own lines and at src/*.ts
//     lines (through the source maps the edited converter emits), kernel and library frames are cut.
"use strict";
const path = require("path");
const vm = require("vm");
const util = require("util");
const { AsyncLocalStorage } = require("async_hooks");
const { SourceMap } = require("module");

/** The key of the kernel hook on globalThis (read by src/ through kernelSignal()). */
const HOOK = Symbol.for("mlp-course.kernel");

/**
 * Edits to tslab's converter.js that this file relies on:
 *   1. shorthand properties of earlier cells' names: `{ eta }` in a later cell was emitted as is and
 *      threw "eta is not defined" (earlier cells' names live on `exports`); now `{ eta: exports.eta }`.
 *   2. and 3. inline source maps for every emitted file: TypeScript -> ES module, then ES module ->
 *      CommonJS, read back by the traceback formatter.
 */
const CONVERTER_EDITS = [
  {
    from: `        function wrapPrevIdentifier(node) {\n            var _a, _b;\n`,
    to:
      `        function wrapPrevIdentifier(node) {\n            var _a, _b;\n` +
      `            if (ts.isShorthandPropertyAssignment(node)) {\n` +
      `                const valueSym = checker.getShorthandAssignmentValueSymbol(node);\n` +
      `                if (valueSym && (valueSym.declarations || []).some((d) => d.getSourceFile() === declsFile)) {\n` +
      `                    const value = ts.factory.createPropertyAccessExpression(ts.factory.createIdentifier("exports"), ts.idText(node.name));\n` +
      `                    const init = node.objectAssignmentInitializer ? ts.visitNode(node.objectAssignmentInitializer, wrapPrevIdentifier) : undefined;\n` +
      `                    return ts.factory.createPropertyAssignment(ts.idText(node.name), init ? ts.factory.createAssignment(value, init) : value);\n` +
      `                }\n` +
      `                return ts.visitEachChild(node, wrapPrevIdentifier, nullTransformationContext);\n` +
      `            }\n`,
  },
  {
    from: `        declaration: true,\n        newLine: ts.NewLineKind.LineFeed,\n`,
    to: `        declaration: true,\n        inlineSourceMap: true,\n        newLine: ts.NewLineKind.LineFeed,\n`,
  },
  {
    from: `            noImplicitUseStrict: true,\n        },\n    }).outputText;`,
    to: `            noImplicitUseStrict: true,\n            inlineSourceMap: true,\n        },\n    }).outputText;`,
  },
];

/** Edit to tslab's executor.js: hand out what a replacement execute() needs from its closure. */
const EXECUTOR_EDITS = [
  {
    from: `    return {\n        execute,\n        inspect,\n        complete,\n        locals: exports,\n`,
    to:
      `    return {\n        execute,\n        inspect,\n        complete,\n        locals: exports,\n` +
      `        updateSideOutputs,\n        getPrevDecl: () => prevDecl,\n        setPrevDecl: (d) => { prevDecl = d; },\n`,
  },
];

const MAP_RE = /^\/\/# sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)\s*$/gm;

/** The two inline maps of an emitted file (CommonJS -> ES module -> TypeScript), parsed on first use. */
function lazyMaps(js) {
  let maps;
  return () => {
    if (maps === undefined) {
      const found = [...js.matchAll(MAP_RE)].map((m) => {
        try {
          return new SourceMap(JSON.parse(Buffer.from(m[1], "base64").toString("utf8")));
        } catch {
          return null;
        }
      });
      maps = found.length >= 2 && found[0] && found[found.length - 1] ? { esm: found[0], cjs: found[found.length - 1] } : null;
    }
    return maps;
  };
}

/** 0-based line/column in an emitted file -> 0-based line/column in its TypeScript source, or null. */
function originalPosition(maps, line, column) {
  if (!maps) return null;
  const a = maps.cjs.findEntry(line, column);
  if (!a || a.originalLine === undefined) return null;
  const b = maps.esm.findEntry(a.originalLine, a.originalColumn);
  if (!b || b.originalLine === undefined) return null;
  return { line: b.originalLine, column: b.originalColumn };
}

/**
 * Names a compiled cell declares: TypeScript's CommonJS output starts with `exports.a = exports.b = void 0;`
 * (in chunks), listing every exported name.
 */
function declaredNames(output) {
  const names = new Set();
  for (const m of output.matchAll(/^((?:exports\.[\w$]+ = )+)void 0;$/gm)) {
    for (const n of m[1].matchAll(/exports\.([\w$]+) = /g)) names.add(n[1]);
  }
  return names;
}

/**
 * The declarations (.d.ts text, as tslab keeps them between cells) of the names for which keep(name)
 * is true; type-only declarations (interfaces, type aliases) are kept when keepTypes is set.
 */
function filterDecls(ts, text, keep, keepTypes) {
  if (!text) return "";
  const sf = ts.createSourceFile("decl.d.ts", text, ts.ScriptTarget.Latest, true);
  const out = [];
  for (const st of sf.statements) {
    if (ts.isVariableStatement(st)) {
      const kind = st.declarationList.flags & ts.NodeFlags.Const ? "const" : st.declarationList.flags & ts.NodeFlags.Let ? "let" : "var";
      const kept = st.declarationList.declarations.filter((d) => ts.isIdentifier(d.name) && keep(ts.idText(d.name)));
      if (kept.length === st.declarationList.declarations.length) out.push(st.getText(sf));
      else if (kept.length > 0) out.push(`declare ${kind} ${kept.map((d) => d.getText(sf)).join(", ")};`);
    } else if (ts.isImportDeclaration(st)) {
      const clause = st.importClause;
      if (!clause) continue;
      const from = st.moduleSpecifier.getText(sf);
      const parts = [];
      if (clause.name && keep(ts.idText(clause.name))) parts.push(ts.idText(clause.name));
      const nb = clause.namedBindings;
      if (nb && ts.isNamespaceImport(nb) && keep(ts.idText(nb.name))) parts.push(`* as ${ts.idText(nb.name)}`);
      if (nb && ts.isNamedImports(nb)) {
        const els = nb.elements.filter((e) => keep(ts.idText(e.name)));
        if (els.length) parts.push(`{ ${els.map((e) => e.getText(sf)).join(", ")} }`);
      }
      if (parts.length === 0) continue;
      const star = parts.find((p) => p.startsWith("* as"));
      if (star && parts.length > 1) {
        // `import a, * as b` and `import * as b, { c }` cannot share one statement's shape; split them
        out.push(`import ${star} from ${from};`);
        const rest = parts.filter((p) => p !== star);
        out.push(`import ${rest.join(", ")} from ${from};`);
      } else out.push(`import ${parts.join(", ")} from ${from};`);
    } else if (ts.isInterfaceDeclaration(st) || ts.isTypeAliasDeclaration(st)) {
      if (keepTypes || keep(ts.idText(st.name))) out.push(st.getText(sf));
    } else if ((ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st) || ts.isEnumDeclaration(st) || ts.isModuleDeclaration(st)) && st.name) {
      if (keep(st.name.text ?? ts.idText(st.name))) out.push(st.getText(sf));
    } else if (keepTypes) {
      out.push(st.getText(sf));
    }
  }
  return out.length ? out.join("\n") + "\n" : "";
}

/**
 * Starts the kernel: tslab's ZmqServer and JupyterHandlerImpl (dist/jupyter.js) with execute
 * requests handled here. dist: tslab's dist folder; ts: tslab's TypeScript; converters: { node, browser }.
 */
/**
 * True when `e` (what a cell threw) is vm's error for a cell stopped by an interrupt (SIGINT).
 * @param {unknown} e
 * @returns {e is Error}
 */
function sigintStopped(e) {
  const message = e !== null && typeof e === "object" && "message" in e ? e.message : undefined;
  return typeof message === "string" && /Script execution was interrupted by `SIGINT`/.test(message);
}

function startKernel({ dist, ts, root, converters, configPath }) {
  const { createExecutor } = require(path.join(dist, "executor.js"));
  const jupyter = require(path.join(dist, "jupyter.js"));
  const { getCodeMetadata } = require(path.join(dist, "metadata.js"));
  // tslab's two classes extended below (its dist/ is untyped here; their instances are tslab's business)
  const { ZmqServer, JupyterHandlerImpl } =
    /** @type {{ ZmqServer: new (handler: unknown, configPath: string) => any; JupyterHandlerImpl: new (executor: unknown, isJs: boolean) => any }} */ (jupyter);

  Error.stackTraceLimit = Math.max(Error.stackTraceLimit, 60); // tslab's own frames used to eat V8's 10
  const als = new AsyncLocalStorage();
  const executor = createExecutor(process.cwd(), converters, { log: console.log, error: console.error });
  if (typeof executor.setPrevDecl !== "function") throw new Error("tslab's executor.js was not edited (EXECUTOR_EDITS)");
  const locals = executor.locals;

  // ---- which names a running cell assigns (for a cell that throws) -------------------------------
  let assigning = null; // Map name -> number of assignments during the running cell's synchronous part
  globalThis.__tslab__.exports = new Proxy(locals, {
    defineProperty(target, prop, attrs) {
      if (assigning && typeof prop === "string") assigning.set(prop, (assigning.get(prop) || 0) + 1);
      return Reflect.defineProperty(target, prop, attrs);
    },
  });

  // ---- emitted files' source maps, for tracebacks ------------------------------------------------
  const fileMaps = new Map(); // emitted path -> { maps(), source: project-relative TypeScript path, lineShift }

  function noteSideOutputs(outs) {
    for (const out of outs || []) {
      const rel = path.relative(process.cwd(), out.path).split(path.sep).join("/");
      const tsRel = rel.replace(/\.js$/, ".ts");
      fileMaps.set(out.path, { maps: lazyMaps(out.data), source: tsRel, lineShift: 0, cell: null });
    }
  }

  // ---- cells, timers and output ------------------------------------------------------------------
  let current = null; // the cell whose request the kernel serves now (output without a cell goes here)
  let running = null; // the cell executing now, if any
  const withTimers = new Set(); // finished cells with pending timers (an interrupt while idle stops them)

  function newCell(count, writeStream, writeDisplayData) {
    return { count, writeStream, writeDisplayData, timers: new Map(), dead: false, phase: "queued", interrupted: false, controller: new AbortController(), onInterrupt: null };
  }

  const isRefd = (h) => !h || typeof h.hasRef !== "function" || h.hasRef();

  function kill(cell, why) {
    if (cell.dead) return;
    cell.dead = true;
    for (const [h, clear] of cell.timers) if (isRefd(h)) clear(h);
    cell.timers.clear();
    withTimers.delete(cell);
    cell.controller.abort(new Error(why));
  }

  for (const [setName, clearName] of [
    ["setTimeout", "clearTimeout"],
    ["setInterval", "clearInterval"],
    ["setImmediate", "clearImmediate"],
  ]) {
    const set = globalThis[setName];
    const clear = globalThis[clearName];
    const repeats = setName === "setInterval";
    /**
     * @this {unknown}
     * @param {unknown} cb
     * @param {...unknown} rest
     */
    const wrapped = function (cb, ...rest) {
      const cell = als.getStore();
      if (!cell || typeof cb !== "function") return set.call(this, cb, ...rest);
      const args = setName === "setImmediate" ? rest : rest.slice(1);
      const h = set.call(
        this,
        /** @this {unknown} */
        function () {
          if (!repeats) {
            cell.timers.delete(h);
            if (cell.timers.size === 0) withTimers.delete(cell);
          }
          // an interrupted cell's timers stay silent, except unref()'d ones: housekeeping of a
          // library (src/engine/wasm.ts closes what an interrupted fit left open that way)
          if (cell.dead && isRefd(h)) return;
          return cb.apply(this, args);
        },
        ...(setName === "setImmediate" ? [] : [rest[0]]),
      );
      if (!cell.dead) {
        cell.timers.set(h, clear);
        if (cell !== running) withTimers.add(cell);
      }
      return h;
    };
    if (set[util.promisify.custom]) Object.defineProperty(wrapped, util.promisify.custom, { value: set[util.promisify.custom] });
    globalThis[setName] = wrapped;
    globalThis[clearName] = /** @this {unknown} @param {unknown} h */ function (h) {
      const cell = als.getStore();
      if (cell) cell.timers.delete(h);
      return clear.call(this, h);
    };
  }

  const decoder = new util.TextDecoder();
  /**
   * process.stdout.write / stderr.write routed to the current cell's stream `name`.
   * @param {string} name
   * @param {(...args: any[]) => boolean} original the stream's own write (its overloads take what Node's do)
   */
  const writeTo = (name, original) =>
    /**
     * @this {unknown}
     * @param {string | Uint8Array} buffer
     * @param {unknown} [encoding]
     * @param {unknown} [cb]
     */
    function (buffer, encoding, cb) {
      const cell = als.getStore();
      if (cell && cell.dead) return true; // output of an interrupted cell: dropped
      if (!current) return original.apply(this, Array.from(arguments)); // before the first request: the kernel's log
      current.writeStream(name, typeof buffer === "string" ? buffer : decoder.decode(buffer));
      if (typeof encoding === "function") encoding();
      else if (typeof cb === "function") cb();
      return true;
    };

  // tslab's display API reads jupyter.lastWriteDisplayData at each call: the current cell's, and a
  // no-op for an interrupted cell's timers
  const dropDisplay = () => {};
  Object.defineProperty(jupyter, "lastWriteDisplayData", {
    configurable: true,
    enumerable: true,
    get() {
      const cell = als.getStore();
      if (cell && cell.dead) return dropDisplay;
      return current ? current.writeDisplayData : null;
    },
    set() {},
  });

  globalThis[HOOK] = {
    /** The running cell's AbortSignal (aborted when the cell is interrupted), or undefined outside a cell. */
    signal() {
      const cell = als.getStore();
      return cell ? cell.controller.signal : undefined;
    },
  };

  // ---- the interrupt (SIGINT) ------------------------------------------------------------------
  process.on("SIGINT", () => {
    const cell = running;
    if (!cell) {
      for (const c of [...withTimers]) kill(c, "interrupted");
      return;
    }
    cell.interrupted = true;
    if (cell.phase === "async") {
      kill(cell, "interrupted");
      if (cell.onInterrupt) cell.onInterrupt();
    }
  });

  // ---- tracebacks ------------------------------------------------------------------------------
  const internal = [path.join(root, "kernel") + path.sep, path.join(root, "node_modules") + path.sep];
  const FRAME = /^\s*at (?:(.*?) \()?(.*?):(\d+):(\d+)\)?$/;

  function frameLines(stack) {
    const lines = [];
    for (const line of String(stack || "").split("\n")) {
      const m = FRAME.exec(line);
      if (!m) continue;
      const [, fn, file, l, c] = m;
      const info = fileMaps.get(file);
      if (info) {
        if (info.lastLine && Number(l) >= info.lastLine) continue;
        const pos = originalPosition(info.maps(), Number(l) - 1 - info.lineShift, Number(c) - 1);
        const where = info.cell
          ? `cell In [${info.cell}], line ${pos ? pos.line : "?"}`
          : `${info.source}:${pos ? `${pos.line + 1}:${pos.column + 1}` : "?"}`;
        // "Proxy.matmul": called through the module proxy tslab hands out
        const name = fn && !fn.startsWith("eval at") && fn !== "Object.<anonymous>" ? fn.replace(/^Proxy\./, "") : null;
        lines.push(`    at ${name ? `${name} (${where})` : where}`);
        continue;
      }
      if (file.startsWith("node:") || internal.some((p) => file.startsWith(p)) || !path.isAbsolute(file)) continue;
      lines.push(`    at ${fn ? `${fn} (${path.relative(root, file)}:${l}:${c})` : `${path.relative(root, file)}:${l}:${c}`}`);
    }
    return lines;
  }

  function errorContent(e) {
    let ename, evalue;
    if (e instanceof Error || (e && typeof e === "object" && "message" in e)) {
      ename = e.name || (e.constructor && e.constructor.name) || "Error";
      evalue = String(e.message);
    } else {
      ename = "Thrown";
      evalue = util.inspect(e);
    }
    return { ename, evalue, traceback: [`${ename}: ${evalue}`, ...frameLines(e && e.stack)] };
  }

  // ---- executing one cell --------------------------------------------------------------------
  // two turns of the event loop: the first may run before libuv's poll phase reads the signal pipe
  const yieldToSignals = () => new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
  const printDiagnostics = (diags) => {
    for (const d of diags) {
      console.error("%s%d:%d - %s", d.fileName ? d.fileName + " " : "", d.start.line + 1, d.start.character + 1, d.messageText);
    }
  };

  /** Runs one cell; resolves to null (ok) or { ename, evalue, traceback, shown } (failed). */
  async function execute(cell, src) {
    const meta = getCodeMetadata(src);
    if (meta.module || meta.mode === "browser") {
      return (await executor.execute(src)) ? null : { ename: "Error", evalue: "the module cell failed", traceback: [], shown: true };
    }
    cell.phase = "compile";
    const prevDecl = executor.getPrevDecl();
    const converted = converters.node.convert(prevDecl, src);
    if (converted.sideOutputs) {
      executor.updateSideOutputs(converted.sideOutputs);
      noteSideOutputs(converted.sideOutputs);
    }
    // a SIGINT that came while the compiler ran (synchronously) is delivered now
    await yieldToSignals();
    if (cell.interrupted) {
      kill(cell, "interrupted");
      return { ename: "KeyboardInterrupt", evalue: "interrupted while the cell was compiling: it did not run", traceback: [] };
    }
    if (converted.diagnostics.length > 0) {
      printDiagnostics(converted.diagnostics);
      const first = converted.diagnostics[0];
      const text = `${first.fileName ? first.fileName + " " : ""}${first.start.line + 1}:${first.start.character + 1} - ${first.messageText}`;
      return { ename: "TypeScriptError", evalue: text, traceback: [], shown: true };
    }
    if (!converted.output) {
      executor.setPrevDecl(converted.declOutput || "");
      return null;
    }
    const filename = path.join(process.cwd(), `__cell_${cell.count}__.js`);

    const names = declaredNames(converted.output);
    names.delete(converted.lastExpressionVar);
    const before = new Map();
    for (const n of names) if (Object.prototype.hasOwnProperty.call(locals, n)) before.set(n, locals[n]);
    const prefix = converted.hasToplevelAwait ? "(async function(exports, require) {\n" : "(function(exports, require) {\n";
    const wrapped = prefix + converted.output + "\n})(__tslab__.exports, __tslab__.require)";
    // lineShift: the wrapper's first line; lastLine: the wrapper's call, never the student's code
    const lastLine = wrapped.split("\n").length;
    fileMaps.set(filename, { maps: lazyMaps(converted.output), source: null, lineShift: 1, cell: cell.count, lastLine });
    const counts = new Map();
    /** @type {unknown} what the cell threw (anything: `throw 1` too), or null */
    let failure = null;
    cell.phase = "sync";
    assigning = counts;
    let promise = null;
    try {
      const ret = vm.runInThisContext(wrapped, { filename, breakOnSigint: true });
      if (converted.hasToplevelAwait) promise = ret;
    } catch (e) {
      failure = e;
    } finally {
      assigning = null;
    }
    if (sigintStopped(failure)) cell.interrupted = true;
    if (failure && cell.interrupted) kill(cell, "interrupted");
    if (promise && !failure) {
      cell.phase = "async";
      // the synchronous part's assignments are counted above; those after an await go through the
      // same proxy while `assigning` is this cell's map again (set by every continuation below)
      assigning = counts;
      try {
        await Promise.race([
          promise,
          new Promise((_, reject) => {
            cell.onInterrupt = () => reject(Object.assign(new Error("interrupted while the cell was waiting (await)"), { name: "KeyboardInterrupt" }));
            if (cell.interrupted) cell.onInterrupt();
          }),
        ]);
      } catch (e) {
        failure = e;
      } finally {
        assigning = null;
        cell.onInterrupt = null;
      }
    }
    if (!failure) {
      executor.setPrevDecl(converted.declOutput || "");
      if (converted.lastExpressionVar && locals[converted.lastExpressionVar] != null) {
        const ret = locals[converted.lastExpressionVar];
        delete locals[converted.lastExpressionVar];
        console.log(ret);
      }
      return null;
    }
    // keep what the cell assigned before it failed; the rest keeps its earlier value and type
    delete locals[converted.lastExpressionVar];
    const lost = [...names].filter((n) => (counts.get(n) || 0) < 2);
    const lostSet = new Set(lost);
    for (const n of lost) {
      if (before.has(n)) locals[n] = before.get(n);
      else delete locals[n];
    }
    executor.setPrevDecl(
      filterDecls(ts, converted.declOutput || "", (n) => !lostSet.has(n), true) +
        filterDecls(ts, prevDecl, (n) => lostSet.has(n) && before.has(n), false),
    );
    const err = sigintStopped(failure)
      ? Object.assign(new Error("interrupted"), { name: "KeyboardInterrupt", stack: failure.stack })
      : failure;
    const content = errorContent(err);
    if (lost.length > 0) {
      const kept = lost.filter((n) => before.has(n));
      const gone = lost.filter((n) => !before.has(n));
      const parts = [];
      if (gone.length) parts.push(`${gone.join(", ")} ${gone.length > 1 ? "are" : "is"} not defined`);
      if (kept.length) parts.push(`${kept.join(", ")} keep${kept.length > 1 ? "" : "s"} the value of an earlier cell`);
      content.traceback.push(`Note: the cell stopped before it assigned ${lost.join(", ")}: ${parts.join("; ")}. What it assigned before the error is kept.`);
    }
    return content;
  }

  // ---- requests ---------------------------------------------------------------------------------
  let received = 0; // execute requests received so far
  let abortBefore = 0; // requests received before this number, queued behind a failure, are aborted
  let failedCount = null;
  let failedHow = "failed";
  let queue = Promise.resolve();

  class Handler extends JupyterHandlerImpl {
    handleExecute(req, writeStream, writeDisplayData, writeError) {
      const seq = ++received;
      const result = queue.then(() => this.executeOne(seq, req, writeStream, writeDisplayData, writeError));
      queue = result.then(
        () => undefined,
        () => undefined,
      );
      return result;
    }

    async executeOne(seq, req, writeStream, writeDisplayData, writeError) {
      const stop = req.stop_on_error !== false;
      const cell = newCell(this.execCount + 1, writeStream, writeDisplayData);
      current = cell;
      if (stop && seq <= abortBefore) {
        writeStream(
          "stderr",
          `Not run: In [${failedCount}] above ${failedHow}, so the cells queued after it were skipped. Run this cell again. (앞 셀 오류로 실행하지 않음 — 다시 실행하세요)\n`,
        );
        return { status: "aborted" };
      }
      this.execCount++;
      running = cell;
      let failed;
      try {
        failed = await als.run(cell, () => execute(cell, req.code));
      } catch (e) {
        failed = errorContent(e);
      } finally {
        running = null;
        cell.phase = "done";
        if (cell.timers.size > 0 && !cell.dead) withTimers.add(cell);
      }
      if (!failed) return { status: "ok", execution_count: cell.count };
      abortBefore = received;
      failedCount = cell.count;
      failedHow = cell.interrupted ? "was interrupted" : "failed";
      const { ename, evalue, traceback } = failed;
      if (!failed.shown) writeError({ ename, evalue, traceback });
      return { status: "error", execution_count: cell.count, ename, evalue, traceback };
    }
  }

  /** tslab's ZmqServer with one more iopub writer per execute request: the `error` message. */
  class Server extends ZmqServer {
    async handleExecute(sock, msg) {
      const reply = msg.createReply();
      reply.header.msg_type = "execute_reply";
      // sent outside the cell's context: timers ZeroMQ starts for a send belong to the kernel, never
      // to the cell (an interrupt clears the cell's timers)
      const send = (type, content) =>
        als.exit(() => {
          const m = msg.createReply();
          m.header.msg_type = type;
          m.content = content;
          m.signAndSend(this.connInfo.key, this.iopub);
        });
      const writeStream = (name, text) => send("stream", { name, text });
      const writeDisplayData = (data, update) => send(update ? "update_display_data" : "display_data", data);
      const writeError = (content) => send("error", content);
      reply.content = await this.handler.handleExecute(msg.content, writeStream, writeDisplayData, writeError);
      reply.signAndSend(this.connInfo.key, sock);
    }
  }

  const handler = new Handler(executor, false);
  const server = new Server(handler, configPath);
  // tslab set these per cell (in handleExecuteImpl, not used here)
  process.stdout.write = writeTo("stdout", process.stdout.write.bind(process.stdout));
  process.stderr.write = writeTo("stderr", process.stderr.write.bind(process.stderr));
  process.on("uncaughtException", (err) => {
    const cell = als.getStore();
    if (cell && cell.dead) return;
    console.error("UncaughtException:", err);
  });
  process.on("unhandledRejection", (reason) => {
    const cell = als.getStore();
    if (cell && cell.dead) return;
    console.error("UnhandledPromiseRejection:", reason);
  });
  return server;
}

module.exports = { CONVERTER_EDITS, EXECUTOR_EDITS, HOOK, startKernel, declaredNames, filterDecls, originalPosition, lazyMaps };
