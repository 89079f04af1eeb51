/**
 * Deterministic synthetic market data in the flat-files CSV formats.
 *
 * Every value comes from a PRNG seeded by the file's key, so the same sandbox is built on every
 * machine. Daily prices are a function of (asset, ticker, date), so all datasets agree.
 */
import type { Dataset } from "../flatfiles/datasets";

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
  "AAPL", "MSFT", "NVDA", "AMZN", "GOOGL", "META", "TSLA", "JPM", "V", "SPY", "QQQ", "IWM", "XOM", "UNH",
  "JNJ", "WMT", "PG", "MA", "HD", "BAC", "KO", "PEP", "DIS", "NFLX", "AMD", "INTC", "CSCO", "ORCL", "CRM", "F",
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

const UNDERLYINGS = ["AAPL", "MSFT", "NVDA", "SPY", "TSLA", "AMZN"];
const INDICES = ["I:SPX", "I:NDX", "I:DJI", "I:RUT", "I:VIX", "I:SOX"];
const FOREX = ["C:EUR-USD", "C:USD-JPY", "C:GBP-USD", "C:AUD-USD", "C:USD-CAD", "C:USD-CHF"];
const CRYPTO = ["X:BTC-USD", "X:ETH-USD", "X:SOL-USD", "X:DOGE-USD", "X:ADA-USD", "X:LTC-USD"];

/** Option contracts expiring on the third Friday after a date, around a made-up strike. */
function optionTickers(date: string, n: number): string[] {
  const yymmdd = `${date.slice(2, 4)}${date.slice(5, 7)}${"17"}`;
  const out: string[] = [];
  for (let i = 0; out.length < n; i++) {
    const u = UNDERLYINGS[i % UNDERLYINGS.length];
    const strike = (100 + 5 * Math.floor(i / (2 * UNDERLYINGS.length))) * 1000;
    const cp = Math.floor(i / UNDERLYINGS.length) % 2 ? "P" : "C";
    out.push(`O:${u}${yymmdd}${cp}${String(strike).padStart(8, "0")}`);
  }
  return out;
}

export function tickersFor(dataset: Dataset, date: string, count: number): string[] {
  switch (dataset.asset) {
    case "us_stocks_sip":
      return stockTickers(count);
    case "us_options_opra":
      return optionTickers(date, count);
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
    case "us_options_opra":
      return 0.5 + 20 * r;
    default:
      return 5 + 300 * r;
  }
}

/** Midnight in New York, in UTC milliseconds, for a `YYYY-MM-DD` date (DST handled by Intl). */
export function newYorkMidnightMs(date: string): number {
  let ms = midnightCache.get(date);
  if (ms === undefined) midnightCache.set(date, (ms = computeNewYorkMidnight(date)));
  return ms;
}
const midnightCache = new Map<string, number>();

function computeNewYorkMidnight(date: string): number {
  const utcMidnight = Date.parse(`${date}T00:00:00Z`);
  const nyHour = Number(NY_HOUR.format(new Date(utcMidnight + 5 * 3600_000)));
  // 05:00Z is midnight in New York in winter (EST) and 01:00 in summer (EDT).
  return utcMidnight + (nyHour === 0 ? 5 : 4) * 3600_000;
}
const NY_HOUR = new Intl.DateTimeFormat("en-US", { timeZone: "America/New_York", hour: "2-digit", hourCycle: "h23" });

/** Unix nanoseconds as text from milliseconds plus a sub-millisecond part, with no precision lost. */
function ns(ms: number, subMs = 0): string {
  return subMs === 0 ? `${Math.floor(ms)}000000` : `${Math.floor(ms)}${String(subMs).padStart(6, "0")}`;
}

const PAD2 = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, "0"));

/** Prices as text. Integer formatting of cents is ~3x faster than toFixed, which matters for million-row days. */
function money(x: number, dataset: Dataset): string {
  if (dataset.asset === "global_forex" || x < 1) return x.toFixed(dataset.asset === "global_forex" ? 5 : 4);
  const cents = Math.round(x * 100);
  return `${Math.floor(cents / 100)}.${PAD2[cents % 100]}`;
}

