/** Each trade against the quote standing before it: an as-of join that keeps every quote. */
import pl from "nodejs-polars";
import { KitError } from "../util/errors";
import { clockOf } from "./frames";
import { type TradeChoice, checkTolerance, chosenTrades } from "./minute-stats";

export interface QuoteJoinOptions {
  /** How old the standing quote may be, in milliseconds (default 10 000): an older one is no quote. */
  toleranceMs?: number;
  /** The trades taken (default: eligibility.ts's rule for VWAP, regular hours: prints at the market). */
  trades?: TradeChoice;
}

/**
 * Each taken trade with the quote of its ticker standing just before it: `bid_price`,
 * `ask_price`, `quote_timestamp`, `quote_age_ms`, `quote` (its state) and `side` (where the
 * trade printed against it), sorted by time.
 *
 * - Every quote is a candidate, one-sided ones (a side written as 0) and crossed ones (ask below
 *   bid) included: dropping them first would pair a trade with an older quote that no longer
 *   stood.
 * - Strictly prior: a quote stamped at the trade's own nanosecond is not taken (it may be the
 *   quote the trade caused).
 * - A tolerance: a standing quote older than `toleranceMs` is treated as none.
 * - `quote` is `two-sided`, `locked` (bid = ask), `one-sided`, `crossed` or `none`; `side` is
 *   `at or above the ask`, `at or below the bid` or `inside the spread` for a two-sided quote,
 *   null otherwise (unclassifiable: no trade is placed against a quote that does not say where
 *   the market was).
 */
export function tradesWithQuotes(
  trades: pl.DataFrame,
  quotes: pl.DataFrame,
  options: QuoteJoinOptions = {},
): pl.DataFrame {
  const tolerance = checkTolerance(options.toleranceMs ?? 10_000);
  const tClock = clockOf(trades.columns, ["ticker", "price"], "tradesWithQuotes (trades)");
  const qClock = clockOf(quotes.columns, ["ticker", "bid_price", "ask_price"], "tradesWithQuotes (quotes)");
  const clash = ["bid_price", "ask_price", "quote_timestamp"].filter((c) => trades.columns.includes(c));
  if (clash.length) {
    throw new KitError(
      "analysis.columns",
      `The trades already have ${clash.join(", ")}: pass the trades as loaded, and the quotes as a second frame.`,
    );
  }
  const taken = chosenTrades(trades.lazy(), trades, options.trades, "tradesWithQuotes")
    .withColumns(pl.col(tClock).cast(pl.Int64).alias("_t"))
    .sort("_t")
    .collectSync();
  const book = quotes
    .select(
      pl.col("ticker"),
      pl.col(qClock).cast(pl.Int64).alias("_t"),
      pl.col(qClock).alias("quote_timestamp"),
      pl.col("bid_price").cast(pl.Float64).fillNull(0),
      pl.col("ask_price").cast(pl.Float64).fillNull(0),
    )
    .sort("_t");
  const joined = taken.joinAsof(book, {
    on: "_t",
    by: "ticker",
    strategy: "backward",
    allowExactMatches: false,
    tolerance: Math.round(tolerance * 1e6),
  });
  const bid = pl.col("bid_price");
  const ask = pl.col("ask_price");
  const price = pl.col("price");
  const state = pl
    .when(pl.col("quote_timestamp").isNull())
    .then(pl.lit("none"))
    .when(bid.ltEq(0).or(ask.ltEq(0)))
    .then(pl.lit("one-sided"))
    .when(ask.lt(bid))
    .then(pl.lit("crossed"))
    .when(ask.eq(bid))
    .then(pl.lit("locked"))
    .otherwise(pl.lit("two-sided"));
  return joined
    .withColumns(state.alias("quote"))
    .withColumns(
      pl
        .col("_t")
        .minus(pl.col("quote_timestamp").cast(pl.Int64))
        .cast(pl.Float64)
        .div(1e6)
        .alias("quote_age_ms"),
      pl
        .when(pl.col("quote").neq(pl.lit("two-sided")))
        .then(pl.lit(null))
        .when(price.gtEq(ask))
        .then(pl.lit("at or above the ask"))
        .when(price.ltEq(bid))
        .then(pl.lit("at or below the bid"))
        .otherwise(pl.lit("inside the spread"))
        .alias("side"),
      pl
        .when(pl.col("quote").eq(pl.lit("none")))
        .then(pl.lit(null))
        .otherwise(bid)
        .alias("bid_price"),
      pl
        .when(pl.col("quote").eq(pl.lit("none")))
        .then(pl.lit(null))
        .otherwise(ask)
        .alias("ask_price"),
    )
    .drop("_t");
}
