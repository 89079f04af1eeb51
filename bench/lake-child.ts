/**
 * One side of the lake benchmark in its own process, so its peak memory is its own.
 * Usage: tsx bench/lake-child.ts <task> <json args>; prints {"ms":…, …} as JSON.
 * Tasks: kit (ensureParquet into a lake), duckdb (DuckDB's own COPY … TO … FORMAT parquet),
 * profile (the kit's steps one after another on one thread, each timed), month (a range's
 * conversions, `conversions` at once), duckdb-month (DuckDB's COPY of each of the same files).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { compiled } from "./realsize";

const [task, raw] = process.argv.slice(2);
const args = JSON.parse(raw ?? "{}") as {
  file: string;
  files?: string[];
  conversions?: number;
  dataset: string;
  out: string;
  batchBytes?: number;
};

async function run(): Promise<Record<string, unknown>> {
  switch (task) {
    case "kit": {
      // Compiled, as a user runs it (bench/lake.ts builds dist/ first): no tsx in the worker threads.
      const { ensureParquet } =
        await compiled<typeof import("../src/flatfiles/load")>("flatfiles/load/index");
      const dir = ensureParquet(args.file, args.dataset, console.warn, { lake: args.out });
      return { dir };
    }
    case "month": {
      // A range's conversion stage, as downloadRange runs it: `conversions` days at once.
      const { convertDays } =
        await compiled<typeof import("../src/flatfiles/range-convert")>("flatfiles/range-convert");
      const days = args.files!.map((p) => ({ path: p, date: path.basename(p, ".csv.gz") }));
      const r = await convertDays(days, args.dataset, {
        lake: args.out,
        conversions: args.conversions ?? 1,
        onWarning: console.warn,
      });
      if (r.failed.length) throw new Error(String(r.failed[0].error));
      return { days: days.length };
    }
    case "duckdb-month": {
      const { DuckDBInstance } = await import("@duckdb/node-api");
      const db = await DuckDBInstance.create(":memory:");
      const con = await db.connect();
      const q = (s: string) => s.replace(/'/g, "''");
      for (const f of args.files!)
        await con.run(
          `COPY (FROM read_csv('${q(f)}')) TO '${q(path.join(args.out, `${path.basename(f, ".csv.gz")}.parquet`))}' (FORMAT parquet, COMPRESSION zstd)`,
        );
      con.closeSync();
      db.closeSync();
      return {};
    }
    case "duckdb": {
      const { DuckDBInstance } = await import("@duckdb/node-api");
      const db = await DuckDBInstance.create(":memory:");
      const con = await db.connect();
      const q = (s: string) => s.replace(/'/g, "''");
      await con.run(
        `COPY (FROM read_csv('${q(args.file)}')) TO '${q(path.join(args.out, "day.parquet"))}' (FORMAT parquet, COMPRESSION zstd)`,
      );
      con.closeSync();
      db.closeSync();
      return {};
    }
    case "profile": {
      // The same steps as a conversion, timed one by one: waiting for the next batch (gunzip and
      // shape checks run on the reading thread meanwhile), parsing, the stored-type cast, writing.
      const pl = (await import("nodejs-polars")).default;
      const { gzipCsvBatches } = await import("../src/flatfiles/csv-stream");
      const { findDataset } = await import("../src/flatfiles/datasets");
      const { columnsFor, readHeader } = await import("../src/flatfiles/load/header");
      const { parseBatch } = await import("../src/flatfiles/load/parse");
      const { toStored } = await import("../src/flatfiles/load/types");
      const d = findDataset(args.dataset);
      const ms = { wait: 0, parse: 0, cast: 0, write: 0 };
      let r: { names: string[]; columns: ReturnType<typeof columnsFor>; asText: Set<string> } | null = null;
      let n = 0;
      fs.mkdirSync(args.out, { recursive: true });
      let t = performance.now();
      for (const item of gzipCsvBatches(args.file, { batchBytes: args.batchBytes })) {
        const got = performance.now();
        ms.wait += got - t;
        if ("header" in item) {
          const { names } = readHeader(item.header, args.file);
          r = { names, columns: columnsFor(names, d, args.file, console.warn), asText: new Set() };
          t = performance.now();
          continue;
        }
        const df = parseBatch(item.bytes, r!, args.file, item.firstLine, console.warn);
        const parsed = performance.now();
        ms.parse += parsed - got;
        const stored = toStored(df);
        const cast = performance.now();
        ms.cast += cast - parsed;
        stored.writeParquet(path.join(args.out, `part-${String(n++).padStart(5, "0")}.parquet`), {
          compression: "zstd",
        });
        t = performance.now();
        ms.write += t - cast;
        void pl;
      }
      return { steps: ms, batches: n };
    }
    default:
      throw new Error(`unknown task ${task}`);
  }
}

const t0 = performance.now();
run().then((r) => {
  const u = process.resourceUsage();
  process.stdout.write(
    `${JSON.stringify({ ...r, ms: performance.now() - t0, cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000, maxRssMB: u.maxRSS / 1024 })}\n`,
  );
});
