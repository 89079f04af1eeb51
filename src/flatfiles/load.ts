/**
 * Flat files into nodejs-polars, driven by each file's own header: columns are typed by name
 * from the registry (`COLUMN_TYPES`), in whatever order and number the file has them. Tickers
 * are strings, prices and volumes floats (volumes may be decimals since 2026-02-23), counts
 * Int64, nanosecond timestamps exact UInt64 (BigInt in JavaScript) plus datetime columns in UTC
 * and New York time.
 *
 * A value that does not fit its column is an error naming the file, line, column and value:
 * polars alone would turn `abc` in a price column into a silent null; a line with too few or
 * too many fields likewise (polars pads or cuts it).
 *
 * A day is read in batches of whole lines (csv-stream.ts: gunzip and shape checks on a worker
 * thread, parsing here), so memory does not grow with the file: a multi-GB trades day converts
 * as easily as a small one. Each batch becomes one Parquet file of the day's Parquet copy, kept
 * in a Hive-partitioned layout (`parquet/<bucket>/asset=…/dataset=…/date=…/part-NNNNN.parquet`)
 * that DuckDB, Spark, Trino or Athena read as one table; later reads and multi-day lazy queries
 * (filters pushed down into the scans) use that copy.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { MessageChannel, Worker, receiveMessageOnPort } from "node:worker_threads";
import pl, { type DataType } from "nodejs-polars";
import { KitError } from "../util/errors";
import { CsvStreamError, type ShapeProblem, checkLines, gzipCsvBatches } from "./csv-stream";
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

const CACHE_LAYOUT =
  /^(.*)[/\\]([^/\\]+)[/\\]([a-z0-9_]+)[/\\]([a-z0-9_]+)[/\\]\d{4}[/\\]\d{2}[/\\](\d{4}-\d{2}-\d{2})\.csv\.gz$/;

/**
 * The folder of a day's Parquet copy. A file in the download cache's layout
 * (`<cache>/<bucket>/<asset>/<dataset>/YYYY/MM/<date>.csv.gz`) gets a Hive partition,
 * `<cache>/parquet/<bucket>/asset=<asset>/dataset=<dataset>/date=<date>/`, so each dataset's
 * days form one table for other engines; any other file gets `<name>.parquet/` beside it.
 */
export function parquetPath(file: string): string {
  const m = CACHE_LAYOUT.exec(path.resolve(file));
  if (m && DATASETS.some((d) => d.id === `${m[3]}/${m[4]}`)) {
    const [, root, bucket, asset, dataset, date] = m;
    return path.join(root, "parquet", bucket, `asset=${asset}`, `dataset=${dataset}`, `date=${date}`);
  }
  return file.replace(/\.csv\.gz$/, "") + ".parquet";
}

/** The glob of a Parquet copy's files, for `pl.scanParquet` and other engines. */
export function parquetGlob(file: string): string {
  return path.join(parquetPath(file), "*.parquet");
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
  const names = line.split(",").map((n) =>
    n
      .trim()
      .replace(/^"(.*)"$/, "$1")
      .trim()
      .toLowerCase(),
  );
  const blank = names.findIndex((n) => !n);
  if (blank >= 0) {
    throw new KitError(
      "load.header",
      `${file}: column ${blank + 1} of the header has no name (header: "${clip(line)}").`,
    );
  }
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup)
    throw new KitError(
      "load.header",
      `${file}: the header names the column "${dup}" twice (header: "${clip(line)}").`,
    );
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
        (typed.certainty === "uncertain" && typed.type === "string"
          ? "kept as text."
          : `typed as ${typed.type} by its name.`),
    );
  }
  return names.map(columnOf);
}

