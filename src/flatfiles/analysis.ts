/** Small analyses the explorer notebook shows, kept here so its cells stay short. */
import pl from "nodejs-polars";

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
  return [...(moves.head(n).toRecords() as unknown as Move[]), ...(moves.tail(n).toRecords() as unknown as Move[])];
}
