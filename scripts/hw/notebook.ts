// Notebooks as the grader reads and writes them: nbformat 4 JSON, checked against the parts of the
// nbformat schema the grader relies on, sources joined into one string (as nbformat does on reading)
// and split into lines again on writing (as nbformat does), keys sorted.
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

export type Dict = Record<string, unknown>;

export interface Output extends Dict {
  output_type: string;
}

export interface Cell {
  cell_type: "code" | "markdown" | "raw";
  source: string;
  metadata: Dict;
  outputs?: Output[];
  execution_count?: number | null;
  id?: string;
  attachments?: unknown;
}

export interface Notebook {
  nbformat: number;
  nbformat_minor: number;
  metadata: Dict;
  cells: Cell[];
}

/** The cell's grading metadata (`metadata.mlp_hw` with a string id), or null. */
export interface HwMeta extends Dict {
  id: string;
  kind?: unknown;
}

export class NotebookError extends Error {}

export const isDict = (v: unknown): v is Dict => typeof v === "object" && v !== null && !Array.isArray(v);

const joined = (v: unknown): string | null =>
  typeof v === "string" ? v : Array.isArray(v) && v.every((x) => typeof x === "string") ? v.join("") : null;

const OUTPUT_TYPES = new Set(["stream", "display_data", "execute_result", "error"]);
const CELL_KEYS: Record<string, Set<string>> = {
  code: new Set(["id", "cell_type", "metadata", "source", "outputs", "execution_count"]),
  markdown: new Set(["id", "cell_type", "metadata", "source", "attachments"]),
  raw: new Set(["id", "cell_type", "metadata", "source", "attachments"]),
};
const isJsonMime = (mime: string) => mime === "application/json" || /^application\/.+\+json$/.test(mime);

function joinOutput(o: unknown, where: string): Output {
  if (!isDict(o) || typeof o.output_type !== "string" || !OUTPUT_TYPES.has(o.output_type)) throw new NotebookError(`${where}: not an output`);
  const out: Output = { ...o, output_type: o.output_type };
  if (o.output_type === "stream") {
    const text = joined(o.text);
    if (typeof o.name !== "string" || text === null) throw new NotebookError(`${where}: a stream needs a name and text`);
    out.text = text;
  }
  if (o.output_type === "error" && (typeof o.ename !== "string" || typeof o.evalue !== "string")) {
    throw new NotebookError(`${where}: an error needs ename and evalue`);
  }
  if (o.output_type === "display_data" || o.output_type === "execute_result") {
    if (!isDict(o.data)) throw new NotebookError(`${where}: ${o.output_type} needs data`);
    const data: Dict = {};
    for (const [mime, v] of Object.entries(o.data)) data[mime] = isJsonMime(mime) ? v : joined(v) ?? v;
    out.data = data;
  }
  return out;
}

/**
 * Parses notebook JSON. Throws NotebookError for anything that is not an nbformat 4 notebook: bad JSON, a
 * missing or mistyped field, an unknown cell type or cell field, an output without its required parts.
 */
