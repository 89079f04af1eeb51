/**
 * A day's Parquet copy: made once from the download, written into the lake's staging folder and
 * renamed into place when finished (lake.ts), and reused while its record says it was made from
 * this very download, as this dataset, in today's format.
 *
 * Large files are converted on a worker thread, with this thread waiting: polars frees a
 * frame's native memory in a finalizer that runs only when the event loop turns, which a
 * synchronous loop over batches never lets it do (2.6 GB for a 1.8 GB-of-CSV day, measured);
 * the worker lets its loop turn after every batch, so memory stays flat.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { type Dataset, findDataset } from "../datasets";
import { type BatchOptions, once, statDay, writeParquetFiles } from "./day";
import type { Warn } from "./header";
import { type Place, RECORD, checkOurs, placeOf, putInPlace, stagingFor, sweep } from "./lake";
import { convertOnWorker } from "./worker";
import { readSmallFile } from "../../util/small-file";

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
  /** Each Parquet file's size, to notice one that was damaged or removed. */
  parts: Record<string, number>;
}

const PAR1 = Buffer.from("PAR1");

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

/** Whether a copy's record matches this download, dataset and format, and its files look whole (size and the PAR1 marks at both ends). */
function isCurrent(dir: string, st: fs.Stats, dataset: string): boolean {
  let rec: ParquetRecord;
  try {
    const read = readSmallFile(path.join(dir, RECORD));
    if (!read.ok) return false;
    rec = JSON.parse(read.bytes.toString("utf8")) as ParquetRecord;
  } catch {
    return false; // no copy yet
  }
  if (rec.format !== FORMAT || rec.size !== st.size || rec.mtimeMs !== st.mtimeMs || rec.dataset !== dataset)
    return false;
  if (!rec.parts || typeof rec.parts !== "object") return false;
  return Object.entries(rec.parts).every(
    ([name, bytes]) => /^part-\d{5}\.parquet$/.test(name) && partIsWhole(path.join(dir, name), Number(bytes)),
  );
}

/** Lakes already swept by this process (a sweep is one directory listing; once is enough for reads). */
const swept = new Set<string>();

/** The folder of a day's Parquet copy (see `placeOf`: the lake's Hive partition, or `_local/` for a file outside the cache). */
export function parquetPath(file: string, options: { lake?: string } = {}): string {
  return placeOf(file, options.lake).dir;
}

/** The glob of a Parquet copy's files, for `pl.scanParquet` and other engines. */
export function parquetGlob(file: string, options: { lake?: string } = {}): string {
  return path.join(parquetPath(file, options), "*.parquet");
}

/**
 * Make sure a day's Parquet copy exists and is current (made from this very download), and
 * return its folder. Nothing but finished partitions ever appears in the lake's tables.
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
  if (!swept.has(place.lake)) {
    swept.add(place.lake);
    sweep(place);
  }
  if (!options.rebuild && isCurrent(place.dir, st, d.id)) return place.dir;
  checkOurs(place.dir, file);
  sweep(place);
  convert(file, d, st, place, once(warn), options);
  return place.dir;
}

function convert(
  file: string,
  d: Dataset,
  st: fs.Stats,
  place: Place,
  warn: Warn,
  options: BatchOptions,
): void {
  const tmp = stagingFor(place);
  const onWorker = options.worker ?? st.size > WORKER_ABOVE;
  try {
    let made: { rows: number; files: number };
    if (onWorker) made = convertOnWorker(file, d, tmp, warn, options);
    else {
      const it = writeParquetFiles(file, d, tmp, warn, options);
      let r = it.next();
      while (!r.done) r = it.next();
      made = r.value;
    }
    const parts = Object.fromEntries(
      fs
        .readdirSync(tmp)
        .filter((f) => f.endsWith(".parquet"))
        .map((f) => [f, fs.statSync(path.join(tmp, f)).size]),
    );
    const record: ParquetRecord = {
      format: FORMAT,
      source: path.basename(file),
      size: st.size,
      mtimeMs: st.mtimeMs,
      dataset: d.id,
      ...made,
      parts,
    };
    fs.writeFileSync(path.join(tmp, RECORD), JSON.stringify(record));
    putInPlace(tmp, place);
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** Files above this size (gzipped) are converted on a worker thread. */
const WORKER_ABOVE = 16 << 20;
