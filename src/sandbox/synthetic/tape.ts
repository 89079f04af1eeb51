import type { SandboxDataset as Dataset } from "../description";
/**
 * One ticker's rows of a trades, quotes or values file, at the times and in the share of the rows
 * its `Schedule` gives it. Quotes come first: the NBBO in force at any time is the ticker's latest
 * row of the quotes file (its mid on the price path, its spread in ticks), and a trade prints at
 * that quote's bid or ask (inside it when it is wider than a tick), so trades and quotes agree
 * as the real feeds do. Its own PRNG, seeded by asset, ticker and date, makes the same rows in the
 * trades file and in the minute bars built from them.
 */
import type { Schedule } from "./clock";
import { COIN, onTick, rootOf } from "./format";
import { ROOTS } from "./futures";
import {
  AUCTION_SHARE,
  CLOSING_AUCTION,
  CORRECTED,
  OPENING_AUCTION,
  MEAN_CRYPTO_NOTIONAL,
  cryptoNotional,
  extendedConditions,
  futuresTradeSize,
  oddLotShare,
  optionTradeSize,
  quoteLots,
  roundLotAt,
  stockConditions,
  stockSpreadTicks,
  stockTradeSize,
} from "./microstructure";
import type { Path, PriceModel } from "./price-model";
import { hash, rng } from "./random";

/** Rows of the biggest stock trades day; a smaller day's trades are bigger, so a day's volume stays realistic. */
export const FULL_STOCK_TAPE = 450_000;
/** Tapes of at least this many rows print trades at their real sizes, with auctions; shorter ones stand for more shares a trade. */
export const REAL_SIZES_FROM = 20_000;
/** Quote rows per trade row of the same date (stocks, options, futures): `Schedule.quotesAround`. */
export const QUOTES_PER_TRADE = 2;

/** What a tape needs of its day. */
export interface TapeDay {
  dataset: Dataset;
  date: string;
  prices: PriceModel;
  /** Session start (UTC ms) and length: minute 0 of the bars. */
  start: number;
  minutes: number;
  crypto: boolean;
}

/** A hash of a seed and an index, as a uniform in [0, 1). */
function mix(seed: number, i: number): number {
  let t = (seed + Math.imul(i, 0x9e3779b9)) | 0;
  t = Math.imul(t ^ (t >>> 16), 0x85ebca6b);
  t = Math.imul(t ^ (t >>> 13), 0xc2b2ae35);
  return ((t ^ (t >>> 16)) >>> 0) / 4294967296;
}

export class Tape {
  ms = 0;
  /** Minutes from the session's start (negative before a stock's 09:30 open). */
  minute = 0;
  /** Minutes from the session's start, with the fraction. */
  at = 0;
  mid = 0;
  price = 0;
  /** Trade size in the dataset's units. */
  units = 0;
  bid = 0;
  ask = 0;
  bidSize = 0;
  askSize = 0;
  /** A stock trade's conditions as printed ("" for a regular sale). */
  conditions = "";
  corrected = false;
  private readonly path: Path;
  private readonly rand: () => number;
  private readonly seed: number;
  private readonly tick: number;
  /** Stock trades on a short tape stand for more shares each; before a split, for fewer. */
  private readonly scale: number;
  private readonly stocks: boolean;
  private readonly futures: boolean;
  private readonly options: boolean;
  private lot = 0;
  private opened = false;
  private closed = false;
  private quoteRows: Int32Array | null = null;
  private quotePointer = 0;
  private readonly dayVolume: number;
  /** Whether the tape is long enough for real trade sizes and auctions (`REAL_SIZES_FROM`). */
  private readonly full: boolean;
  constructor(
    private readonly day: TapeDay,
    readonly ticker: string,
    readonly rank: number,
    private readonly trades: Schedule,
    private readonly quotes: Schedule | null,
  ) {
    const { dataset, date, prices } = day;
    this.path = prices.path(ticker, date, day.minutes);
    this.seed = hash(`${dataset.asset}|${ticker}|${date}|quotes`);
    this.rand = rng(hash(`${dataset.asset}|${ticker}|${date}|ticks`));
    this.stocks = dataset.asset === "us_stocks_sip";
    this.futures = dataset.calendar === "cme";
    this.options = dataset.asset === "us_options_opra";
    const root = this.futures ? rootOf(ticker) : undefined;
    this.tick = root
      ? ROOTS[root].tick
      : this.options
        ? 0.01
        : dataset.asset === "global_forex"
          ? 0.00001
          : 0.01;
    // On a short tape (old days' 20 rows, recent days' 5,000) a stock trade stands for up to 100
    // times its size, so a day's volume stays near the name's own (in today's shares, then
    // divided by the splits to come: fewer, dearer shares before a split). A long tape prints
    // real sizes.
    const split = prices.split(ticker, date);
    const today = prices.dailyVolume(ticker, date) * split;
    const rows = Math.max(1, trades.rowsOf(rank).length);
    this.full = trades.rows >= REAL_SIZES_FROM;
    // Other markets' trades stand for enough contracts or coins that the day adds up to the
    // ticker's own volume (a front month's, not a deferred one's).
    const mean = this.futures
      ? 3.8
      : this.options
        ? 8
        : day.crypto
          ? MEAN_CRYPTO_NOTIONAL / Math.max(1e-9, this.path.at(0))
          : 1;
    this.scale = this.stocks
      ? (this.full ? 1 : Math.min(100, Math.max(1, Math.round(today / rows / 100)))) / split
      : this.full || !(this.futures || this.options || day.crypto)
        ? 1
        : Math.max(1, prices.dailyVolume(ticker, date) / rows / mean);
    this.dayVolume = this.stocks ? prices.dailyVolume(ticker, date) : 0;
  }

