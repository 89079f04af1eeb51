/**
 * Round lots and odd lots of US stocks. An odd lot is a trade smaller than its stock's round lot;
 * the SIPs mark it with condition 37 ("Odd Lot Trade").
 *
 * Until 31 October 2025 every stock's round lot was 100 shares. From 3 November 2025 the SEC's
 * amended Regulation NMS (the market data infrastructure rules) ties the round lot to the price:
 * 100 shares up to $250.00, 40 shares from $250.01 to $1,000.00, 10 shares from $1,000.01 to
 * $10,000.00 and 1 share above (the CTA and UTP SIPs' vendor alerts of October 2025; docs/concepts.md
 * names the sources). The rule fixes each stock's tier from its average closing price over an
 * earlier month and keeps it for months; the kit cannot see that average, so it takes a price you
 * choose (`withOddLots` in conditions.ts: the ticker's first trade of the day), which matches the real tier
 * except for a stock whose price crossed a boundary since. No polars here: the sandbox's
 * generator uses it in worker threads.
 */
import { KitError } from "../util/errors";

/** The first trading day of price-tiered round lots. */
export const TIERED_ROUND_LOTS_SINCE = "2025-11-03";

/** The tiers: a price up to `upTo` dollars has a round lot of `shares`. */
export const ROUND_LOT_TIERS: readonly { upTo: number; shares: number }[] = [
  { upTo: 250, shares: 100 },
  { upTo: 1_000, shares: 40 },
  { upTo: 10_000, shares: 10 },
  { upTo: Number.POSITIVE_INFINITY, shares: 1 },
];

/** Refuses a date not written YYYY-MM-DD (the tiers compare dates as text). */
export function checkRoundLotDate(date: string): void {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) {
    throw new KitError(
      "roundlots.date",
      `"${String(date).slice(0, 40)}" is not a date: write it YYYY-MM-DD, for example 2026-11-20.`,
    );
  }
}

/** The round lot, in shares, of a stock trading at `price` dollars on `date` (YYYY-MM-DD). */
export function roundLotOf(price: number, date: string): number {
  checkRoundLotDate(date);
  if (!Number.isFinite(price) || price <= 0) {
    throw new KitError(
      "roundlots.price",
      `${String(price).slice(0, 40)} is not a price: give a positive number of dollars.`,
    );
  }
  if (date < TIERED_ROUND_LOTS_SINCE) return 100;
  return ROUND_LOT_TIERS.find((t) => price <= t.upTo)!.shares;
}
