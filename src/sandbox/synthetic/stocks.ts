/**
 * Stocks and ETFs: each name's own profile (price level, volatility, index it moves with, shares
 * and trades a day), splits, listing dates, and the ETFs that are their index over a fixed ratio.
 *
 * Activity figures are typical of 2024-2025 consolidated volume (shares and trades a day, in
 * today's shares), rounded and kept apart so no two names share a count; levels of names with no
 * anchor in `history.ts` are where they traded in late 2025, roughly. Made-up names (the long
 * tail of a day file) draw theirs from a skewed distribution seeded by the name.
 */
import { SANDBOX_END, SANDBOX_SPLITS } from "../description";
import { DRIVERS, type SeriesSpec, driver, lastStep, movesOf } from "./drivers";
import { gauss, hash, rng, unit } from "./random";
import { gridIndex } from "./time";

export interface StockProfile {
  /** Level on the last day when no anchor pins it (today's shares). */
  level: number;
  vol: number;
  parent: "I:SPX" | "I:NDX";
  beta: number;
  /** Growth per year where no anchor pins the path. */
  drift: number;
  /** Shares a day (today's shares) and trades a day, typical of 2024-2025. */
  volume: number;
  trades: number;
  /** First day of trading, for names listed after the sandbox's history starts. */
  listed?: string;
}

const p = (
  level: number,
  vol: number,
  parent: StockProfile["parent"],
  beta: number,
  drift: number,
  volumeM: number,
  tradesK: number,
  listed?: string,
): StockProfile => ({
  level,
  vol,
  parent,
  beta,
  drift,
  volume: volumeM * 1e6,
  trades: tradesK * 1e3,
  listed,
});

/** The well-known names, in the order day files list them. */
export const PROFILES: Readonly<Record<string, StockProfile>> = {
  AAPL: p(270, 0.26, "I:NDX", 1.0, 0.2, 52.3, 712),
  MSFT: p(480, 0.24, "I:NDX", 0.95, 0.13, 21.4, 401),
  NVDA: p(180, 0.48, "I:NDX", 1.6, 0.3, 187.6, 1953),
  AMZN: p(225, 0.31, "I:NDX", 1.15, 0.2, 44.8, 607),
  GOOGL: p(290, 0.29, "I:NDX", 1.05, 0.16, 31.2, 421, "2004-08-19"),
  META: p(600, 0.36, "I:NDX", 1.25, 0.25, 13.1, 356, "2012-05-18"),
  TSLA: p(400, 0.55, "I:NDX", 1.7, 0.35, 98.7, 1489, "2010-06-29"),
  JPM: p(300, 0.24, "I:SPX", 1.1, 0.1, 9.2, 153),
  V: p(340, 0.2, "I:SPX", 0.9, 0.15, 6.9, 118, "2008-03-19"),
  SPY: p(680, 0.15, "I:SPX", 1, 0.07, 63.5, 843),
  QQQ: p(600, 0.2, "I:NDX", 1, 0.1, 41.7, 562),
  IWM: p(240, 0.21, "I:SPX", 1, 0.05, 29.8, 247),
  DIA: p(470, 0.15, "I:SPX", 1, 0.06, 3.4, 61),
  XOM: p(115, 0.24, "I:SPX", 0.6, 0.04, 15.3, 183),
  UNH: p(330, 0.27, "I:SPX", 0.6, 0.12, 4.1, 104),
  JNJ: p(195, 0.17, "I:SPX", 0.5, 0.05, 7.2, 101),
  WMT: p(100, 0.19, "I:SPX", 0.5, 0.08, 15.6, 152),
  PG: p(150, 0.16, "I:SPX", 0.45, 0.06, 7.1, 99),
  MA: p(560, 0.22, "I:SPX", 1, 0.15, 2.9, 82, "2006-05-25"),
  HD: p(360, 0.23, "I:SPX", 1, 0.1, 3.8, 91),
  BAC: p(52, 0.28, "I:SPX", 1.3, 0.03, 39.7, 207),
  KO: p(70, 0.15, "I:SPX", 0.5, 0.05, 14.2, 121),
  PEP: p(145, 0.17, "I:SPX", 0.5, 0.05, 6.3, 103),
  DIS: p(112, 0.28, "I:SPX", 1.1, 0.04, 9.1, 112),
  NFLX: p(110, 0.4, "I:NDX", 1.2, 0.25, 38.5, 154),
  AMD: p(240, 0.5, "I:NDX", 1.6, 0.15, 46.3, 612),
  INTC: p(37, 0.38, "I:NDX", 1.2, 0.0, 61.2, 398),
  CSCO: p(75, 0.22, "I:NDX", 0.9, 0.04, 18.4, 151),
  ORCL: p(220, 0.35, "I:SPX", 1.1, 0.12, 10.4, 197),
  CRM: p(240, 0.32, "I:NDX", 1.1, 0.15, 6.4, 121, "2004-06-23"),
  F: p(13, 0.33, "I:SPX", 1.2, 0.0, 61.8, 149),
};
const FAMOUS = Object.keys(PROFILES);

