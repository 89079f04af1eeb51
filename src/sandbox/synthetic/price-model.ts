/**
 * Each asset's day: its open and close from the shared drivers (stocks and ETFs, indices,
 * exchange rates, coins, futures with their carry, options priced on their underlying), and the
 * path its price takes through the session.
 */
import { SANDBOX_DATASETS, type SandboxDataset as Dataset } from "../description";
import { type Contract, optionPrice, optionVolume, parseOcc, yearsTo } from "../options";
import { DRIVERS, levelOn } from "./drivers";
import { futuresClose, futuresVolume } from "./futures";
import { hash, rng, unit } from "./random";
import { EARLY_SESSION_MINUTES, isEarlyClose } from "./time";
import { PROFILES, profileOf, splitFactor, stockClose } from "./stocks";

const DAY_MS = 86_400_000;

/** The trading day before `date` on a grid (the Friday before a Monday on weekday grids). */
function previousDay(date: string, daily: boolean): string {
  const t = Date.parse(`${date}T00:00:00Z`);
  const wd = new Date(t).getUTCDay();
  const back = daily ? 1 : wd === 1 ? 3 : wd === 0 ? 2 : 1;
  return new Date(t - back * DAY_MS).toISOString().slice(0, 10);
}

/** Volatility per year of a ticker's price, by asset class. */
function volatilityOf(dataset: Dataset, ticker: string): number {
  if (dataset.asset === "us_stocks_sip") return profileOf(ticker).vol;
  if (dataset.calendar === "cme") return 0.2;
  return DRIVERS[ticker]?.vol ?? 0.2;
}

export interface DayEnds {
  open: number;
  close: number;
  /** The name of the price path (a futures root's contracts share one). */
  path: string;
  /** Volatility per day, as a share of the price. */
  dayVol: number;
}

/**
 * A ticker's prices on a date, the same in every dataset of its asset class: the day's open
 * and close, and a path between them minute by minute. Minute bars, trades, quotes and index
 * values are drawn around the path; day bars are the sums of minute bars.
 */
export class PriceModel {
  constructor(readonly dataset: Dataset) {}

  /** The close of a ticker on a date in that date's units (unadjusted stock prices). */
  close(ticker: string, date: string): number {
    const { asset, calendar } = this.dataset;
    if (asset === "us_stocks_sip") return stockClose(ticker, date) * splitFactor(ticker, date);
    if (calendar === "cme") return futuresClose(ticker, date);
    const spec = DRIVERS[ticker];
    if (spec) return levelOn(spec, date);
    return 10 + 90 * unit(ticker); // a ticker the sandbox has no driver for
  }

  /** Open and close of a ticker's day, and the name of its price path. */
  ends(ticker: string, date: string): DayEnds {
    const key = `${ticker}@${date}`;
    let e = this.memo.get(key);
    if (e) return e;
    const option = this.option(ticker, date);
    if (option) e = { open: option.open, close: option.close, path: ticker, dayVol: 0.05 };
    else {
      const { asset, calendar } = this.dataset;
      const close = this.close(ticker, date);
      // Yesterday's close in today's shares (a split day opens at the split-adjusted price).
      let previous = this.close(ticker, previousDay(date, calendar === "daily"));
      if (asset === "us_stocks_sip") {
        const prev = previousDay(date, false);
        previous *= splitFactor(ticker, date) / splitFactor(ticker, prev);
      }
      const dayVol = volatilityOf(this.dataset, ticker) / Math.sqrt(calendar === "daily" ? 365 : 252);
      // Markets that close overnight open away from yesterday's close: about a third of the
      // day's move happens before the open, plus some noise of its own.
      const gapped = asset === "us_stocks_sip" || asset === "us_options_opra";
      const open = gapped
        ? previous * Math.exp(0.35 * Math.log(close / previous) + (unit(`${key}|gap`) - 0.5) * dayVol * 0.5)
        : previous;
      const futures = calendar === "cme";
      e = { open, close, path: futures ? ticker.slice(0, -2) : ticker, dayVol };
    }
    if (this.memo.size > 20_000) this.memo.clear();
    this.memo.set(key, e);
    return e;
  }
  private readonly memo = new Map<string, DayEnds>();

  /**
   * How many of today's shares one share of the date was (1, or a split's ratio before its
   * date): prices are that many times higher, volumes that many times lower (`SANDBOX_SPLITS`).
   */
  split(ticker: string, date: string): number {
    return this.dataset.asset === "us_stocks_sip" ? splitFactor(ticker, date) : 1;
  }

