/** Per-minute statistics of trades (VWAP) and quotes (time-weighted spreads). */
import pl from "nodejs-polars";
import { KitError } from "../util/errors";
import { type TradeRule, checkStockTrades, tradeRuleExpr } from "./eligibility";
import { type Frame, clockOf, inKind, isLazy, minuteColumns, resolveTickers, utcOf } from "./frames";

/** Which trades an analysis takes: by the kit's rule (eligibility.ts, default `{ use: "vwap", hours: "regular" }`), or every row. */
export type TradeChoice = TradeRule | "all";

export interface VwapOptions {
  /** Keep only these tickers. */
  tickers?: string[];
  /** The trades taken (default: eligibility.ts's rule for VWAP, regular hours). */
  trades?: TradeChoice;
}

/** A frame's trades as a choice takes them. */
export function chosenTrades(
  lf: pl.LazyDataFrame,
  frame: Frame,
  choice: TradeChoice | undefined,
  what: string,
) {
  if (choice === "all") return lf;
  if (!isLazy(frame)) checkStockTrades(frame, what);
  return lf.filter(tradeRuleExpr(frame.columns, choice ?? {}));
}

function tickerFilter(lf: pl.LazyDataFrame, frame: Frame, tickers: string[] | undefined): pl.LazyDataFrame {
  if (!tickers?.length) return lf;
  return lf.filter(pl.col("ticker").isIn(isLazy(frame) ? tickers : resolveTickers(frame, tickers)));
}

/**
 * Per ticker and minute of a stock trades frame: `vwap` = sum(price × size) / sum(size), `volume`
 * (sum of sizes) and `trades` (count), with `minute` (UTC) and `minute_ny`, sorted by ticker and
 * minute.
 *
 * Trades taken: by default the kit's rule for VWAP (eligibility.ts; `describeTradeRule()` says it
 * in a sentence): 09:30-16:00 New York (13:00 on an NYSE early close), no Form T (12), none of the prints that add no volume
 * (15, 16, 38), none away from the market or priced at another time, no cancelled or erroneous
 * trade. The frame needs `conditions` and `correction` for that; `{ trades: "all" }` takes every
 * row (option, crypto trades), `{ trades: { hours: "all" } }` the rule at every hour.
 * A second argument that is a list is the tickers (the earlier form).
 */
export function vwapByMinute(trades: pl.DataFrame, options?: VwapOptions | string[]): pl.DataFrame;
export function vwapByMinute(trades: pl.LazyDataFrame, options?: VwapOptions | string[]): pl.LazyDataFrame;
export function vwapByMinute(trades: Frame, options: VwapOptions | string[] = {}): Frame {
  const opts: VwapOptions = Array.isArray(options) ? { tickers: options } : options;
  const clock = clockOf(trades.columns, ["ticker", "price", "size"], "vwapByMinute");
  return inKind(trades, (lf) =>
    chosenTrades(tickerFilter(lf, trades, opts.tickers), trades, opts.trades, "vwapByMinute")
      .groupBy([pl.col("ticker"), ...minuteColumns(clock)])
      .agg(
        pl.col("price").mul(pl.col("size")).sum().div(pl.col("size").sum()).alias("vwap"),
        pl.col("size").sum().alias("volume"),
        pl.len().cast(pl.Int64).alias("trades"),
      )
      .sort(["ticker", "minute"]),
  );
}

/** The smallest value whose cumulative weight (values in order) reaches half the total: a time-weighted median, as an aggregation. */
function weightedMedian(value: string, weight: string): pl.Expr {
  const inOrder = (c: string) => pl.col(c).sortBy(value);
  return inOrder(value)
    .filter(inOrder(weight).cumSum().gtEq(pl.col(weight).sum().div(2)))
    .first()
    .alias(`${value}_median`);
}

/**
 * Per ticker and minute of a quotes frame (stocks, options, forex): spreads weighted by the time
 * each quote stood, the way a book is in force until the next quote replaces it.
 *
 * A quote stands from its timestamp until the ticker's next quote; its time is cut at minute
 * boundaries, and a minute starts with the quote standing from before it. Only the time under a
 * two-sided, uncrossed quote counts (bid and ask above 0 and ask ≥ bid; a side the file writes
 * as 0 is no quote, and a crossed quote, ask below bid, is a glitch or a moment between venues,
 * not a negative cost). Columns: `quotes` (how many arrived in the minute), `crossed` (how many
 * of those were crossed), `quoted_seconds` (time under a valid quote), `spread_mean` and
 * `spread_median` (ask − bid), `spread_bps_mean` and `spread_bps_median` (in basis points of the
 * mid), the medians time-weighted too; with `minute` (UTC) and `minute_ny`, sorted by ticker and
 * minute. Minutes in which no quote arrived are not rows; the last quote of the day stands to
 * the end of its minute.
 */
