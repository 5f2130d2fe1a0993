// The grading plan as the grader reads it (written by scripts/hw/plan.ts from an assignment's grading.ts,
// or a student kit's public-checks.json): questions, cases with their expected values, forbidden classes.
import { readFileSync } from "node:fs";

export interface Question {
  id: string;
  title: string;
  points: number;
  kind: "auto" | "manual";
}

export interface Case {
  id: string;
  question: string;
  visibility: "public" | "hidden";
  label: string;
  inputs: unknown;
  call: string;
  expected: unknown;
  atol: number;
  rtol: number;
  compare: "values" | "accuracy";
}

export interface Plan {
  id: string;
  title: string;
  dir?: string;
  notebook: string;
  questions: Question[];
  cases: Case[];
  forbidden?: string[];
  /** In a student kit: the pristine student notebook the locked cells are restored from. */
  template?: unknown;
}

export function loadPlan(file: string): Plan {
  const plan = JSON.parse(readFileSync(file, "utf8")) as Plan;
  if (typeof plan?.id !== "string" || !Array.isArray(plan.questions) || !Array.isArray(plan.cases)) {
    throw new Error(`${file} is not a grading plan (id, questions and cases are required)`);
  }
  return plan;
}
