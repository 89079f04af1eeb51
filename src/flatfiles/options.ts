/**
 * Option tickers: what an OCC option symbol says, for one ticker and for a whole day's frame.
 *
 * The symbol (the Options Symbology Initiative, "OSI", in use since 2010) is a root, the
 * expiration as YYMMDD, C or P, and the strike times 1000 in 8 digits: OCC's plan fixes
 * 21 characters (root 6, padded with spaces; year, month, day 2 each; call/put 1; strike
 * dollars 5 and decimals 3). Flat files and the REST API write it without the padding and
 * with an `O:` prefix: `O:SPY251112C00675000`.
 * Sources: OCC, "Options Symbology Initiative" plan v1.8 (2008-08-15), field layout as quoted
 * at http://magmasystems.blogspot.com/2009/01/are-you-all-getting-ready-for-new.html;
 * https://www.macroption.com/option-symbol-parser (the root "can contain digits" and is "in
 * most (but not all) cases same as underlying symbol"); Polygon's own test data,
 * `polygon-io/client-python` `test_rest/mocks/v3/reference/options/OEVRI240119C00002500.json`
 * (commit fafbfe4c66de8192c263ef93e4dd051111197e3d): `O:EVRI240119C00002500` is
 * underlying_ticker EVRI, expiration 2024-01-19, call, strike_price 2.5.
 *
 * The root is what the symbol holds (`root` below): for most contracts it is the underlying's
 * ticker, but an index's weekly and PM-settled options have roots of their own (SPXW for SPX,
 * NDXP for NDX, RUTW for RUT, VIXW for VIX; Cboe's product pages) and contracts adjusted after a
 * corporate action get a digit (AAPL1). `underlying` groups the roots that belong together
 * (ROOT_FAMILIES: SPXW is SPX); an adjusted root stays apart, since its contract delivers
 * something else than 100 shares.
 */
import pl from "nodejs-polars";
import { KitError } from "../util/errors";
import { parseDate } from "./calendar";

/** Roots that are another root's options on the same index (weeklies, PM-settled): root → the family's root. */
export const ROOT_FAMILIES: Readonly<Record<string, string>> = {
  SPXW: "SPX",
  NDXP: "NDX",
  RUTW: "RUT",
  VIXW: "VIX",
};

export interface OptionContract {
  /** What the contract is on: the root, with ROOT_FAMILIES's roots grouped (SPXW → SPX). */
  underlying: string;
  /** The symbol's root as written (SPXW). */
  root: string;
  /** `YYYY-MM-DD`. */
  expiration: string;
  type: "call" | "put";
  strike: number;
}

/** Everything after `O:`: a root of 1-6 letters or digits, YYMMDD, C or P, 8 strike digits. */
const BODY = "([A-Z0-9]{1,6})(\\d{6})([CP])(\\d{8})";
const OPTION_RE = new RegExp(`^O:${BODY}$`);

/** Why a ticker is not an option symbol, or null when it is one. */
function problemWith(ticker: string): string | null {
  if (!ticker.startsWith("O:")) return "it does not start with O:, the prefix of option tickers";
  const body = ticker.slice(2);
  // The strike's length first: the widths below are counted from the end, so a strike with a
  // digit too many or too few would otherwise be blamed on the expiration.
  const tail = /\d{6}[CP](\d+)$/.exec(body);
  if (tail && tail[1].length !== 8) {
    const k = tail[1].length;
    return `its strike "${tail[1].slice(0, 12)}" has ${k} digit${k === 1 ? "" : "s"}, where an option symbol has 8 (the strike times 1000, padded with zeros: 00675000 for 675)`;
  }
  if (body.length < 16 || body.length > 21) {
    return `it has ${body.length} characters after O:, where an option symbol has 16 to 21 (a root of 1 to 6, YYMMDD, C or P, 8 strike digits)`;
  }
  // The last 15 characters have fixed widths, so the root is whatever comes before them.
  const [root, date, letter, strike] = [
    body.slice(0, -15),
    body.slice(-15, -9),
    body.slice(-9, -8),
    body.slice(-8),
  ];
  if (!/^[A-Z0-9]+$/.test(root)) return `its root "${root}" is not 1 to 6 capital letters or digits`;
  if (!/^\d{6}$/.test(date) || !realDate(date))
    return `its expiration "${date}" is not a date written YYMMDD`;
  if (letter !== "C" && letter !== "P") return `its type letter "${letter}" is neither C (call) nor P (put)`;
  if (!/^\d{8}$/.test(strike)) return `its strike "${strike}" is not 8 digits (the strike times 1000)`;
  return null;
}

function realDate(yymmdd: string): boolean {
  try {
    parseDate(isoDate(yymmdd));
    return true;
  } catch {
    return false;
  }
}

/** YYMMDD to YYYY-MM-DD: option symbols date from 2010, so the century is always 20. */
function isoDate(yymmdd: string): string {
  return `20${yymmdd.slice(0, 2)}-${yymmdd.slice(2, 4)}-${yymmdd.slice(4, 6)}`;
}