/** The kit's message for a line of the wrong shape. */
function shapeError(problem: ShapeProblem, file: string): KitError {
  if (problem.kind === "long") {
    return new KitError(
      "load.shape",
      `${file}, line ${problem.line} is longer than ${problem.bytes.toLocaleString("en-US")} bytes, which no flat file's line is. The file is damaged or is not a flat file: download it again.`,
    );
  }
  if (problem.kind === "blank") {
    return new KitError(
      "load.shape",
      `${file}, line ${problem.line} is blank, with data after it. The file is damaged or was edited: download it again.`,
    );
  }
  const { line, fields, width, text } = problem;
  return new KitError(
    "load.shape",
    `${file}, line ${line}: ${fields} field${fields === 1 ? "" : "s"} where the header has ${width} ("${clip(text, 120)}"). ` +
      "The file is damaged or was edited: download it again.",
  );
}

/** Cast the text columns to their types; a value that does not fit is an error that names it. */
function typeColumns(
  raw: pl.DataFrame,
  columns: Column[],
  file: string,
  warn: Warn,
  firstLine = 2,
  asText: Set<string> = new Set(),
): pl.DataFrame {
  const out: pl.Series[] = [];
  for (const c of columns) {
    const text = raw.getColumn(c.name);
    if (c.type === "string" || asText.has(c.name)) {
      out.push(text);
      continue;
    }
    const cast = text.cast(POLARS_TYPES[c.type](), false);
    if (cast.nullCount() !== text.nullCount()) {
      const before = text.toArray();
      const after = cast.toArray();
      const row = before.findIndex((v, i) => v !== null && after[i] === null);
      if (c.certainty === "uncertain") {
        warn(
          `${file}: column "${c.name}" holds "${clip(String(before[row]), 40)}" (line ${row + firstLine}), not ${TYPE_WORDS[c.type]}; kept as text.`,
        );
        throw new AsText(c.name);
      }
      throw new KitError(
        "load.value",
        `${file}, line ${row + firstLine}, column "${c.name}": "${clip(String(before[row]), 60)}" is not ${TYPE_WORDS[c.type]}. ` +
          "The file is damaged or not a flat file: download it again.",
      );
    }
    out.push(cast);
  }
  return pl.DataFrame(out);
}

/**
 * A column of uncertain type turned out to hold text: the whole file is read again with it as
 * text, so every batch (every Parquet file of the day) has the same schema.
 */
class AsText extends Error {
  constructor(readonly column: string) {
    super(column);
  }
}

interface Reading {
  names: string[];
  columns: Column[];
  asText: Set<string>;
}

/** One batch of data lines (no header) as a typed DataFrame. */
function parseBatch(body: Buffer, r: Reading, file: string, firstLine: number, warn: Warn): pl.DataFrame {
  const { names, columns, asText } = r;
  // Fast path: polars parses straight into the types, and refuses a value that does not fit.
  try {
    const dtypes = Object.fromEntries(
      columns.map((c, i) => [`column_${i + 1}`, asText.has(c.name) ? pl.Utf8 : POLARS_TYPES[c.type]()]),
    );
    const df = pl.readCSV(body, { hasHeader: false, dtypes, quoteChar: '"' });
    return df.rename(Object.fromEntries(df.columns.map((c, i) => [c, names[i]])));
  } catch {
    // Slow path, only when something does not fit: every column as text (inferSchemaLength 0),
    // then typed by the kit, which names the first bad value or keeps an uncertain column as text.
    let raw = pl.readCSV(body, { hasHeader: false, inferSchemaLength: 0, quoteChar: '"' });
    raw = raw.rename(Object.fromEntries(raw.columns.map((c, i) => [c, names[i]])));
    return typeColumns(raw, columns, file, warn, firstLine, asText);
  }
}

function emptyFrame(r: Reading, file: string, warn: Warn): pl.DataFrame {
  return typeColumns(
    pl.DataFrame(r.names.map((n) => pl.Series(n, [], pl.Utf8))),
    r.columns,
    file,
    warn,
    2,
    r.asText,
  );
}

/** Run `read` again with a column as text each time one of uncertain type turns out to hold text. */
function withTextFallback<T>(read: (asText: Set<string>) => T): T {
  const asText = new Set<string>();
  for (;;) {
    try {
      return read(asText);
    } catch (e) {
      if (!(e instanceof AsText) || asText.has(e.column)) throw e;
      asText.add(e.column);
    }
  }
}

