/**
 * `npm run bench -- check`: the editing loop (`npm run check`) end to end, in seconds and CPU, and
 * its compile part beside its peer: the same type-check and build by TypeScript 6.0, the last
 * compiler written in JavaScript (fetched once into node_modules/.cache), against 7.0's native one.
 * Each compile starts clean (no incremental build info), alternated, medians. The whole check
 * runs as a user runs it, with the incremental caches of the run before.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PACKAGE_ROOT } from "../src/util/paths";
import { type BenchResult, median } from "./lib";

const RUNS = 3;

/** CPU seconds this process's waited-for children have used (Linux: /proc/self/stat cutime + cstime). */
function childrenCpu(): number {
  const stat = fs.readFileSync("/proc/self/stat", "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(f[13]) + Number(f[14])) / 100;
}

function timed(args: string[], cwd = PACKAGE_ROOT): { seconds: number; cpu: number; status: number | null } {
  const c0 = childrenCpu();
  const t0 = performance.now();
  const r = spawnSync(args[0], args.slice(1), { cwd, stdio: "ignore" });
  return { seconds: (performance.now() - t0) / 1000, cpu: childrenCpu() - c0, status: r.status };
}

/** TypeScript 6.0's tsc, installed once under node_modules/.cache. */
function typescript6(): string {
  const dir = path.join(PACKAGE_ROOT, "node_modules", ".cache", "flatfiles-kit", "bench-typescript-6");
  const tsc = path.join(dir, "node_modules", "typescript", "bin", "tsc");
  if (!fs.existsSync(tsc)) {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "package.json"), '{"private":true}');
    const r = spawnSync("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "typescript@6.0"], {
      cwd: dir,
      stdio: "ignore",
    });
    if (r.status !== 0) throw new Error("npm install typescript@6.0 failed (the bench's peer compiler).");
  }
  return tsc;
}

/** Type-check (tsconfig.dev.json) and build (tsconfig.json, into a temporary folder) with one tsc. */
function compile(tsc: string): { seconds: number; cpu: number } {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "flatfiles-check-bench-"));
  try {
    const a = timed([process.execPath, tsc, "-p", "tsconfig.dev.json", "--noEmit"]);
    const b = timed([process.execPath, tsc, "-p", "tsconfig.json", "--outDir", out]);
    if (a.status !== 0 || b.status !== 0) throw new Error(`${tsc} reported errors`);
    return { seconds: a.seconds + b.seconds, cpu: a.cpu + b.cpu };
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

export async function benchCheck(): Promise<BenchResult> {
  const load = os.loadavg()[0];
  const ts7 = path.join(PACKAGE_ROOT, "node_modules", "typescript", "bin", "tsc");
  const ts6 = typescript6();
  const sides = {
    ts7: [] as { seconds: number; cpu: number }[],
    ts6: [] as { seconds: number; cpu: number }[],
  };
  for (let i = 0; i < RUNS; i++) {
    sides.ts7.push(compile(ts7));
    sides.ts6.push(compile(ts6));
  }
  const check = timed([
    process.execPath,
    path.join(PACKAGE_ROOT, "node_modules", ".bin", "tsx"),
    "scripts/check.ts",
  ]);
  const row = (what: string, xs: { seconds: number; cpu: number }[]) => ({
    case: what,
    "wall s": median(xs.map((x) => x.seconds)),
    "CPU s": median(xs.map((x) => x.cpu)),
  });
  const r7 = row("type-check + build, TypeScript 7.0 (native)", sides.ts7);
  const r6 = row("peer: the same with TypeScript 6.0 (JavaScript)", sides.ts6);
  return {
    name: "the editing loop (npm run check)",
    rows: [
      {
        case: "npm run check (lint, build, type-check, unit tests)",
        "wall s": check.seconds,
        "CPU s": check.cpu,
        "exit code": check.status ?? -1,
        budget: "30 s on a quiet machine",
      },
      r7,
      r6,
    ],
    notes: `compiles: median of ${RUNS}, alternated, clean; 7.0/6.0 wall ${((r7["wall s"] as number) / (r6["wall s"] as number)).toFixed(2)}×, CPU ${((r7["CPU s"] as number) / (r6["CPU s"] as number)).toFixed(2)}×. Load (1 min) ${load.toFixed(1)} at the start, ${os.loadavg()[0].toFixed(1)} at the end, ${os.cpus().length} cores.`,
  };
}