  /** Units a ticker trades on a typical day (shares in the date's units, contracts, coins), before the day's noise. */
  dailyVolume(ticker: string, date: string): number {
    const { asset, calendar } = this.dataset;
    // An early close's shorter session trades in proportion to its hours (a model, not a measured share).
    const hours = calendar === "nyse" && isEarlyClose(date) ? EARLY_SESSION_MINUTES / 390 : 1;
    if (asset === "us_stocks_sip") return (hours * profileOf(ticker).volume) / splitFactor(ticker, date);
    if (calendar === "cme") return futuresVolume(ticker, date);
    const option = this.option(ticker, date);
    if (option) return hours * option.volume;
    // Coins a day, at most 50 million: the files count 10^-8 coins, and a day's sum of them must stay exact in a double.
    if (asset === "global_crypto")
      return Math.min(5e7, (CRYPTO_DOLLARS[ticker] ?? 1e6) / this.close(ticker, date));
    return 50_000 + 100_000 * unit(ticker);
  }

  /** Trades a ticker makes on a typical day (for the share each has of a trades file). */
  tradeWeight(ticker: string, date: string): number {
    const { asset, calendar } = this.dataset;
    if (asset === "us_stocks_sip")
      return PROFILES[ticker] ? PROFILES[ticker].trades : profileOf(ticker).trades;
    if (calendar === "cme") return futuresVolume(ticker, date) / 10;
    const option = this.option(ticker, date);
    if (option) return Math.max(1, option.volume / 8);
    if (asset === "global_crypto") return (CRYPTO_DOLLARS[ticker] ?? 1e8) / 1e6;
    if (asset === "global_forex") return FOREX_WEIGHT[ticker] ?? 1;
    return 1;
  }

  /**
   * An option's day: Black-Scholes prices at the underlying's open (with the day still to run)
   * and at its close, and the contracts it trades (a little noise around `optionVolume`).
   */
  option(
    ticker: string,
    date: string,
  ): { contract: Contract; open: number; close: number; volume: number } | null {
    if (this.dataset.asset !== "us_options_opra") return null;
    const key = `${ticker}@${date}`;
    let o = this.options.get(key);
    if (o === undefined) {
      const contract = parseOcc(ticker);
      if (contract) {
        const spot = underlying(contract.underlying, date);
        const noise = 0.75 + 0.5 * (hash(`${key}|volume`) / 4294967296);
        o = {
          contract,
          open: optionPrice(contract, spot.open, yearsTo(date, contract.expiry, 0.27)), // 09:30: 6.5 hours to go
          close: optionPrice(contract, spot.close, yearsTo(date, contract.expiry, 0.02)), // the last trades, before 16:00
          volume: Math.max(1, Math.round(optionVolume(contract, date, spot.close) * noise)),
        };
      } else o = null;
      if (this.options.size > 10_000) this.options.clear();
      this.options.set(key, o);
    }
    return o;
  }
  private readonly options = new Map<string, ReturnType<PriceModel["option"]>>();

  /**
   * A day bar drawn on its own, with no minute bars under it: only for the tickers a day file
   * lists beyond those of its minute file (the sandbox keeps most minute files small).
   */
  day(ticker: string, date: string, rand: () => number, tick: (x: number) => number) {
    const { open, close, dayVol } = this.ends(ticker, date);
    // A day's range is about its volatility; options swing far more than their underlying.
    const range = this.dataset.asset === "us_options_opra" ? 0.08 : dayVol * 0.8;
    const high = tick(Math.max(open, close) * (1 + rand() * range));
    const low = tick(Math.min(open, close) * (1 - rand() * range));
    return { open: tick(open), high, low, close: tick(close) };
  }

  /**
   * The ticker's price path through a session of `minutes` minutes, open to close. An option's
   * is its Black-Scholes price along its underlying's path, as the day runs out.
   */
  path(ticker: string, date: string, minutes: number, knots?: Float64Array): Path {
    const option = this.option(ticker, date);
    if (option) {
      const spot = stockPrices().path(option.contract.underlying, date, minutes);
      const c = option.contract;
      const [open, close] = [yearsTo(date, c.expiry, 0.27), yearsTo(date, c.expiry, 0.02)]; // as in `option`
      return { at: (t) => optionPrice(c, spot.at(t), open + ((close - open) * t) / minutes) };
    }
    const { open, close, path, dayVol } = this.ends(ticker, date);
    return new PricePath(
      open,
      close,
      minutes,
      hash(`${this.dataset.asset}|${path}|${date}|path`),
      dayVol,
      knots,
    );
  }
}

