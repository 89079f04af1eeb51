/**
 * Deterministic synthetic market data in the flat-files CSV formats.
 *
 * Every value comes from a PRNG seeded by the file's key, so the same sandbox is built on every
 * machine. Daily prices are a function of (asset, ticker, date), so all datasets agree.
 */
import { FUTURES_ROOTS, type SandboxDataset as Dataset, VALUE_FORMATS } from "./description";

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
      if (dataset.asset.startsWith("us_futures_")) return futuresBase(ticker, r);
      return 5 + 300 * r;
  }
}

/** Price levels of the sandbox's futures roots (E-mini S&P, 10-year note, gold, crude...). */
function futuresBase(ticker: string, r: number): number {
  const levels: Record<string, number> = { ES: 5800, NQ: 20500, "6E": 1.08, ZN: 111, ZC: 450, ZS: 1000, GC: 2600, SI: 30, HG: 4.2, CL: 70, NG: 3, RB: 2 };
  return (levels[ticker.slice(0, 2)] ?? 100) * (0.97 + 0.06 * r);
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
  if (dataset.calendar === "cme" && x < 100) return x.toFixed(4); // 6E at 1.0845, not 1.08
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
    // Futures contracts of one root (ESZ6, ESH7) follow one price path, a little apart.
    const futures = this.dataset.calendar === "cme";
    const path = futures ? ticker.replace(/[FGHJKMNQUVXZ]\d$/, "") : ticker;
    const premium = futures ? 1 + (hash(ticker) % 100) / 20_000 : 1;
    const base = basePrice(this.dataset, path) * premium;
    const n = Date.parse(`${date}T00:00:00Z`) / 86_400_000;
    const open = closeOn(this.dataset.asset, path, n - 1, base);
    const close = closeOn(this.dataset.asset, path, n, base);
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
  if (dataset.calendar === "daily") return { start: midnight, minutes: 1440 };
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
  "ticker", "volume", "open", "close", "high", "low", "window_start", "transactions", "session_end_date",
  "settlement_price", "exchange", "dollar_volume",
] as const;

function formats(dataset: Dataset, date: string) {
  const stocks = dataset.asset === "us_stocks_sip";
  const decimals = stocks && date >= VALUE_FORMATS.decimalVolumeSince;
  const futures = dataset.calendar === "cme" && dataset.kind !== "aggs";
  return {
    vol: (v: number) => (decimals ? v.toFixed(6) : String(v)),
    // Stock prices are padded to six places in the decimal era (2026 heads of day, minute and
    // trades files), futures trades and quotes to nine.
    px: (x: number) =>
      decimals ? x.toFixed(6) : futures ? x.toFixed(VALUE_FORMATS.futuresPriceDecimals) : money(x, dataset),
  };
}

/** The CSV text (header included) of one day's file, in the dataset's header. */
export function dayFileCsv(file: DayFile, walk: PriceWalk): string {
  const { header } = file.dataset;
  return file.dataset.kind === "aggs" ? aggsCsv(file, walk, header) : ticksCsv(file, walk, header);
}

function aggsCsv(file: DayFile, walk: PriceWalk, header: string[]): string {
  const { dataset, date } = file;
  const rand = rng(hash(`${dataset.id}/${date}`));
  const write = rowWriter(header, AGG_SLOTS);
  const { vol, px } = formats(dataset, date);
  const midnight = newYorkMidnightMs(date);
  const tickers = tickersFor(dataset, date, file.size);
  const v: string[] = new Array(AGG_SLOTS.length).fill("");
  v[8] = date;
  if (dataset.interval !== "minute") {
    const lines = [header.join(",")];
    const session = sessionOf(dataset, date);
    for (const t of tickers) {
      const p = walk.day(t, date, rand);
      const volume = Math.floor(1000 + rand() * rand() * 5e7);
      v[0] = t;
      v[1] = vol(volume);
      [v[2], v[3], v[4], v[5]] = [px(p.open), px(p.close), px(p.high), px(p.low)];
      // Day bars are stamped at midnight New York time; futures session bars at the session's open.
      v[6] = ns(dataset.interval === "session" ? session.start : midnight);
      v[7] = String(Math.max(1, Math.floor(volume / 120)));
      v[9] = px(p.close * (1 + (rand() - 0.5) * 0.0004));
      v[10] = exchangeId(dataset);
      v[11] = (volume * (p.open + p.close) * 0.5).toFixed(2);
      lines.push(write(v));
    }
    return lines.join("\n") + "\n";
  }
  // Minute bars: liquid tickers trade every minute of the session, thin ones now and then.
  const { start, minutes } = sessionOf(dataset, date);
  // Rows are joined per ticker, then per file: one giant array of rows costs seconds in GC.
  const chunks: string[] = [header.join(",")];
  for (let i = 0; i < tickers.length; i++) {
    const rows: string[] = [];
    const t = tickers[i];
    const p = walk.day(t, date, rand);
    const liquidity = file.liquidity ?? (i < 30 ? 1 : Math.max(0.03, 1 / (1 + i / 2500)));
    // A Brownian bridge from open to close: a random path that still ends at the close.
    const path = new Float64Array(minutes + 1);
    for (let m = 1; m <= minutes; m++) path[m] = path[m - 1] + (rand() - 0.5);
    const sigma = p.open * 0.0015;
    v[0] = t;
    for (let m = 0; m < minutes; m++) {
      const f = (m + 1) / minutes;
      const price = Math.max(0.01, p.open + (p.close - p.open) * f + (path[m + 1] - f * path[minutes]) * sigma);
      if (rand() > liquidity) continue;
      const o = price * (1 + (rand() - 0.5) * 0.002);
      const c = price * (1 + (rand() - 0.5) * 0.002);
      // Trading is heaviest at the open and the close: a U-shaped profile through the session.
      const x = (2 * m) / minutes - 1;
      const volume = Math.floor((100 + rand() * 20000 * liquidity) * (0.5 + 2.5 * x ** 4));
      v[1] = vol(volume);
      v[2] = px(o);
      v[3] = px(c);
      v[4] = px(Math.max(o, c) * (1 + rand() * 0.001));
      v[5] = px(Math.min(o, c) * (1 - rand() * 0.001));
      v[6] = ns(start + m * 60_000);
      v[7] = String(1 + (volume >> 7));
      v[10] = exchangeId(dataset);
      v[11] = (volume * price).toFixed(2);
      rows.push(write(v));
    }
    if (rows.length) chunks.push(rows.join("\n"));
  }
  return chunks.join("\n") + "\n";
}

