/**
 * Reading days: one day whole (`loadDay`), or many days as one lazy query (`scanDays`) whose
 * ticker filter, time range and column selection are pushed into the Parquet scans.
 */
import pl from "nodejs-polars";
import { KitError } from "../../util/errors";
import { type Dataset, findDataset } from "../datasets";
import { type BatchOptions, once, readDay } from "./day";
import { ensureParquet, parquetPath, partsOf } from "./copy";
import { placeOf } from "./lake";
import { DAY_OBJECT } from "./s3/ensure";
import {
  type LakeOption,
  type S3Lake,
  cloudOptions,
  isS3Option,
  resolveS3Lake,
  toWire,
  urlOf,
} from "./s3/target";
import { runOnWorker, scriptPath } from "./worker";
import { DEFAULT_BUCKET } from "../../config/env";
import { type Warn, clip } from "./header";
import { MAX_NANOS, fromStored, withDatetimes } from "./types";

export interface LoadOptions extends BatchOptions {
  /** Keep (and reuse) a Parquet copy of the day (default true). */
  parquet?: boolean;
  /** Add `_utc` and `_ny` datetime columns for nanosecond timestamps (default true). */
  datetimes?: boolean;
  /** Where warnings go (an unexpected column, an uncertain type kept as text); default console.warn. */
  onWarning?: Warn;
}

/** A day's copy read back: the parts its record names (never a stray file beside them), or its one object. */
function readCopy(file: string, options: LoadOptions): pl.DataFrame {
  return fromStored(scanCopy(file, options.lake)).collectSync();
}

function scanCopy(file: string, lake: LakeOption | undefined): pl.LazyDataFrame {
  const place = placeOf(file, lake);
  if (place.s3) return pl.scanParquet(`${place.dir}/${DAY_OBJECT}`, { cloudOptions: cloudOptions(place.s3) });
  const parts = partsOf(place.dir);
  if (!parts.length) throw new Error(`${place.dir} holds no parts its record names`);
  return parts.length === 1 ? pl.scanParquet(parts[0]) : pl.concat(parts.map((p) => pl.scanParquet(p)));
}

/** One downloaded day as a DataFrame (all of it in memory: for a part of a large day, use scanDays). */
export function loadDay(file: string, dataset: string | Dataset, options: LoadOptions = {}): pl.DataFrame {
  const d = findDataset(dataset);
  const warn = options.onWarning ?? console.warn;
  let df: pl.DataFrame;
  if (options.parquet === false) {
    const frames = readDay(file, d, once(warn), options);
    df = fromStored(frames.length === 1 ? frames[0] : pl.concat(frames, { how: "vertical", rechunk: true }));
  } else {
    ensureParquet(file, d, warn, options);
    try {
      df = readCopy(file, options);
    } catch (first) {
      // A copy damaged inside (its ends intact) is made again once from the download.
      ensureParquet(file, d, warn, { ...options, rebuild: true });
      try {
        df = readCopy(file, options);
      } catch (again) {
        throw new KitError(
          "load.parquet",
          `The Parquet copy of ${file} cannot be read even after making it again (${clip(String((again as Error).message ?? again), 200)}); delete ${parquetPath(file, options)} and try again.`,
          { cause: first },
        );
      }
    }
  }
  return options.datetimes === false ? df : withDatetimes(df);
}

export interface ScanOptions {
  tickers?: string[];
  columns?: string[];
  /** Rows at or after this time (ISO string, Date, or nanoseconds since the epoch), by the dataset's time column. */
  from?: string | Date | bigint;
  /** Rows before this time (exclusive). */
  to?: string | Date | bigint;
  /**
   * Where the Parquet copies are (default `<cache>/parquet`): a folder, or an object-storage lake
   * (`s3://bucket/prefix`), where the days may be named by date instead of by downloaded file.
   */
  lake?: LakeOption;
  /** The flat-files bucket whose days a date names, in an object-storage lake (default flatfiles). */
  bucket?: string;
}

/** The column a dataset's rows are timed by: the bar's start, else the SIP's timestamp, else the first timestamp. */
export function timeColumn(dataset: string | Dataset): string {
  const ns = findDataset(dataset)
    .columns.filter((c) => c.type === "ns")
    .map((c) => c.name);
  return ["window_start", "sip_timestamp"].find((n) => ns.includes(n)) ?? ns[0];
}

/** A time bound as nanoseconds since the epoch, within what the files can hold (1970 to 2262). */
function nanos(t: string | Date | bigint, what: string): bigint {
  let ns: bigint;
  if (typeof t === "bigint") ns = t;
  else {
    const ms = t instanceof Date ? t.getTime() : typeof t === "string" ? Date.parse(t) : Number.NaN;
    if (!Number.isFinite(ms)) {
      throw new KitError(
        "load.time",
        `${what} "${clip(String(t), 40)}" is not a time: use an ISO string such as 2026-11-20T14:30:00Z, a Date, or nanoseconds as a BigInt.`,
      );
    }
    ns = BigInt(ms) * 1_000_000n;
  }
  if (ns < 0n || ns > MAX_NANOS) {
    throw new KitError(
      "load.time",
      `${what} ${clip(String(t), 40)}${typeof t === "bigint" ? "n" : ""} is outside the times the files hold (nanoseconds from 0, 1970-01-01, to 2^63-1, 2262-04-11): give a time in that range.`,
    );
  }
  return ns;
}