/**
 * A ticker's closing price on any day, computed from the day alone (no history to carry), so
 * every dataset of an asset class agrees: the day bar, the minute bars and the trades of AAPL
 * on a date tell the same story. Log price = base + a few slow waves with ticker-specific
 * periods and phases + a little daily noise.
 */
function closeOn(asset: string, ticker: string, day: number, base: number): number {
  const r = rng(hash(`${asset}/${ticker}`));
  let wave = 0;
  for (let k = 1; k <= 5; k++) {
    const period = 20 + r() * 600 * k;
    wave += ((0.35 / k) * Math.sin((2 * Math.PI * day) / period + r() * 2 * Math.PI));
  }
  const noise = ((hash(`${ticker}@${day}`) / 4294967296) - 0.5) * 0.03;
  return Math.max(0.01, base * Math.exp(wave + noise));
}

/** Day prices for a dataset's tickers; every dataset of one asset class gets the same closes. */
export class PriceWalk {
  constructor(private readonly dataset: Dataset) {}

  /** One day's open (the previous day's close), high, low and close for a ticker. */
  day(ticker: string, date: string, rand: () => number) {
    const base = basePrice(this.dataset, ticker);
    const n = Date.parse(`${date}T00:00:00Z`) / 86_400_000;
    const open = closeOn(this.dataset.asset, ticker, n - 1, base);
    const close = closeOn(this.dataset.asset, ticker, n, base);
    const high = Math.max(open, close) * (1 + rand() * 0.01);
    const low = Math.min(open, close) * (1 - rand() * 0.01);
    return { open, high, low, close };
  }
}

export interface DayFile {
  dataset: Dataset;
  date: string;
  /** Number of tickers (aggregates) or rows (trades, quotes, values). */
  size: number;
  /** Share of minutes with a bar, for every ticker; by default liquidity falls with ticker rank. */
  liquidity?: number;
}

/** Stock volumes are written with six decimals from this date on, as the real files are. */
const DECIMAL_VOLUME_SINCE = "2026-02-23";

