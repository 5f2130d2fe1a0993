// Loaded with `node --require` before kernel/launcher.cjs inside the grading sandbox (scripts/hw/sandbox.py).
// The sandbox has no network, so kernel and grader talk over ZeroMQ's ipc transport through a
// bind-mounted folder. tslab 1.0.22 builds every address as `${transport}://${ip}:${port}`, which is
// right for tcp only: Jupyter's ipc endpoints are `ipc://${ip}-${port}` (jupyter_client's
// KernelManager with transport="ipc"). Nothing else of the kernel changes.
"use strict";
const Module = /** @type {any} */ (require("module"));
const proc = /** @type {any} */ (process);

// No inspector in the grading kernel. An in-process inspector Session reads any closure variable
// (Runtime.getProperties [[Scopes]]): the originals the guard keeps of forbidden library classes, the
// guard's own references. Every way a cell could reach one is closed here, before any cell runs, with
// properties that cannot be redefined: the module (require, createRequire, process.getBuiltinModule,
// import() through the ESM loader), its native binding, and the SIGUSR1 that opens the inspector's TCP port
// (the sandbox's seccomp filter also refuses TCP sockets, so a signal from a child opens nothing either).
// Worker threads (src/engine/wasm.ts uses them) run this file first too, whatever execArgv they are given:
// a worker without it could require the module and connectToMainThread().
const REFUSED_MODULES = ["inspector", "inspector/promises"];
const threads = require("worker_threads");
const refusedModule = (id) => {
  const s = String(id);
  return REFUSED_MODULES.includes(s.startsWith("node:") ? s.slice(5) : s);
};
const refusal = (what) => {
  const e = /** @type {Error & { code?: string }} */ (new Error(`${what} is not available in the grading kernel`));
  e.code = "ERR_MLP_HW_REFUSED";
  return e;
};
const lock = (obj, key, value) => Object.defineProperty(obj, key, { value, writable: false, configurable: false, enumerable: false });
// Set below (main thread): edits tslab's ZmqServer the moment the kernel first loads dist/jupyter.js.
// Not loaded from here: jupyter.js loads tslab's converter and TypeScript, and kernel/launcher.cjs must load
// those itself, edited (cells.cjs's converter edits, the compile cache, V8's code cache for TypeScript).
/** @type {((ZmqServer: any) => void) | null} */
let onTslabJupyter = null;
{
  const load = Module._load;
  lock(Module, "_load", function (request) {
    if (refusedModule(request)) throw refusal(`the module "${request}"`);
    const exports = load.apply(Module, arguments);
    if (onTslabJupyter && /(^|[\\/])jupyter(\.js)?$/.test(String(request)) && exports && typeof exports.ZmqServer === "function") {
      const patch = onTslabJupyter;
      onTslabJupyter = null;
      patch(exports.ZmqServer);
    }
    return exports;
  });
  if (typeof proc.getBuiltinModule === "function") {
    const getBuiltin = proc.getBuiltinModule;
    lock(process, "getBuiltinModule", function (id) {
      if (refusedModule(id)) throw refusal(`the module "${id}"`);
      return getBuiltin.apply(process, arguments);
    });
  }
  const binding = proc.binding;
  lock(process, "binding", function (name) {
    if (String(name) === "inspector") throw refusal(`process.binding("${name}")`);
    return binding.apply(process, arguments);
  });
  lock(process, "_linkedBinding", function () {
    throw refusal("process._linkedBinding");
  });
  lock(process, "_debugProcess", function () {
    throw refusal("process._debugProcess");
  });
  const kill = proc.kill;
  const USR1 = require("os").constants.signals.SIGUSR1;
  lock(process, "kill", function (pid, signal) {
    const own = Number(pid) === process.pid || Number(pid) <= 0; // itself, or a group it belongs to
    if (own && (signal === "SIGUSR1" || signal === "USR1" || Number(signal) === USR1)) throw refusal("SIGUSR1 (it opens the inspector)");
    return kill.apply(process, arguments);
  });
  // import("node:inspector") (from code made with new Function, say) goes to the ESM loader, not
  // Module._load: a resolve hook refuses it there. register is then locked so that no later hook can
  // short-circuit past this one.
  const hook = `const refused = ${JSON.stringify(REFUSED_MODULES)};
export async function resolve(specifier, context, next) {
  const s = specifier.startsWith("node:") ? specifier.slice(5) : specifier;
  if (refused.includes(s)) { const e = new Error("the module \\"" + specifier + "\\" is not available in the grading kernel"); e.code = "ERR_MLP_HW_REFUSED"; throw e; }
  return next(specifier, context);
}`;
  Module.register("data:text/javascript," + encodeURIComponent(hook));
  lock(Module, "register", function () {
    throw refusal("module.register");
  });
  const Worker = threads.Worker;
  const self = __filename;
  // a function, not a subclass: the original Worker stays in this closure only (no prototype chain to it)
  /** @param {any} file @param {any} options */
  function GradingWorker(file, options) {
    if (!new.target) throw new TypeError("Class constructor Worker cannot be invoked without 'new'");
    const o = Object.assign({}, options);
    o.execArgv = ["--require", self, ...(Array.isArray(o.execArgv) ? o.execArgv : process.execArgv)];
    return Reflect.construct(Worker, [file, o], new.target);
  }
  GradingWorker.prototype = Worker.prototype;
  lock(Worker.prototype, "constructor", GradingWorker);
  lock(threads, "Worker", GradingWorker);
}

