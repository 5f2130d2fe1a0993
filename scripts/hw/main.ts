// The homework commands behind `npm run hw` (scripts/hw.mjs computes the plan and calls this):
//   node --import tsx scripts/hw/main.ts <assign|check|submit|grade|grade-one|merge-manual> --plan PLAN.json ...
// Limits for check/submit/grade(-one): --cell-timeout S --probe-timeout S --notebook-timeout S --startup-timeout S
//   --memory-mb N --heap-mb N --cell-output-mb N --total-output-mb N --max-notebook-mb N --parallel N --node PATH
//   --no-kernel-cache (grade: kernels compile src/ themselves instead of reading the warmed cache)
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { cmdAssign } from "./assign";
import { DEFAULTS, INTEGER_LIMITS, type LimitName, type Limits } from "./execute";
import { cmdGrade, gradeOne } from "./grade";
import { cmdMergeManual } from "./merge";
import { loadPlan } from "./plan-types";
import { cmdCheck, cmdSubmit } from "./student";

const FLAGS = new Set(["force", "public-only", "no-sandbox", "no-kernel-cache"]);
const VALUES = new Set(["plan", "out", "student", "node", "submission", "result", "executed", "kernel-cache", ...Object.keys(DEFAULTS).map((k) => k.replace(/_/g, "-"))]);

class UsageError extends Error {}

interface Args {
  positional: string[];
  opts: Map<string, string>;
  flags: Set<string>;
}

function parse(argv: string[]): Args {
  const a: Args = { positional: [], opts: new Map(), flags: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith("--") || arg === "--") {
      a.positional.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    if (FLAGS.has(name) && eq < 0) a.flags.add(name);
    else if (VALUES.has(name)) {
      const v = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
      if (v === undefined) throw new UsageError(`argument --${name}: expected one argument`);
      a.opts.set(name, v);
    } else throw new UsageError(`unrecognized arguments: ${arg}`);
  }
  return a;
}

function limitsFrom(a: Args): Limits {
  const lim: Record<string, unknown> = { ...DEFAULTS };
  for (const k of Object.keys(DEFAULTS) as LimitName[]) {
    const v = a.opts.get(k.replace(/_/g, "-"));
    if (v === undefined) continue;
    const n = Number(v);
    if (v.trim() === "" || !Number.isFinite(n) || (INTEGER_LIMITS.has(k) && !Number.isInteger(n))) {
      throw new UsageError(`argument --${k.replace(/_/g, "-")}: invalid ${INTEGER_LIMITS.has(k) ? "int" : "float"} value: '${v}'`);
    }
    lim[k] = n;
  }
  lim.node = a.opts.get("node") ?? null;
  lim.sandbox = !a.flags.has("no-sandbox");
  // grade warms a compile cache for its kernels unless --no-kernel-cache; grade-one gets it as --kernel-cache
  if (a.flags.has("no-kernel-cache")) lim.kernel_cache = null;
  else if (a.opts.has("kernel-cache")) lim.kernel_cache = a.opts.get("kernel-cache");
  return lim as unknown as Limits;
}

function one(a: Args, what: string, max = 1): string[] {
  if (a.positional.length < 1 || a.positional.length > max) throw new UsageError(`give the ${what}`);
  return a.positional;
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  const a = parse(rest);
  const planPath = a.opts.get("plan");
  if (!planPath) throw new UsageError("the following arguments are required: --plan");
  const plan = loadPlan(planPath);
  switch (cmd) {
    case "assign":
      return cmdAssign(plan, a.opts.get("out"), a.flags.has("force"));
    case "check":
      return cmdCheck(plan, one(a, "notebook")[0], limitsFrom(a));
    case "submit":
      return cmdSubmit(plan, one(a, "notebook")[0], limitsFrom(a), { student: a.opts.get("student"), out: a.opts.get("out"), force: a.flags.has("force") });
    case "grade":
      return cmdGrade(plan, resolve(planPath), one(a, "folder")[0], limitsFrom(a), a.opts.get("out") ?? null);
    case "grade-one": {
      const submission = a.opts.get("submission"), result = a.opts.get("result");
      if (!submission || !result) throw new UsageError("grade-one needs --submission and --result");
      const res = gradeOne(plan, submission, limitsFrom(a), {
        publicOnly: a.flags.has("public-only"), executedOut: a.opts.get("executed") ?? null, student: a.opts.get("student") ?? null,
      });
      writeFileSync(result, JSON.stringify(res));
      return 0;
    }
    case "merge-manual": {
      const [grades, manual] = one(a, "grades folder", 2);
      return cmdMergeManual(plan, grades, manual);
    }
    default:
      throw new UsageError(`unknown command ${JSON.stringify(cmd)}`);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      if (e instanceof UsageError) {
        console.error(`hw: ${e.message}`);
        process.exit(2);
      }
      throw e;
    },
  );
}
