/** Small analyses the explorer notebook shows, kept here so its cells stay short. */
import pl from "nodejs-polars";
import { KitError } from "../util/errors";

export interface Move {
  ticker: string;
  change_pct: number;
  close: number;
  volume: number;
}

/**
 * The day's `n` biggest gainers and `n` biggest losers from a day-aggregates frame (change from
 * open to close, in percent), among tickers that traded at least `minVolume`.
 */
export function topMovers(dayAggs: pl.DataFrame, n = 5, minVolume = 100_000): Move[] {
  const moves = dayAggs
    .filter(pl.col("volume").gtEq(minVolume))
    .withColumns(pl.col("close").div(pl.col("open")).minus(1).mul(100).alias("change_pct"))
    .select("ticker", "change_pct", "close", "volume")
    .sort("change_pct", true);
  // On a thin day (fewer than 2n tickers) head(n) and tail(n) overlap: split the rows instead,
  // so no ticker is listed both as a gainer and as a loser.
  const gainers = Math.min(n, Math.ceil(moves.height / 2));
  const losers = Math.min(n, moves.height - gainers);
  return [
    ...(moves.head(gainers).toRecords() as unknown as Move[]),
    ...(losers > 0 ? (moves.tail(losers).toRecords() as unknown as Move[]) : []),
  ];
}

/** Edit distance, for "did you mean" (tickers are short: the quadratic cost is nothing). */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}

/**
 * The tickers as the frame holds them: one written in lower case is taken in capitals (`"aapl"`
 * is AAPL); one the frame lacks is a KitError naming it with the closest tickers the frame has,
 * instead of an empty table or chart that says nothing.
 */
export function resolveTickers(frame: pl.DataFrame, tickers: string[], what = "this frame"): string[] {
  if (!frame.columns.includes("ticker")) return tickers;
  const have = new Set(frame.getColumn("ticker").unique().toArray() as string[]);
  return tickers.map((t) => {
    const text = String(t);
    if (have.has(text)) return text;
    if (have.has(text.toUpperCase())) return text.toUpperCase();
    const wanted = text.toUpperCase();
    const closest = [...have]
      .map((h) => ({ h, d: distance(wanted, h) - (h.startsWith(wanted.slice(0, 1)) ? 0.5 : 0) }))
      .sort((a, b) => a.d - b.d || a.h.localeCompare(b.h))
      .slice(0, 5)
      .map((x) => x.h);
    throw new KitError(
      "analysis.ticker",
      `${JSON.stringify(text.slice(0, 40))} is not a ticker in ${what} (${have.size} tickers)` +
        (closest.length ? `; the closest: ${closest.join(", ")}.` : "."),
    );
  });
}

/** A loaded day, or a lazy query of days (scanDays): the minute helpers below accept either and answer in kind. */
type Frame = pl.DataFrame | pl.LazyDataFrame;

/** Run a lazy computation on a frame, collecting it when the frame was a DataFrame. */
function inKind<T extends Frame>(frame: T, compute: (lf: pl.LazyDataFrame) => pl.LazyDataFrame): T {
  const lazy = "collectSync" in frame;
  const out = compute(lazy ? (frame as pl.LazyDataFrame) : (frame as pl.DataFrame).lazy());
  return (lazy ? out : out.collectSync()) as T;
}

/** The nanosecond column rows are timed by: the SIP's stamp, else the participant's (forex, crypto), else `timestamp` (futures). */
function clockOf(columns: string[], needs: string[], what: string): string {
  const clock = ["sip_timestamp", "participant_timestamp", "timestamp"].find((c) => columns.includes(c));
  const missing = needs.filter((c) => !columns.includes(c));
  if (!clock || missing.length) {
    throw new KitError(
      "analysis.columns",
      `${what} needs the columns ${[...needs, "sip_timestamp"].join(", ")} (or another timestamp); this frame lacks ` +
        `${[...missing, ...(clock ? [] : ["a timestamp"])].join(", ")} (it has ${columns.join(", ")}).`,
    );
  }
  return clock;
}

/** `minute` (UTC) and `minute_ny`, the start of each row's minute: nanoseconds truncated, as load.ts makes its datetimes. */
function minuteColumns(clock: string): pl.Expr[] {
  const minute = pl.col(clock).cast(pl.Datetime("ns", "UTC")).dt.truncate("1m");
  return [minute.alias("minute"), minute.dt.convertTimeZone("America/New_York").alias("minute_ny")];
}

