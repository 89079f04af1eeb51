/**
 * A day of one asset class: its session, its prices, the schedules of its trades and quotes,
 * and each ticker's minute bars (its trades', minute by minute, when it is in the trades file;
 * else drawn around its price path with its own daily volume, U-shaped through the session).
 */
import { SANDBOX_DATASETS, type SandboxDataset as Dataset } from "../description";
import { Schedule, clockOf } from "./clock";
import { COIN, onTick } from "./format";
import { KNOT_MINUTES, type PriceModel } from "./price-model";
import { hash, rng } from "./random";
import { profileOf } from "./stocks";
import { QUOTES_PER_TRADE, Tape } from "./tape";
import { tickersFor } from "./tickers";
import { sessionOf } from "./time";

/** The trades file's tickers (and the quotes', and the index values'): the first four of the asset class. */
export const TAPE_TICKERS = 4;

/** Minutes a stock's bars may span (04:00-20:00 with extended hours), and 24-hour markets. */
const MAX_MINUTES = 1440;

export class Day {
  readonly start: number;
  readonly minutes: number;
  readonly crypto: boolean;
  /** Whether bars carry a dollar volume (futures), summed in exact 10^-6 dollars per trade. */
  readonly dollars: boolean;
  /** Rows of the date's quotes file that trades are priced from (0: none). */
  readonly quoteRows: number;
  private tickers?: string[];
  private schedules = new Map<string, Schedule>();
  constructor(
    readonly dataset: Dataset,
    readonly date: string,
    readonly prices: PriceModel,
    /** Rows of the date's trades (values) file; 0 when there is none. */
    readonly ticks: number,
    /** Rows of this file when it is a quotes file. */
    quotes = 0,
  ) {
    ({ start: this.start, minutes: this.minutes } = sessionOf(dataset, date));
    this.crypto = dataset.asset === "global_crypto";
    this.dollars = dataset.header.includes("dollar_volume");
    const quotesFile = SANDBOX_DATASETS.find(
      (d) => d.asset === dataset.asset && d.kind === "quotes" && d.start <= date,
    );
    const paired = SANDBOX_DATASETS.some((d) => d.asset === dataset.asset && d.kind === "trades");
    this.quoteRows = quotes || (quotesFile && paired ? QUOTES_PER_TRADE * ticks : 0);
  }

  /** The tickers of the trades, quotes and values files. */
  tapeTickers(): string[] {
    this.tickers ??= tickersFor(this.dataset, this.date, TAPE_TICKERS);
    return this.tickers;
  }

  private schedule(kind: "trades" | "quotes", rows: number): Schedule {
    let s = this.schedules.get(kind);
    if (!s) {
      const weights = this.tapeTickers().map((t) => this.prices.tradeWeight(t, this.date));
      s = new Schedule(
        rows,
        weights,
        clockOf(this.dataset, this.date),
        hash(`${this.dataset.asset}|${this.date}|${kind}|${rows}`),
      );
      this.schedules.set(kind, s);
    }
    return s;
  }

  /** Where the trades (values) rows fall and whose they are. */
  tradeSchedule(): Schedule {
    return this.schedule("trades", this.ticks);
  }

  /** Where the quotes rows fall and whose they are, or null when the date has no quotes file. */
  quoteSchedule(): Schedule | null {
    if (this.quoteRows === 0) return null;
    if (this.ticks === 0) return this.schedule("quotes", this.quoteRows); // forex: quotes only
    let s = this.schedules.get("around");
    if (!s) {
      const weights = this.tapeTickers().map((t) => this.prices.tradeWeight(t, this.date));
      s = Schedule.quotesAround(
        this.tradeSchedule(),
        weights,
        hash(`${this.dataset.asset}|${this.date}|quotes`),
      );
      this.schedules.set("around", s);
    }
    return s;
  }

  /** The tape of the k-th tape ticker. */
  tape(k: number): Tape {
    const quotes = this.quoteSchedule();
    return new Tape(this, this.tapeTickers()[k], k, this.ticks > 0 ? this.tradeSchedule() : quotes!, quotes);
  }

