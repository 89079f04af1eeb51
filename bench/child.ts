/**
 * One measured task in its own process, so its peak memory (maxRSS) is its own.
 * Usage: tsx bench/child.ts <task> <json args>; prints {"ms":…, "maxRssMB":…, …}.
 */
import * as fs from "node:fs";
import { gunzipSync } from "node:zlib";

// Modules are loaded by the task that needs them, so a download's CPU and memory figures
// do not include loading polars' native library.
const polars = async () => (await import("nodejs-polars")).default;
const loader = () => import("../src/flatfiles/load");

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
        ? new S3Client({ endpoint: args.endpoint, region: "us-east-1", forcePathStyle: true, credentials: { accessKeyId: "bench", secretAccessKey: "bench" } })
        : flatFilesClient(loadConfig({ target: "sandbox" }));
      const d = await downloadFile(s3, args.bucket, args.key, { cacheDir: args.cacheDir, ...(args.options ?? {}) });
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
      ensureParquet(args.file, args.dataset);
      return {};
    }
    case "scan-big": {
      const { scanDays } = await loader();
      const lf = scanDays([args.file], args.dataset, {
        tickers: ["TAAAA", "TAABC", "TAAZZ"],
        from: "2026-11-20T15:00:00Z",
        to: "2026-11-20T16:00:00Z",
        columns: ["ticker", "price", "sip_timestamp"],
      });
      return { rows: lf.collectSync().height };
    }
    case "load-kit":
      return { rows: (await loader()).loadDay(args.file, args.dataset, { parquet: false, datetimes: false }).height };
    case "load-direct":
      return { rows: (await polars()).readCSV(gunzipSync(fs.readFileSync(args.file), { chunkSize: 8 << 20 })).height };
    case "load-polars-gz":
      // nodejs-polars 0.26 reads the gzipped file itself (multi-threaded parse, no checks).
      return { rows: (await polars()).readCSV(args.file).height };
    case "load-parquet":
      return { rows: (await loader()).loadDay(args.file, args.dataset).height };
    case "scan-lazy":
      return { rows: (await loader()).scanDays(args.files, args.dataset, { tickers: ["AAPL", "MSFT"], columns: ["ticker", "close", "window_start"] }).collectSync().height };
    case "load-whole": {
      let rows = 0;
      const { loadDay } = await loader();
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
  const u = process.resourceUsage();
  const cpuMs = (u.userCPUTime + u.systemCPUTime) / 1000;
  process.stdout.write(JSON.stringify({ ...r, ms, cpuMs, maxRssMB: u.maxRSS / 1024 }) + "\n");
});