export function spreadByMinute(quotes: pl.DataFrame): pl.DataFrame;
export function spreadByMinute(quotes: pl.LazyDataFrame): pl.LazyDataFrame;
export function spreadByMinute(quotes: Frame): Frame {
  const clock = clockOf(quotes.columns, ["ticker", "bid_price", "ask_price"], "spreadByMinute");
  const keys = ["ticker", "minute_ns"];
  return inKind(quotes, (lf) => {
    const minuteNs = utcOf(pl.col("ts")).dt.truncate("1m").cast(pl.Int64);
    const arrived = lf
      .select(
        pl.col("ticker"),
        pl.col(clock).cast(pl.Int64).alias("ts"),
        pl.col("bid_price").cast(pl.Float64).fillNull(0),
        pl.col("ask_price").cast(pl.Float64).fillNull(0),
        pl.lit(1).cast(pl.Int32).alias("arrival"),
      )
      .withColumns(minuteNs.alias("minute_ns"));
    // One row at the start of each minute that has arrivals, carrying the quote standing then.
    const starts = arrived
      .select("ticker", "minute_ns")
      .unique()
      .select(
        pl.col("ticker"),
        pl.col("minute_ns").alias("ts"),
        pl.lit(null).cast(pl.Float64).alias("bid_price"),
        pl.lit(null).cast(pl.Float64).alias("ask_price"),
        pl.lit(0).cast(pl.Int32).alias("arrival"),
        pl.col("minute_ns"),
      );
    const bid = pl.col("bid_price");
    const ask = pl.col("ask_price");
    // Sorted by ticker, a ticker's first row is the start of its first minute (no quote stands
    // yet); plain fills and shifts, masked at the ticker's edges, cost less than windows per ticker.
    const first = pl.col("ticker").neq(pl.col("ticker").shift(1)).fillNull(true);
    const last = pl.col("ticker").neq(pl.col("ticker").shift(-1)).fillNull(true);
    const carried = (side: pl.Expr) => pl.when(first).then(side).otherwise(side.forwardFill());
    const timed = pl
      .concat([starts, arrived], { how: "vertical" })
      .sort(["ticker", "ts", "arrival"])
      .withColumns(carried(bid).alias("bid_price"), carried(ask).alias("ask_price"))
      .withColumns(
        pl
          .minHorizontal([
            pl.when(last).then(pl.lit(null)).otherwise(pl.col("ts").shift(-1)),
            pl.col("minute_ns").plus(60_000_000_000),
          ])
          .minus(pl.col("ts"))
          .cast(pl.Float64)
          .div(1e9)
          .alias("seconds"),
        bid.gt(0).and(ask.gt(0)).and(ask.gtEq(bid)).fillNull(false).alias("valid"),
        bid
          .gt(0)
          .and(ask.gt(0))
          .and(ask.lt(bid))
          .and(pl.col("arrival").eq(1))
          .fillNull(false)
          .alias("is_crossed"),
        ask.minus(bid).alias("spread"),
        ask.minus(bid).div(ask.plus(bid).div(2)).mul(10_000).alias("spread_bps"),
      );
    const valid = timed.filter(pl.col("valid").and(pl.col("seconds").gt(0)));
    const w = pl.col("seconds");
    const sums = timed
      .groupBy(keys)
      .agg(
        pl.col("arrival").sum().cast(pl.Int64).alias("quotes"),
        pl.col("is_crossed").cast(pl.Int64).sum().alias("crossed"),
      );
    const means = valid
      .groupBy(keys)
      .agg(
        w.sum().alias("quoted_seconds"),
        pl.col("spread").mul(w).sum().div(w.sum()).alias("spread_mean"),
        pl.col("spread_bps").mul(w).sum().div(w.sum()).alias("spread_bps_mean"),
        weightedMedian("spread", "seconds"),
        weightedMedian("spread_bps", "seconds"),
      );
    const minute = utcOf(pl.col("minute_ns"));
    return sums
      .join(means, { on: keys, how: "left" })
      .withColumns(
        minute.alias("minute"),
        minute.dt.convertTimeZone("America/New_York").alias("minute_ny"),
        pl.col("quoted_seconds").fillNull(0),
      )
      .select(
        "ticker",
        "minute",
        "minute_ny",
        "quotes",
        "crossed",
        "quoted_seconds",
        "spread_mean",
        "spread_median",
        "spread_bps_mean",
        "spread_bps_median",
      )
      .sort(["ticker", "minute"]);
  });
}

/** Refuse a tolerance that is not a positive number of milliseconds. */
export function checkTolerance(ms: unknown): number {
  if (typeof ms !== "number" || !Number.isFinite(ms) || ms <= 0) {
    throw new KitError(
      "analysis.tolerance",
      `${String(ms).slice(0, 40)} is not a tolerance: give a positive number of milliseconds, such as 10_000.`,
    );
  }
  return ms;
}
