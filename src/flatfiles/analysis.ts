/**
 * The analyses the notebooks show, kept in the library so their cells stay short. This module
 * holds the day-level ones and gathers the others: minute-stats.ts (VWAP, spreads),
 * trade-quotes.ts (the as-of join), returns.ts (returns dated by session), daily-bars.ts (day
 * bars from minute bars); eligibility.ts says which trades each takes.
 */
import pl from "nodejs-polars";
import { KitError } from "../util/errors";

export { resolveTickers } from "./frames";
export { vwapByMinute, spreadByMinute, type VwapOptions, type TradeChoice } from "./minute-stats";
export { tradesWithQuotes, type QuoteJoinOptions } from "./trade-quotes";
export { dailyReturns, returnsAtClock, sessionDate, type ReturnsOptions, type ClockOptions } from "./returns";
export { dailyBarsFromMinutes } from "./daily-bars";
export { eligibleTrades, describeTradeRule, takenConditions, type TradeRule } from "./eligibility";

export interface Move {
  ticker: string;
  /** Close against the previous close (split-adjusted), in percent. */
  change_pct: number;
  close: number;
  /** The previous day's close, divided by the split ratio where a split took effect. */
  previous_close: number;
  volume: number;
  /** close × volume, the floor's measure of how much traded. */
  dollar_volume: number;
}

export interface MoverOptions {
  /** How many gainers and how many losers (default 5). */
  n?: number;
  /** Leave out stocks closing under this price, in dollars (default 5: penny stocks move by ticks). */
  minPrice?: number;
  /** Leave out stocks that traded less than this many dollars in the day (default 10 000 000). */
  minDollarVolume?: number;
  /** Splits taking effect on the day: `ratio` new shares per old one (NVDA's 10-for-1: 10; a 1-for-10 reverse split: 0.1). */
  splits?: { ticker: string; ratio: number }[];
}

function checkMoverOptions(o: MoverOptions): Required<MoverOptions> {
  const n = o.n ?? 5;
  const minPrice = o.minPrice ?? 5;
  const minDollarVolume = o.minDollarVolume ?? 10_000_000;
  const bad = (what: string, v: unknown) =>
    new KitError(
      "analysis.movers",
      `${what} ${String(v).slice(0, 30)} is not valid: give a number of 0 or more.`,
    );
  if (!Number.isInteger(n) || n < 1) throw bad("n =", n);
  if (!(minPrice >= 0)) throw bad("minPrice =", minPrice);
  if (!(minDollarVolume >= 0)) throw bad("minDollarVolume =", minDollarVolume);
  for (const s of o.splits ?? []) {
    if (!(typeof s?.ratio === "number" && s.ratio > 0))
      throw bad(`the split ratio of ${String(s?.ticker)}`, s?.ratio);
  }
  return { n, minPrice, minDollarVolume, splits: o.splits ?? [] };
}

/**
 * The day's `n` biggest gainers and `n` biggest losers among stocks, from the previous trading
 * day's close (so an overnight move counts, as on an earnings day), split-adjusted with
 * `splits` (the REST API's /stocks/v1/splits lists them; without it a split shows as a crash).
 * Floors a quant sets before ranking: a closing price of at least `minPrice` and a dollar volume
 * (close × volume) of at least `minDollarVolume`. A ticker missing from either day is left out.
 */
export function topMovers(day: pl.DataFrame, previous: pl.DataFrame, options: MoverOptions = {}): Move[] {
  if (typeof (previous as { select?: unknown } | undefined)?.select !== "function") {
    throw new KitError(
      "analysis.movers",
      "topMovers takes the day's bars and the previous trading day's bars (then options such as { n: 5 }): " +
        "moves are measured from the previous close.",
    );
  }
  const o = checkMoverOptions(options);
  const ratio = pl.DataFrame([
    pl.Series(
      "ticker",
      o.splits.map((s) => String(s.ticker)),
      pl.Utf8,
    ),
    pl.Series(
      "ratio",
      o.splits.map((s) => s.ratio),
      pl.Float64,
    ),
  ]);
  const prev = previous.select(pl.col("ticker"), pl.col("close").alias("_prev"));
  const moves = day
    .select("ticker", "close", "volume")
    .join(prev, { on: "ticker", how: "inner" })
    .join(ratio, { on: "ticker", how: "left" })
    .withColumns(pl.col("_prev").div(pl.col("ratio").fillNull(1)).alias("previous_close"))
    .withColumns(
      pl.col("close").div(pl.col("previous_close")).minus(1).mul(100).alias("change_pct"),
      pl.col("close").mul(pl.col("volume")).alias("dollar_volume"),
    )
    .filter(pl.col("close").gtEq(o.minPrice).and(pl.col("dollar_volume").gtEq(o.minDollarVolume)))
    .select("ticker", "change_pct", "close", "previous_close", "volume", "dollar_volume")
    .sort(["change_pct", "ticker"], [true, false]);
  // On a thin day (fewer than 2n tickers) head(n) and tail(n) overlap: split the rows instead,
  // so no ticker is listed both as a gainer and as a loser.
  const gainers = Math.min(o.n, Math.ceil(moves.height / 2));
  const losers = Math.min(o.n, moves.height - gainers);
  return [
    ...(moves.head(gainers).toRecords() as unknown as Move[]),
    ...(losers > 0 ? (moves.tail(losers).toRecords() as unknown as Move[]) : []),
  ];
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
