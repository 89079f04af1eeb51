/**
 * Stock trade conditions: the numbers in the `conditions` column of `us_stocks_sip/trades_v1`
 * (`12,37`) as names, with the SIP's rules for which trades update a consolidated bar.
 *
 * The numbers are Polygon/Massive's own ids, not the SIPs' letters: GET /v3/reference/conditions
 * (https://polygon.io/docs/options/get_v3_reference_conditions) lists each with its name and
 * `update_rules`. The kit cannot call that endpoint offline, so the table is data, and each row
 * says how it was checked (`checked`):
 *
 * - `vendor`: quoted from the API by Polygon itself. Polygon's knowledge-base article "How does
 *   Polygon create the OHLCV aggregate bars?" (https://polygon.io/knowledge-base/article/how-does-polygon-create-the-ohlcv-open-high-low-close-volume-aggregate-bars)
 *   shows id 2, "Average Price Trade", consolidated rules high/low false, open/close false, volume true.
 * - `api-copy`: in copies of the endpoint's answer kept in public repositories, which the search
 *   index held without naming the repository (like the inventory note in
 *   test/fixtures/published/SOURCES.md): a Python test fixture "VERBATIM from
 *   /v3/reference/conditions (2026-10-09), a subset of the 94 the endpoint lists" (index file id
 *   70394478185: ids 1, 2, 7, 12, 14, 16, 32, 37, 38, 41, 60) and Rust test rows "trimmed from the
 *   live conditions listing of 2026-10-05" (file id 70597982416: ids 6, 10, 37, 41). They agree
 *   where they overlap.
 * - `transcription`: only in a hand transcription of the endpoint's table,
 *   `mstrthealias/AGPred` `src/consolidate.h` (commit 2a91141ab62c5da471b0d7b73a72cdd7239746f0),
 *   whose ids match the constants of `zeroallox/go-lib-polygon-io-uo` `polyconst/USEquities.go`
 *   (commit 0b6f1d14391868a63b4ef5d7939c8886bad379b8). Unverified: where it overlaps the copies it
 *   agrees on names and rules except id 41 (it says Trade Thru Exempt updates nothing; both copies
 *   say it updates everything, and the copies are kept).
 *
 * Ids the sources leave out (26, 39, 42-51, 54, 56, 61 and above 71) are not named: an old file's
 * `56` (the 2009 sample) shows as `unknown (56)`. Options trades use OPRA's conditions, another
 * numbering: the helpers refuse option tickers.
 *
 * Which trades count toward bars: Polygon builds its aggregates from the consolidated rules
 * (same article; the SIPs' matrices are in the CTA and UTP output specifications). By this table,
 * these do not update the high and low: 2 Average Price Trade, 7 Cash Sale, 12 Form T/Extended
 * Hours, 13 Extended Hours (Sold Out Of Sequence), 15 and 16 Market Center Official Close/Open,
 * 20 Next Day, 21 Price Variation Trade, 29 Seller, 37 Odd Lot Trade, 52 Contingent Trade,
 * 53 Qualified Contingent Trade; these do not count toward volume: 15, 16 and 38 Corrected
 * Consolidated Close. (Open/close have a few more exclusions: see `updatesOpenClose`.)
 */
import pl from "../util/polars"; // loaded on first use: the condition table needs no polars
import { KitError } from "../util/errors";
import { ROUND_LOT_TIERS, TIERED_ROUND_LOTS_SINCE, checkRoundLotDate, roundLotPeriod } from "./round-lots";

export interface TradeCondition {
  id: number;
  name: string;
  /** Consolidated update rules (null for indicators, which carry none). */
  updatesHighLow: boolean | null;
  updatesOpenClose: boolean | null;
  updatesVolume: boolean | null;
  /** Marked legacy (no longer sent by the SIPs) in the transcription. */
  legacy: boolean;
  checked: "vendor" | "api-copy" | "transcription";
}

type Row = [id: number, name: string, rules: "" | `${"T" | "F"}${"T" | "F"}${"T" | "F"}`, flags?: string];

