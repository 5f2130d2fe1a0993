// Finding the submissions in a folder: *.ipynb files and submit bundles (folders with manifest.json).
// Everything is data: ids come from file and folder names (a manifest `student` that disagrees is flagged
// and ignored), a manifest names only a file inside its own bundle, symlinks (files, bundles, manifests) are
// refused, and the bytes are read once, here, before any kernel runs. A folder without manifest.json is a
// bundle of its one notebook (*.ipynb in any case); every other entry is listed in `skipped` with its
// reason: nothing is left out silently.
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { isDict, type Dict } from "./notebook";
import { bundleId, safeId } from "./ids";

export interface Found {
  student: string;
  /** The submission's path inside the folder, as shown in reports. */
  shown: string;
  data: Buffer | null;
  /** Why it cannot be graded ("too-large" or a fixed Korean message), or null. */
  problem: string | null;
  manifest: Dict | null;
  /** Flags about the id (e.g. a manifest that claims another one). */
  flags: string[];
}

export interface Skipped {
  entry: string;
  reason: string;
}

const isNotebookName = (name: string) => name.toLowerCase().endsWith(".ipynb") && name.length > 6;

/**
 * Bytes of a regular file, refusing symlinks (O_NOFOLLOW), anything that is not a regular file (checked with
 * fstat before any read; O_NONBLOCK so that opening a FIFO or a device never waits) and anything larger than
 * `limit` (null).
 */
export function readRegular(path: string, limit: number): Buffer | null {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
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

export function discover(folder: string, maxBytes: number, assignment?: string, skipped: Skipped[] = []): Found[] {
  const out: Found[] = [];
  const skip = (entry: string, reason: string) => skipped.push({ entry, reason });
  const stem = (name: string) => name.replace(/\.[^./]*$/, "");
  for (const name of readdirSync(folder).sort()) {
    const p = join(folder, name);
    if (name.startsWith(".")) {
      skip(name, "숨김 파일 (hidden entry)");
      continue;
    }
    const st = lstatSync(p);
    if (st.isSymbolicLink()) {
      let isDir = false;
      try {
        isDir = statSync(p).isDirectory();
      } catch {
        isDir = false; // a dangling link
      }
      if (isNotebookName(name) || isDir) {
        out.push({ student: safeId(stem(name)), shown: name, data: null, problem: "심볼릭 링크(symlink)는 받지 않습니다", manifest: null, flags: [] });
      } else skip(name, "심볼릭 링크, 노트북 아님 (symlink, not a notebook)");
      continue;
    }
    if (st.isDirectory()) {
      const mpath = join(p, "manifest.json");
      if (!lexists(mpath)) {
        // no manifest: the folder's one notebook, if it holds exactly one
        let nbs: string[] | null;
        try {
          nbs = readdirSync(p).filter((n) => isNotebookName(n) && !n.startsWith(".")).sort();
        } catch {
          nbs = null;
        }
        const student = bundleId(name, assignment);
        if (nbs === null || nbs.length !== 1) {
          const why = nbs === null ? "폴더를 읽을 수 없습니다" : `manifest.json이 없고 노트북(.ipynb)이 ${nbs.length}개입니다 (하나여야 합니다)`;
          out.push({ student, shown: name + "/", data: null, problem: why, manifest: null, flags: [] });
          continue;
        }
        let data: Buffer | null;
        try {
          data = readRegular(join(p, nbs[0]), maxBytes);
        } catch {
          out.push({ student, shown: `${name}/${nbs[0]}`, data: null, problem: "노트북을 읽을 수 없습니다 (심볼릭 링크 또는 일반 파일이 아님)", manifest: null, flags: [] });
          continue;
        }
        out.push({ student, shown: `${name}/${nbs[0]}`, data, problem: data !== null ? null : "too-large", manifest: null, flags: [] });
        continue;
      }
      let man: Dict;
      try {
        const parsed: unknown = JSON.parse((readRegular(mpath, 1 << 20) ?? Buffer.from("null")).toString("utf8"));
        if (!isDict(parsed)) throw new Error("manifest.json is not an object");
        man = parsed;
      } catch {
        out.push({ student: bundleId(name, assignment), shown: name + "/manifest.json", data: null, problem: "manifest.json을 읽을 수 없습니다", manifest: null, flags: [] });
        continue;
      }
      const student = bundleId(name, assignment);
      const claimed = man.student;
      const flags = claimed === undefined || claimed === null || (typeof claimed === "string" && safeId(claimed) === student) ? [] : ["manifest-student-mismatch (ignored)"];
      const nbname = man.notebook;
      if (typeof nbname !== "string" || nbname === "" || nbname === "." || nbname === ".." || /[/\\\0]/.test(nbname)) {
        out.push({ student, shown: name + "/manifest.json", data: null, problem: "manifest의 notebook은 묶음 안의 파일 이름이어야 합니다", manifest: man, flags });
        continue;
      }
      let data: Buffer | null;
      try {
        data = readRegular(join(p, nbname), maxBytes);
      } catch {
        out.push({ student, shown: `${name}/${nbname}`, data: null, problem: "묶음 안의 노트북을 읽을 수 없습니다 (없음, 심볼릭 링크, 또는 일반 파일이 아님)", manifest: man, flags });
        continue;
      }
      out.push({ student, shown: `${name}/${nbname}`, data, problem: data !== null ? null : "too-large", manifest: man, flags });
    } else if (isNotebookName(name)) {
      let data: Buffer | null;
      try {
        data = readRegular(p, maxBytes);
      } catch {
        out.push({ student: safeId(name.slice(0, -6)), shown: name, data: null, problem: "노트북을 읽을 수 없습니다", manifest: null, flags: [] });
        continue;
      }
      out.push({ student: safeId(name.slice(0, -6)), shown: name, data, problem: data !== null ? null : "too-large", manifest: null, flags: [] });
    } else skip(name, "노트북(.ipynb)도 제출 폴더도 아닙니다 (not a notebook or a bundle)");
  }
  return out;
}
