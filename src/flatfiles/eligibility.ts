/**
 * Which stock trades an analysis takes: one rule, from three things a trade carries.
 *
 * 1. Its conditions, by the consolidated update rules of conditions.ts's table (and the sources
 *    named there). Each use has its own test:
 *    - `volume`: every condition updates consolidated volume (leaves out 15 and 16, the market
 *      centers' official open and close, which repeat volume already counted, and 38, a corrected
 *      close).
 *    - `high-low` and `open-close`: every condition updates that part of a bar.
 *    - `vwap`: counts toward volume, and prints at the market at the time it is reported: every
 *      condition updates the high and low (which leaves out Form T 12, 13, and the prints away from
 *      the market: 2, 7, 20, 21, 29, 52, 53...) except odd lots (37), which the SIPs keep out of the
 *      high and low for their size, not their price; and none of the prints priced at another time
 *      (5 bunched and reported late, 10 derivatively priced, 22 prior reference price, 32 and 33
 *      sold out of sequence), which update the high and low but say nothing of the price now.
 *    Indicators (40 held, 57-60 short-sale restriction, 62-71 financial status) carry no rules
 *    and leave a trade as its other codes make it. A code the table does not name is not taken
 *    (nothing says where it printed); a trade with no conditions is a regular sale and is taken.
 * 2. Its time: `regular` keeps 09:30-16:00 New York, 09:30-13:00 on an NYSE early close
 *    (sessions.ts, calendar.ts), `all` keeps every hour the file holds.
 * 3. Its `correction` code (CTA's trade correction indicator, as Polygon's trades carry it;
 *    uncertain for Massive's files, whose documentation does not list the values): 0 is a trade
 *    left alone and 12 the corrected version of one, both taken; 1 (later corrected), 7 (later
 *    found erroneous), 8 (later cancelled), 10 and 11 (cancel and error records) are not.
 */
import pl from "../util/polars";
import { KitError } from "../util/errors";
import { STOCK_TRADE_CONDITIONS, type TradeCondition } from "./conditions";
import { EARLY_CLOSE_MINUTES, nyseEarlyCloses } from "./calendar";
import { STOCK_REGULAR_MINUTES } from "./sessions";

export type TradeUse = "vwap" | "volume" | "high-low" | "open-close";
export type TradeHours = "regular" | "all";

export interface TradeRule {
  /** What the trades feed (default `vwap`). */
  use?: TradeUse;
  /** Which hours (default `regular`). */
  hours?: TradeHours;
}

/** The correction codes whose trade stands (see the module comment). */
export const STANDING_CORRECTIONS: readonly number[] = [0, 12];

/** Odd lots are kept out of the high and low for their size; their price is the market's. */
const ODD_LOT = 37;
/** Prints whose price was set at another time than the report (late, derived, out of sequence). */
const PRICED_ELSEWHERE = new Set([5, 10, 22, 32, 33]);

/** An indicator (held, short-sale restriction, financial status) carries no update rules: it says nothing of the print. */
const indicator = (c: TradeCondition) => c.updatesVolume === null;

const TESTS: Record<TradeUse, (c: TradeCondition) => boolean> = {
  volume: (c) => indicator(c) || c.updatesVolume === true,
  "high-low": (c) => indicator(c) || c.updatesHighLow === true,
  "open-close": (c) => indicator(c) || c.updatesOpenClose === true,
  vwap: (c) =>
    indicator(c) ||
    (c.updatesVolume === true &&
      (c.updatesHighLow === true || c.id === ODD_LOT) &&
      !PRICED_ELSEWHERE.has(c.id)),
};

const USES = Object.keys(TESTS) as TradeUse[];

/** The condition codes a use takes, in the table's order. */
export function takenConditions(use: TradeUse = "vwap"): number[] {
  checkRule({ use });
  return STOCK_TRADE_CONDITIONS.filter(TESTS[use]).map((c) => c.id);
}

/** The named codes a use leaves out (codes the table does not name are left out as well). */
export function leftOutConditions(use: TradeUse = "vwap"): number[] {
  const taken = new Set(takenConditions(use));
  return STOCK_TRADE_CONDITIONS.filter((c) => !taken.has(c.id)).map((c) => c.id);
}

function checkRule(rule: TradeRule): Required<TradeRule> {
  const use = rule.use ?? "vwap";
  const hours = rule.hours ?? "regular";
  if (!USES.includes(use)) {
    throw new KitError(
      "eligibility.use",
      `"${String(use).slice(0, 40)}" is not a use of trades: the rule knows ${USES.join(", ")}.`,
    );
  }
  if (hours !== "regular" && hours !== "all") {
    throw new KitError(
      "eligibility.hours",
      `"${String(hours).slice(0, 40)}" is not a choice of hours: write "regular" (09:30-16:00 New York) or "all".`,
    );
  }
  return { use, hours };
}

/** One sentence saying which trades a rule takes, for an analysis's output. */
export function describeTradeRule(rule: TradeRule = {}): string {
  const { use, hours } = checkRule(rule);
  const out = leftOutConditions(use);
  const when = hours === "regular" ? "09:30-16:00 New York (13:00 on an NYSE early close)" : "at any hour";
  return (
    `Trades taken for ${use}: ${when}, correction ${STANDING_CORRECTIONS.join(" or ")}, ` +
    `no condition among ${out.join(", ")} or unnamed by the table.`
  );
}