/** Parse CSV text (header included) of a dataset into a typed DataFrame. */
export function parseCsv(
  csv: Buffer,
  dataset: string | Dataset,
  file = "the file",
  warn: Warn = console.warn,
): pl.DataFrame {
  const d = findDataset(dataset);
  const { names, end } = readHeader(csv, file);
  const columns = columnsFor(names, d, file, warn);
  const shape = checkLines(csv, end, csv.length, names.length, { line: 2, blankAt: 0 });
  if (shape.problem) throw shapeError(shape.problem, file);
  return withTextFallback((asText) => {
    const r = { names, columns, asText };
    return shape.lines === 0
      ? emptyFrame(r, file, warn)
      : parseBatch(csv.subarray(end, shape.end), r, file, 2, warn);
  });
}

export interface BatchOptions {
  /** Bytes of CSV per batch (default 32 MiB): the unit of memory use and of Parquet files. */
  batchBytes?: number;
  /** Convert on a worker thread (default: for files above 16 MB gzipped). */
  worker?: boolean;
  /** Make the Parquet copy again even if it looks current. */
  rebuild?: boolean;
}

/**
 * A gzipped day, batch by batch, as typed DataFrames (at least one: a day with no rows gives an
 * empty frame with the header's columns).
 */
function* dayFrames(
  file: string,
  dataset: Dataset,
  warn: Warn,
  options: BatchOptions,
  asText: Set<string>,
): Generator<pl.DataFrame> {
  let r: Reading | null = null;
  let frames = 0;
  try {
    for (const item of gzipCsvBatches(file, { batchBytes: options.batchBytes })) {
      if ("header" in item) {
        const { names } = readHeader(item.header, file);
        r = { names, columns: columnsFor(names, dataset, file, warn), asText };
        continue;
      }
      frames++;
      yield parseBatch(item.bytes, r!, file, item.firstLine, warn);
    }
  } catch (e) {
    if (!(e instanceof CsvStreamError)) throw e;
    const p = e.problem;
    if (p.kind === "fields" || p.kind === "blank" || p.kind === "long") throw shapeError(p, file);
    throw new KitError(
      "load.corrupt",
      `${file} is not a readable gzip file (${p.kind === "gzip" ? p.message : `reading failed: ${p.message}`}); delete it and download it again.`,
    );
  }
  if (!r) throw new KitError("load.header", `${file} has no header line (it is empty): download it again.`);
  if (!frames) yield emptyFrame(r, file, warn);
}

/** All of a day's frames, the whole file read again with a column as text when one of uncertain type holds text. */
function readDay(file: string, dataset: Dataset, warn: Warn, options: BatchOptions): pl.DataFrame[] {
  return withTextFallback((asText) => [...dayFrames(file, dataset, warn, options, asText)]);
}

/**
 * Write a day's Parquet files into `dir` (emptied first), one per batch, pausing (yield) after
 * each so a caller with an event loop can let it run: polars frames are freed by finalizers
 * that run there, not by the garbage collector alone.
 */
export function* writeParquetFiles(
  file: string,
  dataset: string | Dataset,
  dir: string,
  warn: Warn,
  options: BatchOptions = {},
): Generator<void, { rows: number; files: number }> {
  const d = findDataset(dataset);
  const asText = new Set<string>();
  for (;;) {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    try {
      let files = 0;
      let rows = 0;
      for (const df of dayFrames(file, d, warn, options, asText)) {
        // zstd: a third the size of the gzipped CSV, for about 50% more write time than no compression.
        df.writeParquet(path.join(dir, `part-${String(files++).padStart(5, "0")}.parquet`), {
          compression: "zstd",
        });
        rows += df.height;
        yield;
      }
      return { rows, files };
    } catch (e) {
      if (!(e instanceof AsText) || asText.has(e.column)) throw e;
      asText.add(e.column); // read the whole file again, with that column as text in every batch
    }
  }
}

