// The grading notebook's first cell, run in the kernel before any submitted code (scripts/hw/build.ts
// puts the text from "BEGIN CELL" on into the cell, inside a block, and calls it). Type-checked here as
// ordinary TypeScript; nothing in this file runs in the grader's own process.
//
// It keeps the native fs binding's writeString (fd 3: the grader's probe channel, not stdout) and pristine
// built-ins in a closure, freezes the kernel's own machinery, wraps the methods of forbidden library classes
// (they throw once the probes have begun), and defines one frozen, non-writable global under a random name
// whose begin(nonce) gives the probe cells run(id, fn, inputs).

// BEGIN CELL
export function mlpHwInstallGuard(globalName: string, matrixClass: unknown, lib: unknown, forbidden: readonly string[]): void {
  const g: any = globalThis, O = Object, R = Reflect, J = JSON, S = String, A = Array, N = Number;
  const apply = R.apply, keys = O.keys, freeze = O.freeze, isArray = A.isArray, stringify = J.stringify;
  const parse = J.parse, isInteger = N.isInteger, MatrixClass: any = matrixClass, F64 = Float64Array;
  const f64from = F64.from, slice = S.prototype.slice;
  // fd 3: the grader's probe channel (not stdout). Written through the native binding's own functions,
  // taken here before any submitted code ran: fs.writeSync looks them up on the binding at call time,
  // and submitted code can replace them there (and fs.writeSync, Function.prototype.call, ...), but not
  // these references. fd 3 is checked to be still the file it was (same device and inode) before each
  // write, so a submission that closed it and opened something it can read in its place gets nothing.
  const fsb: any = (process as any).binding("fs"), writeString = fsb.writeString, fstat = fsb.fstat;
  function fdId(): string {
    try { const st: any = apply(fstat, fsb, [3, false, undefined, {}]); return st[0] + ":" + st[7]; } catch (e) { return "none"; }
  }
  const probeFd = fdId();
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
    if (isArray(w)) { const out: any[] = []; for (let i = 0; i < w.length; i++) out[i] = dec(w[i]); return out; }
    if (w && typeof w === "object") {
      if (isArray(w.$m)) return new MatrixClass(w.$m[0], w.$m[1], apply(f64from, F64, [w.$m[2]]));
      const o: any = {}; for (const k of keys(w)) o[k] = dec(w[k]); return o;
    }
    return w;
  }
  function errClass(e: any): string {
    try { const n = e && e.constructor && e.constructor.name; return typeof n === "string" ? apply(slice, n, [0, 60]) : typeof e; } catch (x) { return "?"; }
  }
  let forbiddenUsed = false, probing = false;
  class MlpHwForbidden extends Error {}
  function begin(nonce: string) {
    // From the first probe on, forbidden classes throw, for good: the probe cells come after every
    // cell of the notebook, and a timer left by submitted code between two probe cells (which could
    // compute a later case's answer from inputs an earlier case showed) finds them trapped too.
    probing = true;
    const out = (s: string) => {
      if (fdId() !== probeFd) return; // fd 3 was replaced: the case gets no result
      try { apply(writeString, fsb, [3, s, null, "utf8", undefined, {}]); } catch (e) {}
    };
    return freeze({
      run(id: string, fn: (I: any) => any, inputs: string) {
        let line: string;
        try {
          forbiddenUsed = false;
          const encoded = enc(fn(dec(parse(inputs))), 0); // a getter on the result runs the student's code too
          if (forbiddenUsed) throw new MlpHwForbidden();
          line = '{"case":' + stringify(id) + ',"ok":true,"value":' + encoded + "}";
        } catch (e) {
          line = '{"case":' + stringify(id) + ',"ok":false,"error":' + stringify(errClass(e)) + "}";
        }
        out("MLPHW " + nonce + " " + line + "\n");
      },
    });
  }
  // the assignment forbids these library classes in answers: their methods (and static functions) are
  // wrapped before any submitted code runs. Once the probes have begun they throw (the case is not
  // credited, flag forbidden-api); before, they work, so the notebook's own check cells may use them.
  // The originals stay in this closure only.
  const libClasses: any = lib;
  const trap = (target: any, k: string) => {
    const orig = target[k];
    O.defineProperty(target, k, { configurable: false, writable: false, value: function (this: any) {
      if (probing) { forbiddenUsed = true; throw new MlpHwForbidden(); }
      return apply(orig, this, arguments);
    } });
  };
  for (const cls of forbidden) {
    const C = libClasses ? libClasses[cls] : undefined;
    if (typeof C !== "function") continue;
    for (const k of O.getOwnPropertyNames(C.prototype)) {
      const d = O.getOwnPropertyDescriptor(C.prototype, k);
      if (k !== "constructor" && d && typeof d.value === "function") trap(C.prototype, k);
    }
    for (const k of O.getOwnPropertyNames(C)) {
      const d = O.getOwnPropertyDescriptor(C, k);
      if (d && d.configurable && typeof d.value === "function") trap(C, k);
    }
    freeze(C.prototype);
    freeze(C);
  }
  O.defineProperty(g, globalName, { value: freeze({ begin }), writable: false, configurable: false, enumerable: false });
}
