/**
 * `npm run bench -- warmup`: what a notebook kernel's warm-up type-checks, in CPU seconds (issue
 * #32): tslab's compile of `import * as kit from ".../dist"` with the kit's declarations as built,
 * beside the same declarations pointed back at the whole DynamoDB, EC2 and IAM packages (what
 * they named before the table's shapes were copied in, sdk-shapes/). Fresh process each, sides
 * alternated, medians. The kernel bench (`-- kernel`) measures the same inside Jupyter, end to end.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PACKAGE_ROOT } from "../src/util/paths";
import { type BenchResult, median } from "./lib";

const RUNS = 3;

interface Sample {
  create: number;
  warmUp: number;
  firstCell: number;
  diagnostics: string[];
}

/** dist/ copied, its operations table's types importing the SDK packages whole, as before. */
function wholePackagesDist(): string {
  // Inside the project, so its imports resolve to the project's node_modules as dist's do.
  const cache = path.join(PACKAGE_ROOT, "node_modules", ".cache", "flatfiles-kit");
  fs.mkdirSync(cache, { recursive: true });
  const dir = fs.mkdtempSync(path.join(cache, "warmup-dist-"));
  fs.cpSync(path.join(PACKAGE_ROOT, "dist"), dir, { recursive: true });
  const ops = path.join(dir, "paginator", "operations.d.ts");
  const text = fs.readFileSync(ops, "utf8");
  const before = text.replace(
    /from "\.\/sdk-shapes\/(dynamodb|ec2|iam)"/g,
    (_, p: string) => `from "@aws-sdk/client-${p}"`,
  );
  if (before === text)
    throw new Error("dist/paginator/operations.d.ts no longer imports ./sdk-shapes/: update this bench.");
  fs.writeFileSync(ops, before);
  return dir;
}

function sample(dist: string): Sample {
  const r = spawnSync(process.execPath, ["--import", "tsx", path.join(__dirname, "warmup-child.ts"), dist], {
    cwd: PACKAGE_ROOT,
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`warm-up sample failed: ${r.stderr.slice(-2000)}`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as Sample;
}

export async function benchWarmUp(): Promise<BenchResult> {
  const before = wholePackagesDist();
  try {
    const sides = { now: [] as Sample[], before: [] as Sample[] };
    for (let i = 0; i < RUNS; i++) {
      sides.now.push(sample(path.join(PACKAGE_ROOT, "dist")));
      sides.before.push(sample(before));
    }
    const row = (what: string, xs: Sample[]) => ({
      case: what,
      "create compiler, CPU s": median(xs.map((x) => x.create)),
      "warm-up compile, CPU s": median(xs.map((x) => x.warmUp)),
      "first cell after it, CPU s": median(xs.map((x) => x.firstCell)),
      "both, CPU s": median(xs.map((x) => x.create + x.warmUp)),
      "compiler messages": xs[0].diagnostics.length,
    });
    if (sides.now[0].diagnostics.length)
      throw new Error(`the warm-up or first cell did not compile: ${sides.now[0].diagnostics.join("; ")}`);
    const now = row("kit's declarations as built (table shapes copied)", sides.now);
    const was = row("baseline: the same, naming the DynamoDB/EC2/IAM packages whole", sides.before);
    const ratio = (now["warm-up compile, CPU s"] as number) / (was["warm-up compile, CPU s"] as number);
    return {
      name: "kernel warm-up type-check (tslab's compiler, CPU)",
      rows: [now, was],
      notes: `median of ${RUNS}, sides alternated, fresh process each; load ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores. Warm-up compile now/before: ${ratio.toFixed(2)}×.`,
    };
  } finally {
    fs.rmSync(before, { recursive: true, force: true });
  }
}
