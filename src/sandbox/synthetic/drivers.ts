/**
 * The market's shared drivers: one daily log-price path per series (indices, stocks, exchange
 * rates, coins, commodities), on a grid of trading days, from which every asset is priced. A
 * series moves with its parent (a stock with its index, the Nasdaq-100 with the S&P 500) plus a
 * shock of its own, and is pinned to the published closes of `history.ts` by a Brownian bridge
 * between anchors; before its first anchor it walks back from it, after its last it walks on.
 *
 * The S&P 500's daily volatility follows the VIX (a mean-reverting series that rises when the
 * index falls), so quiet and stressed years look different and option prices can take their
 * implied volatility from the same VIX.
 */
import { SANDBOX_END } from "../description";
import { ANCHORS } from "./history";
import { gauss, hash, rng } from "./random";
import { type Grid, gridIndex } from "./time";

export interface SeriesSpec {
  key: string;
  grid: Grid;
  /** Volatility per year (of the whole move, parent's share included). */
  vol: number;
  /** Growth per year, used where no anchor pins the path (walks before the first anchor, after the last). */
  drift?: number;
  parent?: string;
  beta?: number;
  /** The level on the last day when no anchor says otherwise. */
  level?: number;
}

const STEPS_PER_YEAR: Record<Grid, number> = { weekday: 252, daily: 365 };

/** The last step of each grid. */
export const lastStep = (grid: Grid) => gridIndex(SANDBOX_END, grid);

/** A series' anchors as log levels on its grid, sorted by date (stock closes divided by later splits). */
function anchors(key: string, grid: Grid, adjust: (date: string) => number) {
  const list = ANCHORS.filter((a) => a.series === key)
    .sort((a, b) => (a.date < b.date ? -1 : 1))
    .map((a) => ({ at: gridIndex(a.date, grid), log: Math.log(a.value / adjust(a.date)) }));
  // Two anchors on one step (a weekend date and its Friday): keep the later.
  return list.filter((a, i) => i === list.length - 1 || list[i + 1].at !== a.at);
}

/**
 * A path's log levels from its steps' increments: through every anchor (a Brownian bridge on
 * each stretch between two), back from the first with the drift (so old prices are lower), and
 * from the last back to the same level on the last day.
 */
export function pin(
  inc: Float64Array,
  points: { at: number; log: number }[],
  level: number,
  drift: number,
): Float64Array {
  const n = inc.length - 1;
  const x = new Float64Array(n + 1);
  const pts = points.filter((p) => p.at >= 0 && p.at <= n);
  if (pts.length === 0) pts.push({ at: n, log: Math.log(level) });
  // Past the last known close the path wanders and comes back to it on the last day: no trend
  // is invented, and the last day's levels stay where the market last was known to be.
  else if (pts[pts.length - 1].at < n) pts.push({ at: n, log: pts[pts.length - 1].log });
  const first = pts[0];
  x[first.at] = first.log;
  for (let t = first.at; t > 0; t--) x[t - 1] = x[t] - inc[t] - drift;
  for (let k = 0; k < pts.length; k++) {
    const from = pts[k];
    const to = pts[k + 1];
    const end = to ? to.at : n;
    for (let t = from.at + 1; t <= end; t++) x[t] = x[t - 1] + inc[t];
    if (to && to.at > from.at) {
      const miss = to.log - x[to.at];
      for (let t = from.at + 1; t <= to.at; t++) x[t] += (miss * (t - from.at)) / (to.at - from.at);
    }
  }
  return x;
}

/** A driver's daily moves (log increments), which the series that follow it share; computed once. */
export function movesOf(key: string): Float64Array {
  let d = moves.get(key);
  if (!d) {
    const x = driver(DRIVERS[key]);
    d = new Float64Array(x.length);
    for (let t = 1; t < x.length; t++) d[t] = x[t] - x[t - 1];
    moves.set(key, d);
  }
  return d;
}
const moves = new Map<string, Float64Array>();

const VIX_MEAN = 17;

/**
 * The VIX and the S&P 500's shocks: the VIX's log mean-reverts to 17 (a half-life of about three
 * weeks) and moves against the index's shocks; the index's daily volatility is 0.9 VIX / 100 / sqrt(252)
 * (realised volatility runs below implied).
 */
function vixAndSpx(): { vix: Float64Array; spx: Float64Array } {
  const n = lastStep("weekday");
  const rand = rng(hash("driver|I:SPX"));
  const vix = new Float64Array(n + 1);
  const inc = new Float64Array(n + 1);
  let v = Math.log(VIX_MEAN);
  for (let t = 0; t <= n; t++) {
    const z = gauss(rand);
    const own = gauss(rand);
    v += 0.035 * (Math.log(VIX_MEAN) - v) + 0.065 * (-0.75 * z + 0.66 * own);
    vix[t] = Math.exp(v);
    inc[t] = ((0.9 * vix[t]) / 100 / Math.sqrt(252)) * z;
  }
  return {
    vix,
    spx: pin(
      inc,
      anchors("I:SPX", "weekday", () => 1),
      6800,
      0.07 / 252,
    ),
  };
}

let market: { vix: Float64Array; spx: Float64Array } | undefined;
const paths = new Map<string, Float64Array>();

