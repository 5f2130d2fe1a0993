// Types and helpers for an assignment's hidden tests (homework/<id>/grading.ts).
// A case names a student function call (`call`, TypeScript run inside the grading kernel by a probe
// cell) and a `reference` computed here in Node from src/ — never inside the student's kernel.
// scripts/hw/plan.ts turns an Assignment into JSON for the grader (scripts/hw/main.ts).
import { Matrix, Random } from "../../src/index";

/** A value as it travels between Node, the probe and the grader: Matrix → { $m: [rows, cols, data] }. */
export type Wire = number | string | boolean | null | Wire[] | { [k: string]: Wire };

export interface Question {
  /** Stable id, also the metadata id of the notebook cell holding the answer, e.g. "forward2". */
  id: string;
  /** Korean title shown in feedback, e.g. "Q1 순전파 forward2". */
  title: string;
  points: number;
  /** "auto": scored by cases; "manual": exported for the instructor (a written answer). */
  kind: "auto" | "manual";
}

export interface Case {
  /** Unique id, shown in feedback (never the inputs). */
  id: string;
  question: string;
  visibility: "public" | "hidden";
  /** Korean one-line description that does not reveal the inputs, e.g. "무작위 3-4-2 신경망, 표본 5개". */
  label: string;
  /** Inputs, sent to the probe as JSON (matrices via `wire`). */
  inputs: Record<string, Wire>;
  /** A TypeScript arrow body evaluated in the kernel with `I` = decoded inputs, e.g. "forward2(I.W1, I.W2, I.X)". */
  call: string;
  /** The expected value, computed in Node from src/ (or course numbers). */
  reference: () => unknown;
  /** Absolute tolerance per number (|actual − expected| ≤ atol + rtol·|expected|). */
  atol: number;
  rtol?: number;
  /** "values" (default): compare like-for-like; "accuracy": actual (1×m) probabilities vs expected {labels, min}. */
  compare?: "values" | "accuracy";
}

export interface Assignment {
  id: string;
  title: string;
  /** Notebook file name inside homework/<id>/. */
  notebook: string;
  questions: Question[];
  cases: Case[];
  /**
   * Library classes (exports of src/index) the student must not use, e.g. ["NeuralNetwork"]: in the grading
   * kernel their methods throw before any submitted code runs, and a case that reaches them is not credited.
   */
  forbidden?: string[];
}

/** Matrix → wire form; numbers keep all 17 digits through JSON. Example: `wire(W1)` */
export function wire(v: unknown): Wire {
  if (v instanceof Matrix) return { $m: [v.rows, v.cols, Array.from(v.data)] };
  if (Array.isArray(v)) return v.map(wire);
  if (v && typeof v === "object") {
    const out: { [k: string]: Wire } = {};
    for (const [k, x] of Object.entries(v)) out[k] = wire(x);
    return out;
  }
  return v as Wire;
}

/** Seeded (r×c) matrix with entries uniform in [lo, hi). Example: `randMatrix(new Random(7), 3, 2)` */
export function randMatrix(rng: Random, r: number, c: number, lo = -1, hi = 1): Matrix {
  return Matrix.fromFunction(r, c, () => rng.uniform(lo, hi));
}

/** Seeded 0/1 target matrix. Example: `randTargets(new Random(7), 1, 4)` */
export function randTargets(rng: Random, r: number, c: number): Matrix {
  return Matrix.fromFunction(r, c, () => (rng.random() < 0.5 ? 0 : 1));
}