  /** A ticker's minute bars into `out`: its trades' if it is in the trades file, else drawn around its price path. */
  minuteBars(ticker: string, rank: number, liquidity: number | undefined, out: Bars): Bars {
    if (this.ticks > 0 && rank < TAPE_TICKERS && this.tapeTickers()[rank] === ticker)
      return this.barsFromTape(this.tape(rank), out);
    return this.barsFromPath(
      ticker,
      liquidity ?? (rank < 30 ? 1 : Math.max(0.03, 1 / (1 + rank / 2500))),
      out,
    );
  }

  private barsFromTape(tape: Tape, out: Bars): Bars {
    out.n = 0;
    let b = -1;
    let minute = Number.NaN;
    let dollars = 0; // in 10^-6 dollars: exact for every tick (1/64 included)
    for (const r of this.tradeSchedule().rowsOf(tape.rank)) {
      tape.trade(r);
      const p = tape.price;
      if (tape.minute !== minute) {
        if (b >= 0) out.dollars[b] = Math.floor((dollars + 5000) / 10000);
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
      if (this.dollars) dollars += Math.round(p * 1e6) * tape.units;
    }
    if (b >= 0) out.dollars[b] = Math.floor((dollars + 5000) / 10000);
    return out;
  }

  private barsFromPath(ticker: string, liquidity: number, out: Bars): Bars {
    const { dataset, minutes, date } = this;
    const path = this.prices.path(ticker, date, minutes, out.knots);
    const rand = rng(hash(`${dataset.asset}|${ticker}|${date}|bars`));
    const scale = this.crypto ? COIN : 1;
    const option = this.prices.option(ticker, date);
    const daily = this.prices.dailyVolume(ticker, date) * (0.7 + 0.6 * rand());
    // Units a trade carries on average: the name's own (shares a day over trades a day) for stocks.
    const stocks = dataset.asset === "us_stocks_sip";
    const perTrade = stocks
      ? profileOf(ticker).volume / profileOf(ticker).trades / this.prices.split(ticker, date)
      : option
        ? 8
        : dataset.calendar === "cme"
          ? 4
          : this.crypto
            ? 2000 / Math.max(1e-9, path.at(0))
            : 1;
    const perBar = daily / Math.max(1, minutes * Math.min(1, liquidity));
    const wiggle =
      dataset.calendar === "cme" || this.crypto || dataset.asset === "global_forex" ? 0.0002 : 0.0006;
    const tick = (x: number) => onTick(x, dataset, ticker);
    out.n = 0;
    const bar = (m: number) => {
      const b = out.n++;
      const o = tick(path.at(m) * (1 + (rand() - 0.5) * wiggle));
      const c = tick(path.at(m + 1) * (1 + (rand() - 0.5) * wiggle));
      const h = tick(Math.max(o, c) * (1 + rand() * wiggle));
      const l = tick(Math.min(o, c) * (1 - rand() * wiggle));
      // Trading is heaviest at the open and the close: a U-shaped profile through the session.
      const x = (2 * m) / minutes - 1;
      const shape = 0.5 + 2.5 * x ** 4; // 1 on average over the session
      const volume = perBar * (0.4 + 1.2 * rand()) * shape;
      out.minute[b] = m;
      out.open[b] = o;
      out.high[b] = h;
      out.low[b] = l;
      out.close[b] = c;
      out.volume[b] = Math.max(1, Math.round(volume * scale));
      out.count[b] = Math.max(1, Math.round(volume / perTrade));
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
export class Bars {
  n = 0;
  readonly minute = new Int32Array(MAX_MINUTES);
  readonly open = new Float64Array(MAX_MINUTES);
  readonly high = new Float64Array(MAX_MINUTES);
  readonly low = new Float64Array(MAX_MINUTES);
  readonly close = new Float64Array(MAX_MINUTES);
  /** In the dataset's units (shares, contracts, 10^-8 coins). */
  readonly volume = new Float64Array(MAX_MINUTES);
  readonly count = new Float64Array(MAX_MINUTES);
  /** Dollar volume in cents. */
  readonly dollars = new Float64Array(MAX_MINUTES);
  /** Scratch for the price path's knots. */
  readonly knots = new Float64Array(Math.ceil(MAX_MINUTES / KNOT_MINUTES) + 1);
  /** Buffers shared by the files of a thread (generation is synchronous). */
  static shared(): Bars {
    Bars.one ??= new Bars();
    return Bars.one;
  }
  private static one?: Bars;
}