// [id, name, consolidated high-low/open-close/volume as T or F ("" = no rules), "L" legacy, "V" vendor, "A" api-copy]
const ROWS: Row[] = [
  [0, "Regular Sale", "TTT"],
  [1, "Acquisition", "TTT", "A"],
  [2, "Average Price Trade", "FFT", "VA"],
  [3, "Automatic Execution", "TTT"],
  [4, "Bunched Trade", "TTT"],
  [5, "Bunched Sold Trade", "TFT"],
  [6, "CAP Election", "TTT", "LA"],
  [7, "Cash Sale", "FFT", "A"],
  [8, "Closing Prints", "TTT"],
  [9, "Cross Trade", "TTT"],
  [10, "Derivatively Priced", "TFT", "A"],
  [11, "Distribution", "TTT"],
  [12, "Form T/Extended Hours", "FFT", "A"],
  [13, "Extended Hours (Sold Out Of Sequence)", "FFT"],
  [14, "Intermarket Sweep", "TTT", "A"],
  [15, "Market Center Official Close", "FFF"],
  [16, "Market Center Official Open", "FFF", "A"],
  [17, "Market Center Opening Trade", "TFT"],
  [18, "Market Center Reopening Trade", "TTT"],
  [19, "Market Center Closing Trade", "TTT"],
  [20, "Next Day", "FFT"],
  [21, "Price Variation Trade", "FFT"],
  [22, "Prior Reference Price", "TFT"],
  [23, "Rule 155 Trade (AMEX)", "TTT"],
  [24, "Rule 127 (NYSE Only)", "TTT"],
  [25, "Opening Prints", "TTT"],
  [27, "Stopped Stock (Regular Trade)", "TTT", "L"],
  [28, "Re-Opening Prints", "TTT"],
  [29, "Seller", "FFT"],
  [30, "Sold Last", "TTT"],
  [31, "Sold Last and Stopped Stock", "TTT", "L"],
  [32, "Sold (Out Of Sequence)", "TFT", "A"],
  [33, "Sold (Out of Sequence) and Stopped Stock", "TFT", "L"],
  [34, "Split Trade", "TTT"],
  [35, "Stock Option", "TTT", "L"],
  [36, "Yellow Flag Regular Trade", "TTT"],
  [37, "Odd Lot Trade", "FFT", "A"],
  [38, "Corrected Consolidated Close (per listing market)", "TTF", "A"],
  [40, "Held", ""],
  [41, "Trade Thru Exempt", "TTT", "A"],
  [52, "Contingent Trade", "FFT"],
  [53, "Qualified Contingent Trade", "FFT"],
  [55, "Opening Reopening Trade Detail", "TTT", "L"],
  [57, "Short Sale Restriction Activated", ""],
  [58, "Short Sale Restriction Continued", ""],
  [59, "Short Sale Restriction Deactivated", ""],
  [60, "Short Sale Restriction In Effect", "", "A"],
  [62, "Financial Status - Bankrupt", ""],
  [63, "Financial Status - Deficient", ""],
  [64, "Financial Status - Delinquent", ""],
  [65, "Financial Status - Bankrupt and Deficient", ""],
  [66, "Financial Status - Bankrupt and Delinquent", ""],
  [67, "Financial Status - Deficient and Delinquent", ""],
  [68, "Financial Status - Deficient, Delinquent, and Bankrupt", ""],
  [69, "Financial Status - Liquidation", ""],
  [70, "Financial Status - Creations Suspended", ""],
  [71, "Financial Status - Redemptions Suspended", ""],
];

function rule(rules: string, i: number): boolean | null {
  return rules ? rules[i] === "T" : null;
}

/** The stock trade conditions the kit can name, by id, with their consolidated rules and how each was checked. */
export const STOCK_TRADE_CONDITIONS: readonly TradeCondition[] = ROWS.map(
  ([id, name, rules, flags = ""]) => ({
    id,
    name,
    updatesHighLow: rule(rules, 0),
    updatesOpenClose: rule(rules, 1),
    updatesVolume: rule(rules, 2),
    legacy: flags.includes("L"),
    checked: flags.includes("V") ? "vendor" : flags.includes("A") ? "api-copy" : "transcription",
  }),
);

const BY_ID = new Map(STOCK_TRADE_CONDITIONS.map((c) => [c.id, c]));

/** A condition code as a whole number; text such as "37" is accepted, anything else is a KitError. */
function codeOf(code: number | string): number {
  const text = String(code).trim();
  if (!/^\d{1,4}$/.test(text)) {
    throw new KitError(
      "conditions.code",
      `"${text.slice(0, 40)}" is not a trade condition code: codes are whole numbers such as 12 or 37 (a trade's list "12,37" holds two).`,
    );
  }
  return Number(text);
}