/** The parts of an option ticker such as `O:SPY251112C00675000`; a KitError says what is wrong with a malformed one. */
export function parseOptionTicker(ticker: string): OptionContract {
  const text = String(ticker);
  const problem = problemWith(text);
  if (problem) {
    const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text;
    throw new KitError(
      "options.ticker",
      `"${shown}" is not an option ticker: ${problem}. Example: O:SPY251112C00675000.`,
    );
  }
  const [, root, date, letter, strike] = OPTION_RE.exec(text)!;
  return {
    underlying: ROOT_FAMILIES[root] ?? root,
    root,
    expiration: isoDate(date),
    type: letter === "C" ? "call" : "put",
    strike: Number(strike) / 1000,
  };
}

/** The n-th part of the symbol in `ticker`, null where the ticker is not an option symbol. */
function part(n: number): pl.Expr {
  return pl.col("ticker").str.extract(OPTION_RE.source, n);
}

/** The expiration as a Date, null for a ticker that is not an option symbol or an impossible date (251340). */
function expiry(): pl.Expr {
  return (pl.concatString([pl.lit("20"), part(2)], "") as pl.Expr).str.strptime(pl.Date, "%Y%m%d");
}

/** A part kept only where the whole symbol is valid, so a row is either fully parsed or all nulls. */
function valid(e: pl.Expr): pl.Expr {
  return pl.when(expiry().isNotNull()).then(e).otherwise(pl.lit(null));
}

/**
 * Add `underlying` (Utf8, the root with ROOT_FAMILIES grouped: SPXW → SPX), `root` (as written),
 * `expiration` (Date), `type` ("call"/"put") and `strike` (Float64) parsed from `ticker` by polars
 * string expressions (no JavaScript per row); rows whose ticker is not an option symbol, or whose
 * date is impossible, get nulls in all five.
 */
export function withOptionColumns(df: pl.DataFrame): pl.DataFrame {
  const families = Object.keys(ROOT_FAMILIES);
  return df.withColumns(
    valid(
      part(1).replace(
        families,
        families.map((r) => ROOT_FAMILIES[r]),
      ),
    ).alias("underlying"),
    valid(part(1)).alias("root"),
    expiry().alias("expiration"),
    valid(part(3).replace(["C", "P"], ["call", "put"])).alias("type"),
    valid(part(4).cast(pl.Float64).div(1000)).alias("strike"),
  );
}

/** One side's column of a chain row: the value of the contract of that type, null if it did not trade. */
function side(column: string, type: "call" | "put"): pl.Expr {
  return pl
    .col(column)
    .filter(pl.col("type").eq(pl.lit(type)))
    .first()
    .alias(`${type}_${column}`);
}

/**
 * One underlying's contracts in a day-aggregates frame, one row per expiration, root and strike,
 * sorted by them: columns `expiration` (Date), `root`, `strike`, `call_volume`, `call_close`,
 * `put_volume`, `put_close` (null where that side did not trade that day). The roots of a family
 * come together (`"SPX"` gives SPX and SPXW: on a third Friday both expire, AM- and PM-settled,
 * so `root` keeps them apart); an adjusted root (AAPL1) does not. The closes are each
 * contract's last trade, hours apart from one contract to another: put-call parity needs quotes
 * at one instant, not these.
 */
export function chain(dayAggs: pl.DataFrame, underlying: string): pl.DataFrame {
  const wanted = ROOT_FAMILIES[underlying] ?? underlying;
  const contracts = withOptionColumns(dayAggs).filter(pl.col("underlying").eq(pl.lit(wanted)));
  if (contracts.height === 0) {
    const busiest = putCallRatio(dayAggs).head(5).getColumn("underlying").toArray().join(", ");
    throw new KitError(
      "options.underlying",
      `No option contracts on "${underlying}" in this frame (roots are written in capitals, as in SPY)` +
        (busiest ? `; the busiest here: ${busiest}.` : "; it holds no option tickers at all."),
    );
  }
  return contracts
    .groupBy(["expiration", "root", "strike"])
    .agg(side("volume", "call"), side("close", "call"), side("volume", "put"), side("close", "put"))
    .sort(["expiration", "root", "strike"]);
}

/**
 * Put and call volume per underlying in a day-aggregates frame (a family's roots together: SPX
 * counts SPXW's contracts), busiest first: columns
 * `underlying`, `call_volume`, `put_volume`, `put_call_ratio` (put / call volume, null when no
 * call traded).
 */
export function putCallRatio(dayAggs: pl.DataFrame): pl.DataFrame {
  const total = (type: "call" | "put") =>
    pl
      .col("volume")
      .filter(pl.col("type").eq(pl.lit(type)))
      .sum()
      .alias(`${type}_volume`);
  return withOptionColumns(dayAggs)
    .filter(pl.col("underlying").isNotNull())
    .groupBy("underlying")
    .agg(total("call"), total("put"))
    .withColumns(
      pl
        .when(pl.col("call_volume").gt(0))
        .then(pl.col("put_volume").div(pl.col("call_volume")))
        .otherwise(pl.lit(null))
        .alias("put_call_ratio"),
    )
    .sort([pl.col("call_volume").plus(pl.col("put_volume")), pl.col("underlying")], [true, false]);
}