/** The CSV text (header included) of one day's file. */
export function dayFileCsv(file: DayFile, walk: PriceWalk): string {
  const { dataset, date } = file;
  const rand = rng(hash(`${dataset.id}/${date}`));
  const header = dataset.columns.map((c) => c.name).join(",");
  const midnight = newYorkMidnightMs(date);
  const open930 = midnight + 570 * 60_000;
  const decimalVolume = dataset.asset === "us_stocks_sip" && date >= DECIMAL_VOLUME_SINCE;
  const vol = (v: number) => (decimalVolume ? v.toFixed(6) : String(v));
  const lines: string[] = [header];
  const hasVolume = dataset.columns.some((c) => c.name === "volume");

  if (dataset.kind === "aggs") {
    const tickers = tickersFor(dataset, date, file.size);
    if (dataset.interval === "day") {
      for (const t of tickers) {
        const p = walk.day(t, date, rand);
        const v = Math.floor(1000 + rand() * rand() * 5e7);
        const row = [t];
        if (hasVolume) row.push(vol(v));
        row.push(money(p.open, dataset), money(p.close, dataset), money(p.high, dataset), money(p.low, dataset));
        row.push(ns(midnight));
        if (hasVolume) row.push(String(Math.max(1, Math.floor(v / 120))));
        lines.push(row.join(","));
      }
    } else {
      // Minute bars: liquid tickers trade every minute of the session, thin ones now and then.
      const minutes = dataset.asset === "global_crypto" || dataset.asset === "global_forex" ? 1440 : 390;
      const start = minutes === 1440 ? midnight : open930;
      // Rows are joined per ticker, then per file: one giant array of rows costs seconds in GC.
      const chunks: string[] = [header];
      for (let i = 0; i < tickers.length; i++) {
        const rows: string[] = [];
        const t = tickers[i];
        const p = walk.day(t, date, rand);
        const liquidity = file.liquidity ?? (i < 30 ? 1 : Math.max(0.03, 1 / (1 + i / 2500)));
        // A Brownian bridge from open to close: a random path that still ends at the close.
        const path = new Float64Array(minutes + 1);
        for (let m = 1; m <= minutes; m++) path[m] = path[m - 1] + (rand() - 0.5);
        const sigma = p.open * 0.0015;
        for (let m = 0; m < minutes; m++) {
          const f = (m + 1) / minutes;
          const price = Math.max(0.01, p.open + (p.close - p.open) * f + (path[m + 1] - f * path[minutes]) * sigma);
          if (rand() > liquidity) continue;
          const o = price * (1 + (rand() - 0.5) * 0.002);
          const c = price * (1 + (rand() - 0.5) * 0.002);
          const h = Math.max(o, c) * (1 + rand() * 0.001);
          const l = Math.min(o, c) * (1 - rand() * 0.001);
          // Trading is heaviest at the open and the close: a U-shaped profile through the session.
          const x = (2 * m) / minutes - 1;
          const v = Math.floor((100 + rand() * 20000 * liquidity) * (0.5 + 2.5 * x ** 4));
          const row = hasVolume
            ? `${t},${vol(v)},${money(o, dataset)},${money(c, dataset)},${money(h, dataset)},${money(l, dataset)},${ns(start + m * 60_000)},${1 + (v >> 7)}`
            : `${t},${money(o, dataset)},${money(c, dataset)},${money(h, dataset)},${money(l, dataset)},${ns(start + m * 60_000)}`;
          rows.push(row);
        }
        if (rows.length) chunks.push(rows.join("\n"));
      }
      return chunks.join("\n") + "\n";
    }
    return lines.join("\n") + "\n";
  }

  // Trades, quotes and index values: `size` rows spread through the session, in time order.
  const tickers = tickersFor(dataset, date, 4);
  const prices = tickers.map((t) => walk.day(t, date, rand).open);
  const spanMs = 390 * 60_000;
  for (let r = 0; r < file.size; r++) {
    const k = r % tickers.length;
    const t = tickers[k];
    prices[k] *= 1 + (rand() - 0.5) * 0.001;
    const ms = open930 + Math.floor((r / file.size) * spanMs);
    const sub = Math.floor(rand() * 1e6);
    const sip = ns(ms, sub);
    const part = ns(ms, Math.max(0, sub - 137));
    const px = money(prices[k], dataset);
    const size = String(1 + Math.floor(rand() * 500));
    const ex = String(1 + Math.floor(rand() * 20));
    lines.push(rowFor(dataset, { t, px, size, ex, sip, part, r, rand }));
  }
  return lines.join("\n") + "\n";
}

interface RowParts {
  t: string;
  px: string;
  size: string;
  ex: string;
  sip: string;
  part: string;
  r: number;
  rand: () => number;
}

/** One row of a trades/quotes/values file, in the dataset's column order. */
function rowFor(dataset: Dataset, p: RowParts): string {
  const cond = p.rand() < 0.3 ? '"12,37"' : p.rand() < 0.5 ? "12" : "";
  const spread = Number(p.px) * 0.0005;
  const ask = (Number(p.px) + spread).toFixed(4);
  const bid = (Number(p.px) - spread).toFixed(4);
  switch (`${dataset.asset}/${dataset.name}`) {
    case "us_stocks_sip/trades_v1":
      return [p.t, cond, "0", p.ex, String(10000 + p.r), p.part, p.px, String(1000 + p.r), p.sip, p.size, "3", "", ""].join(",");
    case "us_stocks_sip/quotes_v1":
      return [p.t, p.ex, ask, p.size, p.ex, bid, p.size, "1", "", p.part, String(1000 + p.r), p.sip, "3", ""].join(",");
    case "us_options_opra/trades_v1":
      return [p.t, "209", "0", p.ex, p.part, p.px, p.sip, p.size].join(",");
    case "us_options_opra/quotes_v1":
      return [p.t, p.ex, ask, p.size, p.ex, bid, p.size, String(1000 + p.r), p.sip].join(",");
    case "us_indices/values_v1":
      return [p.t, p.px, p.sip].join(",");
    case "global_forex/quotes_v1":
      return [p.t, "48", ask, "48", bid, p.part].join(",");
    default: // global_crypto/trades_v1
      return [p.t, "1", p.ex, String(50000 + p.r), p.part, p.px, (Number(p.size) / 97).toFixed(8)].join(",");
  }
}
