/**
 * Flat files into nodejs-polars, driven by each file's own header: columns are typed by name
 * from the registry (`COLUMN_TYPES`), in whatever order and number the file has them. Tickers
 * are strings, prices and volumes floats (volumes may be decimals since 2026-02-23), counts
 * Int64, nanosecond timestamps exact UInt64 (BigInt in JavaScript) plus datetime columns in UTC
 * and New York time.
 *
 * The steps: `header` (names and columns), `parse` (typed batches, errors that name the line),
 * `day` (a gzipped day in batches, written as Parquet files), `lake` (where copies live, staging,
 * what the kit may replace), `copy` (ensureParquet), `worker` (conversion on a thread), `read`
 * (loadDay, scanDays), `types` (in-memory and stored types), `s3/` (a lake in object storage).
 */
export { type BatchOptions, writeParquetFiles } from "./day";
export { ensureParquet, ensureParquetAsync, FORMAT, parquetGlob, parquetPath } from "./copy";
export { columnsFor, readHeader, type Warn } from "./header";
export { parseCsv } from "./parse";
export { lakeDates, loadDay, type LoadOptions, scanDays, type ScanOptions, timeColumn } from "./read";
export type { LakeOption, S3LakeSettings } from "./s3/target";
export { polarsSchema, withDatetimes } from "./types";
