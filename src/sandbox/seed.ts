/**
 * Builds the sandbox's flat files on disk once: every dataset, one gzipped CSV per open day,
 * in the real key layout. The Python emulator host loads them from the manifest this writes.
 *
 * The cache is rebuilt only when SEED_VERSION changes; it is built in a temporary folder and
 * renamed into place, so an interrupted build never leaves a half-filled cache behind.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Worker } from "node:worker_threads";
import * as zlib from "node:zlib";
import { openDays } from "../flatfiles/calendar";
import { DATASETS, type Dataset, assetOf, keyFor } from "../flatfiles/datasets";
import { type DayFile, PriceWalk, dayFileCsv } from "./synthetic";

/** Bump when the generated data changes, so existing caches are rebuilt. */
export const SEED_VERSION = "2026-11-23.6";
/** The sandbox's last trading day: fixed, so the data is the same whenever it is built. */
export const SANDBOX_END = "2026-11-20";
/** Forex and crypto history is shortened in the sandbox to keep it small. */
const SHORT_HISTORY_START = "2019-01-01";

export interface SeedManifest {
  version: string;
  end: string;
  objects: { key: string; pack: string; offset: number; size: number; md5: string }[];
  buildSeconds: number;
}

/** Each dataset's first date in the sandbox. */
export function sandboxStart(dataset: Dataset): string {
  return dataset.asset === "global_forex" || dataset.asset === "global_crypto" ? SHORT_HISTORY_START : dataset.since;
}

/** How big each day's file is: a few recent days are realistic, older days small. */
function plan(dataset: Dataset, dates: string[]): DayFile[] {
  const n = dates.length;
  return dates.map((date, i) => {
    const age = n - 1 - i; // 0 = the last day
    const stocks = dataset.asset === "us_stocks_sip";
    let size: number;
    let liquidity: number | undefined;
    if (dataset.kind === "aggs" && dataset.interval === "day") {
      size = age < 5 ? (stocks ? 10_000 : dataset.asset === "us_options_opra" ? 2_000 : 6) : stocks ? 8 : 6;
    } else if (dataset.kind === "aggs") {
      if (stocks && age === 0) size = 10_000;
      else if (stocks && age < 5) size = 300;
      else {
        size = age < 5 ? 6 : 3;
        // Old days are thin: a few dozen bars per ticker (24-hour markets have 1,440 minutes).
        liquidity = age < 5 ? undefined : assetOf(dataset).calendar === "nyse" ? 0.03 : 0.01;
      }
    } else {
      size = age < 3 ? 5_000 : 20;
    }
    return { dataset, date, size, liquidity };
  });
}

export function readManifest(cacheDir: string): SeedManifest | null {
  try {
    const m = JSON.parse(fs.readFileSync(path.join(cacheDir, "manifest.json"), "utf8")) as SeedManifest;
    return m.version === SEED_VERSION && fs.existsSync(path.join(cacheDir, "packs")) ? m : null;
  } catch {
    return null;
  }
}

/** Generate one dataset's files into a single pack file; returns the manifest rows. */
export function buildDatasetPack(dataset: Dataset, packPath: string): SeedManifest["objects"] {
  const walk = new PriceWalk(dataset);
  const objects: SeedManifest["objects"] = [];
  const fd = fs.openSync(packPath, "w");
  let offset = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const flush = () => {
    fs.writeSync(fd, Buffer.concat(pending));
    pending = [];
    pendingBytes = 0;
  };
  try {
    for (const file of plan(dataset, openDays(sandboxStart(dataset), SANDBOX_END, assetOf(dataset).calendar))) {
      // Level 1 keeps million-row days fast to build; the result is an ordinary gzip file.
      const body = zlib.gzipSync(dayFileCsv(file, walk), { level: 1 });
      const md5 = createHash("md5").update(body).digest("hex"); // the ETag, so the emulator need not hash
      objects.push({ key: keyFor(dataset, file.date), pack: path.basename(packPath), offset, size: body.length, md5 });
      offset += body.length;
      // Thousands of tiny writes cost more than the data: write in 4 MB batches.
      pending.push(body);
      pendingBytes += body.length;
      if (pendingBytes > 4 << 20) flush();
    }
    flush();
  } finally {
    fs.closeSync(fd);
  }
  return objects;
}

/** Rough build cost of a dataset, used to share the work between two workers. */
function cost(d: Dataset): number {
  const days = openDays(sandboxStart(d), SANDBOX_END, assetOf(d).calendar).length;
  return d.asset === "us_stocks_sip" && d.interval === "minute" ? 20 * days : days;
}

/**
 * Build every pack on worker threads (one per core, two at most), biggest datasets first, each
 * worker taking the next dataset when it finishes one, so neither sits idle at the end.
 */
async function buildPacks(dir: string): Promise<SeedManifest["objects"]> {
  const costs = new Map(DATASETS.map((d) => [d, cost(d)])); // once each: cost() walks the calendar
  const queue = [...DATASETS].sort((a, b) => costs.get(b)! - costs.get(a)!);
  const workers = Math.max(1, Math.min(2, os.availableParallelism()));
  const script = path.join(__dirname, `seed-worker${path.extname(__filename)}`);
  // Under tsx (tests, scripts) the worker must register the TypeScript loader itself.
  const body = `${script.endsWith(".ts") ? 'require("tsx/cjs");' : ""}require(${JSON.stringify(script)});`;
  const results: SeedManifest["objects"][] = [];
  await Promise.all(
    Array.from(
      { length: workers },
      () =>
        new Promise<void>((resolve, reject) => {
          const w = new Worker(body, { eval: true, workerData: { dir } });
          const next = () => {
            const d = queue.shift();
            if (d) w.postMessage(d.id);
            else void w.terminate().then(() => resolve());
          };
          w.on("message", (objects: SeedManifest["objects"]) => {
            results.push(objects);
            next();
          });
          w.once("error", reject);
          w.once("online", next);
        }),
    ),
  );
  // Keep the manifest in catalog order whatever worker built what.
  const order = new Map(DATASETS.map((d, i) => [d.id, i]));
  const rank = (key: string) => order.get(key.split("/").slice(0, 2).join("/"))!;
  return results.flat().sort((a, b) => rank(a.key) - rank(b.key) || (a.key < b.key ? -1 : 1));
}

/** Make sure the data cache exists and is current; returns its manifest. */
export async function ensureSeedData(cacheDir: string, log: (msg: string) => void = () => {}): Promise<SeedManifest> {
  const existing = readManifest(cacheDir);
  if (existing) return existing;
  const t0 = performance.now();
  log(`generating sandbox data in ${cacheDir} (first start only)...`);
  fs.mkdirSync(cacheDir, { recursive: true });
  const tmp = path.join(cacheDir, `building-${process.pid}`);
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp);
  const objects = await buildPacks(tmp);
  const finalDir = path.join(cacheDir, "packs");
  fs.rmSync(finalDir, { recursive: true, force: true });
  fs.renameSync(tmp, finalDir);
  const manifest: SeedManifest = {
    version: SEED_VERSION,
    end: SANDBOX_END,
    objects,
    buildSeconds: Math.round((performance.now() - t0) / 10) / 100,
  };
  // The manifest is written last: its presence means the packs are complete.
  fs.writeFileSync(path.join(cacheDir, "manifest.json"), JSON.stringify(manifest));
  log(`generated ${objects.length} files in ${manifest.buildSeconds} s`);
  return manifest;
}