  private place(ms: number): void {
    this.ms = ms;
    this.at = (ms - this.day.start) / 60_000;
    this.minute = Math.floor(this.at);
    this.mid = this.path.at(this.at);
  }

  /** The quote of quotes-file row `q` (which must be this ticker's): bid, ask and their sizes. */
  quote(q: number): void {
    this.place(this.quotes!.ms[q]);
    const u = mix(this.seed, q);
    const mid = this.mid;
    let spread: number;
    let tick = this.tick;
    if (this.stocks) {
      tick = mid < 1 ? 0.0001 : 0.01;
      spread = stockSpreadTicks(this.minute, u, this.day.minutes);
    } else if (this.options) spread = Math.max(1, Math.round((mid * (0.01 + 0.03 * u)) / 0.01));
    else if (this.futures) spread = u < 0.88 ? 1 : 2;
    else spread = Math.max(1, Math.round((mid * (0.00004 + 0.00004 * u)) / tick));
    const b = Math.floor(mid / tick - spread / 2 + 0.5);
    this.bid = Math.max(1, b) * tick;
    this.ask = (Math.max(1, b) + spread) * tick;
    const v1 = mix(this.seed ^ 0x5bd1e995, q);
    const v2 = mix(this.seed ^ 0x27d4eb2f, q);
    if (this.stocks) {
      // Round lots; since 2025-11-03 the SIPs print shares, rounded down to the tier's round lot.
      const lot = this.day.date >= "2025-11-03" ? roundLotAt(this.day.date, mid) : 1;
      this.bidSize = quoteLots(v1) * lot;
      this.askSize = quoteLots(v2) * lot;
    } else {
      this.bidSize = 1 + Math.floor(v1 * v1 * (this.futures ? 120 : 400));
      this.askSize = 1 + Math.floor(v2 * v2 * (this.futures ? 120 : 400));
    }
  }

  /** Row `r` of the trades (values) file, one of this ticker's. */
  trade(r: number): void {
    const ms = this.trades.ms[r];
    const u = this.rand();
    const v = this.rand();
    const w = this.rand();
    const c = this.rand();
    const x = this.rand();
    const y = this.rand();
    if (this.quotes) {
      // The latest quote of this ticker at or before the trade (the first one if none yet).
      this.quoteRows ??= this.quotes.rowsOf(this.rank);
      const rows = this.quoteRows;
      while (this.quotePointer + 1 < rows.length && this.quotes.ms[rows[this.quotePointer + 1]] <= ms)
        this.quotePointer++;
      if (rows.length) this.quote(rows[this.quotePointer]);
      this.place(ms);
      const ticks = Math.round(
        (this.ask - this.bid) / (this.stocks && this.bid < 1 ? 0.0001 : this.stocks ? 0.01 : this.tick),
      );
      const step = (this.ask - this.bid) / Math.max(1, ticks);
      this.price =
        u < 0.46 || ticks < 1
          ? this.bid
          : u < 0.92 || ticks < 2
            ? this.ask
            : this.bid + step * (1 + Math.floor(((u - 0.92) / 0.08) * (ticks - 1)));
      this.price = onTick(this.price, this.day.dataset, this.ticker);
    } else {
      this.place(ms);
      this.price = onTick(this.mid * (1 + (u - 0.5) * 0.0004), this.day.dataset, this.ticker);
    }
    this.corrected = c < CORRECTED;
    if (this.stocks) this.stockTrade(v, w, x, y);
    else if (this.futures) this.units = Math.max(1, Math.round(futuresTradeSize(v) * this.scale));
    else if (this.options) this.units = Math.max(1, Math.round(optionTradeSize(v) * this.scale));
    else if (this.day.crypto)
      this.units = Math.max(1, Math.round((cryptoNotional(v) * this.scale * COIN) / this.price));
    else this.units = 1 + Math.floor(v * 500);
  }

  private stockTrade(v: number, w: number, x: number, y: number): void {
    const date = this.day.date;
    if (!this.lot) this.lot = roundLotAt(date, this.price); // fixed by the first trade's price, as the library's `withOddLots` does
    const regular = this.minute >= 0 && this.minute < this.day.minutes;
    if (!this.opened && regular && this.full) {
      this.opened = true;
      this.units = Math.max(100, Math.round(this.dayVolume * AUCTION_SHARE.open * (0.7 + 0.6 * v)));
      this.conditions = OPENING_AUCTION;
      return;
    }
    if (!this.closed && this.minute >= this.day.minutes && this.full) {
      this.closed = true;
      this.units = Math.max(100, Math.round(this.dayVolume * AUCTION_SHARE.close * (0.7 + 0.6 * v)));
      this.conditions = CLOSING_AUCTION;
      return;
    }
    // A short tape's trades stand for many shares each: without the heavy tail, so a few trades
    // still make a day's volume near the name's own.
    const size = stockTradeSize(x, v, w, oddLotShare(date, this.price), this.full ? 500 : 3);
    this.units = Math.max(1, Math.round(size * this.scale));
    const odd = this.units < this.lot;
    this.conditions = regular ? stockConditions(odd, y) : extendedConditions(odd);
  }
}