export function parseNotebook(text: string): Notebook {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new NotebookError(`not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!isDict(raw)) throw new NotebookError("not a JSON object");
  if (raw.nbformat !== 4 || !Number.isInteger(raw.nbformat_minor) || (raw.nbformat_minor as number) < 0) {
    throw new NotebookError("not nbformat 4");
  }
  if (!isDict(raw.metadata) || !Array.isArray(raw.cells)) throw new NotebookError("metadata and cells are required");
  const cells: Cell[] = raw.cells.map((c: unknown, i: number) => {
    const where = `cell ${i + 1}`;
    if (!isDict(c) || typeof c.cell_type !== "string" || !(c.cell_type in CELL_KEYS)) throw new NotebookError(`${where}: unknown cell type`);
    const type = c.cell_type as Cell["cell_type"];
    for (const k of Object.keys(c)) if (!CELL_KEYS[type].has(k)) throw new NotebookError(`${where}: unexpected field ${k}`);
    const source = joined(c.source);
    if (source === null || !isDict(c.metadata)) throw new NotebookError(`${where}: source and metadata are required`);
    if (c.id !== undefined && typeof c.id !== "string") throw new NotebookError(`${where}: id must be a string`);
    const cell: Cell = { ...c, cell_type: type, source, metadata: c.metadata } as Cell;
    if (type === "code") {
      if (!Array.isArray(c.outputs)) throw new NotebookError(`${where}: a code cell needs outputs`);
      if (!(c.execution_count === null || Number.isInteger(c.execution_count))) throw new NotebookError(`${where}: execution_count`);
      cell.outputs = c.outputs.map((o: unknown, j: number) => joinOutput(o, `${where} output ${j + 1}`));
    }
    return cell;
  });
  return { ...raw, nbformat: 4, nbformat_minor: raw.nbformat_minor as number, metadata: raw.metadata, cells } as Notebook;
}

const splitSource = (s: string): string[] => (s === "" ? [] : s.split(/(?<=\n)/));

function sorted(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sorted);
  if (!isDict(v)) return v;
  const out: Dict = {};
  for (const k of Object.keys(v).sort()) out[k] = sorted(v[k]);
  return out;
}

/** The notebook as nbformat writes it: sources and text outputs as lists of lines, keys sorted, indent 1. */
export function notebookJson(nb: Notebook): string {
  const cells = nb.cells.map((c) => {
    const out: Dict = { ...c, source: splitSource(c.source) };
    if (c.outputs) {
      out.outputs = c.outputs.map((o) => {
        const x: Dict = { ...o };
        if (typeof o.text === "string") x.text = splitSource(o.text);
        if (isDict(o.data)) {
          const data: Dict = {};
          for (const [mime, v] of Object.entries(o.data)) data[mime] = typeof v === "string" && !isJsonMime(mime) ? splitSource(v) : v;
          x.data = data;
        }
        return x;
      });
    }
    return out;
  });
  return JSON.stringify(sorted({ ...nb, cells }), null, 1) + "\n";
}

export function writeNotebook(nb: Notebook, file: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, notebookJson(nb));
}

export function newCodeCell(source: string, metadata: Dict = {}): Cell {
  return { cell_type: "code", execution_count: null, id: createHash("sha1").update(Math.random() + source).digest("hex").slice(0, 8), metadata, outputs: [], source };
}

export const sha256Text = (s: string) => createHash("sha256").update(s, "utf8").digest("hex");
export const sha256Bytes = (b: Buffer) => createHash("sha256").update(b).digest("hex");

export function hwMeta(cell: Cell): HwMeta | null {
  const m = cell.metadata?.mlp_hw;
  return isDict(m) && typeof m.id === "string" ? (m as HwMeta) : null;
}

export function nbAssignment(nb: Notebook): unknown {
  const m = nb.metadata?.mlp_hw;
  return isDict(m) ? m.assignment : undefined;
}

/** Text of a cell's outputs: its streams (all, or only `stream`) and, with stderr, its errors as "ename: evalue". */
export function cellText(cell: Cell, stream?: "stdout" | "stderr"): string {
  const parts: string[] = [];
  for (const o of cell.outputs ?? []) {
    if (o.output_type === "stream" && (stream === undefined || o.name === stream)) parts.push(String(o.text ?? ""));
    else if (o.output_type === "error" && (stream === undefined || stream === "stderr")) parts.push(`${o.ename ?? ""}: ${o.evalue ?? ""}`);
  }
  return parts.join("");
}

/** The first non-blank line of a cell, trimmed, at most 80 characters. */
export function firstLine(src: string): string {
  for (const line of src.split(/\r\n|[\n\r]/)) if (line.trim()) return Array.from(line.trim()).slice(0, 80).join("");
  return "(빈 셀)";
}
