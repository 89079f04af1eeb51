/**
 * A day's Parquet copy: made once from the download, written into the lake's staging folder and
 * put in place when finished (lake.ts; an object-storage lake gets one object per day,
 * s3/ensure.ts), and reused while its record says it was made from this very download, as this
 * dataset, in today's format. One process converts a day at a time (a lock in the staging
 * folder); another that wants the same day waits and then reads what the first one made.
 *
 * `ensureParquet` is synchronous (notebooks call it inside `loadDay`/`scanDays`): large files are
 * converted on a worker thread with this thread waiting. `ensureParquetAsync` (ranges, the CLI)
 * lets the event loop turn throughout, so an AbortSignal (Ctrl-C) stops a conversion midway.
 *
 * Why a worker at all: polars frees a frame's native memory in a finalizer that runs only when
 * the event loop turns, which a synchronous loop over batches never lets it do (2.6 GB for a
 * 1.8 GB-of-CSV day, measured); the worker lets its loop turn after every batch.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { type Dataset, findDataset } from "../datasets";
import { type BatchOptions, once, statDay, writeParquetFiles } from "./day";
import type { Warn } from "./header";
import {
  type Place,
  RECORD,
  checkOurs,
  lakeFileError,
  placeOf,
  putInPlace,
  stagingFor,
  sweep,
  tryLock,
  unlock,
} from "./lake";
import { scriptPath, convertOnWorker, convertOnWorkerAsync, runOnWorker } from "./worker";
import { readSmallFile } from "../../util/small-file";
import { toWire } from "./s3/target";

/**
 * The copy's format. 1 (records without `format`): nanosecond times as UINT_64, which Spark reads
 * as decimal(20,0) and pyarrow cannot cast to a timestamp. 2: signed INT64. A copy of an older
 * format is made again from its download the first time the kit reads that day.
 */
export const FORMAT = 2;

interface ParquetRecord {
  format: number;
  source: string;
  size: number;
  mtimeMs: number;
  /** The dataset the day was read as: another one means reading it again (and its checks). */
  dataset: string;
  rows: number;
  files: number;
  /** Each Parquet file's size, to notice one that was damaged or removed; readers take these and nothing else. */
  parts: Record<string, number>;
}

const PAR1 = Buffer.from("PAR1");
const PART = /^part-\d{5}\.parquet$/;