/** ETFs that hold an index: price = index level times a ratio near the real one (SPY ~ SPX / 10). */
export const ETF_RATIOS: Readonly<Record<string, { index: string; ratio: number }>> = {
  SPY: { index: "I:SPX", ratio: 0.0996 },
  QQQ: { index: "I:NDX", ratio: 0.02436 },
  DIA: { index: "I:DJI", ratio: 0.00999 },
  IWM: { index: "I:RUT", ratio: 0.0985 },
};

/** A made-up symbol of 2-4 letters for the i-th name after the famous ones. */
function madeUp(i: number): string {
  let s = "";
  let x = i + 26 * 27; // skip the one-letter range so made-up names start at two letters
  while (x > 0) {
    s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
    x = Math.floor((x - 1) / 26);
  }
  return s;
}

/** `n` stock tickers listed on `date`: well-known names first, then made-up symbols of 2-4 letters. */
export function stockTickers(n: number, date = SANDBOX_END): string[] {
  const out = FAMOUS.filter((t) => !PROFILES[t].listed || PROFILES[t].listed! <= date).slice(0, n);
  const seen = new Set(FAMOUS);
  for (let i = 0; out.length < n; i++) {
    const s = madeUp(i);
    if (!seen.has(s)) {
      seen.add(s);
      out.push(s);
    }
  }
  return out;
}

/** A made-up name's profile: a skewed price level ($3 to $400 or so), volume falling with its place. */
export function profileOf(ticker: string): StockProfile {
  const known = PROFILES[ticker];
  if (known) return known;
  let pr = madeUpProfiles.get(ticker);
  if (!pr) {
    const r = rng(hash(`profile|${ticker}`));
    const level = Math.exp(Math.log(35) + 1.1 * gauss(r));
    // Below the well-known names: at most 15 million shares a day, so the biggest names trade most.
    const volume = Math.min(1.5e7, Math.exp(Math.log(5e5) + 1.3 * gauss(r)));
    pr = p(
      Math.min(2000, Math.max(1.5, level)),
      0.25 + 0.45 * r(),
      "I:SPX",
      0.6 + 0.8 * r(),
      0.05,
      Math.max(0.002, volume / 1e6),
      Math.max(0.01, volume / (150 + 300 * r()) / 1e3),
    );
    if (madeUpProfiles.size > 50_000) madeUpProfiles.clear();
    madeUpProfiles.set(ticker, pr);
  }
  return pr;
}
const madeUpProfiles = new Map<string, StockProfile>();

/** How many of today's shares one share of `date` was: the product of later splits' ratios. */
export function splitFactor(ticker: string, date: string): number {
  let ratio = 1;
  for (const s of SANDBOX_SPLITS) if (s.ticker === ticker && date < s.date) ratio *= s.ratio;
  return ratio;
}

/** A stock's close on a date in today's shares (ETFs: their index over the ratio). */
export function stockClose(ticker: string, date: string): number {
  const etf = ETF_RATIOS[ticker];
  if (etf) {
    const x = driver(DRIVERS[etf.index]);
    // A tracking difference of a basis point or two a day around the ratio.
    const step = Math.min(x.length - 1, Math.max(0, gridIndex(date, "weekday")));
    return Math.exp(x[step]) * etf.ratio * (1 + (unit(`${ticker}@${step}`) - 0.5) * 0.0004);
  }
  const pr = profileOf(ticker);
  if (PROFILES[ticker]) {
    const spec: SeriesSpec = {
      key: ticker,
      grid: "weekday",
      vol: pr.vol,
      parent: pr.parent,
      beta: pr.beta,
      drift: pr.drift,
      level: pr.level,
    };
    const x = driver(spec, (d) => splitFactor(ticker, d));
    return Math.exp(x[Math.min(x.length - 1, Math.max(0, gridIndex(date, "weekday")))]);
  }
  return Math.exp(tailLog(ticker, pr, gridIndex(date, "weekday")));
}

/**
 * A made-up name's log price at a step, walked back from its level on the last day (only as far
 * back as asked: the long tail of names appears on the last days only).
 */
function tailLog(ticker: string, pr: StockProfile, step: number): number {
  const n = lastStep("weekday");
  const want = Math.max(0, Math.min(n, step));
  let tail = tails.get(ticker);
  if (!tail || tail.from > want) {
    const from = Math.max(0, Math.min(want, n - 2 * (n - (tail?.from ?? n)) - 16));
    const parent = movesOf(pr.parent);
    const own =
      Math.sqrt(Math.max(0.2 * pr.vol ** 2, pr.vol ** 2 - pr.beta ** 2 * 0.16 ** 2)) / Math.sqrt(252);
    const rand = rng(hash(`tail|${ticker}`));
    const x = new Float64Array(n - from + 1);
    x[n - from] = Math.log(pr.level);
    for (let t = n; t > from; t--)
      x[t - 1 - from] = x[t - from] - pr.beta * parent[t] - own * gauss(rand) - pr.drift / 252;
    tail = { from, x };
    if (tails.size > 50_000) tails.clear();
    tails.set(ticker, tail);
  }
  return tail.x[want - tail.from];
}
const tails = new Map<string, { from: number; x: Float64Array }>();