if (threads.isMainThread) onTslabJupyter = (ZmqServer) => {
const bindSocket = ZmqServer.prototype.bindSocket;
ZmqServer.prototype.bindSocket = async function (sock, port) {
  const conn = this.connInfo;
  if (conn && conn.transport === "ipc") return sock.bind(`ipc://${conn.ip}-${port}`);
  return bindSocket.call(this, sock, port);
};

// Output limits, in the order the kernel produces output: what a cell may send does not depend on how
// fast the grader reads (a cap applied only by the reader, with an interrupt, gave different grades on a
// busy machine), and the grader's memory stays bounded. Bytes are counted as the grader's executor counts
// them (a stream's text, a display's JSON data; the executor counts at least as much), and a cell's output
// messages (streams, displays, display updates, results) stop only once what it sent before is already
// over the cap: the grader has then counted more than its own cap itself, dropped the excess and flagged
// output-limit. Nothing goes from here to the grader about it (submitted code could forge that).
// A single message over MESSAGE_MAX is dropped outright (the grader never sees it) and counts for nothing, so
// the output after it still arrives. The counting uses only built-ins taken here, before any cell ran:
// submitted code can replace JSON.parse, Buffer.byteLength, Map.prototype.get, Function.prototype.call, ...,
// but not these references, and the wrapper cannot be redefined.
const CELL_CAP = Number(process.env.MLP_HW_CELL_OUTPUT_BYTES || 0);
const TOTAL_CAP = Number(process.env.MLP_HW_TOTAL_OUTPUT_BYTES || 0);
const MESSAGE_MAX = 16 << 20;
if (CELL_CAP > 0) {
  const apply = Reflect.apply, J = JSON, parse = JSON.parse, stringify = JSON.stringify, B = Buffer, byteLength = Buffer.byteLength;
  const isBuffer = Buffer.isBuffer, bufferText = Buffer.prototype.toString, hasOwn = Object.prototype.hasOwnProperty;
  const mapGet = Map.prototype.get, mapSet = Map.prototype.set, setHas = Set.prototype.has, resolved = Promise.resolve();
  const OUTPUT = new Set(["stream", "display_data", "update_display_data", "execute_result", "error"]);
  const perCell = new Map();
  let total = 0;
  /** @param {unknown} f */
  const text = (f) => (typeof f === "string" ? f : apply(isBuffer, B, [f]) ? apply(bufferText, f, ["utf8"]) : "");
  /** @param {any} o @param {string} k */
  const own = (o, k) => (o !== null && typeof o === "object" && apply(hasOwn, o, [k]) ? o[k] : undefined);
  const init = ZmqServer.prototype.init;
  ZmqServer.prototype.init = async function (...args) {
    const r = await init.apply(this, args);
    const iopub = this.iopub;
    const send = iopub.send;
    // On the socket's class, for this socket only: zeromq's sockets take no own properties and
    // kernel/launcher.cjs makes Socket.prototype.send read-only, so an assignment here threw (in the
    // rejected init, unnoticed: the cap was off) and only a definition on the prototype works.
    lock(Object.getPrototypeOf(iopub), "send", /** @this {any} @param {unknown[]} frames */ function (frames) {
      if (this !== iopub) return apply(send, this, arguments);
      let i = -1;
      for (let k = 0; k < frames.length; k++) {
        const f = frames[k];
        if ((typeof f === "string" || apply(isBuffer, B, [f])) && /** @type {any} */ (f).length === 9 && text(f) === "<IDS|MSG>") {
          i = k;
          break;
        }
      }
      let header, parent, content;
      try {
        if (i < 0) throw new TypeError("no <IDS|MSG> delimiter");
        header = parse(text(frames[i + 2]));
        parent = parse(text(frames[i + 3]));
        content = parse(text(frames[i + 5]));
      } catch (e) {
        return resolved; // not a Jupyter message, so nothing the reader would take: not sent
      }
      const type = own(header, "msg_type");
      if (apply(setHas, OUTPUT, [type])) {
        const id = own(parent, "msg_id"), data = own(content, "data"), streamText = own(content, "text");
        const cell = typeof id === "string" ? id : "";
        const measured = type === "stream" ? streamText : apply(stringify, J, [data === undefined ? content : data]);
        const n = apply(byteLength, B, [typeof measured === "string" ? measured : ""]);
        if (n > MESSAGE_MAX) return resolved;
        const before = apply(mapGet, perCell, [cell]) || 0;
        const over = before > CELL_CAP || (TOTAL_CAP > 0 && total > TOTAL_CAP);
        apply(mapSet, perCell, [cell, before + n]);
        total += n;
        if (over) return resolved;
      }
      return apply(send, this, [frames]);
    });
    return r;
  };
}
};
