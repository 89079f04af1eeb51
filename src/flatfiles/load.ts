/**
 * Flat files into nodejs-polars, driven by each file's own header: columns are typed by name
 * from the registry (`COLUMN_TYPES`), in whatever order and number the file has them. Tickers
 * are strings, prices and volumes floats (volumes may be decimals since 2026-02-23), counts
 * Int64, nanosecond timestamps exact UInt64 (BigInt in JavaScript) plus datetime columns in UTC
 * and New York time.
 *
 * A value that does not fit its column is an error naming the file, line, column and value:
 * polars alone would turn `abc` in a price column into a silent null.
 *
 * The day is gunzipped here rather than by polars (which reads `.csv.gz` itself since 0.25, and
 * faster) because polars pads short rows and cuts long ones silently; checking each line's field
 * count needs the bytes (docs/benchmarks.md has the cost). It is parsed once, then kept as
 * Parquet next to the download: later reads, and multi-day lazy queries with filters pushed
 * down, use that.
 */
import * as fs from "node:fs";
import { gunzipSync } from "node:zlib";
import pl, { type DataType } from "nodejs-polars";
import { KitError } from "../util/errors";
import { type Column, type ColumnType, type Dataset, DATASETS, columnOf, findDataset } from "./datasets";

const POLARS_TYPES: Record<ColumnType, () => DataType> = {
  string: () => pl.Utf8,
  float: () => pl.Float64,
  int: () => pl.Int64,
  // UInt64, not Int64: nodejs-polars hands UInt64 values to JavaScript as exact BigInts
  // (toArray, toRecords) but Int64 ones as lossy numbers. Timestamps are never negative.
  ns: () => pl.UInt64,
};

const TYPE_WORDS: Record<ColumnType, string> = {
  string: "text",
  float: "a number",
  int: "a whole number",
  ns: "a Unix timestamp in nanoseconds (a whole number from 0 to 2^64-1)",
};

/** The polars types of a dataset's newest layout. */
export function polarsSchema(dataset: string | Dataset): Record<string, DataType> {
  return Object.fromEntries(findDataset(dataset).columns.map((c) => [c.name, POLARS_TYPES[c.type]()]));
}

/** Add `<column>_utc` and `<column>_ny` datetimes for each nanosecond column present. */
export function withDatetimes<T extends pl.DataFrame | pl.LazyDataFrame>(frame: T): T {
  const exprs = frame.columns
    .filter((name) => columnOf(name).type === "ns")
    .flatMap((name) => {
      const utc = pl.col(name).cast(pl.Datetime("ns", "UTC"));
      return [utc.alias(`${name}_utc`), utc.dt.convertTimeZone("America/New_York").alias(`${name}_ny`)];
    });
  return (exprs.length ? (frame as pl.DataFrame).withColumns(...exprs) : frame) as T;
}

/** The Parquet copy kept beside a downloaded day. */
export function parquetPath(file: string): string {
  return file.replace(/\.csv\.gz$/, "") + ".parquet";
}

export type Warn = (message: string) => void;

/**
 * The header's column names: a UTF-8 byte-order mark, a CR before the newline, quotes, spaces
 * and capitals are all things a file edited by hand or by another tool may have.
 */
export function readHeader(csv: Buffer, file: string): { names: string[]; end: number } {
  const start = csv[0] === 0xef && csv[1] === 0xbb && csv[2] === 0xbf ? 3 : 0;
  const nl = csv.indexOf(10, start);
  const end = nl < 0 ? csv.length : nl;
  const line = csv.subarray(start, end).toString("utf8").replace(/\r$/, "");
  if (!line.trim()) {
    throw new KitError("load.header", `${file} has no header line (it is empty): download it again.`);
  }
  const names = line.split(",").map((n) => n.trim().replace(/^"(.*)"$/, "$1").trim().toLowerCase());
  const blank = names.findIndex((n) => !n);
  if (blank >= 0) {
    throw new KitError("load.header", `${file}: column ${blank + 1} of the header has no name (header: "${clip(line)}").`);
  }
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new KitError("load.header", `${file}: the header names the column "${dup}" twice (header: "${clip(line)}").`);
  return { names, end: nl < 0 ? csv.length : nl + 1 };
}

