/**
 * Deterministic synthetic market data in the flat-files CSV formats.
 *
 * Every value comes from a PRNG, so the same sandbox is built on every machine. The datasets of
 * an asset class agree as real ones do: a ticker's prices, bars and trades on a date come from
 * PRNGs seeded by (asset, ticker, date), so the day bar is the sum of the ticker's minute bars, and
 * the minute bars of the trades file's tickers are those trades (see `Day`). Columns that no
 * other file sums (exchanges, conditions, sub-millisecond times) come from a PRNG seeded by the
 * file's key. Options are priced from their underlying's stock prices (`options.ts`), and stock
 * prices and volumes are unadjusted across `SANDBOX_SPLITS`.
 */
import {
  FUTURES_ROOTS,
  ROUND_LOTS,
  SANDBOX_DATASETS,
  SANDBOX_SPLITS,
  type SandboxDataset as Dataset,
  VALUE_FORMATS,
} from "./description";
import { type Contract, optionChain, optionPrice, optionVolume, parseOcc, yearsTo } from "./options";

/** A small fast PRNG (mulberry32); quality is ample for plausible-looking data. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

const FAMOUS = [
  "AAPL",
  "MSFT",
  "NVDA",
  "AMZN",
  "GOOGL",
  "META",
  "TSLA",
  "JPM",
  "V",
  "SPY",
  "QQQ",
  "IWM",
  "XOM",
  "UNH",
  "JNJ",
  "WMT",
  "PG",
  "MA",
  "HD",
  "BAC",
  "KO",
  "PEP",
  "DIS",
  "NFLX",
  "AMD",
  "INTC",
  "CSCO",
  "ORCL",
  "CRM",
  "F",
];

/** `n` stock tickers: well-known names first, then made-up symbols of 2-4 letters. */
export function stockTickers(n: number): string[] {
  const out = FAMOUS.slice(0, n);
  const seen = new Set(out);
  for (let i = 0; out.length < n; i++) {
    let s = "";
    let x = i + 26 * 27; // skip the one-letter range so made-up names start at two letters
    while (x > 0) {
      s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
      x = Math.floor((x - 1) / 26);
    }
    if (!seen.has(s)) {
      seen.add(s);
      out.push(s);
    }
  }
  return out;
}

const INDICES = ["I:SPX", "I:NDX", "I:DJI", "I:RUT", "I:VIX", "I:SOX"];
const FOREX = ["C:EUR-USD", "C:USD-JPY", "C:GBP-USD", "C:AUD-USD", "C:USD-CAD", "C:USD-CHF"];
const CRYPTO = ["X:BTC-USD", "X:ETH-USD", "X:SOL-USD", "X:DOGE-USD", "X:ADA-USD", "X:LTC-USD"];

const MONTH_CODES = "FGHJKMNQUVXZ";

/** The front and next quarterly contracts of each root on an exchange, as CME writes them (ESZ6). */
function futuresTickers(dataset: Dataset, date: string, count: number): string[] {
  const roots = FUTURES_ROOTS[dataset.asset.replace("us_futures_", "")] ?? ["ES"];
  const [y, m] = [Number(date.slice(0, 4)), Number(date.slice(5, 7))];
  const out: string[] = [];
  for (let k = 0; out.length < count && k < 8; k++) {
    for (const root of roots) {
      const month = 3 * Math.ceil(m / 3) + 3 * k; // quarterly cycle: H M U Z
      const yy = (y + Math.floor((month - 1) / 12)) % 10;
      out.push(`${root}${MONTH_CODES[(month - 1) % 12]}${yy}`);
    }
  }
  return out.slice(0, count);
}

export function tickersFor(dataset: Dataset, date: string, count: number): string[] {
  if (dataset.asset.startsWith("us_futures_")) return futuresTickers(dataset, date, count);
  switch (dataset.asset) {
    case "us_stocks_sip":
      return stockTickers(count);
    case "us_options_opra":
      // A chain around each underlying's close that day, in the stock files' prices.
      return optionChain(date, count, (u) => underlying(u, date).close);
    case "us_indices":
      return INDICES.slice(0, count);
    case "global_forex":
      return FOREX.slice(0, count);
    default:
      return CRYPTO.slice(0, count);
  }
}

/** Typical price level per asset class, so forex looks like forex and indices like indices. */
function basePrice(dataset: Dataset, ticker: string): number {
  const r = rng(hash(ticker))();
  switch (dataset.asset) {
    case "global_forex":
      return ticker.includes("JPY") ? 110 + 40 * r : 0.6 + 0.8 * r;
    case "global_crypto":
      return ticker.startsWith("X:BTC") ? 9000 : ticker.startsWith("X:ETH") ? 400 : 0.05 + 50 * r;
    case "us_indices":
      return 1000 + 15000 * r;
    default:
      if (dataset.asset.startsWith("us_futures_")) return futuresBase(ticker, r);
      return 5 + 300 * r;
  }
}

