/**
 * The sandbox's option chains: OCC symbols (`O:SPY261218C00100000`: underlying, expiry YYMMDD,
 * C or P, strike times 1000 in eight digits) for six underlyings, with strikes around the
 * underlying's sandbox close that day, the expiries a real chain lists (weekly Fridays, monthly
 * third Fridays, a LEAPS), Black-Scholes prices and volumes concentrated near the money and in the
 * nearest expiry. Pure functions of the date and the underlying's price, which `synthetic.ts`
 * passes in (its `PriceModel` for stocks), so this file imports nothing but the calendar.
 */
import { sandboxOpen } from "./description";

interface Underlying {
  /**
   * Implied volatility at the money, per year: a little above the volatility the sandbox's own
   * prices realise (`PROFILES` in synthetic/stocks.ts; SPY's is 0.9 x the VIX, about 15%), as
   * implied runs above realised in the real market.
   */
  vol: number;
  /** Extra volatility per unit of log-moneyness below the money (a put skew). */
  skew: number;
  /** Contracts traded in the at-the-money call of the nearest expiry, roughly. */
  volume: number;
  /** Put volume for a call volume of 1, strike for strike. */
  puts: number;
  /** How many strikes its chain lists, relative to the others. */
  breadth: number;
}

/** The sandbox's underlyings, most active first. */
export const OPTION_UNDERLYINGS: Readonly<Record<string, Underlying>> = {
  SPY: { vol: 0.16, skew: 0.5, volume: 300_000, puts: 1.3, breadth: 1.4 },
  TSLA: { vol: 0.6, skew: 0.15, volume: 250_000, puts: 0.75, breadth: 1.1 },
  NVDA: { vol: 0.51, skew: 0.2, volume: 200_000, puts: 0.62, breadth: 1.1 },
  AAPL: { vol: 0.28, skew: 0.25, volume: 120_000, puts: 0.68, breadth: 1 },
  AMZN: { vol: 0.33, skew: 0.25, volume: 90_000, puts: 0.64, breadth: 0.8 },
  MSFT: { vol: 0.26, skew: 0.25, volume: 70_000, puts: 0.8, breadth: 0.8 },
};
const NAMES = Object.keys(OPTION_UNDERLYINGS);

/** Interest rate in the prices. */
const RATE = 0.04;
const DAY_MS = 86_400_000;

export interface Contract {
  underlying: string;
  /** `YYYY-MM-DD`. */
  expiry: string;
  call: boolean;
  strike: number;
}

const OCC = /^O:([A-Z]{1,6})(\d{2})(\d{2})(\d{2})([CP])(\d{8})$/;

/** The contract an OCC ticker names, or null. */
export function parseOcc(ticker: string): Contract | null {
  const m = OCC.exec(ticker);
  if (!m) return null;
  return {
    underlying: m[1],
    expiry: `20${m[2]}-${m[3]}-${m[4]}`,
    call: m[5] === "C",
    strike: Number(m[6]) / 1000,
  };
}

export function occTicker(c: Contract): string {
  const e = c.expiry;
  return `O:${c.underlying}${e.slice(2, 4)}${e.slice(5, 7)}${e.slice(8, 10)}${c.call ? "C" : "P"}${String(Math.round(c.strike * 1000)).padStart(8, "0")}`;
}

const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const daysBetween = (from: string, to: string) =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);

/**
 * A Friday expiry, or the Thursday before when the Friday is an NYSE holiday (Good Friday
 * 2025-04-18 was a third Friday: April's monthlies expired on the 17th). The sandbox's closure
 * list ends with 2026; later Fridays are taken as open.
 */
function rolled(friday: number): string {
  const d = iso(friday);
  return sandboxOpen(d, "nyse") || d > "2026-12-31" ? d : iso(friday - DAY_MS);
}

