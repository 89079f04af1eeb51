/** What the analyses share: a frame loaded or lazy, answered in kind, and the columns rows are timed by. */
import pl from "nodejs-polars";
import { KitError } from "../util/errors";

/** A loaded day, or a lazy query of days (scanDays): the helpers accept either and answer in kind. */
export type Frame = pl.DataFrame | pl.LazyDataFrame;

export const isLazy = (frame: Frame): frame is pl.LazyDataFrame => "collectSync" in frame;

/** Run a lazy computation on a frame, collecting it when the frame was a DataFrame. */
export function inKind<T extends Frame>(frame: T, compute: (lf: pl.LazyDataFrame) => pl.LazyDataFrame): T {
  const lazy = isLazy(frame);
  const out = compute(lazy ? frame : (frame as pl.DataFrame).lazy());
  return (lazy ? out : out.collectSync()) as T;
}

/** The nanosecond column rows are timed by: the SIP's stamp, else the participant's (forex, crypto), else `timestamp` (futures). */
export function clockOf(columns: string[], needs: string[], what: string): string {
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

/** A nanosecond column as a UTC datetime. */
export const utcOf = (ns: pl.Expr): pl.Expr => ns.cast(pl.Datetime("ns", "UTC"));

/** `minute` (UTC) and `minute_ny`, the start of each row's minute: nanoseconds truncated, as load.ts makes its datetimes. */
export function minuteColumns(clock: string): pl.Expr[] {
  const minute = utcOf(pl.col(clock)).dt.truncate("1m");
  return [minute.alias("minute"), minute.dt.convertTimeZone("America/New_York").alias("minute_ny")];
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
