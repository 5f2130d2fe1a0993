// Reading the probe channel (fd 3 of the kernel, a file the sandbox wrapper opened outside the sandbox).
import type { Reported } from "./compare";
import { type Notebook, cellText, isDict } from "./notebook";
import { splitLines } from "./format";

export const PROBE_MAX_BYTES = 64 << 20;
const PROBE_LINE_RE = /^MLPHW ([0-9a-f]+) (.*)$/;

export interface Channel {
  got: Map<string, Reported>;
  forged: number;
  duplicated: Set<string>;
}

/**
 * {case id: payload} from the probe channel. Every value on it was computed in the sandbox, which never
 * holds an expected value, so a line written there by submitted code can carry only its own answers. Still:
 * a case reported more than once is not credited (in `duplicated`), and lines without this run's nonce are
 * counted as foreign.
 */
export function parseProbeChannel(text: string, nonce: string): Channel {
  const got = new Map<string, Reported>();
  const duplicated = new Set<string>();
  let forged = 0;
  for (const line of splitLines(text)) {
    const t = line.trim();
    const m = PROBE_LINE_RE.exec(t);
    if (!m || m[1] !== nonce) {
      if (t) forged++;
      continue;
    }
    let payload: unknown;
    try {
      payload = JSON.parse(m[2]);
    } catch {
      forged++;
      continue;
    }
    const cid = isDict(payload) ? payload.case : undefined;
    if (typeof cid !== "string") forged++;
    else if (got.has(cid)) duplicated.add(cid);
    else got.set(cid, payload as Reported);
  }
  for (const cid of duplicated) got.set(cid, { case: cid, ok: false, duplicated: true });
  return { got, forged, duplicated };
}

/** Probe-looking lines printed on stdout (ignored: values travel only on the probe channel). */
export function countStdoutProbeLines(nb: Notebook): number {
  let n = 0;
  for (const cell of nb.cells) n += splitLines(cellText(cell, "stdout")).filter((l) => l.includes("MLPHW")).length;
  return n;
}