/** The third Friday of a month (0-based `month`, any integer), rolled. */
function thirdFriday(year: number, month: number): string {
  const first = Date.UTC(year, month, 1);
  const wd = new Date(first).getUTCDay();
  return rolled(first + (((5 - wd + 7) % 7) + 14) * DAY_MS);
}

export interface Expiry {
  date: string;
  /** Calendar days from the listing date. */
  days: number;
  /** A third Friday (or the Thursday before it). */
  monthly: boolean;
}

/**
 * The expiries listed on a date, nearest first: the next four weekly Fridays (today's, on a
 * Friday), the next four monthly third Fridays, and the January LEAPS two years out.
 */
export function optionExpiries(date: string): Expiry[] {
  const t = Date.parse(`${date}T00:00:00Z`);
  const wd = new Date(t).getUTCDay();
  const weekly = new Set<string>();
  // From the Friday of this week (a Thursday expiry when it is a holiday).
  for (let w = 0; weekly.size < 4; w++) {
    const e = rolled(t + (((5 - wd + 7) % 7) + 7 * w) * DAY_MS);
    if (e >= date) weekly.add(e);
  }
  const [y, m] = [Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1];
  const monthly = new Set<string>();
  for (let k = 0; monthly.size < 4; k++) {
    const e = thirdFriday(y, m + k);
    if (e >= date) monthly.add(e);
  }
  monthly.add(thirdFriday(y + 2, 0));
  return [...new Set([...weekly, ...monthly])].sort().map((e) => ({
    date: e,
    days: Math.round((Date.parse(`${e}T00:00:00Z`) - t) / DAY_MS),
    monthly: monthly.has(e),
  }));
}

/**
 * Strikes are listed every `step` dollars: finer for cheaper stocks, twice as wide beyond two
 * months; SPY, an index fund, every dollar up to two months and every five beyond.
 */
export function strikeStep(underlying: string, price: number, days: number): number {
  if (underlying === "SPY") return days > 60 ? 5 : 1;
  const step = price < 25 ? 0.5 : price < 100 ? 1 : price < 250 ? 2.5 : price < 1000 ? 5 : 10;
  return days > 60 ? 2 * step : step;
}

/** The standard normal CDF (Abramowitz and Stegun 7.1.26, error below 1e-7). */
function normal(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const erf =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-z * z);
  return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/** Years to expiry at a time of day on `date` (`dayFraction` of a calendar day left before 16:00). */
export function yearsTo(date: string, expiry: string, dayFraction: number): number {
  return (daysBetween(date, expiry) + dayFraction) / 365;
}

/**
 * A contract's Black-Scholes price with the underlying at `spot` and `years` to expiry, at an
 * implied volatility with a mild put skew (higher below the money), never below a cent nor below
 * its intrinsic value (the early exercise of an American put).
 */
export function optionPrice(c: Contract, spot: number, years: number): number {
  const u = OPTION_UNDERLYINGS[c.underlying];
  const m = Math.log(c.strike / spot);
  const vol = u.vol * Math.min(2, Math.max(0.6, 1 - u.skew * m));
  let value: number;
  if (years <= 0) value = Math.max(0, c.call ? spot - c.strike : c.strike - spot);
  else {
    const sd = vol * Math.sqrt(years);
    const d1 = (-m + (RATE + (vol * vol) / 2) * years) / sd;
    const d2 = d1 - sd;
    const k = c.strike * Math.exp(-RATE * years);
    value = c.call ? spot * normal(d1) - k * normal(d2) : k * normal(-d2) - spot * normal(-d1);
  }
  // American exercise: a contract is never worth less than exercising it now.
  const intrinsic = Math.max(0, c.call ? spot - c.strike : c.strike - spot);
  return Math.max(0.01, value, intrinsic);
}

/** Share of the nearest expiry's volume that an expiry `days` away trades. */
const expiryWeight = (days: number) => 1 / (1 + days / 3);

