/**
 * `npm run bench -- lake`: the kit's Parquet lake build against DuckDB's own conversion of the
 * same generated trades day, `COPY (FROM read_csv(…)) TO … (FORMAT parquet, COMPRESSION zstd)`,
 * side by side and alternated (kit, DuckDB, zcat; kit, DuckDB, zcat; …), each in its own process
 * under /usr/bin/time (wall, CPU, peak RSS), plus the size of what each wrote and a profile of
 * the kit's steps. The kit does every check it always does (field counts, types, ranges); DuckDB
 * infers its types and checks what its CSV reader checks.
 *
 * Size: LAKE_GB (default 2.2, the day of `bench -- bigday`, shared with it); for iteration,
 * `LAKE_GB=0.3 LAKE_RUNS=3 npm run bench -- lake`.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { BenchResult } from "./lib";
import { type Run, WORK, bigTradesDay, buildKit, measured, summary, tradesDay } from "./realsize";

function sizeOf(p: string): number {
  if (!fs.existsSync(p)) return 0;
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.size;
  return fs.readdirSync(p).reduce((n, f) => n + sizeOf(path.join(p, f)), 0);
}

export async function benchLake(
  gigabytes = Number(process.env.LAKE_GB ?? 2.2),
  runs = Number(process.env.LAKE_RUNS ?? 3),
): Promise<BenchResult[]> {
  buildKit(); // the kit's side runs compiled, as a user runs it (bench/lake-child.ts)
  // The 2.2 GB day is the one `bench -- bigday` keeps; another size gets a file of its own.
  let keep: string;
  if (gigabytes === 2.2) keep = (await bigTradesDay(gigabytes)).keep;
  else {
    fs.mkdirSync(WORK, { recursive: true });
    keep = path.join(WORK, `trades-day-${gigabytes}GB.csv.gz`);
    await tradesDay(keep, gigabytes * 1e9);
  }
  // In the download cache's layout, so the kit's copy is a Hive partition as for a real day.
  const file = path.join(
    WORK,
    "lake",
    "cache",
    "flatfiles",
    "us_stocks_sip",
    "trades_v1",
    "2026",
    "11",
    "2026-11-20.csv.gz",
  );
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.copyFileSync(keep, file);
  const dataset = "us_stocks_sip/trades_v1";
  const kitOut = path.join(WORK, "lake", "kit");
  const duckOut = path.join(WORK, "lake", "duckdb");
  const child = (task: string, args: object) =>
    measured(
      process.execPath,
      ["--import", "tsx", path.join(__dirname, "lake-child.ts"), task, JSON.stringify(args)],
      process.env,
      true,
    );
  const kit: Run[] = [];
  const duck: Run[] = [];
  const zcat: Run[] = [];
  let kitBytes = 0;
  let duckBytes = 0;
  for (let i = 0; i < runs; i++) {
    fs.rmSync(kitOut, { recursive: true, force: true });
    kit.push(child("kit", { file, dataset, out: kitOut }));
    kitBytes = sizeOf(path.join(kitOut, "flatfiles"));
    fs.rmSync(duckOut, { recursive: true, force: true });
    fs.mkdirSync(duckOut, { recursive: true });
    duck.push(child("duckdb", { file, out: duckOut }));
    duckBytes = sizeOf(duckOut);
    zcat.push(measured("sh", ["-c", `zcat '${file}' > /dev/null`]));
  }
  fs.rmSync(path.join(WORK, "lake", "profile"), { recursive: true, force: true });
  const profile = JSON.parse(
    child("profile", { file, dataset, out: path.join(WORK, "lake", "profile") }).stdout!,
  );
  fs.rmSync(path.join(WORK, "lake", "profile"), { recursive: true, force: true });
  const csvBytes = Number(
    spawnSync("sh", ["-c", `zcat '${file}' | wc -c`], { encoding: "utf8" }).stdout.trim(),
  );
  const [k, d, z] = [summary(kit), summary(duck), summary(zcat)];
  const spread = (rs: Run[]) =>
    `${(Math.min(...rs.map((r) => r.ms)) / 1000).toFixed(1)}–${(Math.max(...rs.map((r) => r.ms)) / 1000).toFixed(1)}`;
  const row = (what: string, r: Run, rs: Run[], bytes?: number) => ({
    what,
    "median s": r.ms / 1000,
    "range s": spread(rs),
    "vs DuckDB": r.ms / d.ms,
    "CPU s": r.cpuMs / 1000,
    "peak RSS MB": r.rssMB,
    ...(bytes === undefined ? {} : { "output MB": bytes / 1e6 }),
  });
  const steps = profile.steps as Record<string, number>;
  return [
    {
      name: `Parquet lake build vs DuckDB's COPY: a generated trades day of ${(csvBytes / 1e9).toFixed(2)} GB of CSV (${(fs.statSync(file).size / 1e9).toFixed(2)} GB gzipped)`,
      rows: [
        row("kit ensureParquet (every check; zstd; Hive partition)", k, kit, kitBytes),
        row("DuckDB COPY (FROM read_csv(…)) TO … (FORMAT parquet, COMPRESSION zstd)", d, duck, duckBytes),
        row("zcat to /dev/null (decompression floor, one thread)", z, zcat),
      ],
      notes:
        `median of ${runs}, alternated kit/DuckDB/zcat; goal (issue 32): kit <= 0.75x DuckDB's time, <= 600 MB, on both cores; the kit compiled (dist/), as a user runs it. ` +
        `Kit steps on one thread (profile, s): waiting for batches ${(steps.wait / 1000).toFixed(1)}, parsing ${(steps.parse / 1000).toFixed(1)}, ` +
        `stored-type cast ${(steps.cast / 1000).toFixed(2)}, Parquet writing ${(steps.write / 1000).toFixed(1)} (${profile.batches} batches)`,
    },
  ];
}