function partIsWhole(file: string, bytes: number): boolean {
  try {
    const fd = fs.openSync(file, "r");
    try {
      const head = Buffer.alloc(4);
      const tail = Buffer.alloc(4);
      fs.readSync(fd, head, 0, 4, 0);
      fs.readSync(fd, tail, 0, 4, Math.max(0, bytes - 4));
      return fs.fstatSync(fd).size === bytes && head.equals(PAR1) && tail.equals(PAR1);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return false;
  }
}

function readRecord(dir: string): ParquetRecord | null {
  try {
    const read = readSmallFile(path.join(dir, RECORD));
    if (!read.ok) return null;
    const rec = JSON.parse(read.bytes.toString("utf8")) as ParquetRecord;
    return rec && typeof rec === "object" && rec.parts && typeof rec.parts === "object" ? rec : null;
  } catch {
    return null; // no copy yet
  }
}

/** Whether a copy's record matches this download, dataset and format, and its files look whole (size and the PAR1 marks at both ends). */
function isCurrent(dir: string, st: fs.Stats, dataset: string): boolean {
  const rec = readRecord(dir);
  if (!rec) return false;
  if (rec.format !== FORMAT || rec.size !== st.size || rec.mtimeMs !== st.mtimeMs || rec.dataset !== dataset)
    return false;
  const names = Object.keys(rec.parts);
  return (
    names.length > 0 &&
    Object.entries(rec.parts).every(
      ([name, bytes]) => PART.test(name) && partIsWhole(path.join(dir, name), Number(bytes)),
    )
  );
}

/**
 * The Parquet files of a local copy, as its record names them: a stray `.parquet` beside them (a
 * sync tool's "conflicted copy") is not part of the day and is never read.
 */
export function partsOf(dir: string): string[] {
  const rec = readRecord(dir);
  const names = rec ? Object.keys(rec.parts).filter((n) => PART.test(n)) : [];
  return names.sort().map((n) => path.join(dir, n));
}

/** Lakes already swept by this process (a sweep is one directory listing; once is enough for reads). */
const swept = new Set<string>();

function sweepOnce(place: Place): void {
  if (swept.has(place.local)) return;
  swept.add(place.local);
  sweep(place);
}

/** The folder of a day's Parquet copy (see `placeOf`: the lake's Hive partition, or `_local/` for a file outside the cache); `s3://…` for an object-storage lake. */
export function parquetPath(file: string, options: Pick<BatchOptions, "lake"> = {}): string {
  return placeOf(file, options.lake).dir;
}

/** The glob of a Parquet copy's files, for `pl.scanParquet` and other engines. */
export function parquetGlob(file: string, options: Pick<BatchOptions, "lake"> = {}): string {
  const place = placeOf(file, options.lake);
  return place.s3 ? `${place.dir}/*.parquet` : path.join(place.dir, "*.parquet");
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Make sure a day's Parquet copy exists and is current (made from this very download), and
 * return its folder (an `s3://` address for an object-storage lake). Nothing but finished days
 * ever appears in the lake's tables.
 */
export function ensureParquet(
  file: string,
  dataset: string | Dataset,
  warn: Warn = console.warn,
  options: BatchOptions = {},
): string {
  const d = findDataset(dataset);
  const st = statDay(file);
  const place = placeOf(file, options.lake);
  if (place.s3) {
    // Object storage is reached asynchronously: the whole step runs on a worker, this thread waiting.
    return runOnWorker<string>(
      scriptPath("s3-worker", true),
      {
        op: "ensure",
        file,
        dataset: d.id,
        lake: toWire(place.s3),
        place: { ...place, s3: undefined },
        options: { batchBytes: options.batchBytes, rebuild: options.rebuild },
      },
      warn,
      `Putting the Parquet copy of ${file} in ${place.lake}`,
    );
  }
  sweepOnce(place);
  if (!options.rebuild && isCurrent(place.dir, st, d.id)) return place.dir;
  // Another process converting this day: wait, then use what it made.
  let lock = tryLock(place);
  while (lock === "held") {
    Atomics.wait(pause, 0, 0, 100);
    if (!options.rebuild && isCurrent(place.dir, st, d.id)) return place.dir;
    lock = tryLock(place);
  }
  try {
    if (!options.rebuild && isCurrent(place.dir, st, d.id)) return place.dir;
    checkOurs(place.dir, file);
    sweep(place);
    const onWorker = options.worker ?? st.size > WORKER_ABOVE;
    convert(file, d, st, place, (tmp) => {
      if (onWorker) return convertOnWorker(file, d, tmp, once(warn), options);
      const it = writeParquetFiles(file, d, tmp, once(warn), options);
      let r = it.next();
      while (!r.done) r = it.next();
      return r.value;
    });
  } finally {
    unlock(place);
  }
  return place.dir;
}

export interface AsyncOptions extends BatchOptions {
  /** Stops the conversion (its worker thread ends; the next run cleans up what it left). */
  signal?: AbortSignal;
}

/**
 * `ensureParquet` for callers with an event loop to keep turning (ranges, the CLI): the same
 * copy, lock and checks, the conversion always where the signal reaches it.
 */
export async function ensureParquetAsync(
  file: string,
  dataset: string | Dataset,
  warn: Warn = console.warn,
  options: AsyncOptions = {},
): Promise<string> {
  const d = findDataset(dataset);
  const st = statDay(file);
  const place = placeOf(file, options.lake);
  const { signal } = options;
  if (place.s3) {
    const { ensureOnS3 } = await import("./s3/ensure");
    return ensureOnS3(file, d, st, place, once(warn), options);
  }
  sweepOnce(place);
  if (!options.rebuild && isCurrent(place.dir, st, d.id)) return place.dir;
  let lock = tryLock(place);
  while (lock === "held") {
    await waitFor(100, signal);
    if (!options.rebuild && isCurrent(place.dir, st, d.id)) return place.dir;
    lock = tryLock(place);
  }
  try {
    if (!options.rebuild && isCurrent(place.dir, st, d.id)) return place.dir;
    checkOurs(place.dir, file);
    sweep(place);
    const made = await convertAsync(file, d, st, warn, options, stagingFor(place));
    finish(made.tmp, file, d, st, place, made);
  } finally {
    unlock(place);
  }
  return place.dir;
}

/**
 * Convert into a fresh staging folder and return it with the counts, awaiting throughout: small
 * files on this thread with a pause after every batch, larger ones on a worker thread.
 */
export async function convertAsync(
  file: string,
  d: Dataset,
  st: fs.Stats,
  warn: Warn,
  options: AsyncOptions,
  tmp: string,
): Promise<{ rows: number; files: number; tmp: string }> {
  const { signal } = options;
  try {
    let made: { rows: number; files: number };
    if (options.worker ?? st.size > WORKER_ABOVE)
      made = await convertOnWorkerAsync(file, d, tmp, once(warn), options, signal);
    else {
      const it = writeParquetFiles(file, d, tmp, once(warn), options);
      let r = it.next();
      while (!r.done) {
        await new Promise((resolve) => setImmediate(resolve));
        signal?.throwIfAborted();
        r = it.next();
      }
      made = r.value;
    }
    return { ...made, tmp };
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw lakeFileError(e, tmp);
  }
}

export function waitFor(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    signal?.throwIfAborted();
    const t = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener("abort", stop);
      resolve();
    }
    function stop() {
      clearTimeout(t);
      reject(signal?.reason);
    }
    signal?.addEventListener("abort", stop, { once: true });
  });
}

function convert(
  file: string,
  d: Dataset,
  st: fs.Stats,
  place: Place,
  write: (tmp: string) => { rows: number; files: number },
): void {
  const tmp = stagingFor(place);
  try {
    finish(tmp, file, d, st, place, write(tmp));
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw lakeFileError(e, tmp);
  }
}

/** Write the record into a finished staging folder and put it in place. */
function finish(
  tmp: string,
  file: string,
  d: Dataset,
  st: fs.Stats,
  place: Place,
  made: { rows: number; files: number },
): void {
  try {
    const parts = Object.fromEntries(
      fs
        .readdirSync(tmp)
        .filter((f) => PART.test(f))
        .map((f) => [f, fs.statSync(path.join(tmp, f)).size]),
    );
    const record: ParquetRecord = {
      format: FORMAT,
      source: path.basename(file),
      size: st.size,
      mtimeMs: st.mtimeMs,
      dataset: d.id,
      rows: made.rows,
      files: made.files,
      parts,
    };
    fs.writeFileSync(path.join(tmp, RECORD), JSON.stringify(record));
    putInPlace(tmp, place);
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw lakeFileError(e, tmp);
  }
}

/** Files above this size (gzipped) are converted on a worker thread. */
export const WORKER_ABOVE = 16 << 20;
