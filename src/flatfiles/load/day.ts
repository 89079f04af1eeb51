/**
 * A gzipped day read in batches of whole lines (csv-stream.ts: gunzip and shape checks on a
 * worker thread, parsing here), so memory does not grow with the file, and the batches written
 * as the Parquet files of a copy.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type pl from "nodejs-polars";
import { KitError } from "../../util/errors";
import { CsvStreamError, gzipCsvBatches } from "../csv-stream";
import { type Dataset, findDataset } from "../datasets";
import { type Warn, columnsFor, readHeader } from "./header";
import { AsText, type Reading, emptyFrame, parseBatch, shapeError, withTextFallback } from "./parse";
import { toStored } from "./types";
import type { LakeOption } from "./s3/target";

export interface BatchOptions {
  /** Bytes of CSV per batch (default 32 MiB): the unit of memory use and of Parquet files. */
  batchBytes?: number;
  /** Convert on a worker thread (default: for files above 16 MB gzipped). */
  worker?: boolean;
  /** Make the Parquet copy again even if it looks current. */
  rebuild?: boolean;
  /**
   * Where Parquet copies go (default `<cache>/parquet`; see docs/scale.md): a folder, or an
   * object-storage lake, `s3://bucket/prefix` (settings from FLATFILES_LAKE_*) or
   * `{ url, endpoint, region, accessKeyId, secretAccessKey }` (`endpoint: "sandbox"`: the sandbox's S3).
   */
  lake?: LakeOption;
}

/** The file's size and times, or a message when it is not a file at all. */
export function statDay(file: string): fs.Stats {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT")
      throw new KitError(
        "load.missing",
        `${file} does not exist: download the day first (downloadDay or downloadFile).`,
      );
    throw e;
  }
  if (st.isDirectory()) {
    throw new KitError(
      "load.file",
      `${file} is a folder, not a day's file: pass the path of a .csv.gz file (the path that downloadDay and downloadFile return).`,
    );
  }
  return st;
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
export function readDay(file: string, dataset: Dataset, warn: Warn, options: BatchOptions): pl.DataFrame[] {
  statDay(file);
  return withTextFallback((asText) => [...dayFrames(file, dataset, warn, options, asText)]);
}

/**
 * Write a day's Parquet files into `dir` (a staging folder, emptied first), one per batch,
 * pausing (yield) after each so a caller with an event loop can let it run: polars frames are
 * freed by finalizers that run there, not by the garbage collector alone. With `overlap`, each
 * write runs asynchronously while the next batch is parsed, and what is yielded is the write
 * the caller must await before asking for the next batch (at most one in flight).
 */
export function* writeParquetFiles(
  file: string,
  dataset: string | Dataset,
  dir: string,
  warn: Warn,
  options: BatchOptions = {},
  overlap = false,
): Generator<Promise<unknown> | undefined, { rows: number; files: number }> {
  const d = findDataset(dataset);
  const asText = new Set<string>();
  let writing: Promise<unknown> | undefined;
  for (;;) {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    try {
      let files = 0;
      let rows = 0;
      for (const df of dayFrames(file, d, warn, options, asText)) {
        // zstd: a third the size of the gzipped CSV. Written by the streaming sink, not
        // writeParquet: the same columns for less CPU (bench/lake.ts).
        const sink = toStored(df)
          .lazy()
          .sinkParquet(path.join(dir, `part-${String(files++).padStart(5, "0")}.parquet`), {
            compression: "zstd",
            compressionLevel: 3,
          });
        rows += df.height;
        if (!overlap) {
          sink.collectSync();
          yield undefined;
          continue;
        }
        // With an event loop (the worker): the previous batch's write is awaited by the caller,
        // then this one runs on polars' threads while the next batch is parsed here.
        yield writing;
        writing = sink.collect();
        // Handled when the caller awaits it; marked now so a failure meanwhile is not "unhandled".
        writing.catch(() => undefined);
      }
      if (writing) yield writing;
      return { rows, files };
    } catch (e) {
      if (!(e instanceof AsText) || asText.has(e.column)) throw e;
      asText.add(e.column); // read the whole file again, with that column as text in every batch
      // No write of the attempt given up may still be running when its folder is emptied.
      if (writing) yield writing.catch(() => undefined);
      writing = undefined;
    }
  }
}

/** Warnings said once per file, however many batches or attempts repeat them. */
export function once(warn: Warn): Warn {
  const said = new Set<string>();
  return (m) => {
    if (!said.has(m)) {
      said.add(m);
      warn(m);
    }
  };
}
