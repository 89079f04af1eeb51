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
import { SANDBOX_DATASETS, SANDBOX_END, type SandboxDataset as Dataset, sandboxDays } from "./description";
import { type GeneratedDay, FULL_STOCK_TAPE, PriceModel, QUOTES_PER_TRADE, dayFileCsv } from "./synthetic";

/** Bump when the generated data changes, so existing caches are rebuilt. */
export const SEED_VERSION = "2026-12-08.1";
/** The generator's fingerprint when SEED_VERSION was set (test/sandbox/seed-version.test.ts). */
export const SEED_GENERATOR_HASH = "21136fe8e3026403";
export { SANDBOX_END } from "./description";
/** Objects larger than this are stored as multipart uploads of parts this size, as `aws s3 cp` does. */
export const MULTIPART_PART_SIZE = 8 << 20;

export interface SeedManifest {
  version: string;
  end: string;
  /** `etag` is the MD5 of the body, or for a multipart object the MD5 of the parts' MD5s and `-<parts>`. */
  objects: { key: string; pack: string; offset: number; size: number; etag: string }[];
  /** The part size of the multipart objects, which the emulator reports on a HEAD with partNumber. */
  partSize: number;
  buildSeconds: number;
}

/** The object key of one day's file. */
export function sandboxKey(dataset: Dataset, date: string): string {
  return `${dataset.id}/${date.slice(0, 4)}/${date.slice(5, 7)}/${date}.csv.gz`;
}

/** The dates a dataset has a file for in the sandbox. */
export function sandboxDates(dataset: Dataset): string[] {
  return sandboxDays(dataset.start, SANDBOX_END, dataset.calendar);
}

/** An object's ETag as S3 computes it: plain MD5, or for a multipart upload MD5(part MD5s)-parts. */
export function etagOf(body: Buffer, partSize = MULTIPART_PART_SIZE): string {
  if (body.length <= partSize) return createHash("md5").update(body).digest("hex");
  const parts: Buffer[] = [];
  for (let at = 0; at < body.length; at += partSize) {
    parts.push(
      createHash("md5")
        .update(body.subarray(at, at + partSize))
        .digest(),
    );
  }
  return `${createHash("md5").update(Buffer.concat(parts)).digest("hex")}-${parts.length}`;
}

/** How big a dataset's file is on the day `age` days before the last: a few recent days are realistic, older days small. */
function sizeOf(dataset: Dataset, age: number): { size: number; liquidity?: number } {
  const stocks = dataset.asset === "us_stocks_sip";
  if (dataset.kind === "aggs" && dataset.interval !== "minute") {
    return {
      size: age < 5 ? (stocks ? 10_000 : dataset.asset === "us_options_opra" ? 2_000 : 6) : stocks ? 8 : 6,
    };
  }
  if (dataset.kind === "aggs") {
    if (stocks && age === 0) return { size: 10_000 };
    if (stocks && age < 5) return { size: 500 };
    if (age < 5) return { size: 6 };
    // Old days have the day file's tickers, thin: a few dozen bars each (24-hour markets have 1,440 minutes).
    return { size: stocks ? 8 : 6, liquidity: dataset.calendar === "nyse" ? 0.03 : 0.01 };
  }
  // Big enough to be a multipart object (ETag "...-N"), as every real trades day is.
  const trades = stocks && age === 0 ? FULL_STOCK_TAPE : age < 5 ? 5_000 : 20;
  // Quotes outnumber trades, and a date's trades print at its quotes (forex has quotes only).
  if (dataset.kind === "quotes" && dataset.asset !== "global_forex")
    return { size: QUOTES_PER_TRADE * trades };
  return { size: dataset.kind === "trades" ? trades : age < 5 ? 5_000 : 20 };
}

/**
 * Each day's file, with the sizes of the same date's minute file and trades (index values) file:
 * the day bars are sums of the minute bars, and the trades file's tickers have their trades as
 * minute bars. The datasets of an asset class share a calendar, so a date's age is the same in each.
 */
function plan(dataset: Dataset, dates: string[]): GeneratedDay[] {
  const family = SANDBOX_DATASETS.filter((d) => d.asset === dataset.asset);
  const minute = family.find((d) => d.interval === "minute");
  const ticks = family.find((d) => d.kind === "trades" || d.kind === "values");
  const n = dates.length;
  return dates.map((date, i) => {
    const age = n - 1 - i; // 0 = the last day
    const file: GeneratedDay = { dataset, date, ...sizeOf(dataset, age) };
    if (dataset.kind === "quotes" && ticks && date >= ticks.start) file.ticks = sizeOf(ticks, age).size;
    if (dataset.kind === "aggs") {
      if (dataset.interval !== "minute" && minute && date >= minute.start) file.minute = sizeOf(minute, age);
      file.ticks = ticks && date >= ticks.start ? sizeOf(ticks, age).size : 0;
    }
    return file;
  });
}

/** The file the build writes for a dataset and date, with the sizes of the date's other files. */
export function sandboxDayFile(dataset: Dataset, date: string): GeneratedDay {
  const file = plan(dataset, sandboxDates(dataset)).find((f) => f.date === date);
  if (!file) throw new Error(`The sandbox has no ${dataset.id} file for ${date}.`);
  return file;
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
  const prices = new PriceModel(dataset);
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
    for (const file of plan(dataset, sandboxDates(dataset))) {
      // Level 1 keeps million-row days fast to build; the result is an ordinary gzip file.
      const body = zlib.gzipSync(dayFileCsv(file, prices), { level: 1 });
      const etag = etagOf(body); // computed here, so the emulator need not hash
      objects.push({
        key: sandboxKey(dataset, file.date),
        pack: path.basename(packPath),
        offset,
        size: body.length,
        etag,
      });
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
  const days = sandboxDates(d).length;
  return d.asset === "us_stocks_sip" && d.interval === "minute" ? 20 * days : days;
}

/**
 * Build every pack on worker threads (one per core, two at most), biggest datasets first, each
 * worker taking the next dataset when it finishes one, so neither sits idle at the end.
 */
async function buildPacks(dir: string): Promise<SeedManifest["objects"]> {
  const costs = new Map(SANDBOX_DATASETS.map((d) => [d, cost(d)])); // once each: cost() walks the calendar
  const queue = [...SANDBOX_DATASETS].sort((a, b) => costs.get(b)! - costs.get(a)!);
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
  const order = new Map(SANDBOX_DATASETS.map((d, i) => [d.id, i]));
  const rank = (key: string) => order.get(key.split("/").slice(0, 2).join("/"))!;
  return results.flat().sort((a, b) => rank(a.key) - rank(b.key) || (a.key < b.key ? -1 : 1));
}

/** Make sure the data cache exists and is current; returns its manifest. */
export async function ensureSeedData(
  cacheDir: string,
  log: (msg: string) => void = () => {},
): Promise<SeedManifest> {
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
    partSize: MULTIPART_PART_SIZE,
    buildSeconds: Math.round((performance.now() - t0) / 10) / 100,
  };
  // The manifest is written last: its presence means the packs are complete.
  fs.writeFileSync(path.join(cacheDir, "manifest.json"), JSON.stringify(manifest));
  log(`generated ${objects.length} files in ${manifest.buildSeconds} s`);
  return manifest;
}