function listOf(value: unknown, what: string, example: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
    const shown = typeof value === "string" ? `the string "${clip(value, 40)}"` : clip(String(value), 40);
    throw new KitError(
      "load.option",
      `${what} must be a list of strings, such as ${example}; it is ${shown}.`,
    );
  }
  return value as string[];
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The dates a table of an object-storage lake holds (one listing). */
export function lakeDates(lake: LakeOption, dataset: string | Dataset, bucket = DEFAULT_BUCKET): string[] {
  const l = resolveS3Lake(lake);
  const d = findDataset(dataset);
  return datesIn(l, `${bucket}/asset=${d.asset}/dataset=${d.name}`);
}

function datesIn(l: S3Lake, rel: string): string[] {
  return runOnWorker<string[]>(
    scriptPath("s3-worker", true),
    { op: "dates", lake: toWire(l), rel },
    console.warn,
    `Listing the days of ${urlOf(l, rel)}`,
  );
}

/**
 * Days of an object-storage lake as one Hive-partitioned scan of the dataset's table: the `date`
 * filter prunes partitions before any object is opened, and the ticker, time and column filters
 * reach the Parquet reader (row groups and columns), so a year is read only where a query looks.
 * Downloaded files are converted and uploaded first when the lake's copy is not current.
 */
function scanObjectStore(days: string[], d: Dataset, lake: LakeOption, bucket: string): pl.LazyDataFrame {
  const l = resolveS3Lake(lake);
  const dates = new Set<string>();
  for (const day of days) {
    if (DATE.test(day)) {
      dates.add(day);
      continue;
    }
    ensureParquet(day, d, console.warn, { lake });
    const m = /^([^/]+)\/asset=[^/]+\/dataset=[^/]+\/date=(\d{4}-\d{2}-\d{2})$/.exec(placeOf(day, lake).rel);
    if (!m || m[1] !== bucket)
      throw new KitError(
        "load.lake-day",
        `${clip(day, 120)} is not a day of ${bucket} in the download cache's layout, so it has no place in the lake's ${d.id} table: pass downloaded files or dates (YYYY-MM-DD).`,
      );
    dates.add(m[2]);
  }
  const rel = `${bucket}/asset=${d.asset}/dataset=${d.name}`;
  const have = new Set(datesIn(l, rel));
  const missing = [...dates].filter((x) => !have.has(x)).sort();
  if (missing.length)
    throw new KitError(
      "load.lake-missing",
      `The lake ${urlOf(l, rel)} has no ${missing.length === 1 ? "day" : `${missing.length} days`} ${clip(missing.slice(0, 5).join(", "), 80)}${missing.length > 5 ? ", …" : ""}: build ${missing.length === 1 ? "it" : "them"} with \`flatfiles get ${d.id} <from> <to> --parquet --lake ${urlOf(l)}\` (or downloadRange with parquet and lake).`,
    );
  return pl
    .scanParquet(`${urlOf(l, rel)}/date=*/${DAY_OBJECT}`, {
      hivePartitioning: true,
      tryParseHiveDates: false,
      cloudOptions: cloudOptions(l),
    })
    .filter(
      pl
        .col("date")
        .cast(pl.Utf8)
        .isIn([...dates]),
    )
    .drop("date");
}

/**
 * Many downloaded days as one lazy query. The ticker filter, the time range and the column
 * selection are pushed into the Parquet scans (row groups whose statistics rule them out are
 * skipped), so a week of trades for a few tickers never loads whole days.
 */
export function scanDays(
  files: string[],
  dataset: string | Dataset,
  options: ScanOptions = {},
): pl.LazyDataFrame {
  const d = findDataset(dataset);
  if (!Array.isArray(files) || !files.length)
    throw new KitError("load.empty", "scanDays needs a list of at least one downloaded file.");
  const tickers = listOf(options.tickers, "tickers", '["AAPL", "MSFT"]');
  const columns = listOf(options.columns, "columns", '["ticker", "price"]');
  const t = timeColumn(d);
  const from = options.from === undefined ? undefined : nanos(options.from, "from");
  const to = options.to === undefined ? undefined : nanos(options.to, "to");
  let lf =
    options.lake !== undefined && isS3Option(options.lake)
      ? scanObjectStore(files, d, options.lake, options.bucket ?? DEFAULT_BUCKET)
      : // Diagonal: days whose files have different layouts (options trades lost a column) still
        // stack, with nulls where a day has no such column.
        pl.concat(
          files.map((f) => {
            ensureParquet(f, d, console.warn, { lake: options.lake });
            return scanCopy(f, options.lake);
          }),
          { how: "diagonalRelaxed" },
        );
  if (columns?.length) {
    const have = new Set(lf.columns);
    const unknown = columns.find((c) => !have.has(c));
    if (unknown !== undefined) {
      throw new KitError(
        "load.option",
        `columns: "${clip(unknown, 40)}" is not a column of these days; they have ${clip([...have].join(", "), 300)}.`,
      );
    }
  }
  // Filters on the stored (Int64) values, before the cast, so the scans can skip row groups.
  if (tickers?.length) lf = lf.filter(pl.col("ticker").isIn(tickers));
  if (from !== undefined) lf = lf.filter(pl.col(t).gtEq(pl.lit(from).cast(pl.Int64)));
  if (to !== undefined) lf = lf.filter(pl.col(t).lt(pl.lit(to).cast(pl.Int64)));
  if (columns?.length) lf = lf.select(...columns);
  return withDatetimes(fromStored(lf));
}