/** Price levels of the sandbox's futures roots (E-mini S&P, 10-year note, gold, crude...). */
function futuresBase(ticker: string, r: number): number {
  const levels: Record<string, number> = {
    ES: 5800,
    NQ: 20500,
    "6E": 1.08,
    ZN: 111,
    ZC: 450,
    ZS: 1000,
    GC: 2600,
    SI: 30,
    HG: 4.2,
    CL: 70,
    NG: 3,
    RB: 2,
  };
  return (levels[ticker.slice(0, 2)] ?? 100) * (0.97 + 0.06 * r);
}

/** Midnight in New York, in UTC milliseconds, for a `YYYY-MM-DD` date (DST handled by Intl). */
export function newYorkMidnightMs(date: string): number {
  let ms = midnightCache.get(date);
  if (ms === undefined) {
    ms = computeNewYorkMidnight(date);
    midnightCache.set(date, ms);
  }
  return ms;
}
const midnightCache = new Map<string, number>();

function computeNewYorkMidnight(date: string): number {
  const utcMidnight = Date.parse(`${date}T00:00:00Z`);
  const nyHour = Number(NY_HOUR.format(new Date(utcMidnight + 5 * 3600_000)));
  // 05:00Z is midnight in New York in winter (EST) and 01:00 in summer (EDT).
  return utcMidnight + (nyHour === 0 ? 5 : 4) * 3600_000;
}
const NY_HOUR = new Intl.DateTimeFormat("en-US", {
  timeZone: "America/New_York",
  hour: "2-digit",
  hourCycle: "h23",
});

/** Unix nanoseconds as text from milliseconds plus a sub-millisecond part, with no precision lost. */
function ns(ms: number, subMs = 0): string {
  return subMs === 0 ? `${Math.floor(ms)}000000` : `${Math.floor(ms)}${String(subMs).padStart(6, "0")}`;
}

const PAD2 = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, "0"));

/** Prices as text. Integer formatting of cents is ~3x faster than toFixed, which matters for million-row days. */
function money(x: number, dataset: Dataset): string {
  // Options trade in cents at any price (OPRA's minimum tick), other sub-dollar prices in 1/100 cents.
  if (dataset.asset === "global_forex" || (x < 1 && dataset.asset !== "us_options_opra"))
    return x.toFixed(dataset.asset === "global_forex" ? 5 : 4);
  if (dataset.calendar === "cme" && x < 100) return x.toFixed(4); // 6E at 1.0845, not 1.08
  const cents = Math.round(x * 100);
  return `${Math.floor(cents / 100)}.${PAD2[cents % 100]}`;
}

/**
 * Prices on a price grid: a multiple of the smallest step the files print (`money`), so a price
 * prints the same in every dataset (futures trades with nine decimals, their bars with two or
 * four) and a bar's open, high, low and close are exactly prices of the trades or bars below it.
 */
function onTick(x: number, dataset: Dataset): number {
  const per =
    dataset.asset === "global_forex"
      ? 1e5
      : dataset.asset === "us_options_opra"
        ? 100
        : x < 1 || (dataset.calendar === "cme" && x < 100)
          ? 1e4
          : 100;
  return Math.max(1, Math.round(x * per)) / per;
}

/**
 * A ticker's closing price on any day, computed from the day alone (no history to carry).
 * Log price = base + a few slow waves with ticker-specific periods and phases + a little daily
 * noise.
 */
function closeOn(asset: string, ticker: string, day: number, base: number): number {
  const r = rng(hash(`${asset}/${ticker}`));
  let wave = 0;
  for (let k = 1; k <= 5; k++) {
    const period = 20 + r() * 600 * k;
    wave += (0.35 / k) * Math.sin((2 * Math.PI * day) / period + r() * 2 * Math.PI);
  }
  const noise = (hash(`${ticker}@${day}`) / 4294967296 - 0.5) * 0.03;
  return Math.max(0.01, base * Math.exp(wave + noise));
}

/**
 * A ticker's prices on a date, the same in every dataset of its asset class: the day's open (the
 * previous day's close), its close, and a path between them minute by minute. Minute bars,
 * trades, quotes and index values are drawn around the path; day bars are the sums of minute bars.
 */
export class PriceModel {
  constructor(readonly dataset: Dataset) {}

