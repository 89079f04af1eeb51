/**
 * `flatfiles head <dataset> <date>`: the first rows of a day, of one ticker or of one
 * underlying's option contracts. Any dataset: the file's own header decides the columns, and
 * every nanosecond column is shown as UTC and New York times (`--raw-times`: as in the file).
 */
import type pl from "nodejs-polars";
import { downloadDay } from "../../flatfiles/catalog";
import { type Dataset, columnOf, findDataset } from "../../flatfiles/datasets";
import { type Values, formatOf, shown, usage, wholeOption } from "../args";
import { render, safe } from "../output";
import { fileProgress } from "../progress";
import { type Io, withSession } from "../session";
import { newYorkTime, utcTime } from "../times";

interface Filter {
  /** What the rows are "of", for the count line. */
  what: string;
  expr(p: typeof pl): pl.Expr;
}

/** The rows head keeps: one ticker, or the contracts of one underlying (OCC symbols O:<U><YYMMDD><C|P><strike>). */
export function headFilter(values: Values, dataset: Dataset): Filter | null {
  const { ticker, underlying } = values;
  if (ticker !== undefined && underlying !== undefined) usage("Give --ticker or --underlying, not both.");
  if (ticker !== undefined) {
    if (!ticker.trim()) usage("--ticker needs a ticker, for example --ticker AAPL.");
    return { what: shown(ticker), expr: (p) => p.col("ticker").eq(p.lit(ticker)) };
  }
  if (underlying === undefined) return null;
  if (dataset.asset !== "us_options_opra")
    usage(`--underlying is for options datasets (us_options_opra/...), not ${dataset.asset}.`);
  // OCC roots are 1-6 letters or digits, no dots (BRK.B's options are BRKB).
  if (!/^[A-Z0-9]{1,6}$/i.test(underlying))
    usage(
      `--underlying takes an option root such as SPY (1-6 letters or digits), not "${shown(underlying)}".`,
    );
  const u = underlying.toUpperCase();
  return { what: `${u} options`, expr: (p) => p.col("ticker").str.contains(`^O:${u}\\d{6}[CP]\\d{8}$`) };
}

/** Each nanosecond column as two readable ones (`<name>_utc`, `<name>_ny`), unless raw. */
function readable(rows: Record<string, unknown>[], columns: string[], raw: boolean) {
  const ns = new Set(raw ? [] : columns.filter((c) => columnOf(c).type === "ns"));
  const out = columns.flatMap((c) => (ns.has(c) ? [`${c}_utc`, `${c}_ny`] : [c]));
  const shaped = rows.map((r) => {
    const o: Record<string, unknown> = {};
    for (const c of columns) {
      if (ns.has(c)) {
        const v = r[c] as bigint | null;
        o[`${c}_utc`] = utcTime(v);
        o[`${c}_ny`] = newYorkTime(v);
      } else o[c] = r[c];
    }
    return o;
  });
  return { rows: shaped, columns: out };
}

export async function head(args: string[], values: Values, io: Io): Promise<void> {
  // Flags first: a bad one must not cost a download.
  const format = formatOf(values);
  const n = wholeOption("rows", values.rows, 10, 1_000_000);
  const dataset = findDataset(args[0]);
  const only = headFilter(values, dataset);
  await withSession(async (s) => {
    const progress = fileProgress(io);
    // The bucket decides which days exist: the day's month is listed before anything is fetched.
    const file = await downloadDay(s.ref, dataset, args[1], {
      onProgress: progress.onProgress,
      signal: io.signal,
    }).finally(progress.stop);
    progress.finish(file);
    const [{ default: p }, { ensureParquet, scanDays }] = await Promise.all([
      import("nodejs-polars"),
      import("../../flatfiles/load"),
    ]);
    // Made here first so its warnings (a column no layout has, named by the file) are escaped.
    await ensureParquet(file.path, dataset, (m) => io.err(`${safe(m)}\n`));
    // The day's Parquet copy, read lazily: one underlying of a big options day never loads the rest.
    let lf = scanDays([file.path], dataset);
    if (only) lf = lf.filter(only.expr(p));
    // scanDays adds datetime columns; head makes its own from the exact nanoseconds.
    const all = lf.columns;
    const added = new Set(
      all.filter((c) => columnOf(c).type === "ns").flatMap((c) => [`${c}_utc`, `${c}_ny`]),
    );
    const columns = all.filter((c) => !added.has(c));
    const rows = lf
      .select(...columns)
      .head(n)
      .collectSync()
      .toRecords() as Record<string, unknown>[];
    const total = Number(lf.select(p.len().alias("n")).collectSync().getColumn("n").get(0));
    const shaped = readable(rows, columns, values["raw-times"] === true);
    io.out(render(shaped.rows, format, shaped.columns));
    const count = `(${total.toLocaleString("en-US")} rows${only ? ` of ${safe(only.what)}` : " in all"})`;
    if (format === "table") io.out(count);
    else io.err(`${count}\n`);
  });
}