function clip(text: string, max = 160): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** Which columns of the registry a file's header means, with a warning for the unexpected ones. */
export function columnsFor(names: string[], dataset: Dataset, file: string, warn: Warn): Column[] {
  const expected = new Set(dataset.layouts.flatMap((l) => l.columns));
  const unexpected = names.filter((n) => !expected.has(n));
  if (!names.includes("ticker") || unexpected.length * 2 > names.length) {
    const same = DATASETS.find((d) => d.layouts.some((l) => l.columns.join() === names.join()));
    const hint = same ? ` It looks like ${same.id}: load it as that.` : "";
    throw new KitError(
      "load.columns",
      `${file} does not look like ${dataset.id}: its header is "${clip(names.join(","))}", ` +
        `while ${dataset.id} files have "${dataset.layouts[0].columns.join(",")}".${hint}`,
    );
  }
  for (const n of unexpected) {
    const typed = columnOf(n);
    warn(
      `${file}: column "${n}" is not in any known layout of ${dataset.id}; ` +
        (typed.certainty === "uncertain" && typed.type === "string" ? "kept as text." : `typed as ${typed.type} by its name.`),
    );
  }
  return names.map(columnOf);
}

/**
 * Every data line must have as many fields as the header: polars would pad or cut it silently.
 * Returns the number of data lines and where they end (blank lines after them are left out).
 */
function checkShape(csv: Buffer, from: number, width: number, file: string): { lines: number; end: number } {
  let fields = 1;
  let line = 2;
  let lineStart = from;
  let quoted = false;
  const fail = (at: number) => {
    const text = csv.subarray(lineStart, Math.min(at, lineStart + 200)).toString("utf8").replace(/\r$/, "");
    throw new KitError(
      "load.shape",
      `${file}, line ${line}: ${fields} field${fields === 1 ? "" : "s"} where the header has ${width} ("${clip(text, 120)}"). ` +
        "The file is damaged or was edited: download it again.",
    );
  };
  for (let i = from; i < csv.length; i++) {
    const b = csv[i];
    if (b === 34) quoted = !quoted;
    else if (quoted) continue;
    else if (b === 44) fields++;
    else if (b === 10) {
      const blank = i === lineStart || (i === lineStart + 1 && csv[lineStart] === 13);
      if (blank) {
        // Blank lines are tolerated only at the very end of a file.
        if (!csv.subarray(i).every((c) => c === 10 || c === 13)) {
          throw new KitError("load.shape", `${file}, line ${line} is blank, with data after it. The file is damaged or was edited: download it again.`);
        }
        return { lines: line - 2, end: lineStart };
      }
      if (fields !== width) fail(i);
      fields = 1;
      line++;
      lineStart = i + 1;
    }
  }
  if (lineStart < csv.length && fields !== width) fail(csv.length);
  return { lines: lineStart < csv.length ? line - 1 : line - 2, end: csv.length };
}

/** Cast the text columns to their types; a value that does not fit is an error that names it. */
function typeColumns(raw: pl.DataFrame, columns: Column[], file: string, warn: Warn): pl.DataFrame {
  const out: pl.Series[] = [];
  for (const c of columns) {
    const text = raw.getColumn(c.name);
    if (c.type === "string") {
      out.push(text);
      continue;
    }
    const cast = text.cast(POLARS_TYPES[c.type](), false);
    if (cast.nullCount() !== text.nullCount()) {
      const before = text.toArray();
      const after = cast.toArray();
      const row = before.findIndex((v, i) => v !== null && after[i] === null);
      if (c.certainty === "uncertain") {
        warn(`${file}: column "${c.name}" holds "${clip(String(before[row]), 40)}" (line ${row + 2}), not ${TYPE_WORDS[c.type]}; kept as text.`);
        out.push(text);
        continue;
      }
      throw new KitError(
        "load.value",
        `${file}, line ${row + 2}, column "${c.name}": "${clip(String(before[row]), 60)}" is not ${TYPE_WORDS[c.type]}. ` +
          "The file is damaged or not a flat file: download it again.",
      );
    }
    out.push(cast);
  }
  return pl.DataFrame(out);
}

