// Finding the submissions in a folder: *.ipynb files and submit bundles (folders with manifest.json).
// Everything is data: a manifest names only a file inside its own bundle, symlinks (files, bundles,
// manifests) are refused, and the bytes are read once, here, before any kernel runs.
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { isDict, type Dict } from "./notebook";
import { safeId } from "./ids";

export interface Found {
  student: string;
  /** The submission's path inside the folder, as shown in reports. */
  shown: string;
  data: Buffer | null;
  /** Why it cannot be graded ("too-large" or a fixed Korean message), or null. */
  problem: string | null;
  manifest: Dict | null;
}

/** Bytes of a regular file, refusing symlinks (O_NOFOLLOW) and anything larger than `limit` (null). */
export function readRegular(path: string, limit: number): Buffer | null {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new Error("not a regular file");
    if (st.size > limit) return null;
    const chunks: Buffer[] = [];
    let n = 0;
    for (;;) {
      const buf = Buffer.alloc(1 << 20);
      const got = readSync(fd, buf, 0, buf.length, null);
      if (got === 0) break;
      chunks.push(buf.subarray(0, got));
      n += got;
      if (n > limit) return null;
    }
    return Buffer.concat(chunks);
  } finally {
    closeSync(fd);
  }
}

const lexists = (p: string) => {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
};

export function discover(folder: string, maxBytes: number): Found[] {
  const out: Found[] = [];
  const stem = (name: string) => name.replace(/\.[^./]*$/, "");
  for (const name of readdirSync(folder).sort()) {
    const p = join(folder, name);
    if (name.startsWith(".")) continue;
    const st = lstatSync(p);
    if (st.isSymbolicLink()) {
      let isDir = false;
      try {
        isDir = statSync(p).isDirectory();
      } catch {
        isDir = false; // a dangling link
      }
      if (name.endsWith(".ipynb") || isDir) {
        out.push({ student: safeId(stem(name)), shown: name, data: null, problem: "심볼릭 링크(symlink)는 받지 않습니다", manifest: null });
      }
      continue;
    }
    if (st.isDirectory()) {
      const mpath = join(p, "manifest.json");
      if (!lexists(mpath)) continue;
      let man: Dict;
      try {
        const parsed: unknown = JSON.parse((readRegular(mpath, 1 << 20) ?? Buffer.from("null")).toString("utf8"));
        if (!isDict(parsed)) throw new Error("manifest.json is not an object");
        man = parsed;
      } catch {
        out.push({ student: safeId(name), shown: name + "/manifest.json", data: null, problem: "manifest.json을 읽을 수 없습니다", manifest: null });
        continue;
      }
      const student = safeId(man.student || name);
      const nbname = man.notebook;
      if (typeof nbname !== "string" || nbname === "" || nbname === "." || nbname === ".." || /[/\\\0]/.test(nbname)) {
        out.push({ student, shown: name + "/manifest.json", data: null, problem: "manifest의 notebook은 묶음 안의 파일 이름이어야 합니다", manifest: man });
        continue;
      }
      let data: Buffer | null;
      try {
        data = readRegular(join(p, nbname), maxBytes);
      } catch {
        out.push({ student, shown: `${name}/${nbname}`, data: null, problem: "묶음 안의 노트북을 읽을 수 없습니다 (없음, 심볼릭 링크, 또는 일반 파일이 아님)", manifest: man });
        continue;
      }
      out.push({ student, shown: `${name}/${nbname}`, data, problem: data !== null ? null : "too-large", manifest: man });
    } else if (name.endsWith(".ipynb")) {
      let data: Buffer | null;
      try {
        data = readRegular(p, maxBytes);
      } catch {
        out.push({ student: safeId(name.slice(0, -6)), shown: name, data: null, problem: "노트북을 읽을 수 없습니다", manifest: null });
        continue;
      }
      out.push({ student: safeId(name.slice(0, -6)), shown: name, data, problem: data !== null ? null : "too-large", manifest: null });
    }
  }
  return out;
}