/**
 * The contracts a contract trades on a date, before noise: the underlying's volume, falling with
 * time to expiry and with distance from the money (in standard deviations to expiry, so a
 * same-day expiry trades at few strikes), lower in the money, puts weighted by the put share.
 */
export function optionVolume(c: Contract, date: string, spot: number): number {
  const u = OPTION_UNDERLYINGS[c.underlying];
  const days = daysBetween(date, c.expiry);
  const z = Math.log(c.strike / spot) / (u.vol * Math.sqrt(Math.max(days, 1) / 365));
  const near = Math.exp(-(z * z) / 2) + 0.03 / (1 + z * z);
  const inTheMoney = c.call ? c.strike < spot : c.strike > spot;
  // A chain listed densely (SPY's dollar strikes on a $680 fund) shares its volume among more
  // strikes: each trades as if strikes were 1% of the price apart, at most.
  const density = Math.min(1, strikeStep(c.underlying, spot, days) / spot / 0.01);
  return (
    u.volume *
    density *
    expiryWeight(days) *
    near *
    (inTheMoney ? 1 / (1 + Math.abs(z)) : 1) *
    (c.call ? 1 : u.puts)
  );
}

/**
 * The first `n` tickers of a date's chain, in an order that does not depend on `n` (the first
 * tickers are those of the minute and trades files): at-the-money strikes of every underlying
 * and expiry first, the most active first, then strikes further out, call then put for each.
 * Each (underlying, expiry) widens at its own pace (`breadth`; the nearest expiry and the
 * monthlies list more strikes, the LEAPS fewer, at twice the spacing).
 */
export function optionChain(date: string, n: number, spot: (underlying: string) => number): string[] {
  const expiries = optionExpiries(date);
  const series: {
    u: string;
    ui: number;
    ei: number;
    expiry: string;
    step: number;
    atm: number;
    breadth: number;
    activity: number;
  }[] = [];
  NAMES.forEach((u, ui) => {
    const s = spot(u);
    const { breadth, volume } = OPTION_UNDERLYINGS[u];
    expiries.forEach(({ date: expiry, days, monthly }, ei) => {
      const step = strikeStep(u, s, days);
      const kind = ei === 0 ? 1.3 : days > 365 ? 0.7 : monthly ? 1.1 : 0.9;
      series.push({
        u,
        ui,
        ei,
        expiry,
        step,
        atm: Math.max(1, Math.round(s / step)),
        breadth: breadth * kind,
        activity: volume * expiryWeight(days),
      });
    });
  });
  const pairs = Math.ceil(n / 2);
  const total = series.reduce((a, s) => a + s.breadth, 0);
  // Strike j of a series (0 at the money, then +1, -1, +2, -2... steps) has the key j / breadth;
  // every candidate under the key that yields enough pairs is generated, so the order is the same for any n.
  for (let limit = pairs / total; ; limit *= 2) {
    const cands: {
      key: number;
      activity: number;
      ui: number;
      ei: number;
      j: number;
      strike: number;
      expiry: string;
      u: string;
    }[] = [];
    for (const s of series) {
      for (let j = 0; j <= limit * s.breadth + 1; j++) {
        const offset = j % 2 ? (j + 1) / 2 : -j / 2;
        const k = s.atm + offset;
        if (k < 1) continue;
        cands.push({
          key: j / s.breadth,
          activity: s.activity,
          ui: s.ui,
          ei: s.ei,
          j,
          strike: k * s.step,
          expiry: s.expiry,
          u: s.u,
        });
      }
    }
    if (cands.length < pairs && limit < 1e6) continue;
    cands.sort((a, b) => a.key - b.key || b.activity - a.activity || a.ui - b.ui || a.ei - b.ei || a.j - b.j);
    const out: string[] = [];
    for (const c of cands.slice(0, pairs)) {
      for (const call of [true, false])
        out.push(occTicker({ underlying: c.u, expiry: c.expiry, call, strike: c.strike }));
    }
    return out.slice(0, n);
  }
}
