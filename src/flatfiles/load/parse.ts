/**
 * CSV text into typed frames: polars parses straight into the registry's types; when a value
 * does not fit, the kit reads the batch again as text and names the file, line, column and value
 * (polars alone would turn `abc` in a price column into a silent null). A column of uncertain
 * type that holds text is kept as text, in every batch.
 */
import pl from "nodejs-polars";
import { KitError } from "../../util/errors";
import { checkLines, type ShapeProblem } from "../csv-stream";
import { type Column, type Dataset, findDataset } from "../datasets";
import { type Warn, clip, columnsFor, invalidUtf8At, readHeader, utf8Error } from "./header";
import { TYPE_WORDS, fromStored, parseType } from "./types";

/** The kit's message for a line of the wrong shape. */
export function shapeError(problem: ShapeProblem, file: string): KitError {
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

/**
 * A column of uncertain type turned out to hold text: the whole file is read again with it as
 * text, so every batch (every Parquet file of the day) has the same schema.
 */
export class AsText extends Error {
  constructor(readonly column: string) {
    super(column);
  }
}

export interface Reading {
  names: string[];
  columns: Column[];
  asText: Set<string>;
}

/** The first row where `cast` lost a value `text` had, with the message for it. */
function misfit(
  c: Column,
  text: pl.Series,
  cast: pl.Series,
  file: string,
  firstLine: number,
  warn: Warn,
): KitError | AsText {
  const before = text.toArray();
  const after = cast.toArray();
  const row = before.findIndex((v, i) => v !== null && after[i] === null);
  const words = TYPE_WORDS.get(c.type);
  if (c.certainty === "uncertain") {
    warn(
      `${file}: column "${c.name}" holds "${clip(String(before[row]), 40)}" (line ${row + firstLine}), not ${words}; kept as text.`,
    );
    return new AsText(c.name);
  }
  return new KitError(
    "load.value",
    `${file}, line ${row + firstLine}, column "${c.name}": "${clip(String(before[row]), 60)}" is not ${words}. ` +
      "The file is damaged or not a flat file: download it again.",
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
    const cast = text.cast(parseType(c.type), false);
    if (cast.nullCount() !== text.nullCount()) throw misfit(c, text, cast, file, firstLine, warn);
    out.push(cast);
  }
  return checkNanos(pl.DataFrame(out), columns, file, firstLine, asText, warn);
}

/**
 * Nanosecond times are parsed as Int64 (the stored type), which takes negative numbers: those are
 * no time the files hold. A min per column, so the common case costs next to nothing.
 */
function checkNanos(
  df: pl.DataFrame,
  columns: Column[],
  file: string,
  firstLine: number,
  asText: Set<string>,
  warn: Warn,
): pl.DataFrame {
  for (const c of columns) {
    if (c.type !== "ns" || asText.has(c.name)) continue;
    const col = df.getColumn(c.name);
    const min = col.min() as number | bigint | null;
    if (min === null || min === undefined || min >= 0) continue;
    const values = col.toArray() as (bigint | number | null)[];
    const row = values.findIndex((v) => v !== null && v < 0);
    const words = TYPE_WORDS.get("ns");
    if (c.certainty === "uncertain") {
      warn(
        `${file}: column "${c.name}" holds "${String(values[row])}" (line ${row + firstLine}), not ${words}; kept as text.`,
      );
      throw new AsText(c.name);
    }
    throw new KitError(
      "load.value",
      `${file}, line ${row + firstLine}, column "${c.name}": "${String(values[row])}" is not ${words}. ` +
        "The file is damaged or not a flat file: download it again.",
    );
  }
  return df;
}

/** Name the batch's columns by the header (polars calls them column_1, column_2, …). */
function named(df: pl.DataFrame, names: string[]): pl.DataFrame {
  // fromEntries defines own properties, so a column named "__proto__" is a name like any other.
  return df.rename(Object.fromEntries(df.columns.map((c, i) => [c, names[i]])));
}

/** One batch of data lines (no header) as a typed DataFrame, in the stored types (see `fromStored` for the kit's). */
export function parseBatch(
  body: Buffer,
  r: Reading,
  file: string,
  firstLine: number,
  warn: Warn,
): pl.DataFrame {
  const { names, columns, asText } = r;
  // Fast path: polars parses straight into the types, and refuses a value that does not fit.
  let df: pl.DataFrame;
  try {
    const dtypes = Object.fromEntries(
      columns.map((c, i) => [`column_${i + 1}`, asText.has(c.name) ? pl.Utf8 : parseType(c.type)]),
    );
    df = named(pl.readCSV(body, { hasHeader: false, dtypes, quoteChar: '"' }), names);
  } catch {
    // Slow path, only when something does not fit: every column as text (inferSchemaLength 0),
    // then typed by the kit, which names the first bad value or keeps an uncertain column as text.
    const bad = invalidUtf8At(body);
    if (bad >= 0) throw utf8Error(file, body, 0, bad, firstLine);
    const raw = named(pl.readCSV(body, { hasHeader: false, inferSchemaLength: 0, quoteChar: '"' }), names);
    return typeColumns(raw, columns, file, warn, firstLine, asText);
  }
  return checkNanos(df, columns, file, firstLine, asText, warn);
}

export function emptyFrame(r: Reading, file: string, warn: Warn): pl.DataFrame {
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
export function withTextFallback<T>(read: (asText: Set<string>) => T): T {
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
  return fromStored(
    withTextFallback((asText) => {
      const r = { names, columns, asText };
      return shape.lines === 0
        ? emptyFrame(r, file, warn)
        : parseBatch(csv.subarray(end, shape.end), r, file, 2, warn);
    }),
  );
}