/** The table's entry for a stock trade condition code, or undefined when the sources do not name it. */
export function tradeCondition(code: number | string): TradeCondition | undefined {
  return BY_ID.get(codeOf(code));
}

/** The name of a stock trade condition code (12 → "Form T/Extended Hours"); an id the sources do not name gives "unknown (N)". */
export function conditionName(code: number | string): string {
  const n = codeOf(code);
  return BY_ID.get(n)?.name ?? `unknown (${n})`;
}

/** Refuse option trades, whose codes are OPRA's and would be given stock names. */
function stocksOnly(trades: pl.DataFrame): void {
  if (!trades.columns.includes("conditions")) {
    throw new KitError(
      "conditions.columns",
      `This frame has no "conditions" column (it has ${trades.columns.join(", ")}): load a us_stocks_sip/trades_v1 day.`,
    );
  }
  if (trades.columns.includes("ticker") && trades.filter(pl.col("ticker").str.startsWith("O:")).height > 0) {
    throw new KitError(
      "conditions.options",
      "These are option trades: their condition codes are OPRA's, which this stock table does not describe.",
    );
  }
}

/** One code (text) as its name: known ids by the table, other numbers as "unknown (N)". */
function named(code: pl.Expr): pl.Expr {
  const ids = STOCK_TRADE_CONDITIONS.map((c) => String(c.id));
  const names = STOCK_TRADE_CONDITIONS.map((c) => c.name);
  return code.str.strip().replace(ids, names).str.replace("^(\\d+)$", "unknown ($1)");
}

/** The codes of each row, as a list of text; an empty or missing `conditions` gives null. */
function codeLists(): pl.Expr {
  const text = pl.col("conditions").cast(pl.Utf8);
  return pl
    .when(text.str.strip().eq(pl.lit("")))
    .then(pl.lit(null))
    .otherwise(text)
    .str.split(",");
}

/**
 * Add `condition_names`: each trade's conditions as names joined by "; " (names can hold commas),
 * in the order the file lists them; null where `conditions` is empty or missing. `conditions` is
 * the loader's text: the file quotes a multi-code list (`"12,37"`) and the loader keeps `12,37`.
 */
export function withConditionNames(trades: pl.DataFrame): pl.DataFrame {
  stocksOnly(trades);
  return trades.withColumns(
    codeLists().list.eval(named(pl.element())).list.join("; ").alias("condition_names"),
  );
}

/**
 * One row per trade and condition code, with `condition` (Int64) and `condition_name` added, for
 * counting trades by condition; a trade with no conditions keeps one row with nulls there.
 */
export function explodeConditions(trades: pl.DataFrame): pl.DataFrame {
  stocksOnly(trades);
  return trades
    .withColumns(codeLists().alias("condition"))
    .explode("condition")
    .withColumns(
      named(pl.col("condition")).alias("condition_name"),
      pl.col("condition").str.strip().cast(pl.Int64, false).alias("condition"),
    );
}

/** The round lot as a polars expression of a price column, by round-lots.ts's tiers. */
function roundLotExpr(price: pl.Expr): pl.Expr {
  const [a, b, c] = ROUND_LOT_TIERS;
  return pl
    .when(price.ltEq(a.upTo))
    .then(pl.lit(a.shares))
    .when(price.ltEq(b.upTo))
    .then(pl.lit(b.shares))
    .when(price.ltEq(c.upTo))
    .then(pl.lit(c.shares))
    .otherwise(pl.lit(ROUND_LOT_TIERS[3].shares));
}

/**
 * Each stock's round lot for the period in force on `date`, from day bars of the period's
 * evaluation month (`roundLotPeriod(date).evaluationMonth`: September for November to April,
 * March for May to October): one row per ticker with `average_close`, `round_lot`,
 * `evaluation_month` and `effective`. The bars' closes are consolidated closes, a stand-in for
 * the primary exchange's (round-lots.ts). Bars of any other month are refused, naming the month
 * to load.
 */