const TICK_SLOTS = [
  "ticker", "conditions", "correction", "exchange", "id", "participant_timestamp", "price", "sequence_number",
  "sip_timestamp", "size", "tape", "trf_id", "trf_timestamp", "ask_exchange", "ask_price", "ask_size",
  "bid_exchange", "bid_price", "bid_size", "indicators", "value", "timestamp", "report_sequence",
  "ask_timestamp", "bid_timestamp", "session_end_date",
] as const;
const slot = (name: (typeof TICK_SLOTS)[number]) => TICK_SLOTS.indexOf(name);
const S = Object.fromEntries(TICK_SLOTS.map((n) => [n, slot(n)])) as Record<(typeof TICK_SLOTS)[number], number>;

/** Trades, quotes and index values: `size` rows spread through the session, in time order. */
function ticksCsv(file: DayFile, walk: PriceWalk, header: string[]): string {
  const { dataset, date } = file;
  const rand = rng(hash(`${dataset.id}/${date}`));
  const write = rowWriter(header, TICK_SLOTS);
  const { vol, px } = formats(dataset, date);
  const stocks = dataset.asset === "us_stocks_sip";
  const options = dataset.asset === "us_options_opra";
  const crypto = dataset.asset === "global_crypto";
  const zeros = date >= VALUE_FORMATS.zeroFieldsSince;
  const tickers = tickersFor(dataset, date, 4);
  const prices = tickers.map((t) => walk.day(t, date, rand).open);
  const { start, minutes } = sessionOf(dataset, date);
  const spanMs = minutes * 60_000;
  const v: string[] = new Array(TICK_SLOTS.length).fill("");
  v[S.session_end_date] = date;
  v[S.correction] = !stocks || zeros ? "0" : "";
  v[S.tape] = "3";
  const lines: string[] = [header.join(",")];
  for (let r = 0; r < file.size; r++) {
    const k = r % tickers.length;
    prices[k] *= 1 + (rand() - 0.5) * 0.001;
    const ms = start + Math.floor((r / file.size) * spanMs);
    const sub = Math.floor(rand() * 1e6);
    const sip = ns(ms, sub);
    const part = ns(ms, Math.max(0, sub - 137));
    const price = prices[k];
    const spread = price * 0.0005;
    const size = 1 + Math.floor(rand() * 500);
    const exchange = options
      ? VALUE_FORMATS.optionExchanges[Math.floor(rand() * VALUE_FORMATS.optionExchanges.length)]
      : 1 + Math.floor(rand() * 20);
    v[S.ticker] = tickers[k];
    // Condition lists with more than one code are quoted, as in the real files.
    v[S.conditions] = crypto ? String(1 + (r % 2)) : options ? "209" : rand() < 0.3 ? '"12,37"' : rand() < 0.5 ? "12" : "";
    v[S.exchange] = String(exchange);
    v[S.id] = String((crypto ? 50_000_000 : 10_000) + r);
    v[S.participant_timestamp] = part;
    v[S.sip_timestamp] = sip;
    v[S.timestamp] = sip;
    v[S.price] = px(price);
    v[S.value] = money(price, dataset);
    v[S.sequence_number] = String(1000 + r);
    v[S.report_sequence] = String(1 + (r >> 2));
    v[S.size] = crypto ? (size / 97).toFixed(8) : stocks ? vol(size) : String(size);
    // Off-exchange prints (exchange 4, a FINRA TRF) carry a TRF id and time; exchange prints
    // have 0 there in current files and nothing in older ones.
    const trf = stocks && exchange === 4;
    v[S.trf_id] = trf ? "201" : zeros ? "0" : "";
    v[S.trf_timestamp] = trf ? part : "0";
    v[S.ask_exchange] = v[S.bid_exchange] = dataset.asset === "global_forex" ? "48" : String(exchange);
    v[S.ask_price] = px(price + spread);
    v[S.bid_price] = px(price - spread);
    v[S.ask_size] = v[S.bid_size] = stocks ? vol(size) : String(size);
    v[S.ask_timestamp] = v[S.bid_timestamp] = part;
    // Now and then a one-sided quote, written as real rows have it: futures leave the price
    // empty with size 0; stocks write 0.0 and 0 (on both sides, as in the 2026 head); options
    // write exchange, price and size 0 on the missing side.
    if (dataset.calendar === "cme" && rand() < 0.02) [v[S.bid_price], v[S.bid_size]] = ["", "0"];
    if (stocks && rand() < 0.02) [v[S.ask_price], v[S.ask_size], v[S.bid_price], v[S.bid_size]] = ["0.0", "0", "0.0", "0"];
    if (options && rand() < 0.02) [v[S.ask_exchange], v[S.ask_price], v[S.ask_size]] = ["0", "0", "0"]; // no offer
    v[S.indicators] = "";
    lines.push(write(v));
  }
  return lines.join("\n") + "\n";
}