/** True where every code of `conditions` is in `ids`, or the trade lists none. */
function allConditionsIn(ids: number[]): pl.Expr {
  const text = pl.col("conditions").cast(pl.Utf8);
  const code = `(?:${ids.join("|")})`;
  const whole = `^\\s*${code}(?:\\s*,\\s*${code})*\\s*$`;
  return text
    .isNull()
    .or(text.str.strip().eq(pl.lit("")))
    .or(text.str.contains(whole));
}

/** The nanosecond column trades are timed by. */
function clock(columns: string[]): string {
  const c = ["sip_timestamp", "participant_timestamp"].find((x) => columns.includes(x));
  if (!c) {
    throw new KitError(
      "eligibility.columns",
      `Taking trades by the regular session needs sip_timestamp (this frame has ${columns.join(", ").slice(0, 160)}): keep it when you scan.`,
    );
  }
  return c;
}

/** Years whose early closes the session rule knows: every year a flat file can be dated in, and then some. */
const EARLY_CLOSE_YEARS = { from: 1990, to: 2100 };
let earlyKeys: number[] | undefined;

/** NYSE early closes as `year * 1000 + day of the year`, the key the rule can compute per row. */
function earlyCloseKeys(): number[] {
  if (!earlyKeys) {
    earlyKeys = [];
    for (let y = EARLY_CLOSE_YEARS.from; y <= EARLY_CLOSE_YEARS.to; y++)
      for (const day of nyseEarlyCloses(y))
        earlyKeys.push(y * 1000 + day - Date.UTC(y, 0, 1) / 86_400_000 + 1);
  }
  return earlyKeys;
}

/** True for a time in the regular session of its own New York day: 09:30-16:00, or to 13:00 on an NYSE early close. */
export function inRegularSession(ns: pl.Expr): pl.Expr {
  const ny = ns.cast(pl.Datetime("ns", "UTC")).dt.convertTimeZone("America/New_York");
  const minutes = ny.dt.hour().cast(pl.Int32).mul(60).plus(ny.dt.minute().cast(pl.Int32));
  const day = ny.dt.year().cast(pl.Int32).mul(1000).plus(ny.dt.ordinalDay().cast(pl.Int32));
  const beforeEarlyClose = minutes.lt(EARLY_CLOSE_MINUTES).or(day.isIn(earlyCloseKeys()).not());
  return minutes
    .gtEq(STOCK_REGULAR_MINUTES.from)
    .and(minutes.lt(STOCK_REGULAR_MINUTES.to))
    .and(beforeEarlyClose);
}

/**
 * The rule as one polars expression over a trades frame's columns: true where a trade is taken.
 * It needs `conditions` and `correction` (and `sip_timestamp` for the regular session): a frame
 * without them is refused, naming the columns to keep, rather than every trade taken silently.
 */
export function tradeRuleExpr(columns: string[], rule: TradeRule = {}): pl.Expr {
  const { use, hours } = checkRule(rule);
  const missing = ["conditions", "correction"].filter((c) => !columns.includes(c));
  if (missing.length) {
    throw new KitError(
      "eligibility.columns",
      `Choosing trades by their conditions and corrections needs the columns ${missing.join(" and ")} ` +
        `(this frame has ${columns.join(", ").slice(0, 160)}): keep them when you scan, or take every trade with { trades: "all" }.`,
    );
  }
  const standing = pl.col("correction").cast(pl.Int64).isIn(STANDING_CORRECTIONS.map(Number));
  const taken = allConditionsIn(takenConditions(use)).and(standing.fillNull(pl.lit(true)));
  return hours === "regular" ? taken.and(inRegularSession(pl.col(clock(columns)))) : taken;
}

/** Refuse option and crypto trades: their conditions are OPRA's or the exchanges', not the stock table's. */
export function checkStockTrades(frame: pl.DataFrame | pl.LazyDataFrame, what: string): void {
  if (!("collectSync" in frame) && frame.columns.includes("ticker")) {
    const other = frame.filter(pl.col("ticker").str.contains("^[OXC]:")).height;
    if (other > 0) {
      throw new KitError(
        "eligibility.asset",
        `${what} chooses trades by the stock condition table, and this frame holds option, forex or crypto tickers (O:, C:, X:): ` +
          `pass { trades: "all" } to take every trade of those.`,
      );
    }
  }
}

/** The trades a rule takes (see the module comment for the rule and describeTradeRule for a sentence of it). */
export function eligibleTrades(trades: pl.DataFrame, rule?: TradeRule): pl.DataFrame;
export function eligibleTrades(trades: pl.LazyDataFrame, rule?: TradeRule): pl.LazyDataFrame;
export function eligibleTrades(
  trades: pl.DataFrame | pl.LazyDataFrame,
  rule: TradeRule = {},
): pl.DataFrame | pl.LazyDataFrame {
  checkStockTrades(trades, "eligibleTrades");
  const keep = tradeRuleExpr(trades.columns, rule);
  return (trades as pl.DataFrame).filter(keep);
}