export function roundLotsFromCloses(dayAggs: pl.DataFrame, date: string): pl.DataFrame {
  const period = roundLotPeriod(date);
  if (!period) {
    throw new KitError(
      "roundlots.untiered",
      `On ${date} every round lot was 100 shares (tiers began ${TIERED_ROUND_LOTS_SINCE}): no closes are needed.`,
    );
  }
  const month = pl
    .col("window_start")
    .cast(pl.Datetime("ns", "UTC"))
    .dt.convertTimeZone("America/New_York")
    .dt.strftime("%Y-%m");
  const months = dayAggs.select(month.alias("m")).unique().getColumn("m").toArray() as string[];
  const other = months.filter((m) => m !== period.evaluationMonth);
  if (other.length || months.length === 0) {
    throw new KitError(
      "roundlots.month",
      `The round lots in force on ${date} (from ${period.effective}) come from the average closes of ${period.evaluationMonth}: ` +
        `pass that month's us_stocks_sip/day_aggs_v1 days${other.length ? ` (these bars are from ${other.sort().join(", ")})` : ""}.`,
    );
  }
  return dayAggs
    .groupBy("ticker")
    .agg(pl.col("close").mean().alias("average_close"))
    .withColumns(
      roundLotExpr(pl.col("average_close")).cast(pl.Int64).alias("round_lot"),
      pl.lit(period.evaluationMonth).alias("evaluation_month"),
      pl.lit(period.effective).alias("effective"),
    )
    .sort("ticker");
}

/** Where `withOddLots` takes the round lot from. */
export type OddLotSource = "condition-37" | pl.DataFrame;

/**
 * Add `odd_lot` (true for a trade below its stock's round lot), `round_lot` (shares, null where
 * not known) and `odd_lot_rule` (which rule said so) to a day of stock trades.
 *
 * - Before 3 November 2025: a round lot of 100 for every stock.
 * - `"condition-37"` (the default when the frame has `conditions`): the SIP's own mark, condition
 *   37 (Odd Lot Trade), set by the tier in force that day; `round_lot` stays null.
 * - A round-lot table (`roundLotsFromCloses` of the evaluation month, or any frame of `ticker`
 *   and `round_lot`): size below the ticker's round lot; a ticker the table lacks gets nulls.
 * The tier is never taken from the day's own prices: the rule fixes it for six months from an
 * earlier month's average close (round-lots.ts).
 */
export function withOddLots(trades: pl.DataFrame, date: string, source?: OddLotSource): pl.DataFrame {
  checkRoundLotDate(date);
  const missing = ["ticker", "size"].filter((c) => !trades.columns.includes(c));
  if (missing.length) {
    throw new KitError(
      "roundlots.columns",
      `This frame lacks ${missing.join(", ")} (it has ${trades.columns.join(", ").slice(0, 120)}): load a us_stocks_sip/trades_v1 day.`,
    );
  }
  const size = pl.col("size");
  if (date < TIERED_ROUND_LOTS_SINCE) {
    return trades.withColumns(
      pl.lit(100).cast(pl.Int64).alias("round_lot"),
      size.lt(100).alias("odd_lot"),
      pl.lit("100 shares (before tiers)").alias("odd_lot_rule"),
    );
  }
  const by = source ?? (trades.columns.includes("conditions") ? "condition-37" : undefined);
  if (by === "condition-37") {
    stocksOnly(trades);
    const listed = pl.col("conditions").cast(pl.Utf8).fillNull("").str.contains("(^|,)\\s*37\\s*(,|$)");
    return trades.withColumns(
      pl.lit(null).cast(pl.Int64).alias("round_lot"),
      listed.alias("odd_lot"),
      pl.lit("condition 37").alias("odd_lot_rule"),
    );
  }
  if (!(by instanceof Object) || !by.columns?.includes("ticker") || !by.columns.includes("round_lot")) {
    throw new KitError(
      "roundlots.source",
      `Odd lots on ${date} need condition 37 (keep the conditions column) or a round-lot table of ticker and round_lot: ` +
        `roundLotsFromCloses(the day bars of ${roundLotPeriod(date)!.evaluationMonth}, "${date}").`,
    );
  }
  const lots = by as pl.DataFrame;
  const table = lots.select(pl.col("ticker"), pl.col("round_lot").cast(pl.Int64));
  const month = lots.columns.includes("evaluation_month") ? lots.getColumn("evaluation_month").get(0) : null;
  const base: pl.DataFrame = trades.columns.includes("round_lot") ? trades.drop("round_lot") : trades;
  return base
    .join(table, { on: "ticker", how: "left" })
    .withColumns(
      size.lt(pl.col("round_lot")).alias("odd_lot"),
      pl.lit(month ? `round lots of ${month}'s average closes` : "round-lot table").alias("odd_lot_rule"),
    );
}
