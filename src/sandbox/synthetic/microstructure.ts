/**
 * What a trade or a quote looks like, by asset class: trade sizes with a heavy tail and the odd
 * lots of their era, the conditions the SIPs attach (and in what proportions), spreads in ticks.
 *
 * Odd lots (trades under the round lot) reached the consolidated tape on 2013-12-09; the SEC's
 * data highlight of 2014-01 (sec.gov/marketstructure/research/highlight-2014-01.html) put them at
 * 18-24% of trades in corporate stocks in 2013, and by 2020 they were over half of all trades
 * ("Modernizing Odd Lot Trading", Columbia symposium, discovery.researcher.life; Healthy Markets
 * on the Wall Street Journal's report of a record share above 50%). Since 2025-11-03 the round lot
 * of a stock over $250 is 40 shares or fewer, so fewer trades count as odd lots there.
 */
import { ROUND_LOTS } from "../description";

/** Odd-lot share of trades below 100 shares by era (before the price tilt), linear between points. */
const ODD_LOT_ERA: [string, number][] = [
  ["2013-12-09", 0.19],
  ["2016-01-01", 0.3],
  ["2019-01-01", 0.4],
  ["2020-06-01", 0.5],
  ["2022-01-01", 0.55],
  ["2025-06-01", 0.58],
];

/** The share of a stock's trades under 100 shares on a date, higher for higher-priced stocks. */
export function oddLotShare(date: string, price: number): number {
  const era = eraShare(date);
  return era === 0 ? 0 : Math.min(0.8, Math.max(0.05, era * (1 + 0.12 * Math.log10(price / 100))));
}

function eraShare(date: string): number {
  if (date === lastDate) return lastShare;
  lastDate = date;
  lastShare = computeEraShare(date);
  return lastShare;
}
let lastDate = "";
let lastShare = 0;

function computeEraShare(date: string): number {
  if (date < ODD_LOT_ERA[0][0]) return 0; // not on the consolidated tape before 2013-12-09
  let share = ODD_LOT_ERA.at(-1)![1];
  for (let i = 1; i < ODD_LOT_ERA.length; i++) {
    const [d1, s1] = ODD_LOT_ERA[i];
    if (date < d1) {
      const [d0, s0] = ODD_LOT_ERA[i - 1];
      const f = (Date.parse(date) - Date.parse(d0)) / (Date.parse(d1) - Date.parse(d0));
      share = s0 + (s1 - s0) * f;
      break;
    }
  }
  return share;
}

/**
 * A stock trade's size in shares: an odd lot (1-99, most often a handful of shares) with the
 * era's probability, else a round or mixed lot with a heavy (Pareto) tail.
 */
export function stockTradeSize(u: number, v: number, w: number, odd: number, maxLots = 500): number {
  if (u < odd) return Math.max(1, Math.min(99, Math.floor(100 * v ** 2.2)));
  const lots = Math.min(maxLots, Math.floor(1 / (1 - v) ** (1 / 1.4)));
  return w < 0.3 ? lots * 100 + Math.floor(w * 330) : lots * 100;
}

/** A stock's round lot on a date at a price (tiers since 2025-11-03). */
export function roundLotAt(date: string, price: number): number {
  if (date < ROUND_LOTS.since) return 100;
  return ROUND_LOTS.tiers.find(([upTo]) => price <= upTo)![1];
}

/**
 * The conditions of a regular-session stock trade, quoted when there are several: 37 on odd lots;
 * an intermarket sweep (14) with 41 (trade-through exempt) or 37; and now and then a trade a
 * consolidated bar leaves out of its price: average price (2), sold out of sequence (32),
 * qualified contingent (53), prior reference price (22).
 */
export function stockConditions(odd: boolean, u: number): string {
  if (u < 0.0008) return odd ? '"2,37"' : "2";
  if (u < 0.0025) return odd ? '"32,37"' : "32";
  if (u < 0.003) return odd ? '"37,53"' : "53";
  if (u < 0.0033) return odd ? '"22,37"' : "22";
  if (u < 0.09) return odd ? '"14,37"' : '"14,41"';
  return odd ? "37" : "";
}

/** Conditions of a stock trade outside the regular session (09:30-16:00, 13:00 on an early close): Form T (12), with 37 on odd lots. */
export const extendedConditions = (odd: boolean) => (odd ? '"12,37"' : "12");

/** Opening and closing auction prints (Opening Prints 25, Closing Prints 8). */
export const OPENING_AUCTION = "25";
export const CLOSING_AUCTION = "8";

/** Share of a day's volume crossed in the opening and the closing auction. */
export const AUCTION_SHARE = { open: 0.008, close: 0.07 };

/** Share of trades later corrected or cancelled (the `correction` column non-zero). */
export const CORRECTED = 0.0002;

/**
 * A stock quote's spread in cents: a penny for most quotes of a liquid name in the regular
 * session, wider in its first minutes, a little wider near the close, much wider outside it.
 * `at` is minutes from the regular open; `session` the session's minutes (390, 210 on an early close).
 */
export function stockSpreadTicks(at: number, u: number, session = 390): number {
  if (at < 0 || at >= session) return 3 + Math.floor(u * 12);
  if (at < 15) return 2 + Math.floor(u * 5);
  if (at >= session - 15) return 1 + Math.floor(u * 3);
  return u < 0.82 ? 1 : u < 0.97 ? 2 : 3;
}

/** A futures trade's contracts: mostly one or a few, with a heavy tail. */
export const futuresTradeSize = (v: number) => Math.min(500, Math.floor(1 / (1 - v) ** (1 / 1.3)));

/** An option trade's contracts: mostly 1-10, with a heavy tail. */
export const optionTradeSize = (v: number) => Math.min(2000, Math.floor(1 / (1 - v) ** (1 / 1.1)));

/** Quote sizes in round lots: a few lots, sometimes many. */
export const quoteLots = (v: number) => Math.min(80, Math.floor(1 / (1 - v) ** (1 / 1.2)));

/** A crypto trade's notional in dollars: from $20 to $200,000, heavy-tailed (about $150 on average). */
export const cryptoNotional = (v: number) => Math.min(2e5, 20 / (1 - v) ** (1 / 1.15));
export const MEAN_CRYPTO_NOTIONAL = 150;
