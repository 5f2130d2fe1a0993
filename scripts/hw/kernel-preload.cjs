// Loaded with `node --require` before kernel/launcher.cjs inside the grading sandbox (scripts/hw/sandbox.py).
// The sandbox has no network, so kernel and grader talk over ZeroMQ's ipc transport through a
// bind-mounted folder. tslab 1.0.22 builds every address as `${transport}://${ip}:${port}`, which is
// right for tcp only: Jupyter's ipc endpoints are `ipc://${ip}-${port}` (jupyter_client's
// KernelManager with transport="ipc"). Nothing else of the kernel changes.
"use strict";
const fs = require("fs");
const path = require("path");

const dist = path.join(__dirname, "..", "..", "node_modules", "tslab", "dist");
const { ZmqServer } = require(path.join(dist, "jupyter.js"));
const bindSocket = ZmqServer.prototype.bindSocket;
ZmqServer.prototype.bindSocket = async function (sock, port) {
  const conn = this.connInfo;
  if (conn && conn.transport === "ipc") return sock.bind(`ipc://${conn.ip}-${port}`);
  return bindSocket.call(this, sock, port);
};

// Output limits counted here, in bytes, in the order the kernel produces output: what a cell may send
// does not depend on how fast the grader reads (a cap applied only by the reader, with an interrupt,
// gave different grades on a busy machine). Beyond the cap the output messages of that cell
// (streams, displays, display updates, results) are not sent; the grader is told once on the probe
// channel (fd 3). Submitted code could undo this; then the grader's own reader-side cap still drops
// the output (nothing it sends can raise a score).
const CELL_CAP = Number(process.env.MLP_HW_CELL_OUTPUT_BYTES || 0);
const TOTAL_CAP = Number(process.env.MLP_HW_TOTAL_OUTPUT_BYTES || 0);
// The notice carries a token the grader handed in on fd 4 (a pipe, read and closed here before any cell
// runs): submitted code can write fd 3, but not a notice the grader accepts.
let LIMIT_TOKEN = "";
if (process.env.MLP_HW_LIMIT_FD === "4") {
  try {
    LIMIT_TOKEN = fs.readFileSync(4, "utf8").trim();
    fs.closeSync(4);
  } catch (e) {
    // no token: the grader ignores a notice without one (its own reader-side cap still applies)
  }
}
if (CELL_CAP > 0) {
  const OUTPUT = new Set(["stream", "display_data", "update_display_data", "execute_result", "error"]);
  const perCell = new Map();
  let total = 0;
  let told = false;
  const init = ZmqServer.prototype.init;
  ZmqServer.prototype.init = async function (...args) {
    const r = await init.apply(this, args);
    const iopub = this.iopub;
    const send = iopub.send;
    // On the socket's class, for this socket only: zeromq's sockets take no own properties and
    // kernel/launcher.cjs makes Socket.prototype.send read-only, so an assignment here threw (in the
    // rejected init, unnoticed: the cap was off) and only a definition on the prototype works.
    Object.defineProperty(Object.getPrototypeOf(iopub), "send", { configurable: true, writable: false, value: function (frames) {
      if (this !== iopub) return send.apply(this, arguments);
      try {
        const i = frames.findIndex((f) => String(f) === "<IDS|MSG>");
        const header = JSON.parse(String(frames[i + 2]));
        if (OUTPUT.has(header.msg_type)) {
          const parent = JSON.parse(String(frames[i + 3])).msg_id || "";
          const n = Buffer.byteLength(String(frames[i + 5]));
          const used = (perCell.get(parent) || 0) + n;
          perCell.set(parent, used);
          total += n;
          if (used > CELL_CAP || (TOTAL_CAP > 0 && total > TOTAL_CAP)) {
            if (!told) {
              told = true;
              try { fs.writeSync(3, "MLPHW-OUTPUT-LIMIT " + LIMIT_TOKEN + "\n"); } catch (e) {}
            }
            return Promise.resolve();
          }
        }
      } catch (e) {
        // not a Jupyter message: send it unchanged
      }
      return send.call(this, frames);
    } });
    return r;
  };
}
