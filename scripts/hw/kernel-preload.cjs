// Loaded with `node --require` before kernel/launcher.cjs inside the grading sandbox (scripts/hw/sandbox.py).
// The sandbox has no network, so kernel and grader talk over ZeroMQ's ipc transport through a
// bind-mounted folder. tslab 1.0.22 builds every address as `${transport}://${ip}:${port}`, which is
// right for tcp only: Jupyter's ipc endpoints are `ipc://${ip}-${port}` (jupyter_client's
// KernelManager with transport="ipc"). Nothing else of the kernel changes.
"use strict";
const path = require("path");

const dist = path.join(__dirname, "..", "..", "node_modules", "tslab", "dist");
const { ZmqServer } = require(path.join(dist, "jupyter.js"));
const bindSocket = ZmqServer.prototype.bindSocket;
ZmqServer.prototype.bindSocket = async function (sock, port) {
  const conn = this.connInfo;
  if (conn && conn.transport === "ipc") return sock.bind(`ipc://${conn.ip}-${port}`);
  return bindSocket.call(this, sock, port);
};
