/**
 * A generated options day at real size, for bench/analysis.ts: `us_options_opra/trades_v1` and
 * `us_options_opra/day_aggs_v1` of one date, in the real headers and value formats, sorted by
 * ticker (then time), gzipped at level 9 as the real options files are. Made once into the temp
 * folder, never committed.
 *
 * Real sizes (docs/benchmarks.md, "Options chain and minute VWAP", says where they come from): a
 * 2026 day aggregates file has ~364k contracts (4 MB gzipped) and a trades file is 62-78 MB
 * gzipped; 8 M trades is an estimate from two sides (OCC's ~47-48 M contracts a day in 2024 at
 * this generator's mean of 5.7 contracts a trade; 62-78 MB at this generator's ~9.9 gzipped bytes
 * a trade). The generator's defaults follow those figures.
 *
 * Shape: ~4,600 roots with a skewed activity (SPY, SPXW, QQQ, NVDA, TSLA... by hand, the rest
 * Zipf-like), each listing expirations and strikes around its price, trades concentrated near the
 * money and the nearest expirations. The day aggregates are made from the trades (volume = sum of
 * sizes, open/close = first/last trade, transactions = count; every trade counts, whatever its
 * condition), so a chain from either file must agree, which the benchmark checks.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { createGzip, type Gzip } from "node:zlib";
import { rng } from "../src/sandbox/synthetic";

export interface OptionsDaySpec {
  /** Contracts in the day (rows of day_aggs_v1). */
  contracts: number;
  /** Trades in the day (rows of trades_v1), roughly: every contract trades at least once. */
  trades: number;
}

export const REAL_OPTIONS_DAY: OptionsDaySpec = { contracts: 364_000, trades: 8_000_000 };

/** 2026-11-20, a Friday: midnight New York (the day bar's window_start) and the 9:30 open, in Unix seconds. */
const MIDNIGHT_NY = 1763614800;
const OPEN = 1763649000;
const SESSION_S = 6.5 * 3600;
const DAY = "2026-11-20";

/** Hand-set roots: price, share of the day's trades, whether it lists daily expirations. */
const NAMED: [root: string, price: number, tradeShare: number, daily: boolean][] = [
  ["SPY", 672, 0.075, true],
  ["SPXW", 6720, 0.06, true],
  ["QQQ", 610, 0.045, true],
  ["NVDA", 182, 0.05, false],
  ["TSLA", 395, 0.045, false],
  ["IWM", 238, 0.015, true],
  ["AAPL", 268, 0.02, false],
  ["AMZN", 221, 0.015, false],
  ["META", 590, 0.012, false],
  ["AMD", 205, 0.012, false],
  ["PLTR", 168, 0.012, false],
  ["MSFT", 472, 0.01, false],
  ["GOOGL", 292, 0.01, false],
  ["MSTR", 190, 0.008, false],
  ["COIN", 250, 0.007, false],
  ["HOOD", 120, 0.007, false],
  ["AVGO", 340, 0.007, false],
  ["NFLX", 1100, 0.005, false],
  ["SPX", 6720, 0.004, false],
  // Roots that start with SPY: the chain's root filter must leave them out.
  ["SPYG", 100, 0.0002, false],
  ["SPYV", 56, 0.0001, false],
  ["SPYI", 52, 0.0001, false],
];
const OTHER_ROOTS = 4600;

interface Root {
  root: string;
  price: number;
  share: number;
  daily: boolean;
}

function roots(random: () => number): Root[] {
  const named = new Set(NAMED.map((n) => n[0]));
  const out: Root[] = NAMED.map(([root, price, share, daily]) => ({ root, price, share, daily }));
  const rest = 1 - out.reduce((s, r) => s + r.share, 0);
  const zipf = Array.from({ length: OTHER_ROOTS }, (_, i) => 1 / (i + 3));
  const total = zipf.reduce((s, z) => s + z, 0);
  const seen = new Set(named);
  for (let i = 0; i < OTHER_ROOTS; i++) {
    let root: string;
    do {
      const len = 2 + Math.floor(random() * 3);
      root = Array.from({ length: len }, () => String.fromCharCode(65 + Math.floor(random() * 26))).join("");
    } while (seen.has(root) || root.startsWith("SPY"));
    seen.add(root);
    out.push({
      root,
      price: Math.round(5 + 400 * random() ** 2),
      share: (rest * zipf[i]) / total,
      daily: false,
    });
  }
  return out;
}

