/**
 * `npm run bench -- lakemonth`: a month of generated trades days (LAKE_MONTH_DAYS, default 21, of
 * LAKE_MONTH_GB of CSV each, default 0.25) converted into a lake the way `downloadRange` does it,
 * with 1 and 2 conversions at once, beside DuckDB's COPY of each of the same files (DuckDB uses
 * every core for each file). Each side runs in its own process under /usr/bin/time (wall, CPU,
 * peak RSS), alternated round by round (LAKE_MONTH_RUNS, default 2); the machine's load is
 * recorded before and after, since the ratio is what to read.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { BenchResult } from "./lib";
import { type Run, WORK, buildKit, measured, summary, tradesDay } from "./realsize";

export async function benchLakeMonth(
  days = Number(process.env.LAKE_MONTH_DAYS ?? 21),
  gigabytes = Number(process.env.LAKE_MONTH_GB ?? 0.25),
  runs = Number(process.env.LAKE_MONTH_RUNS ?? 2),
): Promise<BenchResult[]> {
  buildKit(); // the kit's side runs compiled, as a user runs it (bench/lake-child.ts)
  fs.mkdirSync(WORK, { recursive: true });
  const keep = path.join(WORK, `trades-day-${gigabytes}GB.csv.gz`);
  await tradesDay(keep, gigabytes * 1e9);
  // The same generated day under each trading date of November 2026, in the cache's layout.
  const dates: string[] = [];
  for (let d = new Date("2026-11-02T00:00:00Z"); dates.length < days; d = new Date(d.getTime() + 86_400_000))
    if (d.getUTCDay() % 6 !== 0) dates.push(d.toISOString().slice(0, 10));
  const root = path.join(WORK, "lake-month");
  const files = dates.map((date) => {
    const f = path.join(
      root,
      "cache",
      "flatfiles",
      "us_stocks_sip",
      "trades_v1",
      date.slice(0, 4),
      date.slice(5, 7),
      `${date}.csv.gz`,
    );
    fs.mkdirSync(path.dirname(f), { recursive: true });
    if (!fs.existsSync(f)) fs.copyFileSync(keep, f);
    return f;
  });
  const dataset = "us_stocks_sip/trades_v1";
  const out = path.join(root, "out");
  const child = (task: string, extra: object) => {
    fs.rmSync(out, { recursive: true, force: true });
    fs.mkdirSync(out, { recursive: true });
    return measured(
      process.execPath,
      [
        "--import",
        "tsx",
        path.join(__dirname, "lake-child.ts"),
        task,
        JSON.stringify({ files, dataset, out, ...extra }),
      ],
      process.env,
      true,
    );
  };
  const load = () =>
    os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(" ");
  const loadBefore = load();
  const one: Run[] = [];
  const two: Run[] = [];
  const duck: Run[] = [];
  for (let i = 0; i < runs; i++) {
    one.push(child("month", { conversions: 1 }));
    two.push(child("month", { conversions: 2 }));
    duck.push(child("duckdb-month", {}));
  }
  fs.rmSync(out, { recursive: true, force: true });
  const [a, b, d] = [summary(one), summary(two), summary(duck)];
  const gz = fs.statSync(keep).size * days;
  const row = (what: string, r: Run, rs: Run[]) => ({
    what,
    "median s": r.ms / 1000,
    "range s": `${(Math.min(...rs.map((x) => x.ms)) / 1000).toFixed(1)}–${(Math.max(...rs.map((x) => x.ms)) / 1000).toFixed(1)}`,
    "vs DuckDB": r.ms / d.ms,
    "vs 1 worker": r.ms / a.ms,
    "CPU s": r.cpuMs / 1000,
    "peak RSS MB": r.rssMB,
    "gz MB/s": gz / 1e6 / (r.ms / 1000),
  });
  return [
    {
      name: `A month of generated trades days into the lake: ${days} days of ${gigabytes} GB of CSV (${(gz / 1e9).toFixed(2)} GB gzipped in all), 1 and 2 conversions at once vs DuckDB`,
      rows: [
        row("kit, 1 conversion at a time (downloadRange's stage, conversions: 1)", a, one),
        row("kit, 2 conversions at once (conversions: 2, one worker thread each)", b, two),
        row("DuckDB COPY … (FORMAT parquet, COMPRESSION zstd), file by file, all cores", d, duck),
      ],
      notes: `median of ${runs}, alternated 1 worker / 2 workers / DuckDB; ${os.cpus().length} cores; load average (1, 5, 15 min) before ${loadBefore}, after ${load()}.`,
    },
  ];
}
