/**
 * One measured task in its own process, so its peak memory (maxRSS) is its own.
 * Usage: tsx bench/child.ts <task> <json args>; prints {"ms":…, "maxRssMB":…, …}.
 */
import * as fs from "node:fs";
import { gunzipSync } from "node:zlib";
import pl from "nodejs-polars";
import { flatFilesClient } from "../src/aws/clients";
import { loadConfig } from "../src/config/env";
import { downloadFile } from "../src/flatfiles/download";
import { loadDay, scanDays } from "../src/flatfiles/load";

const [task, raw] = process.argv.slice(2);
const args = JSON.parse(raw ?? "{}");

async function run(): Promise<Record<string, unknown>> {
  switch (task) {
    case "download": {
      const s3 = flatFilesClient(loadConfig({ target: "sandbox" }));
      const d = await downloadFile(s3, args.bucket, args.key, { cacheDir: args.cacheDir, concurrency: args.concurrency ?? 8 });
      return { bytes: d.size };
    }
    case "load-kit":
      return { rows: loadDay(args.file, args.dataset, { parquet: false, datetimes: false }).height };
    case "load-direct":
      return { rows: pl.readCSV(gunzipSync(fs.readFileSync(args.file), { chunkSize: 8 << 20 })).height };
    case "load-polars-gz":
      // nodejs-polars 0.26 reads the gzipped file itself (multi-threaded parse, no checks).
      return { rows: pl.readCSV(args.file).height };
    case "load-parquet":
      return { rows: loadDay(args.file, args.dataset).height };
    case "scan-lazy":
      return { rows: scanDays(args.files, args.dataset, { tickers: ["AAPL", "MSFT"], columns: ["ticker", "close", "window_start"] }).collectSync().height };
    case "load-whole": {
      let rows = 0;
      const frames = args.files.map((f: string) => loadDay(f, args.dataset));
      for (const f of frames) rows += f.height;
      return { rows };
    }
    default:
      throw new Error(`unknown task ${task}`);
  }
}

const t0 = performance.now();
run().then((r) => {
  const ms = performance.now() - t0;
  process.stdout.write(JSON.stringify({ ...r, ms, maxRssMB: process.resourceUsage().maxRSS / 1024 }) + "\n");
});
