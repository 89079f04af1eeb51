/** Day bars rebuilt from a stock's minute bars, as Massive's day bars are made. */
import pl from "nodejs-polars";
import { type Frame, inKind, utcOf } from "./frames";
import { inRegularSession } from "./eligibility";

/**
 * One bar per ticker and New York date from stock minute bars (a day or a `scanDays` query):
 * `open`, `high`, `low` and `close` from the regular session's minutes only (09:30-16:00 New
 * York, 13:00 on an NYSE early close: a 04:00 pre-market print is not the day's open, and Massive's day bars never open on
 * one), `volume` over every minute the file holds (a day bar's volume counts the extended hours),
 * `regular_volume` over the session's minutes, and `bars` (the session's minute bars). A ticker
 * that traded only outside the session has no row.
 */
export function dailyBarsFromMinutes(minuteAggs: pl.DataFrame): pl.DataFrame;
export function dailyBarsFromMinutes(minuteAggs: pl.LazyDataFrame): pl.LazyDataFrame;
export function dailyBarsFromMinutes(minuteAggs: Frame): Frame {
  const regular = pl.col("_regular");
  const inSession = (c: string) => pl.col(c).filter(regular);
  return inKind(minuteAggs, (lf) =>
    lf
      .withColumns(
        utcOf(pl.col("window_start"))
          .dt.convertTimeZone("America/New_York")
          .dt.strftime("%Y-%m-%d")
          .alias("date"),
        inRegularSession(pl.col("window_start")).alias("_regular"),
      )
      .sort(["ticker", "window_start"])
      .groupBy(["ticker", "date"])
      .agg(
        inSession("open").first().alias("open"),
        inSession("high").max().alias("high"),
        inSession("low").min().alias("low"),
        inSession("close").last().alias("close"),
        pl.col("volume").sum().alias("volume"),
        inSession("volume").sum().alias("regular_volume"),
        regular.cast(pl.Int64).sum().alias("bars"),
      )
      .filter(pl.col("bars").gt(0))
      .sort(["ticker", "date"]),
  );
}
