/**
 * When rows fall in a day: a trades or quotes file's rows are spread through its hours by an
 * intensity profile, so activity is U-shaped through the stock session (heavy at the open and the
 * close, with a burst at 16:00 for the closing auction), thin before 09:30 and after 16:00
 * (stocks' extended hours, 04:00-20:00), and heavier during US hours for futures. Which ticker
 * each row belongs to is drawn by weight (a ticker's share of the day's trades), so no two
 * tickers get the same count by construction.
 */
import type { SandboxDataset as Dataset } from "../description";
import { rng } from "./random";
import { newYorkMidnightMs, sessionOf } from "./time";

export interface Clock {
  /** UTC ms of the first minute the rows may fall in. */
  start: number;
  minutes: number;
  /** Cumulative share of the rows by the start of each minute (minutes + 1 entries, 0 to 1). */
  cdf: Float64Array;
  /** Minutes from `start` of the regular session's open and close (stocks), else 0 and `minutes`. */
  open: number;
  close: number;
}

function clockFrom(
  start: number,
  minutes: number,
  open: number,
  close: number,
  weight: (m: number) => number,
): Clock {
  const cdf = new Float64Array(minutes + 1);
  for (let m = 0; m < minutes; m++) cdf[m + 1] = cdf[m] + weight(m);
  const total = cdf[minutes];
  for (let m = 0; m <= minutes; m++) cdf[m] /= total;
  return { start, minutes, cdf, open, close };
}

const clocks = new Map<string, Clock>();

/** The clock of a dataset's trades, quotes or values on a date. */
export function clockOf(dataset: Dataset, date: string): Clock {
  const stocks = dataset.asset === "us_stocks_sip";
  const key = `${stocks ? "stocks" : dataset.calendar}|${date}`;
  let c = clocks.get(key);
  if (c) return c;
  const session = sessionOf(dataset, date);
  if (stocks) {
    // 04:00 to 20:00: 330 minutes before the open, 240 after the close; on an early close the
    // session ends at 13:00 and the late sessions at 17:00 (240 after it all the same).
    const open = 330;
    const close = open + session.minutes;
    const after = 240;
    c = clockFrom(newYorkMidnightMs(date) + 4 * 3600_000, close + after, open, close, (m) => {
      if (m < open) return 0.03 + (0.1 * m) / open; // pre-market, building towards the open
      if (m >= close) return m === close ? 12 : 0.05 * (1 - (m - close) / (after + 20)); // the closing auction's minute, then after hours
      const x = (2 * (m - open)) / (close - open) - 1; // -1 at the open, 1 at the close
      return 0.6 + 2.2 * x ** 4 + (m - open < 3 ? 2 : 0);
    });
  } else if (dataset.calendar === "cme") {
    // 18:00 the evening before: US hours (09:30-16:00, minutes 930-1320) trade most.
    c = clockFrom(session.start, session.minutes, 0, session.minutes, (m) => (m >= 930 && m < 1320 ? 4 : 1));
  } else c = clockFrom(session.start, session.minutes, 0, session.minutes, () => 1);
  if (clocks.size > 64) clocks.clear();
  clocks.set(key, c);
  return c;
}

/** The rows of one file: each row's time (UTC ms, in order) and the ticker it belongs to (an index). */
export class Schedule {
  readonly ms: Float64Array;
  readonly owner: Uint8Array;
  constructor(
    readonly rows: number,
    weights: number[],
    clock: Clock,
    seed: number,
  ) {
    this.ms = new Float64Array(rows);
    this.owner = new Uint8Array(rows);
    const total = weights.reduce((a, w) => a + w, 0);
    const cum = weights.map(
      (
        (s) => (w: number) =>
          (s += w / total)
      )(0),
    );
    const rand = rng(seed);
    let m = 0;
    for (let r = 0; r < rows; r++) {
      const f = (r + 0.5) / rows;
      while (m < clock.minutes - 1 && clock.cdf[m + 1] <= f) m++;
      const within = (f - clock.cdf[m]) / (clock.cdf[m + 1] - clock.cdf[m] || 1);
      this.ms[r] = clock.start + (m + Math.min(0.999, within)) * 60_000;
      const u = rand();
      let k = 0;
      while (k < cum.length - 1 && u >= cum[k]) k++;
      this.owner[r] = k;
    }
    // Every ticker trades at least once, however thin its share of a short file.
    for (let k = 0; k < weights.length && rows >= weights.length; k++)
      if (!this.owner.includes(k)) this.owner[Math.floor(((k + 0.5) * rows) / weights.length)] = k;
  }

  /**
   * The quotes of a trades schedule: two per trade, one just before it from the trade's ticker
   * (the quote it prints at) and one halfway to the next trade from a ticker drawn by weight.
   */
  static quotesAround(trades: Schedule, weights: number[], seed: number): Schedule {
    const q = Object.create(Schedule.prototype) as Schedule;
    const rows = 2 * trades.rows;
    Object.assign(q, { rows, ms: new Float64Array(rows), owner: new Uint8Array(rows), lists: new Map() });
    const total = weights.reduce((a, w) => a + w, 0);
    const rand = rng(seed);
    for (let r = 0; r < trades.rows; r++) {
      const t = trades.ms[r];
      const gap = r > 0 ? t - trades.ms[r - 1] : 1000;
      const next = r + 1 < trades.rows ? trades.ms[r + 1] : t + 1000;
      q.ms[2 * r] = t - Math.min(40, gap / 4) * (0.2 + 0.8 * rand());
      q.owner[2 * r] = trades.owner[r];
      q.ms[2 * r + 1] = (t + next) / 2;
      let u = rand() * total;
      let k = 0;
      while (k < weights.length - 1 && u >= weights[k]) u -= weights[k++];
      q.owner[2 * r + 1] = k;
    }
    return q;
  }

  /** The rows of ticker `k`, in order. */
  rowsOf(k: number): Int32Array {
    let list = this.lists.get(k);
    if (!list) {
      let n = 0;
      for (let r = 0; r < this.rows; r++) if (this.owner[r] === k) n++;
      list = new Int32Array(n);
      n = 0;
      for (let r = 0; r < this.rows; r++) if (this.owner[r] === k) list[n++] = r;
      this.lists.set(k, list);
    }
    return list;
  }
  private readonly lists = new Map<number, Int32Array>();
}
