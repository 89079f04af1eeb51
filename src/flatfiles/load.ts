/**
 * Flat files into nodejs-polars with the right types: tickers as strings, prices and volumes as
 * floats (volumes may be decimals since 2026-02-23), nanosecond timestamps as exact 64-bit
 * integers (BigInt in JavaScript) plus datetime columns in UTC and New York time.
 *
 * nodejs-polars 0.24 (the last release whose native binary installs on Node 20) cannot read
 * gzip itself, so a day is gunzipped in memory and parsed once, then kept as Parquet next to
 * the download: later reads, and multi-day lazy queries with filters pushed down, use that.
 */
import * as fs from "node:fs";
import { gunzipSync } from "node:zlib";
import pl, { type DataType } from "nodejs-polars";
import { KitError } from "../util/errors";
import { type ColumnType, type Dataset, findDataset } from "./datasets";

const POLARS_TYPES: Record<ColumnType, () => DataType> = {
  string: () => pl.Utf8,
  float: () => pl.Float64,
  int: () => pl.Int64,
  // UInt64, not Int64: nodejs-polars hands UInt64 values to JavaScript as exact BigInts
  // (toArray, toRecords) but Int64 ones as lossy numbers. Timestamps are never negative.
  ns: () => pl.UInt64,
};

function datasetOf(d: string | Dataset): Dataset {
  return typeof d === "string" ? findDataset(d) : d;
}

/** The polars types of a dataset's columns. */
export function polarsSchema(dataset: string | Dataset): Record<string, DataType> {
  return Object.fromEntries(datasetOf(dataset).columns.map((c) => [c.name, POLARS_TYPES[c.type]()]));
}

/** Add `<column>_utc` and `<column>_ny` datetimes for each nanosecond column present. */
export function withDatetimes<T extends pl.DataFrame | pl.LazyDataFrame>(frame: T, dataset: string | Dataset): T {
  const present = new Set(frame.columns);
  const exprs = datasetOf(dataset)
    .columns.filter((c) => c.type === "ns" && present.has(c.name))
    .flatMap((c) => {
      const utc = pl.col(c.name).cast(pl.Datetime("ns", "UTC"));
      return [utc.alias(`${c.name}_utc`), utc.dt.convertTimeZone("America/New_York").alias(`${c.name}_ny`)];
    });
  return (exprs.length ? (frame as pl.DataFrame).withColumns(...exprs) : frame) as T;
}

/** The Parquet copy kept beside a downloaded day. */
export function parquetPath(file: string): string {
  return file.replace(/\.csv\.gz$/, "") + ".parquet";
}

function parseDay(file: string, dataset: Dataset): pl.DataFrame {
  let csv: Buffer;
  try {
    csv = gunzipSync(fs.readFileSync(file));
  } catch (e) {
    throw new KitError("load.corrupt", `${file} is not a readable gzip file (${(e as Error).message}); delete it and download it again.`);
  }
  const header = csv.subarray(0, Math.max(0, csv.indexOf(10))).toString();
  const expected = dataset.columns.map((c) => c.name).join(",");
  if (header !== expected) {
    throw new KitError("load.columns", `${file} does not look like ${dataset.id}: its header is "${header.slice(0, 120)}", expected "${expected}".`);
  }
  return pl.readCSV(csv, { dtypes: polarsSchema(dataset), quoteChar: '"' });
}

/** Make sure a day's Parquet copy exists and is newer than its download; returns its path. */
export function ensureParquet(file: string, dataset: string | Dataset): string {
  const out = parquetPath(file);
  if (fs.existsSync(out) && fs.statSync(out).mtimeMs >= fs.statSync(file).mtimeMs) return out;
  const tmp = `${out}.${process.pid}.tmp`;
  parseDay(file, datasetOf(dataset)).writeParquet(tmp);
  fs.renameSync(tmp, out);
  return out;
}

export interface LoadOptions {
  /** Keep (and reuse) a Parquet copy beside the file (default true). */
  parquet?: boolean;
  /** Add `_utc` and `_ny` datetime columns for nanosecond timestamps (default true). */
  datetimes?: boolean;
}

/** One downloaded day as a DataFrame. */
export function loadDay(file: string, dataset: string | Dataset, options: LoadOptions = {}): pl.DataFrame {
  const d = datasetOf(dataset);
  const df = options.parquet === false ? parseDay(file, d) : pl.readParquet(ensureParquet(file, d));
  return options.datetimes === false ? df : withDatetimes(df, d);
}

export interface ScanOptions {
  tickers?: string[];
  columns?: string[];
}

/**
 * Many downloaded days as one lazy query. Ticker filter and column selection are pushed into
 * the Parquet scans, so a week of minute bars for a few tickers never loads whole days.
 */
export function scanDays(files: string[], dataset: string | Dataset, options: ScanOptions = {}): pl.LazyDataFrame {
  const d = datasetOf(dataset);
  if (!files.length) throw new KitError("load.empty", "scanDays needs at least one downloaded file.");
  let lf = pl.concat(files.map((f) => pl.scanParquet(ensureParquet(f, d))));
  if (options.tickers?.length) lf = lf.filter(pl.col("ticker").isIn(options.tickers));
  if (options.columns?.length) lf = lf.select(...options.columns);
  return withDatetimes(lf, d);
}
