// Finding the submissions in a folder: *.ipynb files and submit bundles (folders with manifest.json).
// Everything is data: ids come from file and folder names (a manifest `student` that disagrees is flagged
// and ignored), a manifest names only a file inside its own bundle, symlinks (files, bundles, manifests) are
// refused, and the bytes are read once, here, before any kernel runs. A folder without manifest.json is a
// bundle of its one notebook (*.ipynb in any case); every other entry is listed in `skipped` with its
// reason: nothing is left out silently. Names are read as bytes (one that is not valid UTF-8 is graded
// under an id of its own), and an entry that fails in any other way is a row or a skipped line, never the
// end of the batch.
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, readdirSync, statSync } from "node:fs";
import { isDict, type Dict } from "./notebook";
import { bundleId, safeId, showName } from "./ids";

export interface Found {
  student: string;
  /** The submission's path inside the folder, as shown in reports. */
  shown: string;
  /** The entry's path (raw bytes: a name need not be valid UTF-8), read again after grading. */
  path: Buffer;
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

/**
 * Bytes of a regular file, refusing symlinks (O_NOFOLLOW), anything that is not a regular file (checked with
 * fstat before any read; O_NONBLOCK so that opening a FIFO or a device never waits) and anything larger than
 * `limit` (null).
 */
export function readRegular(path: string | Buffer, limit: number): Buffer | null {
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

const lexists = (p: Buffer) => {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
};

const DOT = 0x2e;
/** folder/name as raw bytes (a name read from the folder need not be valid UTF-8). */
const asBytes = (x: string | Buffer) => (Buffer.isBuffer(x) ? x : Buffer.from(x, "utf8"));
const joinRaw = (dir: string | Buffer, name: string | Buffer) => Buffer.concat([asBytes(dir), Buffer.from("/"), asBytes(name)]);
const isNotebookRaw = (name: Buffer) => name.length > 6 && name.subarray(-6).toString("latin1").toLowerCase() === ".ipynb";
/** The name without its last extension (as the symlink rows have always been named). */
const stemRaw = (name: Buffer) => {
  const i = name.lastIndexOf(DOT);
  return i >= 0 ? name.subarray(0, i) : name;
};

export function discover(folder: string, maxBytes: number, assignment?: string, skipped: Skipped[] = []): Found[] {
  const out: Found[] = [];
  const skip = (entry: string, reason: string) => skipped.push({ entry, reason });
  // names as bytes: a name that is not valid UTF-8 is still a name, and its own id (see ids.ts)
  const names = readdirSync(folder, { encoding: "buffer" }).sort(Buffer.compare);
  for (const raw of names) {
    const name = showName(raw);
    const before = [out.length, skipped.length];
    try {
      entry(raw, name);
    } catch {
      // whatever failed with this entry (e.g. it vanished after the listing), the others are still graded
      out.length = before[0];
      skipped.length = before[1];
      if (isNotebookRaw(raw)) {
        out.push({ student: safeId(raw.subarray(0, -6)), shown: name, path: joinRaw(folder, raw), data: null, problem: "노트북을 읽을 수 없습니다", manifest: null, flags: [] });
      } else skip(name, "읽을 수 없는 항목입니다 (unreadable entry)");
    }
  }
  return out;

  function entry(raw: Buffer, name: string): void {
    const p = joinRaw(folder, raw);
    if (raw[0] === DOT) {
      skip(name, "숨김 파일 (hidden entry)");
      return;
    }
    const st = lstatSync(p);
    if (st.isSymbolicLink()) {
      let isDir = false;
      try {
        isDir = statSync(p).isDirectory();
      } catch {
        isDir = false; // a dangling link
      }
      if (isNotebookRaw(raw) || isDir) {
        out.push({ student: safeId(stemRaw(raw)), shown: name, path: p, data: null, problem: "심볼릭 링크(symlink)는 받지 않습니다", manifest: null, flags: [] });
      } else skip(name, "심볼릭 링크, 노트북 아님 (symlink, not a notebook)");
      return;
    }
    if (st.isDirectory()) {
      const student = bundleId(raw, assignment);
      const mpath = joinRaw(p, "manifest.json");
      if (!lexists(mpath)) {
        // no manifest: the folder's one notebook, if it holds exactly one
        let nbs: Buffer[] | null;
        try {
          nbs = readdirSync(p, { encoding: "buffer" }).filter((n) => isNotebookRaw(n) && n[0] !== DOT).sort(Buffer.compare);
        } catch {
          nbs = null;
        }
        if (nbs === null || nbs.length !== 1) {
          const why = nbs === null ? "폴더를 읽을 수 없습니다" : `manifest.json이 없고 노트북(.ipynb)이 ${nbs.length}개입니다 (하나여야 합니다)`;
          out.push({ student, shown: name + "/", path: p, data: null, problem: why, manifest: null, flags: [] });
          return;
        }
        const nbPath = joinRaw(p, nbs[0]), shown = `${name}/${showName(nbs[0])}`;
        let data: Buffer | null;
        try {
          data = readRegular(nbPath, maxBytes);
        } catch {
          out.push({ student, shown, path: nbPath, data: null, problem: "노트북을 읽을 수 없습니다 (심볼릭 링크 또는 일반 파일이 아님)", manifest: null, flags: [] });
          return;
        }
        out.push({ student, shown, path: nbPath, data, problem: data !== null ? null : "too-large", manifest: null, flags: [] });
        return;
      }
      let man: Dict;
      try {
        const parsed: unknown = JSON.parse((readRegular(mpath, 1 << 20) ?? Buffer.from("null")).toString("utf8"));
        if (!isDict(parsed)) throw new Error("manifest.json is not an object");
        man = parsed;
      } catch {
        out.push({ student, shown: name + "/manifest.json", path: mpath, data: null, problem: "manifest.json을 읽을 수 없습니다", manifest: null, flags: [] });
        return;
      }
      const claimed = man.student;
      const flags = claimed === undefined || claimed === null || (typeof claimed === "string" && safeId(claimed) === student) ? [] : ["manifest-student-mismatch (ignored)"];
      const nbname = man.notebook;
      if (typeof nbname !== "string" || nbname === "" || nbname === "." || nbname === ".." || /[/\\\0]/.test(nbname)) {
        out.push({ student, shown: name + "/manifest.json", path: mpath, data: null, problem: "manifest의 notebook은 묶음 안의 파일 이름이어야 합니다", manifest: man, flags });
        return;
      }
      const nbPath = joinRaw(p, nbname);
      let data: Buffer | null;
      try {
        data = readRegular(nbPath, maxBytes);
      } catch {
        out.push({ student, shown: `${name}/${nbname}`, path: nbPath, data: null, problem: "묶음 안의 노트북을 읽을 수 없습니다 (없음, 심볼릭 링크, 또는 일반 파일이 아님)", manifest: man, flags });
        return;
      }
      out.push({ student, shown: `${name}/${nbname}`, path: nbPath, data, problem: data !== null ? null : "too-large", manifest: man, flags });
    } else if (isNotebookRaw(raw)) {
      const student = safeId(raw.subarray(0, -6));
      let data: Buffer | null;
      try {
        data = readRegular(p, maxBytes);
      } catch {
        out.push({ student, shown: name, path: p, data: null, problem: "노트북을 읽을 수 없습니다", manifest: null, flags: [] });
        return;
      }
      out.push({ student, shown: name, path: p, data, problem: data !== null ? null : "too-large", manifest: null, flags: [] });
    } else skip(name, "노트북(.ipynb)도 제출 폴더도 아닙니다 (not a notebook or a bundle)");
  }
}