function iso(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** Expirations a root lists from DAY on: every weekday for 4 weeks (daily roots), Fridays for 8 weeks, third Fridays for 2 years, Decembers and Januaries to 2029. */
function expirations(daily: boolean): string[] {
  const start = new Date(`${DAY}T12:00:00Z`);
  const out = new Set<string>();
  for (let i = 0; i < 800; i++) {
    const d = new Date(start.getTime() + i * 86_400_000);
    const wd = d.getUTCDay();
    if (wd === 0 || wd === 6) continue;
    const thirdFriday = wd === 5 && d.getUTCDate() >= 15 && d.getUTCDate() <= 21;
    if (
      (daily && i < 28) ||
      (wd === 5 && i < 56) ||
      (thirdFriday && i < 730) ||
      (thirdFriday && (d.getUTCMonth() === 11 || d.getUTCMonth() === 0))
    ) {
      out.add(iso(d));
    }
  }
  return [...out].sort();
}

interface Contract {
  ticker: string;
  trades: number;
  /** A fair price to scatter trade prices around. */
  price: number;
}

function occ(root: string, expiry: string, call: boolean, strike: number): string {
  return `O:${root}${expiry.slice(2, 4)}${expiry.slice(5, 7)}${expiry.slice(8, 10)}${call ? "C" : "P"}${String(Math.round(strike * 1000)).padStart(8, "0")}`;
}

/** A rough option price: intrinsic value plus a time value that falls away from the money. */
function fairPrice(spot: number, strike: number, years: number, call: boolean): number {
  const vol = 0.3;
  const sd = vol * Math.sqrt(Math.max(years, 1 / 365 / 4));
  const m = Math.log(strike / spot);
  const intrinsic = Math.max(0, call ? spot - strike : strike - spot);
  return Math.max(0.01, intrinsic + 0.4 * spot * sd * Math.exp(-(m * m) / (2 * sd * sd)));
}

/** Every contract of the day with its number of trades, sorted by ticker. */
function contracts(spec: OptionsDaySpec, random: () => number): Contract[] {
  const all: Contract[] = [];
  const rs = roots(random);
  // Contracts per root grow with the square root of activity (busy roots list more, but not in proportion).
  const breadth = rs.map((r) => Math.sqrt(r.share));
  const breadthSum = breadth.reduce((s, b) => s + b, 0);
  const day0 = Date.parse(`${DAY}T00:00:00Z`);
  rs.forEach((r, i) => {
    const n = Math.max(2, Math.round((spec.contracts * breadth[i]) / breadthSum));
    const exps = expirations(r.daily);
    const e = Math.min(exps.length, Math.max(1, Math.round(Math.sqrt(n / 2) / 2.5)));
    const m = Math.max(1, Math.round(n / 2 / e));
    const step = r.price < 25 ? 0.5 : r.price < 250 ? 1 : r.price < 2000 ? 5 : 5;
    const center = Math.round(r.price / step) * step;
    const list: { ticker: string; w: number; price: number }[] = [];
    for (const expiry of exps.slice(0, e)) {
      const days = (Date.parse(`${expiry}T00:00:00Z`) - day0) / 86_400_000;
      const years = days / 365;
      const width = 0.03 * Math.sqrt(1 + days / 5);
      for (let k = 0; k < m; k++) {
        const strike = center + (k - Math.floor(m / 2)) * step;
        if (strike <= 0) continue;
        const away = Math.abs(Math.log(strike / r.price));
        for (const call of [true, false]) {
          const w = Math.exp(-away / width) / (1 + days / 3) ** 0.7 + 1e-4;
          list.push({
            ticker: occ(r.root, expiry, call, strike),
            w,
            price: fairPrice(r.price, strike, years, call),
          });
        }
      }
    }
    const wsum = list.reduce((s, c) => s + c.w, 0);
    const spare = Math.max(0, spec.trades * r.share - list.length);
    for (const c of list) {
      const x = (spare * c.w) / wsum;
      all.push({ ticker: c.ticker, price: c.price, trades: 1 + Math.floor(x) + (random() < x % 1 ? 1 : 0) });
    }
  });
  return all.sort((a, b) => (a.ticker < b.ticker ? -1 : a.ticker > b.ticker ? 1 : 0));
}

const EXCHANGES = [300, 301, 302, 303, 304, 307, 308, 309, 312, 313, 315, 316, 319, 320, 322, 323, 325];
const CONDITIONS = [209, 209, 209, 209, 209, 227, 227, 232, 219, 233];

/** A price as the files write it: at most two decimals, no trailing zeros (`16.2`). */
function priceText(p: number): string {
  return String(Math.round(p * 100) / 100);
}

class GzipFile {
  private gz: Gzip;
  private sink: fs.WriteStream;
  constructor(file: string) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    this.gz = createGzip({ level: 9 });
    this.sink = fs.createWriteStream(file);
    this.gz.pipe(this.sink);
  }
  write(s: string): Promise<void> {
    return this.gz.write(s) ? Promise.resolve() : new Promise<void>((r) => this.gz.once("drain", () => r()));
  }
  end(): Promise<void> {
    return new Promise<void>((r) => {
      this.sink.on("close", () => r());
      this.gz.end();
    });
  }
}