  /** Open and close of a ticker's day, and the name of its price path. */
  ends(ticker: string, date: string): { open: number; close: number; path: string } {
    const option = this.option(ticker, date);
    if (option) return { open: option.open, close: option.close, path: ticker };
    // Futures contracts of one root (ESZ6, ESH7) follow one price path, a little apart.
    const futures = this.dataset.calendar === "cme";
    const path = futures ? ticker.replace(/[FGHJKMNQUVXZ]\d$/, "") : ticker;
    const premium = futures ? 1 + (hash(ticker) % 100) / 20_000 : 1;
    const base = basePrice(this.dataset, path) * premium * this.split(ticker, date);
    const n = Date.parse(`${date}T00:00:00Z`) / 86_400_000;
    return {
      open: closeOn(this.dataset.asset, path, n - 1, base),
      close: closeOn(this.dataset.asset, path, n, base),
      path,
    };
  }

  /**
   * How many of today's shares one share of the date was (1, or a split's ratio before its
   * date): prices are that many times higher, volumes that many times lower (`SANDBOX_SPLITS`).
   */
  split(ticker: string, date: string): number {
    if (this.dataset.asset !== "us_stocks_sip") return 1;
    let ratio = 1;
    for (const s of SANDBOX_SPLITS) if (s.ticker === ticker && date < s.date) ratio *= s.ratio;
    return ratio;
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
  day(ticker: string, date: string, rand: () => number) {
    const { open, close } = this.ends(ticker, date);
    // Options swing far more in a day than their underlying.
    const range = this.dataset.asset === "us_options_opra" ? 0.08 : 0.01;
    const high = onTick(Math.max(open, close) * (1 + rand() * range), this.dataset);
    const low = onTick(Math.min(open, close) * (1 - rand() * range), this.dataset);
    return { open: onTick(open, this.dataset), high, low, close: onTick(close, this.dataset) };
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
    const { open, close, path } = this.ends(ticker, date);
    return new PricePath(open, close, minutes, hash(`${this.dataset.asset}|${path}|${date}|path`), knots);
  }
}

/** A price at any time of the session, in minutes from the open. */
interface Path {
  at(t: number): number;
}

/** Stock prices, which option chains and prices follow (one per thread, made on first use). */
function stockPrices(): PriceModel {
  stocks ??= new PriceModel(SANDBOX_DATASETS.find((d) => d.asset === "us_stocks_sip")!);
  return stocks;
}
let stocks: PriceModel | undefined;

/** An underlying's open and close on a date, as the stock files have them (remembered for the date). */
function underlying(ticker: string, date: string): { open: number; close: number } {
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
const KNOT_MINUTES = 5;

/**
 * The mid price through a session, at any time (in minutes from the open, fractions allowed):
 * the open at 0, the close at `minutes`, and between them a Brownian bridge on knots five
 * minutes apart, joined by straight lines, plus a small jitter of its own at each minute. Seeded
 * by the price path and the date, so a futures root's contracts move together. Knots rather
 * than a step a minute keep the cost per ticker and day low: old days use a dozen minutes.
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
    knots?: Float64Array,
  ) {
    const n = Math.ceil(minutes / KNOT_MINUTES);
    this.knots = knots && knots.length >= n + 1 ? knots : new Float64Array(n + 1);
    const k = this.knots;
    this.perKnot = n / minutes;
    const rand = rng(seed);
    const sigma = open * 0.0015; // per minute
    const step = sigma * Math.sqrt(minutes / n);
    k[0] = 0;
    for (let j = 1; j <= n; j++) k[j] = k[j - 1] + (rand() - 0.5) * step;
    const end = k[n];
    for (let j = 0; j <= n; j++) k[j] = open + ((close - open) * j) / n + k[j] - (end * j) / n;
    this.jitter = sigma * 0.5;
    this.floor = Math.min(open, close) * 0.2; // an option may lose most of its value in a day
  }

  at(t: number): number {
    const x = t * this.perKnot;
    const j = Math.min(Math.floor(x), this.knots.length - 2);
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

/** One day's file of a dataset, and the sizes of the same date's files it must agree with. */
export interface GeneratedDay {
  dataset: Dataset;
  date: string;
  /** Number of tickers (aggregates) or rows (trades, quotes, values). */
  size: number;
  /** Share of minutes with a bar, for every ticker; by default liquidity falls with ticker rank. */
  liquidity?: number;
  /**
   * A day (session) file: the same date's minute file, whose tickers are the first `size` of
   * this file's, each day bar being the sum of the ticker's minute bars. Default: all of this
   * file's tickers, with the minute file's default liquidity.
   */
  minute?: { size: number; liquidity?: number };
  /**
   * An aggregates file: the number of rows in the same date's trades file (index values for
   * indices). The minute bars of that file's tickers are its trades, minute by minute. 0 or
   * absent: no trades file, bars drawn around the price path.
   */
  ticks?: number;
}

/** Where a day's rows fall: from `start` (UTC ms) for `minutes` minutes. */
function sessionOf(dataset: Dataset, date: string): { start: number; minutes: number } {
  const midnight = newYorkMidnightMs(date);
  const hour = 3600_000;
  if (dataset.calendar === "cme") return { start: midnight - 6 * hour, minutes: 23 * 60 }; // 18:00 the evening before to 17:00
  if (dataset.calendar === "sunday-friday") {
    const wd = new Date(Date.parse(`${date}T00:00:00Z`)).getUTCDay();
    // The forex week opens on Sunday at 17:00 New York time and closes on Friday at 17:00.
    if (wd === 0) return { start: midnight + 17 * hour, minutes: 7 * 60 };
    if (wd === 5) return { start: midnight, minutes: 17 * 60 };
    return { start: midnight, minutes: 1440 };
  }
  // Crypto days are cut at UTC midnight, as sessions.ts assumes (uncertain for the real files).
  if (dataset.calendar === "daily") return { start: Date.parse(`${date}T00:00:00Z`), minutes: 1440 };
  return { start: midnight + 570 * 60_000, minutes: 390 }; // 09:30 to 16:00
}

/** A futures exchange's numeric id in the sandbox (the real ids are not published). */
function exchangeId(dataset: Dataset): string {
  return String(1 + Object.keys(FUTURES_ROOTS).indexOf(dataset.asset.replace("us_futures_", "")));
}

/** Builds one CSV line from values by column name, in the order of the day's own header. */
function rowWriter(header: string[], slots: readonly string[]): (vals: string[]) => string {
  const idx = header.map((n) => slots.indexOf(n));
  return (vals) => {
    let line = idx[0] >= 0 ? vals[idx[0]] : "";
    for (let i = 1; i < idx.length; i++) line += idx[i] >= 0 ? `,${vals[idx[i]]}` : ",";
    return line;
  };
}

const AGG_SLOTS = [
  "ticker",
  "volume",
  "open",
  "close",
  "high",
  "low",
  "window_start",
  "transactions",
  "session_end_date",
  "settlement_price",
  "exchange",
  "dollar_volume",
] as const;

/** Crypto volumes and sizes are counted in 10^-8 coins, so sums of them are exact. */
const COIN = 1e8;

function formats(dataset: Dataset, date: string) {
  const stocks = dataset.asset === "us_stocks_sip";
  const crypto = dataset.asset === "global_crypto";
  const decimals = stocks && date >= VALUE_FORMATS.decimalVolumeSince;
  const futures = dataset.calendar === "cme" && dataset.kind !== "aggs";
  return {
    /** A volume or size in the dataset's units (shares, contracts, 10^-8 coins). */
    vol: (v: number) => (decimals ? v.toFixed(6) : crypto ? coins(v, false) : String(v)),
    // Stock prices are padded to six places in the decimal era (2026 heads of day, minute and
    // trades files), futures trades and quotes to nine.
    px: (x: number) =>
      decimals ? x.toFixed(6) : futures ? x.toFixed(VALUE_FORMATS.futuresPriceDecimals) : money(x, dataset),
  };
}

/** 10^-8 coins as a decimal: with all eight places (trade sizes), or without trailing zeros (volumes). */
function coins(units: number, padded: boolean): string {
  const whole = Math.floor(units / COIN);
  const frac = String(units - whole * COIN).padStart(8, "0");
  if (padded) return `${whole}.${frac}`;
  const trimmed = frac.replace(/0+$/, "");
  return trimmed ? `${whole}.${trimmed}` : String(whole);
}

const cents = (c: number) => `${Math.floor(c / 100)}.${PAD2[c % 100]}`;

/** The trades file's tickers (and the quotes', and the index values'): the first four of the asset class. */
const TAPE_TICKERS = 4;
/** Rows of the biggest stock trades day; a smaller day's trades are bigger, so a day's volume stays realistic. */
export const FULL_STOCK_TAPE = 450_000;

/** A day of one asset class: its session, its prices, and the size of its trades file. */
class Day {
  readonly start: number;
  readonly minutes: number;
  readonly crypto: boolean;
  /** Whether bars carry a dollar volume (futures), summed in exact 10^-4 dollars per trade. */
  readonly dollars: boolean;
  constructor(
    readonly dataset: Dataset,
    readonly date: string,
    readonly prices: PriceModel,
    /** Rows of the date's trades (values) file; 0 when there is none. */
    readonly ticks: number,
  ) {
    ({ start: this.start, minutes: this.minutes } = sessionOf(dataset, date));
    this.crypto = dataset.asset === "global_crypto";
    this.dollars = dataset.header.includes("dollar_volume");
  }

  /** A ticker's minute bars into `out`: its trades' if it is in the trades file, else drawn around its price path. */
  minuteBars(ticker: string, rank: number, liquidity: number | undefined, out: Bars): Bars {
    if (this.ticks > 0 && rank < TAPE_TICKERS)
      return this.barsFromTape(new Tape(this, ticker, rank, this.ticks), out);
    return this.barsFromPath(
      ticker,
      liquidity ?? (rank < 30 ? 1 : Math.max(0.03, 1 / (1 + rank / 2500))),
      out,
    );
  }

  private barsFromTape(tape: Tape, out: Bars): Bars {
    out.n = 0;
    let b = -1;
    let minute = -1;
    let dollars = 0; // in 10^-4 dollars: exact
    for (let r = tape.rank; r < tape.rows; r += TAPE_TICKERS) {
      tape.next(r);
      const p = tape.price;
      if (tape.minute !== minute) {
        if (b >= 0) out.dollars[b] = Math.floor((dollars + 50) / 100);
        b = out.n++;
        minute = tape.minute;
        out.minute[b] = minute;
        out.open[b] = out.high[b] = out.low[b] = p;
        out.volume[b] = out.count[b] = dollars = 0;
      }
      if (p > out.high[b]) out.high[b] = p;
      if (p < out.low[b]) out.low[b] = p;
      out.close[b] = p;
      out.volume[b] += tape.units;
      out.count[b]++;
      if (this.dollars) dollars += Math.round(p * 1e4) * tape.units;
    }
    if (b >= 0) out.dollars[b] = Math.floor((dollars + 50) / 100);
    return out;
  }

  private barsFromPath(ticker: string, liquidity: number, out: Bars): Bars {
    const { dataset, minutes } = this;
    const path = this.prices.path(ticker, this.date, minutes, out.knots);
    const rand = rng(hash(`${dataset.asset}|${ticker}|${this.date}|bars`));
    const scale = this.crypto ? COIN : 1;
    const split = this.prices.split(ticker, this.date);
    // An option's bars share out its day's contracts (`PriceModel.option`), a bar a minute or fewer.
    const option = this.prices.option(ticker, this.date);
    const perBar = option ? option.volume / Math.max(1, minutes * Math.min(1, liquidity)) : 0;
    out.n = 0;
    const bar = (m: number) => {
      const b = out.n++;
      const o = onTick(path.at(m) * (1 + (rand() - 0.5) * 0.001), dataset);
      const c = onTick(path.at(m + 1) * (1 + (rand() - 0.5) * 0.001), dataset);
      const h = onTick(Math.max(o, c) * (1 + rand() * 0.001), dataset);
      const l = onTick(Math.min(o, c) * (1 - rand() * 0.001), dataset);
      // Trading is heaviest at the open and the close: a U-shaped profile through the session.
      const x = (2 * m) / minutes - 1;
      const shape = 0.5 + 2.5 * x ** 4; // 1 on average over the session
      const drawn = rand();
      const volume = option
        ? Math.max(1, Math.floor(perBar * 2 * drawn * shape))
        : Math.max(1, Math.floor(((100 + drawn * 20000 * liquidity) * shape) / split));
      out.minute[b] = m;
      out.open[b] = o;
      out.high[b] = h;
      out.low[b] = l;
      out.close[b] = c;
      out.volume[b] = volume * scale;
      out.count[b] = 1 + (volume >> 7);
      out.dollars[b] = Math.round(volume * (o + h + l + c) * 25);
    };
    // Liquid tickers trade every minute of the session, thin ones now and then (a geometric gap
    // between bars: one draw per bar, not per minute), but at least once.
    if (liquidity >= 1) for (let m = 0; m < minutes; m++) bar(m);
    else {
      const gap = () => Math.floor(Math.log(1 - rand()) / Math.log(1 - liquidity));
      for (let m = gap(); m < minutes; m += 1 + gap()) bar(m);
    }
    if (out.n === 0) bar(Math.floor(rand() * minutes));
    return out;
  }
}

/** One ticker's minute bars, in minute order, in buffers reused from ticker to ticker. */
class Bars {
  n = 0;
  readonly minute: Int32Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  /** In the dataset's units (shares, contracts, 10^-8 coins). */
  readonly volume: Float64Array;
  readonly count: Float64Array;
  /** Dollar volume in cents. */
  readonly dollars: Float64Array;
  /** Scratch for the price path's knots. */
  readonly knots: Float64Array;
  /** Buffers for sessions of `minutes` minutes, shared by the files of a thread (generation is synchronous). */
  static sized(minutes: number): Bars {
    let b = Bars.cache.get(minutes);
    if (!b) {
      b = new Bars(minutes);
      Bars.cache.set(minutes, b);
    }
    return b;
  }
  private static readonly cache = new Map<number, Bars>();

  private constructor(minutes: number) {
    this.minute = new Int32Array(minutes);
    [this.open, this.high, this.low, this.close, this.volume, this.count, this.dollars] = Array.from(
      { length: 7 },
      () => new Float64Array(minutes),
    );
    this.knots = new Float64Array(Math.ceil(minutes / KNOT_MINUTES) + 1);
  }
}

/**
 * One ticker's rows of a trades, quotes or values file: every fourth row of the file (the four
 * tickers take turns, in time order), at times spread evenly through the session, priced close
 * to the price path. Its own PRNG, seeded by asset, ticker and date, makes the same rows in the
 * trades file and in the minute bars built from them.
 */
class Tape {
  ms = 0;
  /** Time into the session, 0 at the open to 1 at the close. */
  at = 0;
  minute = 0;
  mid = 0;
  price = 0;
  /** Size as drawn, 1 to 500 (quote sizes). */
  raw = 0;
  /** Trade size in the dataset's units. */
  units = 0;
  /** The ticker's round lot that day, set by its first trade's price (as the library's `withOddLots` does). */
  private lotShares = 0;
  private readonly path: Path;
  private readonly rand: () => number;
  private readonly span: number;
  private readonly lot: number;
  constructor(
    private readonly day: Day,
    ticker: string,
    readonly rank: number,
    readonly rows: number,
  ) {
    this.path = day.prices.path(ticker, day.date, day.minutes);
    this.rand = rng(hash(`${day.dataset.asset}|${ticker}|${day.date}|ticks`));
    this.span = day.minutes * 60_000;
    // Stock trades on a day with a short trades file stand for more shares each (up to 100
    // times): a ticker's day volume stays in the millions on every recent day; before a split,
    // for that many times fewer shares. An option's trades add up to about its day's contracts
    // (at most 2,000 contracts a trade: on old days' 20-row files its volume falls short).
    const option = day.prices.option(ticker, day.date);
    if (option) this.lot = Math.min(4, option.volume / 250 / Math.max(1, rows / TAPE_TICKERS));
    else if (day.dataset.asset === "us_stocks_sip")
      this.lot =
        Math.min(100, Math.max(1, Math.round(FULL_STOCK_TAPE / rows))) / day.prices.split(ticker, day.date);
    else this.lot = 1;
  }

  /** Row `r` of the file (one of this ticker's). */
  next(r: number): void {
    const offset = Math.floor((r / this.rows) * this.span);
    this.ms = this.day.start + offset;
    this.at = offset / this.span;
    const f = offset / 60_000;
    this.minute = Math.floor(f);
    this.mid = this.path.at(f);
    this.price = onTick(this.mid * (1 + (this.rand() - 0.5) * 0.0004), this.day.dataset);
    const u = this.rand();
    this.raw = 1 + Math.floor(u * 500);
    this.units = this.day.crypto ? Math.round((this.raw * COIN) / 97) : 1 + Math.floor(u * 500 * this.lot);
  }

  /** The ticker's round lot on `date`, fixed by its first trade's price (as the library's `withOddLots` does). */
  roundLot(date: string): number {
    if (!this.lotShares) {
      const tier = ROUND_LOTS.tiers.find(([upTo]) => this.price <= upTo)!;
      this.lotShares = date < ROUND_LOTS.since ? 100 : tier[1];
    }
    return this.lotShares;
  }
}

/** The CSV text (header included) of one day's file, in the dataset's header. */
export function dayFileCsv(file: GeneratedDay, prices = new PriceModel(file.dataset)): string {
  const { header } = file.dataset;
  return file.dataset.kind === "aggs" ? aggsCsv(file, prices, header) : ticksCsv(file, prices, header);
}

function aggsCsv(file: GeneratedDay, prices: PriceModel, header: string[]): string {
  const { dataset, date } = file;
  const rand = rng(hash(`${dataset.id}/${date}`));
  const write = rowWriter(header, AGG_SLOTS);
  const { vol, px } = formats(dataset, date);
  const day = new Day(dataset, date, prices, file.ticks ?? 0);
  const bars = Bars.sized(day.minutes);
  const tickers = tickersFor(dataset, date, file.size);
  const v: string[] = new Array(AGG_SLOTS.length).fill("");
  v[8] = date;
  v[10] = exchangeId(dataset);
  if (dataset.interval !== "minute") {
    // Day bars are stamped at midnight New York time (crypto's at midnight UTC, where its day
    // starts); futures session bars at the session's open.
    const atOpen = dataset.interval === "session" || dataset.calendar === "daily";
    v[6] = ns(atOpen ? day.start : newYorkMidnightMs(date));
    const withMinutes = Math.min(tickers.length, file.minute?.size ?? file.size);
    const lines = [header.join(",")];
    for (let i = 0; i < tickers.length; i++) {
      const t = tickers[i];
      let open: number,
        high: number,
        low: number,
        close: number,
        volume: number,
        count: number,
        dollars: number;
      if (i < withMinutes) {
        // The sum of the ticker's minute bars, exactly as the minute file prints them.
        const b = day.minuteBars(t, i, file.minute?.liquidity, bars);
        [open, close, high, low] = [b.open[0], b.close[b.n - 1], b.high[0], b.low[0]];
        volume = count = dollars = 0;
        for (let k = 0; k < b.n; k++) {
          if (b.high[k] > high) high = b.high[k];
          if (b.low[k] < low) low = b.low[k];
          volume += b.volume[k];
          count += b.count[k];
          dollars += b.dollars[k];
        }
      } else {
        ({ open, high, low, close } = prices.day(t, date, rand));
        const option = prices.option(t, date);
        const drawn = Math.floor((1000 + rand() * rand() * 5e7) / prices.split(t, date));
        const shares = option ? option.volume : drawn;
        volume = day.crypto ? shares * COIN : shares;
        count = Math.max(1, Math.floor(shares / (option ? 8 : 120)));
        dollars = Math.round(shares * (open + close) * 50);
      }
      v[0] = t;
      v[1] = vol(volume);
      [v[2], v[3], v[4], v[5]] = [px(open), px(close), px(high), px(low)];
      v[7] = String(count);
      v[9] = px(onTick(close * (1 + (rand() - 0.5) * 0.0004), dataset));
      v[11] = cents(dollars);
      lines.push(write(v));
    }
    return lines.join("\n") + "\n";
  }
  // Rows are joined per ticker, then per file: one giant array of rows costs seconds in GC.
  const chunks: string[] = [header.join(",")];
  for (let i = 0; i < tickers.length; i++) {
    const b = day.minuteBars(tickers[i], i, file.liquidity, bars);
    const rows: string[] = new Array(b.n);
    v[0] = tickers[i];
    for (let k = 0; k < b.n; k++) {
      v[1] = vol(b.volume[k]);
      v[2] = px(b.open[k]);
      v[3] = px(b.close[k]);
      v[4] = px(b.high[k]);
      v[5] = px(b.low[k]);
      v[6] = ns(day.start + b.minute[k] * 60_000);
      v[7] = String(b.count[k]);
      if (day.dollars) v[11] = cents(b.dollars[k]);
      rows[k] = write(v);
    }
    if (rows.length) chunks.push(rows.join("\n"));
  }
  return chunks.join("\n") + "\n";
}

const TICK_SLOTS = [
  "ticker",
  "conditions",
  "correction",
  "exchange",
  "id",
  "participant_timestamp",
  "price",
  "sequence_number",
  "sip_timestamp",
  "size",
  "tape",
  "trf_id",
  "trf_timestamp",
  "ask_exchange",
  "ask_price",
  "ask_size",
  "bid_exchange",
  "bid_price",
  "bid_size",
  "indicators",
  "value",
  "timestamp",
  "report_sequence",
  "ask_timestamp",
  "bid_timestamp",
  "session_end_date",
] as const;
const slot = (name: (typeof TICK_SLOTS)[number]) => TICK_SLOTS.indexOf(name);
const S = Object.fromEntries(TICK_SLOTS.map((n) => [n, slot(n)])) as Record<
  (typeof TICK_SLOTS)[number],
  number
>;

/** Half the stock bid-ask spread, as a share of the price, at a time of the session (0 to 1). */
function stockHalfSpread(at: number): number {
  const x = 2 * at - 1; // -1 at the open, 1 at the close
  return 0.0005 + (x < 0 ? 0.0015 : 0.0009) * x ** 4;
}

/**
 * A stock trade's conditions from what it was: an odd lot (37: below its round lot, which
 * round-lots.ts tiers by price since 2025-11-03); an intermarket sweep (14), which
 * comes with 41 (trade-through exempt) or with 37; or none, a regular sale.
 */
function stockTradeConditions(oddLot: boolean, sweep: boolean): string {
  return sweep ? (oddLot ? '"14,37"' : '"14,41"') : oddLot ? "37" : "";
}

/**
 * Trades, quotes and index values: `size` rows spread through the session, in time order, the
 * four tickers taking turns. Trades are priced near the price path, quotes straddle it.
 */
function ticksCsv(file: GeneratedDay, prices: PriceModel, header: string[]): string {
  const { dataset, date } = file;
  const rand = rng(hash(`${dataset.id}/${date}`));
  const write = rowWriter(header, TICK_SLOTS);
  const { vol, px } = formats(dataset, date);
  const stocks = dataset.asset === "us_stocks_sip";
  const options = dataset.asset === "us_options_opra";
  const crypto = dataset.asset === "global_crypto";
  const zeros = date >= VALUE_FORMATS.zeroFieldsSince;
  const day = new Day(dataset, date, prices, file.size);
  const tickers = tickersFor(dataset, date, TAPE_TICKERS);
  const tapes = tickers.map((t, k) => new Tape(day, t, k, file.size));
  const v: string[] = new Array(TICK_SLOTS.length).fill("");
  v[S.session_end_date] = date;
  v[S.correction] = !stocks || zeros ? "0" : "";
  v[S.tape] = "3";
  // Only the columns of this file's header are formatted: trades have no quote prices.
  const has = (n: (typeof TICK_SLOTS)[number]) => header.includes(n);
  const [hasPrice, hasValue, hasQuote, hasAskTime] = [
    has("price"),
    has("value"),
    has("ask_price"),
    has("ask_timestamp"),
  ];
  const lines: string[] = [header.join(",")];
  for (let r = 0; r < file.size; r++) {
    const k = r % tapes.length;
    const tape = tapes[k];
    tape.next(r);
    const sub = Math.floor(rand() * 1e6);
    const sip = ns(tape.ms, sub);
    const part = ns(tape.ms, Math.max(0, sub - 137));
    const exchange = options
      ? VALUE_FORMATS.optionExchanges[Math.floor(rand() * VALUE_FORMATS.optionExchanges.length)]
      : 1 + Math.floor(rand() * 20);
    v[S.ticker] = tickers[k];
    // Condition lists with more than one code are quoted, as in the real files. Stock trades
    // follow what the codes mean: 37 (odd lot) on every trade below its round lot, 14
    // (intermarket sweep) on some, nothing on a regular sale; never 12 (Form T: outside regular
    // hours), since the sandbox's trades are all in the regular session. The random draws are
    // the same as before, so every other value of the file stays as it was.
    const u = rand();
    const u2 = u < 0.3 ? 0 : rand();
    v[S.conditions] = crypto
      ? String(1 + (r % 2))
      : options
        ? "209"
        : stocks && hasPrice && !hasQuote
          ? stockTradeConditions(tape.units < tape.roundLot(date), u < 0.08)
          : u < 0.3
            ? '"12,37"'
            : u2 < 0.5
              ? "12"
              : "";
    v[S.exchange] = String(exchange);
    v[S.id] = String((crypto ? 50_000_000 : 10_000) + r);
    v[S.participant_timestamp] = part;
    v[S.sip_timestamp] = sip;
    v[S.timestamp] = sip;
    if (hasPrice) v[S.price] = px(tape.price);
    if (hasValue) v[S.value] = money(tape.price, dataset);
    v[S.sequence_number] = String(1000 + r);
    v[S.report_sequence] = String(1 + (r >> 2));
    v[S.size] = crypto ? coins(tape.units, true) : vol(tape.units);
    // Off-exchange prints (exchange 4, a FINRA TRF) carry a TRF id and time; exchange prints
    // have 0 there in current files and nothing in older ones.
    const trf = stocks && exchange === 4;
    v[S.trf_id] = trf ? "201" : zeros ? "0" : "";
    v[S.trf_timestamp] = trf ? part : "0";
    if (hasQuote) {
      v[S.ask_exchange] = v[S.bid_exchange] = dataset.asset === "global_forex" ? "48" : String(exchange);
      // Quotes straddle the price path; trades stray from it by at most 0.02%. Stock spreads
      // follow a U through the session: 0.05% a side at midday, up to four times that at the
      // open and nearly three times at the close. Options quote 1% a side, at least a cent.
      const half = stocks ? stockHalfSpread(tape.at) : options ? Math.max(0.01 / tape.mid, 0.01) : 0.0005;
      v[S.ask_price] = px(onTick(tape.mid * (1 + half), dataset));
      v[S.bid_price] = px(onTick(tape.mid * (1 - half), dataset));
      v[S.ask_size] = v[S.bid_size] = stocks ? vol(tape.raw) : String(tape.raw);
      if (hasAskTime) v[S.ask_timestamp] = v[S.bid_timestamp] = part;
      // Now and then a one-sided quote, written as real rows have it: futures leave the price
      // empty with size 0; stocks write 0.0 and 0 (on both sides, as in the 2026 head); options
      // write exchange, price and size 0 on the missing side.
      if (dataset.calendar === "cme" && rand() < 0.02) [v[S.bid_price], v[S.bid_size]] = ["", "0"];
      if (stocks && rand() < 0.02)
        [v[S.ask_price], v[S.ask_size], v[S.bid_price], v[S.bid_size]] = ["0.0", "0", "0.0", "0"];
      if (options && rand() < 0.02) [v[S.ask_exchange], v[S.ask_price], v[S.ask_size]] = ["0", "0", "0"]; // no offer
    }
    v[S.indicators] = "";
    lines.push(write(v));
  }
  return lines.join("\n") + "\n";
}
