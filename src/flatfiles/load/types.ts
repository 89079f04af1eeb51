/**
 * How each column type is held in memory and in the Parquet copy. In memory (what the kit's
 * functions return) nanosecond times are UInt64: nodejs-polars hands UInt64 values to JavaScript
 * as exact BigInts (toArray, toRecords) but Int64 ones as lossy numbers. In the Parquet copy they
 * are signed INT64, the one 64-bit integer every engine reads as what it is (docs/scale.md, "Types
 * in the files"); the values are below 2^63 (year 2262), which parsing checks.
 */
import pl, { type DataType } from "nodejs-polars";
import { type ColumnType, type Dataset, columnOf, findDataset } from "../datasets";

/** Parse and in-memory types. A Map: looked up by a type name only, never by a file's text. */
export const POLARS_TYPES: ReadonlyMap<ColumnType, () => DataType> = new Map<ColumnType, () => DataType>([
  ["string", () => pl.Utf8],
  ["float", () => pl.Float64],
  ["int", () => pl.Int64],
  ["ns", () => pl.UInt64],
]);

export function polarsType(type: ColumnType): DataType {
  const make = POLARS_TYPES.get(type);
  if (!make) throw new Error(`No polars type for column type "${String(type)}"`);
  return make();
}

/**
 * The type a column is parsed into: the stored one (nanoseconds as Int64, so a batch is written
 * without a cast; parsing refuses values from 2^63, and a check refuses negative ones).
 */
export function parseType(type: ColumnType): DataType {
  return type === "ns" ? pl.Int64 : polarsType(type);
}

export const TYPE_WORDS: ReadonlyMap<ColumnType, string> = new Map<ColumnType, string>([
  ["string", "text"],
  ["float", "a number"],
  ["int", "a whole number"],
  ["ns", "a Unix timestamp in nanoseconds (a whole number from 0 to 2^63-1)"],
]);

/** Largest nanosecond time the files may hold: signed INT64's maximum (2262-04-11). */
export const MAX_NANOS = (1n << 63n) - 1n;

/** The polars types of a dataset's newest layout. */
export function polarsSchema(dataset: string | Dataset): Record<string, DataType> {
  return Object.fromEntries(findDataset(dataset).columns.map((c) => [c.name, polarsType(c.type)]));
}

/** The nanosecond columns among `names`. */
export function nanoColumns(names: readonly string[]): string[] {
  return names.filter((name) => columnOf(name).type === "ns");
}

/** A frame as it is written to Parquet: nanosecond columns as signed Int64. */
export function toStored(df: pl.DataFrame): pl.DataFrame {
  const ns = nanoColumns(df.columns).filter((n) => String(df.getColumn(n).dtype) === "DataType(UInt64)");
  return ns.length ? df.withColumns(...ns.map((n) => pl.col(n).cast(pl.Int64, true))) : df;
}

/** A frame (or lazy query) read from Parquet as the kit hands it out: nanosecond columns as UInt64 (exact BigInts). */
export function fromStored<T extends pl.DataFrame | pl.LazyDataFrame>(frame: T): T {
  const ns = nanoColumns(frame.columns);
  return (
    ns.length ? (frame as pl.DataFrame).withColumns(...ns.map((n) => pl.col(n).cast(pl.UInt64))) : frame
  ) as T;
}

/** Add `<column>_utc` and `<column>_ny` datetimes for each nanosecond column present. */
export function withDatetimes<T extends pl.DataFrame | pl.LazyDataFrame>(frame: T): T {
  const exprs = nanoColumns(frame.columns).flatMap((name) => {
    const utc = pl.col(name).cast(pl.Datetime("ns", "UTC"));
    return [utc.alias(`${name}_utc`), utc.dt.convertTimeZone("America/New_York").alias(`${name}_ny`)];
  });
  return (exprs.length ? (frame as pl.DataFrame).withColumns(...exprs) : frame) as T;
}
