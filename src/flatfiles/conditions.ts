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
import { ROUND_LOT_TIERS, TIERED_ROUND_LOTS_SINCE, checkRoundLotDate } from "./round-lots";

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
function roundLotExpr(price: pl.Expr, date: string): pl.Expr {
  if (date < TIERED_ROUND_LOTS_SINCE) return pl.lit(100);
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
 * Add `round_lot` (shares) and `odd_lot` (true when `size` is below it) to a day of stock trades
 * (`ticker`, `price`, `size`, in time order). Each ticker's tier comes from its first trade of the
 * day; trades before 3 November 2025 all have a round lot of 100.
 */
export function withOddLots(trades: pl.DataFrame, date: string): pl.DataFrame {
  checkRoundLotDate(date);
  const missing = ["ticker", "price", "size"].filter((c) => !trades.columns.includes(c));
  if (missing.length) {
    throw new KitError(
      "roundlots.columns",
      `This frame lacks ${missing.join(", ")} (it has ${trades.columns.join(", ").slice(0, 120)}): load a us_stocks_sip/trades_v1 day.`,
    );
  }
  const opening = pl.col("price").first().over("ticker");
  return trades
    .withColumns(roundLotExpr(opening, date).alias("round_lot"))
    .withColumns(pl.col("size").lt(pl.col("round_lot")).alias("odd_lot"));
}