/**
 * Per ticker and minute of a trades frame: `vwap` = sum(price × size) / sum(size), `volume`
 * (sum of sizes) and `trades` (count), with `minute` (UTC) and `minute_ny`, sorted by ticker and
 * minute. Every trade counts, whatever its conditions (filter with conditions.ts first to follow
 * the SIP's rules); `tickers` keeps only those tickers.
 */
export function vwapByMinute(trades: pl.DataFrame, tickers?: string[]): pl.DataFrame;
export function vwapByMinute(trades: pl.LazyDataFrame, tickers?: string[]): pl.LazyDataFrame;
export function vwapByMinute(trades: Frame, tickers?: string[]): Frame {
  const clock = clockOf(trades.columns, ["ticker", "price", "size"], "vwapByMinute");
  return inKind(trades, (lf) =>
    (tickers?.length
      ? lf.filter(pl.col("ticker").isIn("collectSync" in trades ? tickers : resolveTickers(trades, tickers)))
      : lf
    )
      .groupBy([pl.col("ticker"), ...minuteColumns(clock)])
      .agg(
        pl.col("price").mul(pl.col("size")).sum().div(pl.col("size").sum()).alias("vwap"),
        pl.col("size").sum().alias("volume"),
        pl.len().cast(pl.Int64).alias("trades"),
      )
      .sort(["ticker", "minute"]),
  );
}

/**
 * Per ticker and minute of a quotes frame (stocks, options, forex), over two-sided quotes only (a
 * bid or ask that is 0 or missing, as files write a side with no quote, is left out): `quotes`
 * (how many), `spread_mean` and `spread_median` (ask - bid), `spread_bps_mean` and
 * `spread_bps_median` (the spread in basis points of the mid, (bid + ask) / 2), with `minute` (UTC)
 * and `minute_ny`, sorted by ticker and minute. Crossed quotes (ask below bid) are kept, as
 * negative spreads.
 */
export function spreadByMinute(quotes: pl.DataFrame): pl.DataFrame;
export function spreadByMinute(quotes: pl.LazyDataFrame): pl.LazyDataFrame;
export function spreadByMinute(quotes: Frame): Frame {
  const clock = clockOf(quotes.columns, ["ticker", "bid_price", "ask_price"], "spreadByMinute");
  const spread = pl.col("ask_price").minus(pl.col("bid_price"));
  const bps = spread.div(pl.col("ask_price").plus(pl.col("bid_price")).div(2)).mul(10_000);
  return inKind(quotes, (lf) =>
    lf
      .filter(pl.col("bid_price").gt(0).and(pl.col("ask_price").gt(0)))
      .groupBy([pl.col("ticker"), ...minuteColumns(clock)])
      .agg(
        pl.len().cast(pl.Int64).alias("quotes"),
        spread.mean().alias("spread_mean"),
        spread.median().alias("spread_median"),
        bps.mean().alias("spread_bps_mean"),
        bps.median().alias("spread_bps_median"),
      )
      .sort(["ticker", "minute"]),
  );
}

/**
 * Daily close-to-close returns per ticker from day aggregates of several days (a loaded frame or
 * a `scanDays` query), as a wide frame: one row per date (New York), one column per ticker.
 * The first day has no return and is left out.
 */
export function dailyReturns(dayAggs: pl.DataFrame | pl.LazyDataFrame, tickers: string[]): pl.DataFrame {
  const lf = "collectSync" in dayAggs ? dayAggs : dayAggs.lazy();
  const long = lf
    .filter(pl.col("ticker").isIn(tickers))
    .withColumns(pl.col("window_start_ny").dt.strftime("%Y-%m-%d").alias("date"))
    .select("date", "ticker", "close")
    .sort(["ticker", "date"])
    .withColumns(pl.col("close").div(pl.col("close").shift(1).over("ticker")).minus(1).alias("return"))
    .filter(pl.col("return").isNotNull())
    .collectSync();
  const wide = long.pivot("return", { index: "date", on: "ticker" });
  // Columns in the caller's order; a ticker with no rows in these days has no column.
  return wide.sort("date").select("date", ...tickers.filter((t) => wide.columns.includes(t)));
}

/** Pearson correlation of every pair of `columns`, as heatmap cells `{ row, column, value }`. */
export function correlationCells(
  wide: pl.DataFrame,
  columns: string[],
): { row: string; column: string; value: number }[] {
  return columns.flatMap((row) =>
    columns.map((column) => ({
      row,
      column,
      value:
        row === column
          ? 1
          : (wide.select(pl.pearsonCorr(row, column).alias("r")).getColumn("r").get(0) as number),
    })),
  );
}
