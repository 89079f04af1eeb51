/**
 * `flatfiles head <dataset> <date>`: the first rows of a day, of one ticker or of one
 * underlying's option contracts. Any dataset: the file's own header decides the columns, and
 * every nanosecond column is shown in one zone (`--times ny|utc|raw`, New York by default). A
 * table fits the terminal: columns a reader looks at first are kept, the others named below it
 * (`--columns` picks them); CSV and JSON hold every column asked for.
 */
import type pl from "nodejs-polars";
import { downloadDay } from "../../flatfiles/catalog";
import { type Dataset, columnOf, findDataset } from "../../flatfiles/datasets";
import { KitError } from "../../util/errors";
import { type Values, didYouMean, formatOf, shown, usage, wholeOption } from "../args";
import { fitColumns, render, safe, wrap } from "../output";
import { fileProgress } from "../progress";
import { type Io, withSession } from "../session";
import { TIME_ZONES, type TimeZoneChoice, shortTime, timeIn, zoneLabel } from "../times";

interface Filter {
  /** What the rows are "of", for the count line. */
  what: string;
  /** The ticker asked for, when one was (it may be resolved to the file's spelling). */
  ticker?: string;
  expr(p: typeof pl): pl.Expr;
}

/** The rows head keeps: one ticker, or the contracts of one underlying (OCC symbols O:<U><YYMMDD><C|P><strike>). */
export function headFilter(values: Values, dataset: Dataset): Filter | null {
  const { ticker, underlying } = values;
  if (ticker !== undefined && underlying !== undefined) usage("Give --ticker or --underlying, not both.");
  if (ticker !== undefined) {
    if (!ticker.trim()) usage("--ticker needs a ticker, for example --ticker AAPL.");
    return tickerFilter(ticker);
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

function tickerFilter(ticker: string): Filter {
  return { what: shown(ticker), ticker, expr: (p) => p.col("ticker").eq(p.lit(ticker)) };
}

/** --times (or --raw-times, its older spelling for "raw"), checked before anything is fetched. */
export function timesOf(values: Values): TimeZoneChoice {
  const t = values.times ?? (values["raw-times"] ? "raw" : "ny");
  if (values.times !== undefined && values["raw-times"] && t !== "raw")
    usage(`--raw-times and --times ${shown(t)} disagree: give one of them.`);
  if (!(TIME_ZONES as readonly string[]).includes(t))
    usage(`--times must be ny, utc or raw, not "${shown(t)}"${didYouMean(t, TIME_ZONES)}.`);
  return t as TimeZoneChoice;
}

/** --columns a,b: names checked for shape here, against the file once it is read. */
export function columnsOf(values: Values): string[] | null {
  if (values.columns === undefined) return null;
  const names = values.columns.split(",").map((c) => c.trim());
  if (!names.length || names.some((c) => !c))
    usage(
      `--columns takes column names separated by commas, for example --columns ticker,price,size; not "${shown(values.columns)}".`,
    );
  const twice = names.find((c, i) => names.indexOf(c) !== i);
  if (twice !== undefined) usage(`--columns names "${shown(twice)}" twice.`);
  return names;
}

/**
 * The columns a reader of each kind of file looks at first, kept when a table must drop some to
 * fit: what traded, when, at what price and size, then where and how.
 */
const FIRST_COLUMNS = [
  "ticker",
  "window_start",
  "sip_timestamp",
  "timestamp",
  "session_end_date",
  "price",
  "size",
  "bid_price",
  "bid_size",
  "ask_price",
  "ask_size",
  "open",
  "high",
  "low",
  "close",
  "volume",
  "value",
  "exchange",
  "bid_exchange",
  "ask_exchange",
  "conditions",
  "transactions",
];

/** The line a table may use: the terminal's width, else $COLUMNS, else 120. */
function tableWidth(io: Io): number {
  if (io.width && io.width >= 20) return io.width;
  const env = Number(process.env.COLUMNS);
  return Number.isInteger(env) && env >= 20 ? env : 120;
}

export async function head(args: string[], values: Values, io: Io): Promise<void> {
  // Flags first: a bad one must not cost a download.
  const format = formatOf(values);
  const n = wholeOption("rows", values.rows, 10, 1_000_000);
  const zone = timesOf(values);
  const picked = columnsOf(values);
  const dataset = findDataset(args[0]);
  let only = headFilter(values, dataset);
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
    const day = scanDays([file.path], dataset);
    // scanDays adds datetime columns; head makes its own from the exact nanoseconds.
    const added = new Set(
      day.columns.filter((c) => columnOf(c).type === "ns").flatMap((c) => [`${c}_utc`, `${c}_ny`]),
    );
    const fileColumns = day.columns.filter((c) => !added.has(c));
    const columns = picked ?? fileColumns;
    const unknown = columns.find((c) => !fileColumns.includes(c));
    if (unknown !== undefined)
      throw new KitError(
        "cli.column",
        `This file has no column "${shown(unknown)}"${didYouMean(unknown, fileColumns)}; its columns are ${fileColumns.join(", ")}.`,
      );
    const count = (f: Filter | null) =>
      Number(
        (f ? day.filter(f.expr(p)) : day).select(p.len().alias("n")).collectSync().getColumn("n").get(0),
      );
    let total = count(only);
    // A ticker the day lacks: the library's answer (the closest tickers the file has; "aapl"
    // taken as AAPL), not an empty table.
    if (total === 0 && only?.ticker !== undefined) {
      const { resolveTickers } = await import("../../flatfiles/analysis");
      const tickers = day.select("ticker").unique().collectSync();
      const [resolved] = resolveTickers(tickers, [only.ticker], `${dataset.id} on ${file.date}`);
      only = tickerFilter(resolved);
      total = count(only);
    }
    const lf = only ? day.filter(only.expr(p)) : day;
    const raw = lf
      .select(...columns)
      .head(n)
      .collectSync()
      .toRecords() as Record<string, unknown>[];
    const ns = columns.filter((c) => columnOf(c).type === "ns");
    const table = format === "table";
    const rows = raw.map((r) => {
      const o: Record<string, unknown> = { ...r };
      for (const c of ns) {
        const t = timeIn(r[c] as bigint | null, zone);
        o[c] = table && zone !== "raw" ? shortTime(t, file.date) : t;
      }
      return o;
    });
    const fit = table && !picked ? fitColumns(rows, columns, tableWidth(io), FIRST_COLUMNS) : null;
    const shownColumns = fit ? fit.shown : columns;
    const counted = `(${total.toLocaleString("en-US")} rows${only ? ` of ${safe(only.what)}` : " in all"})`;
    if (!table) {
      io.out(render(rows, format, shownColumns));
      io.err(`${counted}\n`);
      return;
    }
    const width = tableWidth(io);
    io.out(render(rows, format, shownColumns));
    io.out(counted);
    // The notes below a table fit the same width as its lines.
    if (ns.some((c) => shownColumns.includes(c)))
      io.out(
        wrap(
          zone === "raw"
            ? `(times: ${zoneLabel(zone, file.date)}; --times ny or utc reads them)`
            : `(times: ${zoneLabel(zone, file.date)}, on ${file.date} unless a date is shown; --times ${zone === "ny" ? "utc" : "ny"} for ${zone === "ny" ? "UTC" : "New York time"})`,
          width,
        ),
      );
    if (fit?.hidden.length)
      io.out(
        wrap(
          `(${fit.hidden.length} more columns, left out to fit ${width} characters: ${fit.hidden.map(safe).join(", ")}; --columns picks them)`,
          width,
        ),
      );
  });
}
