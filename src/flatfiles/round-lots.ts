/**
 * Round lots and odd lots of US stocks. An odd lot is a trade smaller than its stock's round lot;
 * the SIPs mark it with condition 37 ("Odd Lot Trade").
 *
 * Until 31 October 2025 every stock's round lot was 100 shares. From 3 November 2025 the SEC's
 * amended Regulation NMS (the market data infrastructure rules) ties the round lot to the price:
 * 100 shares up to $250.00, 40 shares from $250.01 to $1,000.00, 10 shares from $1,000.01 to
 * $10,000.00 and 1 share above (the CTA and UTP SIPs' vendor alerts of October 2025; docs/concepts.md
 * names the sources). The tier is not read from the day's prices: the SIPs set it twice a year
 * from the stock's average closing price on its primary listing exchange over an evaluation
 * month, March (effective the first business day of May) and September (effective the first
 * business day of November), and hold it six months until the next one (UTP Vendor Alert
 * #2025-10, CTA's round-lot FAQ; the first took effect 3 November 2025 from September 2025's
 * closes). `roundLotPeriod` gives the evaluation month in force on a date, `roundLotOf` the tier
 * of an average close. A stock's day bars give its consolidated close, not the primary
 * exchange's: the two differ by a few cents at most, which moves a tier only for a stock whose
 * average sits at a boundary. The files also carry the answer: condition 37 marks each trade
 * the SIP took as an odd lot (conditions.ts's `withOddLots` uses it by default). No polars
 * here: the sandbox's generator uses it in worker threads.
 */
import { KitError } from "../util/errors";
import { formatDate, isOpen, parseDate } from "./calendar";

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

/**
 * The round lot, in shares, of a stock whose tier price is `price` dollars, on `date` (YYYY-MM-DD):
 * the tier price is its average close over the evaluation month of `roundLotPeriod(date)`, not the
 * day's price; before 3 November 2025 every round lot is 100.
 */
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

/** The first NYSE business day of a month ("2026-05" → "2026-05-01"). */
function firstBusinessDay(year: number, month: number): string {
  let d = parseDate(`${year}-${String(month).padStart(2, "0")}-01`);
  while (!isOpen(d, "nyse")) d++;
  return formatDate(d);
}

export interface RoundLotPeriod {
  /** The month whose average closes set the tiers, "YYYY-MM". */
  evaluationMonth: string;
  /** The first day the tiers apply (the first business day of May or November). */
  effective: string;
  /** The first day of the next period (the tiers apply before it). */
  until: string;
}

/**
 * The round-lot period in force on a date (YYYY-MM-DD): which month's average closes set the
 * tiers, from when and until when; null before the first tiered day (3 November 2025), when
 * every round lot was 100.
 */
export function roundLotPeriod(date: string): RoundLotPeriod | null {
  checkRoundLotDate(date);
  parseDate(date);
  if (date < TIERED_ROUND_LOTS_SINCE) return null;
  const year = Number(date.slice(0, 4));
  // Effective dates around the date: November of last year, May and November of this one, May of next.
  const periods = [
    {
      evaluationMonth: `${year - 1}-09`,
      effective: firstBusinessDay(year - 1, 11),
      until: firstBusinessDay(year, 5),
    },
    {
      evaluationMonth: `${year}-03`,
      effective: firstBusinessDay(year, 5),
      until: firstBusinessDay(year, 11),
    },
    {
      evaluationMonth: `${year}-09`,
      effective: firstBusinessDay(year, 11),
      until: firstBusinessDay(year + 1, 5),
    },
  ];
  return periods.find((p) => p.effective <= date && date < p.until)!;
}