/** A driver's log levels on its grid, computed once per thread. */
export function driver(spec: SeriesSpec, adjust: (date: string) => number = () => 1): Float64Array {
  let x = paths.get(spec.key);
  if (x) return x;
  market ??= vixAndSpx();
  if (spec.key === "I:SPX") x = market.spx;
  else if (spec.key === "I:VIX") x = market.vix.map(Math.log);
  else {
    const n = lastStep(spec.grid);
    const per = STEPS_PER_YEAR[spec.grid];
    const parent = spec.parent ? movesOf(spec.parent) : undefined;
    const beta = parent ? (spec.beta ?? 1) : 0;
    const parentVol = parent ? (DRIVERS[spec.parent!]?.vol ?? 0.16) : 0;
    const own =
      Math.sqrt(Math.max(0.2 * spec.vol ** 2, spec.vol ** 2 - beta ** 2 * parentVol ** 2)) / Math.sqrt(per);
    const rand = rng(hash(`driver|${spec.key}`));
    const inc = new Float64Array(n + 1);
    for (let t = 1; t <= n; t++) inc[t] = beta * (parent ? parent[t] : 0) + own * gauss(rand);
    x = pin(inc, anchors(spec.key, spec.grid, adjust), spec.level ?? 100, (spec.drift ?? 0) / per);
  }
  paths.set(spec.key, x);
  return x;
}

/** A driver's level on a date (the Friday's on a weekend, for weekday grids). */
export function levelOn(spec: SeriesSpec, date: string, adjust?: (date: string) => number): number {
  const x = driver(spec, adjust);
  return Math.exp(x[Math.min(x.length - 1, Math.max(0, gridIndex(date, spec.grid)))]);
}

/**
 * The drivers every asset class shares. Indices are their own series; the VIX is built with the
 * S&P 500. Exchange rates are quoted as in their tickers; commodities are spot prices in the
 * units their futures trade in (cents a bushel for grains, dollars an ounce for gold).
 */
export const DRIVERS: Record<string, SeriesSpec> = {
  "I:SPX": { key: "I:SPX", grid: "weekday", vol: 0.16 },
  "I:VIX": { key: "I:VIX", grid: "weekday", vol: 0.9 },
  "I:NDX": { key: "I:NDX", grid: "weekday", vol: 0.22, parent: "I:SPX", beta: 1.15, drift: 0.1 },
  "I:DJI": { key: "I:DJI", grid: "weekday", vol: 0.15, parent: "I:SPX", beta: 0.9, drift: 0.06 },
  "I:RUT": { key: "I:RUT", grid: "weekday", vol: 0.22, parent: "I:SPX", beta: 1.1, drift: 0.05 },
  "I:SOX": { key: "I:SOX", grid: "weekday", vol: 0.35, parent: "I:NDX", beta: 1.4, drift: 0.12, level: 5000 },
  "C:EUR-USD": { key: "C:EUR-USD", grid: "weekday", vol: 0.075, level: 1.15 },
  "C:USD-JPY": { key: "C:USD-JPY", grid: "weekday", vol: 0.095, level: 152 },
  "C:GBP-USD": { key: "C:GBP-USD", grid: "weekday", vol: 0.08, parent: "C:EUR-USD", beta: 0.7, level: 1.32 },
  "C:AUD-USD": { key: "C:AUD-USD", grid: "weekday", vol: 0.1, parent: "C:EUR-USD", beta: 0.6, level: 0.655 },
  "C:USD-CAD": { key: "C:USD-CAD", grid: "weekday", vol: 0.06, level: 1.39 },
  "C:USD-CHF": { key: "C:USD-CHF", grid: "weekday", vol: 0.075, parent: "C:EUR-USD", beta: -0.8, level: 0.8 },
  "X:BTC-USD": { key: "X:BTC-USD", grid: "daily", vol: 0.55, level: 90000 },
  "X:ETH-USD": { key: "X:ETH-USD", grid: "daily", vol: 0.7, parent: "X:BTC-USD", beta: 1.1, level: 3000 },
  "X:SOL-USD": { key: "X:SOL-USD", grid: "daily", vol: 0.9, parent: "X:BTC-USD", beta: 1.3, level: 140 },
  "X:DOGE-USD": { key: "X:DOGE-USD", grid: "daily", vol: 1, parent: "X:BTC-USD", beta: 1.2, level: 0.16 },
  "X:ADA-USD": { key: "X:ADA-USD", grid: "daily", vol: 0.85, parent: "X:BTC-USD", beta: 1.2, level: 0.45 },
  "X:LTC-USD": { key: "X:LTC-USD", grid: "daily", vol: 0.75, parent: "X:BTC-USD", beta: 1, level: 90 },
  GOLD: { key: "GOLD", grid: "weekday", vol: 0.16, level: 4100, drift: 0.06 },
  SILVER: { key: "SILVER", grid: "weekday", vol: 0.3, parent: "GOLD", beta: 1.2, level: 50, drift: 0.05 },
  COPPER: { key: "COPPER", grid: "weekday", vol: 0.24, level: 5.0, drift: 0.03 },
  WTI: { key: "WTI", grid: "weekday", vol: 0.35, level: 60, drift: 0.02 },
  NATGAS: { key: "NATGAS", grid: "weekday", vol: 0.55, level: 4.2 },
  RBOB: { key: "RBOB", grid: "weekday", vol: 0.35, parent: "WTI", beta: 0.9, level: 1.85 },
  TNOTE: { key: "TNOTE", grid: "weekday", vol: 0.055, level: 112 },
  CORN: { key: "CORN", grid: "weekday", vol: 0.22, level: 435 },
  SOY: { key: "SOY", grid: "weekday", vol: 0.18, level: 1120 },
};
