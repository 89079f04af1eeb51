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
export { FORMAT, parquetGlob, parquetPath } from "./copy";
export { columnsFor, readHeader, type Warn } from "./header";
export { parseCsv } from "./parse";
export { lakeDates, type LoadOptions, type ScanOptions, timeColumn } from "./read";
export type { LakeOption, S3LakeSettings } from "./s3/target";
export { polarsSchema, withDatetimes } from "./types";

// hostile (#31 item 12): the lake's entry points report local file errors (a file where
// <cache>/parquet should be, a read-only cache, a full disk) through the one translator,
// naming the path and what to do, instead of a raw ENOTDIR or polars' "os error 28".
import { withFileErrors } from "../../util/file-errors";
import type { LakeOption } from "./s3/target";
import {
  ensureParquet as ensureParquetRaw,
  ensureParquetAsync as ensureParquetAsyncRaw,
  parquetPath as parquetPathRaw,
} from "./copy";
import { loadDay as loadDayRaw, scanDays as scanDaysRaw } from "./read";
const LAKE = "the lake option, or FLATFILES_CACHE_DIR";
const copyOf = (file: string, lake?: LakeOption) => {
  try {
    return parquetPathRaw(file, { lake });
  } catch {
    return undefined;
  }
};
export const ensureParquet = withFileErrors(ensureParquetRaw, (file, _dataset, _warn, options) => ({
  action: `making the Parquet copy of ${file}`,
  path: copyOf(file, options?.lake),
  setting: LAKE,
}));
export const ensureParquetAsync = withFileErrors(ensureParquetAsyncRaw, (file, _dataset, _warn, options) => ({
  action: `making the Parquet copy of ${file}`,
  path: copyOf(file, options?.lake),
  setting: LAKE,
}));
export const loadDay = withFileErrors(loadDayRaw, (file, _dataset, options) => ({
  action: `loading ${file}`,
  path: options?.parquet === false ? file : copyOf(file, options?.lake),
  setting: LAKE,
}));
export const scanDays = withFileErrors(scanDaysRaw, (files) => ({
  action: `scanning ${Array.isArray(files) ? files.length : "the"} downloaded days`,
  setting: LAKE,
}));
