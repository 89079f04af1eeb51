/**
 * Returns dated so that assets line up.
 *
 * A file's bars are stamped at different instants by asset: stock, option and index day bars at
 * midnight New York; crypto day bars at 00:00 UTC (19:00 or 20:00 the evening before in New York);
 * futures session bars at the session's open, 18:00 New York the evening before, with the date
 * the session ends in `session_end_date`. Each is dated here by its own session: futures by
 * `session_end_date`, crypto and forex (`X:`, `C:`) by the UTC day of the bar, the others by the
 * New York day. Joining on the naive New York date of `window_start` puts crypto and futures a
 * day early.
 *
 * Across assets, a day bar's close is not one instant either (stocks 16:00 New York, crypto
 * 00:00 UTC, futures 17:00): `returnsAtClock` samples every asset's minute bars at one clock time
 * instead. On the stock calendar (`calendar: "stocks"`), a day with no stock session (weekend,
 * NYSE holiday) is dropped before returns are taken, so the moves of those days compound into
 * the next stock day's return.
 */
import pl from "nodejs-polars";
import { KitError } from "../util/errors";
import { isOpen, parseDate } from "./calendar";
import { type Frame, isLazy, utcOf } from "./frames";

export interface ReturnsOptions {
  /** `own`: each ticker on the days its file has (default); `stocks`: only NYSE trading days, the gaps compounded. */
  calendar?: "own" | "stocks";
}

function checkCalendarChoice(calendar: unknown): "own" | "stocks" {
  if (calendar === undefined || calendar === "own" || calendar === "stocks") return calendar ?? "own";
  throw new KitError(
    "analysis.calendar",
    `"${String(calendar).slice(0, 40)}" is not a choice of days: write "own" (each ticker's own days) or "stocks" (NYSE trading days).`,
  );
}

/** The session date of each day bar, as text YYYY-MM-DD (see the module comment). */
export function sessionDate(columns: string[]): pl.Expr {
  const sessionEnd = pl.col("session_end_date").cast(pl.Utf8);
  if (!columns.includes("window_start")) {
    if (columns.includes("session_end_date")) return sessionEnd;
    // A frame with only the loader's New York datetime (stocks, indices: bars stamped at midnight there).
    if (columns.includes("window_start_ny")) return pl.col("window_start_ny").dt.strftime("%Y-%m-%d");
    throw new KitError(
      "analysis.columns",
      `Dating day bars needs window_start or session_end_date (this frame has ${columns.join(", ").slice(0, 160)}).`,
    );
  }
  const utc = utcOf(pl.col("window_start"));
  const byStamp = pl
    .when(pl.col("ticker").str.contains("^[XC]:"))
    .then(utc.dt.strftime("%Y-%m-%d"))
    .otherwise(utc.dt.convertTimeZone("America/New_York").dt.strftime("%Y-%m-%d"));
  // Futures rows of a frame that also holds other assets' bars carry session_end_date, the others null.
  return columns.includes("session_end_date") ? sessionEnd.fillNull(byStamp) : byStamp;
}

/** Long (date, ticker, price) rows as wide returns: one row per date, one column per ticker, in the caller's order. */
function wideReturns(long: pl.DataFrame, tickers: string[], calendar: "own" | "stocks"): pl.DataFrame {
  const days = calendar === "stocks" ? long.filter(pl.col("date").isIn(stockDays(long))) : long;
  const returns = days
    .sort(["ticker", "date"])
    .withColumns(pl.col("price").div(pl.col("price").shift(1).over("ticker")).minus(1).alias("return"))
    .filter(pl.col("return").isNotNull());
  if (returns.height === 0) return pl.DataFrame({ date: [] as string[] });
  const wide = returns.pivot("return", { index: "date", on: "ticker" });
  // A ticker with no rows in these days has no column.
  return wide.sort("date").select("date", ...tickers.filter((t) => wide.columns.includes(t)));
}

function stockDays(long: pl.DataFrame): string[] {
  const dates = long.getColumn("date").unique().toArray() as string[];
  return dates.filter((d) => isOpen(parseDate(d), "nyse"));
}