/** Warnings said once per file, however many batches or attempts repeat them. */
function once(warn: Warn): Warn {
  const said = new Set<string>();
  return (m) => {
    if (!said.has(m)) {
      said.add(m);
      warn(m);
    }
  };
}

interface ParquetRecord {
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

/** Whether a copy's record matches this download and dataset, and its files look whole (size and the PAR1 marks at both ends). */
function isCurrent(dir: string, st: fs.Stats, dataset: string): boolean {
  let rec: ParquetRecord;
  try {
    rec = JSON.parse(fs.readFileSync(path.join(dir, "_flatfiles-kit.json"), "utf8")) as ParquetRecord;
  } catch {
    return false; // no copy yet, or an unfinished one
  }
  if (rec.size !== st.size || rec.mtimeMs !== st.mtimeMs || rec.dataset !== dataset || !rec.parts)
    return false;
  return Object.entries(rec.parts).every(([name, bytes]) => {
    try {
      const fd = fs.openSync(path.join(dir, name), "r");
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
  });
}

/** Files above this size (gzipped) are converted on a worker thread (see ensureParquet). */
const WORKER_ABOVE = 16 << 20;

/**
 * Make sure a day's Parquet copy exists and is current (made from this very download), and
 * return its folder. It is written batch by batch into a temporary folder that is renamed into
 * place when complete, so a crash never leaves a half-made copy where a finished one should be.
 *
 * Large files are converted on a worker thread, with this thread waiting: polars frees a
 * frame's native memory in a finalizer that runs only when the event loop turns, which a
 * synchronous loop over batches never lets it do (2.6 GB for a 1.8 GB-of-CSV day, measured);
 * the worker lets its loop turn after every batch, so memory stays flat.
 */
export function ensureParquet(
  file: string,
  dataset: string | Dataset,
  warn: Warn = console.warn,
  options: BatchOptions = {},
): string {
  const d = findDataset(dataset);
  const out = parquetPath(file);
  const st = fs.statSync(file);
  if (!options.rebuild && isCurrent(out, st, d.id)) return out;
  const say = once(warn);
  const tmp = `${out}.${process.pid}.tmp`;
  const onWorker = options.worker ?? st.size > WORKER_ABOVE;
  try {
    let made: { rows: number; files: number };
    if (onWorker) made = convertOnWorker(file, d, tmp, say, options);
    else {
      const it = writeParquetFiles(file, d, tmp, say, options);
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
      source: path.basename(file),
      size: st.size,
      mtimeMs: st.mtimeMs,
      dataset: d.id,
      ...made,
      parts,
    };
    fs.writeFileSync(path.join(tmp, "_flatfiles-kit.json"), JSON.stringify(record));
    fs.rmSync(out, { recursive: true, force: true });
    fs.renameSync(tmp, out);
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  return out;
}

/** Run writeParquetFiles on a worker thread (parquet-worker.ts) and wait for it here. */
function convertOnWorker(
  file: string,
  d: Dataset,
  dir: string,
  warn: Warn,
  options: BatchOptions,
): { rows: number; files: number } {
  const counters = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  const ts = __filename.endsWith(".ts");
  const worker = new Worker(path.join(__dirname, `parquet-worker${ts ? ".ts" : ".js"}`), {
    workerData: {
      file,
      dataset: d.id,
      dir,
      options: { batchBytes: options.batchBytes },
      counters,
      port: port2,
    },
    transferList: [port2],
    // Run from TypeScript sources (tests, benchmarks), the worker needs the same loader.
    execArgv: ts ? ["--import", "tsx"] : [],
  });
  try {
    let last = Date.now();
    for (;;) {
      const seen = Atomics.load(counters, 0);
      for (let m = receiveMessageOnPort(port1); m; m = receiveMessageOnPort(port1)) {
        last = Date.now();
        const msg = m.message as {
          warning?: string;
          result?: { rows: number; files: number };
          error?: { code?: string; message: string };
        };
        if (msg.warning) warn(msg.warning);
        if (msg.result) return msg.result;
        if (msg.error) {
          throw msg.error.code
            ? new KitError(msg.error.code, msg.error.message)
            : new Error(`Converting ${file} to Parquet failed: ${msg.error.message}`);
        }
      }
      // A batch takes a second or two; two minutes of silence means the worker could not start or died.
      if (Date.now() - last > 120_000)
        throw new Error(`Converting ${file} to Parquet stopped: its worker thread is not answering.`);
      Atomics.wait(counters, 0, seen, 250);
    }
  } finally {
    port1.close();
    void worker.terminate();
  }
}

export interface LoadOptions extends BatchOptions {
  /** Keep (and reuse) a Parquet copy of the day (default true). */
  parquet?: boolean;
  /** Add `_utc` and `_ny` datetime columns for nanosecond timestamps (default true). */
  datetimes?: boolean;
  /** Where warnings go (an unexpected column, an uncertain type kept as text); default console.warn. */
  onWarning?: Warn;
}

/** One downloaded day as a DataFrame (all of it in memory: for a part of a large day, use scanDays). */
export function loadDay(file: string, dataset: string | Dataset, options: LoadOptions = {}): pl.DataFrame {
  const d = findDataset(dataset);
  const warn = options.onWarning ?? console.warn;
  let df: pl.DataFrame;
  if (options.parquet === false) {
    const frames = readDay(file, d, once(warn), options);
    df = frames.length === 1 ? frames[0] : pl.concat(frames, { how: "vertical", rechunk: true });
  } else {
    ensureParquet(file, d, warn, options);
    try {
      df = pl.scanParquet(parquetGlob(file)).collectSync();
    } catch (first) {
      // A copy damaged inside (its ends intact) is made again once from the download.
      ensureParquet(file, d, warn, { ...options, rebuild: true });
      try {
        df = pl.scanParquet(parquetGlob(file)).collectSync();
      } catch (again) {
        throw new KitError(
          "load.parquet",
          `The Parquet copy of ${file} cannot be read even after making it again (${clip(String((again as Error).message ?? again), 200)}); delete ${parquetPath(file)} and try again.`,
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
}

/** The column a dataset's rows are timed by: the bar's start, else the SIP's timestamp, else the first timestamp. */
export function timeColumn(dataset: string | Dataset): string {
  const ns = findDataset(dataset)
    .columns.filter((c) => c.type === "ns")
    .map((c) => c.name);
  return ["window_start", "sip_timestamp"].find((n) => ns.includes(n)) ?? ns[0];
}

function nanos(t: string | Date | bigint, what: string): bigint {
  if (typeof t === "bigint") return t;
  const ms = t instanceof Date ? t.getTime() : Date.parse(t);
  if (!Number.isFinite(ms)) {
    throw new KitError(
      "load.time",
      `${what} "${clip(String(t), 40)}" is not a time: use an ISO string such as 2026-11-20T14:30:00Z, a Date, or nanoseconds as a BigInt.`,
    );
  }
  return BigInt(ms) * 1_000_000n;
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
  if (!files.length) throw new KitError("load.empty", "scanDays needs at least one downloaded file.");
  // Diagonal: days whose files have different layouts (options trades lost a column) still
  // stack, with nulls where a day has no such column.
  let lf = pl.concat(
    files.map((f) => {
      ensureParquet(f, d);
      return pl.scanParquet(parquetGlob(f));
    }),
    { how: "diagonalRelaxed" },
  );
  if (options.tickers?.length) lf = lf.filter(pl.col("ticker").isIn(options.tickers));
  const t = timeColumn(d);
  if (options.from !== undefined)
    lf = lf.filter(pl.col(t).gtEq(pl.lit(nanos(options.from, "from")).cast(pl.UInt64)));
  if (options.to !== undefined) lf = lf.filter(pl.col(t).lt(pl.lit(nanos(options.to, "to")).cast(pl.UInt64)));
  if (options.columns?.length) lf = lf.select(...options.columns);
  return withDatetimes(lf);
}