function gunzipFile(file: string): Buffer {
  try {
    // Large output chunks: the default 16 kB ones make gunzipping a 128 MB day 50% slower.
    return gunzipSync(fs.readFileSync(file), { chunkSize: 8 << 20 });
  } catch (e) {
    throw new KitError(
      "load.corrupt",
      `${file} is not a readable gzip file (${(e as Error).message}); delete it and download it again.`,
    );
  }
}

/** Parse CSV text (header included) of a dataset into a typed DataFrame. */
export function parseCsv(csv: Buffer, dataset: string | Dataset, file = "the file", warn: Warn = console.warn): pl.DataFrame {
  const d = findDataset(dataset);
  const { names, end } = readHeader(csv, file);
  const columns = columnsFor(names, d, file, warn);
  const data = checkShape(csv, end, names.length, file);
  if (data.lines === 0) return typeColumns(pl.DataFrame(names.map((n) => pl.Series(n, [], pl.Utf8))), columns, file, warn);
  const body = csv.subarray(end, data.end);
  // Fast path: polars parses straight into the types, and refuses a value that does not fit.
  try {
    const dtypes = Object.fromEntries(columns.map((c) => [`column_${columns.indexOf(c) + 1}`, POLARS_TYPES[c.type]()]));
    const df = pl.readCSV(body, { hasHeader: false, dtypes, quoteChar: '"' });
    return df.rename(Object.fromEntries(df.columns.map((c, i) => [c, names[i]])));
  } catch {
    // Slow path, only when something does not fit: every column as text (inferSchemaLength 0),
    // then typed by the kit, which names the first bad value or keeps an uncertain column as text.
    let raw = pl.readCSV(body, { hasHeader: false, inferSchemaLength: 0, quoteChar: '"' });
    raw = raw.rename(Object.fromEntries(raw.columns.map((c, i) => [c, names[i]])));
    return typeColumns(raw, columns, file, warn);
  }
}

function parseDay(file: string, dataset: Dataset, warn: Warn): pl.DataFrame {
  return parseCsv(gunzipFile(file), dataset, file, warn);
}

/** Make sure a day's Parquet copy exists and is newer than its download; returns its path. */
export function ensureParquet(file: string, dataset: string | Dataset, warn: Warn = console.warn): string {
  const out = parquetPath(file);
  if (fs.existsSync(out) && fs.statSync(out).mtimeMs >= fs.statSync(file).mtimeMs) return out;
  const tmp = `${out}.${process.pid}.tmp`;
  parseDay(file, findDataset(dataset), warn).writeParquet(tmp);
  fs.renameSync(tmp, out);
  return out;
}

export interface LoadOptions {
  /** Keep (and reuse) a Parquet copy beside the file (default true). */
  parquet?: boolean;
  /** Add `_utc` and `_ny` datetime columns for nanosecond timestamps (default true). */
  datetimes?: boolean;
  /** Where warnings go (an unexpected column, an uncertain type kept as text); default console.warn. */
  onWarning?: Warn;
}

/** One downloaded day as a DataFrame. */
export function loadDay(file: string, dataset: string | Dataset, options: LoadOptions = {}): pl.DataFrame {
  const d = findDataset(dataset);
  const warn = options.onWarning ?? console.warn;
  const df = options.parquet === false ? parseDay(file, d, warn) : pl.readParquet(ensureParquet(file, d, warn));
  return options.datetimes === false ? df : withDatetimes(df);
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
  const d = findDataset(dataset);
  if (!files.length) throw new KitError("load.empty", "scanDays needs at least one downloaded file.");
  // Diagonal: days whose files have different layouts (options trades lost a column) still
  // stack, with nulls where a day has no such column.
  let lf = pl.concat(
    files.map((f) => pl.scanParquet(ensureParquet(f, d))),
    { how: "diagonalRelaxed" },
  );
  if (options.tickers?.length) lf = lf.filter(pl.col("ticker").isIn(options.tickers));
  if (options.columns?.length) lf = lf.select(...options.columns);
  return withDatetimes(lf);
}
