/**
 * One measured task in its own process, so its peak memory (maxRSS) is its own.
 * Usage: tsx bench/child.ts <task> <json args>; prints {"ms":…, "maxRssMB":…, …}.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { gunzipSync } from "node:zlib";

// Modules are loaded by the task that needs them, so a download's CPU and memory figures
// do not include loading polars' native library.
const polars = async () => (await import("nodejs-polars")).default;
const loader = () => import("../src/flatfiles/load");
const analysis = () => import("../src/flatfiles/analysis");
const options = () => import("../src/flatfiles/options");

/** Write a task's result frame where the benchmark compares it with the other side's (a few thousand rows: milliseconds). */
function saved(df: import("nodejs-polars").DataFrame, out: string): { rows: number } {
  df.writeParquet(out);
  return { rows: df.height };
}

/** One day bar per contract from its trades, as the generated day aggregates are made: volume = sum of sizes, close = last trade. */
async function barsFromTrades(
  trades: import("nodejs-polars").LazyDataFrame,
): Promise<import("nodejs-polars").DataFrame> {
  const pl = await polars();
  return trades
    .groupBy("ticker")
    .agg(pl.col("size").sum().alias("volume"), pl.col("price").sortBy("sip_timestamp").last().alias("close"))
    .collectSync();
}

const [task, raw] = process.argv.slice(2);
const args = JSON.parse(raw ?? "{}");

async function run(): Promise<Record<string, unknown>> {
  switch (task) {
    case "download": {
      // args.endpoint: the benchmark's stand-in server (no signature checks), else the sandbox.
      const { S3Client } = await import("@aws-sdk/client-s3");
      const { flatFilesClient } = await import("../src/aws/clients");
      const { loadConfig } = await import("../src/config/env");
      const { downloadFile } = await import("../src/flatfiles/download");
      const s3 = args.endpoint
        ? new S3Client({
            endpoint: args.endpoint,
            region: "us-east-1",
            forcePathStyle: true,
            credentials: { accessKeyId: "bench", secretAccessKey: "bench" },
          })
        : flatFilesClient(loadConfig({ target: "sandbox" }));
      const d = await downloadFile(s3, args.bucket, args.key, {
        cacheDir: args.cacheDir,
        ...(args.options ?? {}),
      });
      s3.destroy();
      return { bytes: d.size, verified: d.verified };
    }
    case "download-startup": {
      // The same modules and client as "download", no transfer: the fixed cost in its figures.
      const { S3Client } = await import("@aws-sdk/client-s3");
      await import("../src/flatfiles/download");
      new S3Client({ region: "us-east-1" }).destroy();
      return {};
    }
    case "to-parquet": {
      const { ensureParquet } = await loader();
      ensureParquet(args.file, args.dataset, console.warn, { lake: cacheLake(args.file) });
      return {};
    }
    case "scan-big": {
      const { scanDays } = await loader();
      const lf = scanDays([args.file], args.dataset, {
        lake: cacheLake(args.file),
        tickers: ["TAAAA", "TAABC", "TAAZZ"],
        from: "2026-11-20T15:00:00Z",
        to: "2026-11-20T16:00:00Z",
        columns: ["ticker", "price", "sip_timestamp"],
      });
      return { rows: lf.collectSync().height };
    }
    case "load-kit":
      return {
        rows: (await loader()).loadDay(args.file, args.dataset, { parquet: false, datetimes: false }).height,
      };
    case "load-direct":
      return {
        rows: (await polars()).readCSV(gunzipSync(fs.readFileSync(args.file), { chunkSize: 8 << 20 })).height,
      };
    case "load-polars-gz":
      // nodejs-polars 0.26 reads the gzipped file itself (multi-threaded parse, no checks).
      return { rows: (await polars()).readCSV(args.file).height };
    case "load-parquet":
      return {
        rows: (await loader()).loadDay(args.file, args.dataset, { lake: cacheLake(args.file) }).height,
      };
    case "scan-lazy":
      return {
        rows: (await loader())
          .scanDays(args.files, args.dataset, {
            tickers: ["AAPL", "MSFT"],
            columns: ["ticker", "close", "window_start"],
          })
          .collectSync().height,
      };
    case "load-whole": {
      let rows = 0;
      const { loadDay } = await loader();
      const frames = args.files.map((f: string) => loadDay(f, args.dataset));
      for (const f of frames) rows += f.height;
      return { rows };
    }
    case "startup": {
      // The fixed cost in every analysis figure: Node, tsx, polars and the kit's modules loaded, nothing read.
      await polars();
      await loader();
      await analysis();
      await options();
      return {};
    }
    case "vwap-lazy": {
      // args: file, dataset, tickers, out. The Parquet copy exists already (made by the benchmark first).
      const { scanDays } = await loader();
      const { vwapByMinute } = await analysis();
      const lf = scanDays([args.file], args.dataset, {
        tickers: args.tickers,
        columns: ["ticker", "price", "size", "conditions", "correction", "sip_timestamp"],
      });
      return saved(vwapByMinute(lf).collectSync(), args.out);
    }
    case "vwap-whole": {
      // args: file, dataset, tickers, out, parquet (false: read the CSV, no Parquet copy used).
      const { loadDay } = await loader();
      const { vwapByMinute } = await analysis();
      const day = loadDay(args.file, args.dataset, { parquet: args.parquet });
      return { ...saved(vwapByMinute(day, { tickers: args.tickers }), args.out), dayRows: day.height };
    }
    case "chain-lazy": {
      // args: file, dataset, underlying, out; trades files are first made into one bar per contract.
      const pl = await polars();
      const { scanDays } = await loader();
      const { chain } = await options();
      const trades = args.dataset.endsWith("/trades_v1");
      const lf = scanDays([args.file], args.dataset, {
        columns: trades ? ["ticker", "price", "size", "sip_timestamp"] : ["ticker", "volume", "close"],
      })
        // The underlying's contracts only: its root, then a YYMMDD date, C or P and 8 strike digits (SPY, not SPYG).
        .filter(pl.col("ticker").str.contains(`^O:${args.underlying}\\d{6}[CP]\\d{8}$`));
      const day = trades ? await barsFromTrades(lf) : lf.collectSync();
      return { ...saved(chain(day, args.underlying), args.out), contracts: day.height };
    }
    case "chain-whole": {
      // args: file, dataset, underlying, out, parquet.
      const { loadDay } = await loader();
      const { chain } = await options();
      const whole = loadDay(args.file, args.dataset, { parquet: args.parquet });
      const day = args.dataset.endsWith("/trades_v1") ? await barsFromTrades(whole.lazy()) : whole;
      return { ...saved(chain(day, args.underlying), args.out), dayRows: whole.height };
    }
    default:
      throw new Error(`unknown task ${task}`);
  }
}

const t0 = performance.now();
run().then((r) => {
  const ms = performance.now() - t0;
  const u = process.resourceUsage();
  const cpuMs = (u.userCPUTime + u.systemCPUTime) / 1000;
  process.stdout.write(JSON.stringify({ ...r, ms, cpuMs, maxRssMB: u.maxRSS / 1024 }) + "\n");
});

/**
 * The lake of a day placed by hand in the cache's layout: the cache's own `parquet/` (the kit
 * sends a file it did not download, which has no `.meta.json`, to the default lake instead).
 */
function cacheLake(file: string): string {
  return path.join(file.split(`${path.sep}flatfiles${path.sep}`)[0], "parquet");
}