export interface OptionsDayFiles {
  aggs: string;
  trades: string;
  contracts: number;
  tradeRows: number;
}

/** The options day's two files under `cacheRoot` in the download cache's layout; made unless already there with this spec. */
export async function optionsDay(
  cacheRoot: string,
  spec: OptionsDaySpec = REAL_OPTIONS_DAY,
): Promise<OptionsDayFiles> {
  const at = (dataset: string) =>
    path.join(cacheRoot, "flatfiles", "us_options_opra", dataset, "2026", "11", `${DAY}.csv.gz`);
  const aggs = at("day_aggs_v1");
  const trades = at("trades_v1");
  const done = path.join(cacheRoot, `options-day-${DAY}.done`);
  const want = JSON.stringify(spec);
  if (fs.existsSync(done) && fs.existsSync(aggs) && fs.existsSync(trades)) {
    const rec = JSON.parse(fs.readFileSync(done, "utf8"));
    if (JSON.stringify(rec.spec) === want)
      return { aggs, trades, contracts: rec.contracts, tradeRows: rec.tradeRows };
  }
  const random = rng(20261120);
  const list = contracts(spec, random);
  const a = new GzipFile(aggs);
  const t = new GzipFile(trades);
  await a.write("ticker,volume,open,close,high,low,window_start,transactions\n");
  await t.write("ticker,conditions,correction,exchange,price,sip_timestamp,size\n");
  const windowStart = `${MIDNIGHT_NY}000000000`;
  let tradeRows = 0;
  let aggLines: string[] = [];
  let tradeLines: string[] = [];
  for (const c of list) {
    // Distinct millisecond times (as the files stamp option trades), sorted.
    const ms = new Set<number>();
    const n = Math.min(c.trades, SESSION_S * 1000);
    while (ms.size < n) ms.add(Math.floor(random() * SESSION_S * 1000));
    const times = [...ms].sort((x, y) => x - y);
    let volume = 0;
    let high = -Infinity;
    let low = Infinity;
    let open = "";
    let close = "";
    let p = c.price;
    for (const tms of times) {
      p = Math.max(0.01, p * (1 + (random() - 0.5) * 0.04));
      const price = priceText(p);
      const u = random();
      const size =
        u < 0.005 ? 100 + Math.floor(random() * 900) : 1 + Math.floor(-Math.log(1 - random()) * 2.5);
      const sec = OPEN + Math.floor(tms / 1000);
      const stamp = `${sec}${String(tms % 1000).padStart(3, "0")}000000`;
      tradeLines.push(
        `${c.ticker},${CONDITIONS[Math.floor(random() * CONDITIONS.length)]},0,${EXCHANGES[Math.floor(random() * EXCHANGES.length)]},${price},${stamp},${size}`,
      );
      volume += size;
      const v = Number(price);
      if (v > high) high = v;
      if (v < low) low = v;
      if (!open) open = price;
      close = price;
    }
    tradeRows += times.length;
    aggLines.push(
      `${c.ticker},${volume},${open},${close},${priceText(high)},${priceText(low)},${windowStart},${times.length}`,
    );
    if (tradeLines.length >= 50_000) {
      await t.write(tradeLines.join("\n") + "\n");
      tradeLines = [];
    }
    if (aggLines.length >= 50_000) {
      await a.write(aggLines.join("\n") + "\n");
      aggLines = [];
    }
  }
  if (tradeLines.length) await t.write(tradeLines.join("\n") + "\n");
  if (aggLines.length) await a.write(aggLines.join("\n") + "\n");
  await Promise.all([a.end(), t.end()]);
  fs.writeFileSync(done, JSON.stringify({ spec, contracts: list.length, tradeRows }));
  return { aggs, trades, contracts: list.length, tradeRows };
}