/**
 * Daily close-to-close returns per ticker from day bars of several days (a loaded frame or a
 * `scanDays` query; stocks, indices, crypto, forex day bars or futures session bars), as a wide
 * frame: one row per date, one column per ticker. Each bar is dated by its session (module
 * comment); the first day of each ticker has no return and is left out. `calendar: "stocks"`
 * keeps NYSE trading days only, compounding weekend and holiday moves into the next one.
 */
export function dailyReturns(dayAggs: Frame, tickers: string[], options: ReturnsOptions = {}): pl.DataFrame {
  const calendar = checkCalendarChoice(options.calendar);
  const lf = isLazy(dayAggs) ? dayAggs : dayAggs.lazy();
  const long = lf
    .filter(pl.col("ticker").isIn(tickers))
    .select(sessionDate(dayAggs.columns).alias("date"), pl.col("ticker"), pl.col("close").alias("price"))
    .collectSync();
  const twice = long.groupBy(["ticker", "date"]).len().filter(pl.col("len").gt(1));
  if (twice.height > 0) {
    const [row] = twice.head(1).toRecords() as { ticker: string; date: string }[];
    throw new KitError(
      "analysis.duplicate",
      `${row.ticker} has more than one bar dated ${row.date}: pass day bars (one per ticker and day), not minute bars, or a file listed twice.`,
    );
  }
  return wideReturns(long, tickers, calendar);
}

export interface ClockOptions {
  /** The New York clock time every asset is priced at, "HH:MM" (default "16:00", the stock close). */
  at?: string;
  /** How old the last bar before `at` may be, in minutes (default 15): an older one gives no price that day. */
  maxStaleMinutes?: number;
  /** Default `stocks`: NYSE trading days, weekends compounded into the next one. */
  calendar?: "own" | "stocks";
}

function minutesOf(at: string): number {
  const m = /^(\d{2}):(\d{2})$/.exec(String(at));
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59) {
    throw new KitError(
      "analysis.clock",
      `"${String(at).slice(0, 20)}" is not a clock time: write HH:MM, such as 16:00.`,
    );
  }
  return Number(m[1]) * 60 + Number(m[2]);
}

/**
 * Returns of any assets from their minute bars, each priced at the same New York clock time
 * every day (`at`, default 16:00): the close of the last bar that ended by then (its start at
 * least a minute before `at`), no older than `maxStaleMinutes`. Wide, like `dailyReturns`; on
 * the stock calendar by default, so crypto's and forex's weekend moves land in Monday's return.
 */
export function returnsAtClock(
  minuteAggs: Frame,
  tickers: string[],
  options: ClockOptions = {},
): pl.DataFrame {
  const calendar = checkCalendarChoice(options.calendar ?? "stocks");
  const at = minutesOf(options.at ?? "16:00");
  const stale = options.maxStaleMinutes ?? 15;
  if (!Number.isFinite(stale) || stale < 0) {
    throw new KitError(
      "analysis.stale",
      `${String(stale).slice(0, 20)} is not a number of minutes: give 0 or more.`,
    );
  }
  const lf = isLazy(minuteAggs) ? minuteAggs : minuteAggs.lazy();
  const ny = utcOf(pl.col("window_start")).dt.convertTimeZone("America/New_York");
  const minute = ny.dt.hour().cast(pl.Int32).mul(60).plus(ny.dt.minute().cast(pl.Int32));
  const long = lf
    .filter(pl.col("ticker").isIn(tickers))
    .withColumns(ny.dt.strftime("%Y-%m-%d").alias("date"), minute.alias("_m"))
    .filter(
      pl
        .col("_m")
        .ltEq(at - 1)
        .and(pl.col("_m").gtEq(at - 1 - stale)),
    )
    .sort(["ticker", "window_start"])
    .groupBy(["ticker", "date"])
    .agg(pl.col("close").last().alias("price"))
    .collectSync();
  return wideReturns(long, tickers, calendar);
}
