// The grading notebook's first cell, run in the kernel before any submitted code (scripts/hw/build.ts
// puts the text from "BEGIN CELL" on into the cell, inside a block, and calls it). Type-checked here as
// ordinary TypeScript; nothing in this file runs in the grader's own process.
//
// It keeps fs.writeSync (fd 3: the grader's probe channel, not stdout) and pristine built-ins in a closure,
// freezes the kernel's own machinery, replaces the methods of forbidden library classes, and defines one
// frozen, non-writable global under a random name whose begin(nonce) gives the probe cells run(id, fn, inputs).

// BEGIN CELL
export function mlpHwInstallGuard(globalName: string, matrixClass: unknown, lib: unknown, forbidden: readonly string[]): void {
  const g: any = globalThis, O = Object, R = Reflect, J = JSON, S = String, A = Array, N = Number;
  const apply = R.apply, keys = O.keys, freeze = O.freeze, isArray = A.isArray, stringify = J.stringify;
  const parse = J.parse, isInteger = N.isInteger, MatrixClass: any = matrixClass, F64 = Float64Array;
  const fs: any = require("fs"), writeSync = fs.writeSync; // fd 3: the grader's probe channel (not stdout)
  // Lock the kernel's own machinery against monkey-patching from submitted code.
  try {
    const req: any = require;
    for (const k of keys(req.cache)) {
      if (/[\\/]node_modules[\\/](tslab|zeromq)[\\/]/.test(k)) {
        const ex = req.cache[k].exports;
        for (const n of O.getOwnPropertyNames(ex)) {
          const v = ex[n];
          if (typeof v === "function" && v.prototype) freeze(v.prototype);
        }
      }
    }
    freeze(req("vm"));
    if (g.__tslab__) freeze(g.__tslab__);
  } catch (e) {}
  function num(x: number): string {
    return x === x ? (x === Infinity ? '"Infinity"' : x === -Infinity ? '"-Infinity"' : S(x)) : '"NaN"';
  }
  function enc(v: any, depth: number): string {
    const t = typeof v;
    if (t === "number") return num(v);
    if (t === "string" || t === "boolean") return stringify(v);
    if (v === null || t === "undefined") return "null";
    if (t === "bigint") return stringify(S(v));
    if (t === "function") return '"[function]"';
    if (depth > 6) return '"[too deep]"';
    const r = v.rows, c = v.cols, d = v.data;
    if (typeof r === "number" && typeof c === "number" && d != null && isInteger(r) && isInteger(c) && r >= 0 && c >= 0) {
      const n = r * c;
      if (n > 2000000) return '{"$error":"matrix too large"}';
      let s = '{"$m":[' + r + "," + c + ",[";
      for (let i = 0; i < n; i++) s += (i ? "," : "") + num(+d[i]);
      return s + "]]}";
    }
    if (isArray(v)) {
      const n = v.length > 100000 ? 100000 : v.length;
      let s = "[";
      for (let i = 0; i < n; i++) s += (i ? "," : "") + enc(v[i], depth + 1);
      return s + "]";
    }
    if (t === "object") {
      const ks = keys(v);
      let s = "{";
      for (let i = 0; i < ks.length && i < 100; i++) s += (i ? "," : "") + stringify(ks[i]) + ":" + enc(v[ks[i]], depth + 1);
      return s + "}";
    }
    return '"[' + t + ']"';
  }
  function dec(w: any): any {
    if (isArray(w)) { const out: any[] = []; for (let i = 0; i < w.length; i++) out.push(dec(w[i])); return out; }
    if (w && typeof w === "object") {
      if (isArray(w.$m)) return new MatrixClass(w.$m[0], w.$m[1], F64.from(w.$m[2]));
      const o: any = {}; for (const k of keys(w)) o[k] = dec(w[k]); return o;
    }
    return w;
  }
  function errClass(e: any): string {
    try { const n = e && e.constructor && e.constructor.name; return typeof n === "string" ? n.slice(0, 60) : typeof e; } catch (x) { return "?"; }
  }
  let forbiddenUsed = false;
  class MlpHwForbidden extends Error {}
  function begin(nonce: string) {
    const out = (s: string) => { try { apply(writeSync, fs, [3, s]); } catch (e) {} };
    return freeze({
      run(id: string, fn: (I: any) => any, inputs: string) {
        let line: string;
        try {
          forbiddenUsed = false;
          const value = fn(dec(parse(inputs)));
          if (forbiddenUsed) throw new MlpHwForbidden();
          line = '{"case":' + stringify(id) + ',"ok":true,"value":' + enc(value, 0) + "}";
        } catch (e) {
          line = '{"case":' + stringify(id) + ',"ok":false,"error":' + stringify(errClass(e)) + "}";
        }
        out("MLPHW " + nonce + " " + line + "\n");
      },
    });
  }
  // the assignment forbids these library classes: their methods are replaced before any submitted code runs
  const libClasses: any = lib;
  for (const cls of forbidden) {
    const C = libClasses ? libClasses[cls] : undefined;
    if (typeof C !== "function") continue;
    for (const k of O.getOwnPropertyNames(C.prototype)) {
      if (k === "constructor" || typeof C.prototype[k] !== "function") continue;
      O.defineProperty(C.prototype, k, { configurable: false, writable: false, value: function () { forbiddenUsed = true; throw new MlpHwForbidden(); } });
    }
    freeze(C.prototype);
    freeze(C);
  }
  O.defineProperty(g, globalName, { value: freeze({ begin }), writable: false, configurable: false, enumerable: false });
}