/** Dollars a day of the sandbox's coins on the venues the files stand for (rough 2025 levels). */
const CRYPTO_DOLLARS: Record<string, number> = {
  "X:BTC-USD": 2.1e9,
  "X:ETH-USD": 1.3e9,
  "X:SOL-USD": 4.1e8,
  "X:DOGE-USD": 1.9e8,
  "X:ADA-USD": 0.8e8,
  "X:LTC-USD": 0.6e8,
};
const FOREX_WEIGHT: Record<string, number> = {
  "C:EUR-USD": 5,
  "C:USD-JPY": 4,
  "C:GBP-USD": 2.6,
  "C:AUD-USD": 1.7,
  "C:USD-CAD": 1.5,
  "C:USD-CHF": 1.1,
};

/** A price at any time of the session, in minutes from the open. */
export interface Path {
  at(t: number): number;
}

/** Stock prices, which option chains and prices follow (one per thread, made on first use). */
function stockPrices(): PriceModel {
  stocks ??= new PriceModel(SANDBOX_DATASETS.find((d) => d.asset === "us_stocks_sip")!);
  return stocks;
}
let stocks: PriceModel | undefined;

/** An underlying's open and close on a date, as the stock files have them (remembered for the date). */
export function underlying(ticker: string, date: string): { open: number; close: number } {
  if (date !== spotDate) [spotDate, spots] = [date, new Map()];
  let s = spots.get(ticker);
  if (!s) {
    s = stockPrices().ends(ticker, date);
    spots.set(ticker, s);
  }
  return s;
}
let spotDate = "";
let spots = new Map<string, { open: number; close: number }>();

/** Minutes between the knots of a price path. */
export const KNOT_MINUTES = 5;

/**
 * The mid price through a session, at any time (in minutes from the open, fractions allowed):
 * the open at 0, the close at `minutes`, and between them a Brownian bridge on knots five
 * minutes apart with the day's volatility, joined by straight lines, plus a small jitter of its
 * own at each minute. Seeded by the price path and the date, so a futures root's contracts move
 * together. Knots rather than a step a minute keep the cost per ticker and day low.
 */
export class PricePath {
  private readonly knots: Float64Array;
  private readonly perKnot: number;
  private readonly jitter: number;
  private readonly floor: number;
  constructor(
    open: number,
    close: number,
    private readonly minutes: number,
    private readonly seed: number,
    dayVol: number,
    knots?: Float64Array,
  ) {
    const n = Math.ceil(minutes / KNOT_MINUTES);
    this.knots = knots && knots.length >= n + 1 ? knots : new Float64Array(n + 1);
    const k = this.knots;
    this.perKnot = n / minutes;
    const rand = rng(seed);
    const sigma = (open * dayVol) / Math.sqrt(minutes); // per minute
    const step = sigma * Math.sqrt(minutes / n) * Math.sqrt(3); // uniform draws: variance 1/12 of the width squared
    k[0] = 0;
    for (let j = 1; j <= n; j++) k[j] = k[j - 1] + (rand() - 0.5) * 2 * step;
    const end = k[n];
    for (let j = 0; j <= n; j++) k[j] = open + ((close - open) * j) / n + k[j] - (end * j) / n;
    this.jitter = sigma * 0.5;
    this.floor = Math.min(open, close) * 0.2; // an option may lose most of its value in a day
  }

  at(time: number): number {
    // Before the open and after the close (extended hours) the price waits at the ends.
    const t = time < 0 ? 0 : time > this.minutes ? this.minutes : time;
    const x = t * this.perKnot;
    const j = Math.max(0, Math.min(Math.floor(x), this.knots.length - 2));
    const coarse = this.knots[j] + (this.knots[j + 1] - this.knots[j]) * (x - j);
    const m = Math.floor(t);
    const fine = m === t ? this.wiggle(m) : this.wiggle(m) + (this.wiggle(m + 1) - this.wiggle(m)) * (t - m);
    return Math.max(this.floor, coarse + fine);
  }

  /** The jitter at a whole minute: a hash of the minute, none at the open and the close. */
  private wiggle(m: number): number {
    if (m <= 0 || m >= this.minutes) return 0;
    let t = (this.seed + Math.imul(m, 0x9e3779b9)) | 0;
    t = Math.imul(t ^ (t >>> 16), 0x85ebca6b);
    t = Math.imul(t ^ (t >>> 13), 0xc2b2ae35);
    return (((t ^ (t >>> 16)) >>> 0) / 4294967296 - 0.5) * this.jitter;
  }
}
