/**
 * Futures: each root's real contract months, tick and activity, the contract that carries the
 * volume until its roll, and prices as the spot driver plus carry to expiry (financial futures:
 * the rate less the dividend or foreign rate; metals: storage and rate, so contango; crude and
 * gasoline a mild backwardation).
 *
 * Cycles and ticks from the CME Group's contract specifications (ES/NQ March-June-September-
 * December, 0.25 points; CL every month, $0.01; GC February-April-June-August-October-December,
 * $0.10; ZS January-March-May-July-August-September-November, 1/4 cent; ZC March-May-July-
 * September-December), as the sandbox's authors know them (not re-read from a stored page).
 * Expiry and roll days are simplified to fixed days of the month, within a few days of the real ones.
 */
import { DRIVERS, levelOn } from "./drivers";
import { unit } from "./random";
import { yearsBetween } from "./time";

export const MONTH_CODES = "FGHJKMNQUVXZ";

export interface Root {
  /** Spot driver (`drivers.ts`) and the factor from its units to the contract's price. */
  spot: string;
  scale?: number;
  /** Listed contract months, as codes (HMUZ). */
  months: string;
  tick: number;
  /** Decimals the files print (enough for the tick). */
  decimals: number;
  /** Carry per year: the future is spot times exp(carry x years to expiry). */
  carry: number;
  /** Contracts a day in the front month. */
  volume: number;
  /** Day of the month of expiry and of the roll, and whether both fall in the month before the contract month. */
  expiryDay: number;
  rollDay: number;
  before: boolean;
}

const r = (
  spot: string,
  months: string,
  tick: number,
  decimals: number,
  carry: number,
  volume: number,
  expiryDay: number,
  rollDay: number,
  before: boolean,
  scale?: number,
): Root => ({ spot, months, tick, decimals, carry, volume, expiryDay, rollDay, before, scale });

export const ROOTS: Readonly<Record<string, Root>> = {
  // Equity index: third Friday of the contract month; the volume rolls about eight days before.
  ES: r("I:SPX", "HMUZ", 0.25, 2, 0.043 - 0.013, 1_450_000, 18, 10, false),
  NQ: r("I:NDX", "HMUZ", 0.25, 2, 0.043 - 0.007, 560_000, 18, 10, false),
  // Euro FX: the USD rate over the EUR rate.
  "6E": r("C:EUR-USD", "HMUZ", 0.00005, 5, 0.043 - 0.02, 180_000, 15, 8, false),
  // Treasuries, grains and metals roll before first notice, at the end of the month before.
  ZN: r("TNOTE", "HMUZ", 1 / 64, 6, -0.004, 1_350_000, 20, 25, true),
  ZC: r("CORN", "HKNUZ", 0.25, 2, 0.05, 310_000, 14, 25, true),
  ZS: r("SOY", "FHKNQUX", 0.25, 2, 0.03, 215_000, 14, 25, true),
  GC: r("GOLD", "GJMQVZ", 0.1, 2, 0.045, 210_000, 27, 24, true),
  SI: r("SILVER", "HKNUZ", 0.005, 3, 0.045, 72_000, 27, 24, true),
  HG: r("COPPER", "HKNUZ", 0.0005, 4, 0.02, 85_000, 27, 24, true),
  // Energy: every month, expiring around the 20th of the month before; volume rolls a few days earlier.
  CL: r("WTI", "FGHJKMNQUVXZ", 0.01, 2, -0.03, 330_000, 20, 15, true),
  NG: r("NATGAS", "FGHJKMNQUVXZ", 0.001, 3, 0.08, 160_000, 26, 22, true),
  RB: r("RBOB", "FGHJKMNQUVXZ", 0.0001, 4, -0.02, 52_000, 28, 24, true),
};

export interface FuturesContract {
  ticker: string;
  root: string;
  /** `YYYY-MM-DD`. */
  expiry: string;
  roll: string;
}

const iso = (y: number, m0: number, d: number) => new Date(Date.UTC(y, m0, d)).toISOString().slice(0, 10);

/** The contracts of a root in month order, from the one carrying the volume on `date` (its roll not yet passed). */
export function contractsFrom(root: string, date: string, count: number): FuturesContract[] {
  const spec = ROOTS[root];
  const [y, m] = [Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1];
  const out: FuturesContract[] = [];
  for (let k = 0; out.length < count && k < 48; k++) {
    const mm = m + k;
    const year = y + Math.floor(mm / 12);
    const month = ((mm % 12) + 12) % 12;
    const code = MONTH_CODES[month];
    if (!spec.months.includes(code)) continue;
    const at = spec.before ? month - 1 : month;
    const roll = iso(year, at, spec.rollDay);
    if (roll <= date) continue;
    out.push({ ticker: `${root}${code}${year % 10}`, root, expiry: iso(year, at, spec.expiryDay), roll });
  }
  return out;
}

/** The front and following contracts of each root on an exchange, as CME writes them (ESZ6): fronts first. */
export function futuresTickers(roots: string[], date: string, count: number): string[] {
  const per = Math.ceil(count / roots.length) + 1;
  const chains = roots.map((root) => contractsFrom(root, date, per));
  const out: string[] = [];
  for (let k = 0; k < per; k++) for (const c of chains) if (c[k]) out.push(c[k].ticker);
  return out.slice(0, count);
}

/** The contract a ticker names on a date, or null (an expired or unknown one). */
export function futuresContract(ticker: string, date: string): (FuturesContract & { rank: number }) | null {
  const root = ticker.slice(0, ticker.length - 2);
  if (!ROOTS[root]) return null;
  const list = contractsFrom(root, date, 14);
  const rank = list.findIndex((c) => c.ticker === ticker);
  return rank < 0 ? null : { ...list[rank], rank };
}

/** A contract's settlement-like price on a date: spot plus carry to expiry. */
export function futuresClose(ticker: string, date: string): number {
  const root = ticker.slice(0, ticker.length - 2);
  const spec = ROOTS[root];
  const c = futuresContract(ticker, date);
  const years = c ? Math.max(0, yearsBetween(date, c.expiry)) : 0.25;
  const spot = levelOn(DRIVERS[spec.spot], date) * (spec.scale ?? 1);
  return spot * Math.exp(spec.carry * years);
}

/**
 * Contracts a day: the front month carries the root's volume; the next one a few percent of it,
 * rising to about as much in the days before the roll; further months less still.
 */
export function futuresVolume(ticker: string, date: string): number {
  const root = ticker.slice(0, ticker.length - 2);
  const spec = ROOTS[root];
  const c = futuresContract(ticker, date);
  if (!spec || !c) return 100;
  const noise = 0.8 + 0.4 * unit(`${ticker}@${date}|volume`);
  if (c.rank === 0) {
    const days = yearsBetween(date, c.roll) * 365;
    return spec.volume * noise * (days < 4 ? 0.55 + 0.1 * days : 1);
  }
  if (c.rank === 1) {
    const front = contractsFrom(root, date, 1)[0];
    const days = yearsBetween(date, front.roll) * 365;
    return spec.volume * noise * (days < 4 ? 0.9 - 0.15 * days : 0.06);
  }
  return spec.volume * noise * 0.01 * 0.5 ** (c.rank - 2);
}
