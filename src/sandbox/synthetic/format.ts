/** How values are printed: prices on their grid, volumes in the dataset's units, rows in the day's header order. */
import { FUTURES_ROOTS, type SandboxDataset as Dataset, VALUE_FORMATS } from "../description";
import { ROOTS } from "./futures";

const PAD2 = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, "0"));

/** The futures root of a contract ticker (ESZ6 → ES), or undefined. */
export const rootOf = (ticker: string) => {
  const root = ticker.slice(0, ticker.length - 2);
  return ROOTS[root] ? root : undefined;
};

/** Prices as text. Integer formatting of cents is ~3x faster than toFixed, which matters for million-row days. */
export function money(x: number, dataset: Dataset, ticker = ""): string {
  if (dataset.calendar === "cme") return x.toFixed(ROOTS[rootOf(ticker) ?? ""]?.decimals ?? 4);
  // Options trade in cents at any price (OPRA's minimum tick), other sub-dollar prices in 1/100 cents.
  if (dataset.asset === "global_forex" || (x < 1 && dataset.asset !== "us_options_opra"))
    return x.toFixed(dataset.asset === "global_forex" ? 5 : x < 0.01 ? 6 : 4);
  const cents = Math.round(x * 100);
  return `${Math.floor(cents / 100)}.${PAD2[cents % 100]}`;
}

/**
 * Prices on a price grid: the contract's tick for futures, else a multiple of the smallest step
 * the files print (`money`), so a price prints the same in every dataset and a bar's open, high,
 * low and close are exactly prices of the trades or bars below it.
 */
export function onTick(x: number, dataset: Dataset, ticker = ""): number {
  if (dataset.calendar === "cme") {
    const tick = ROOTS[rootOf(ticker) ?? ""]?.tick ?? 0.0001;
    return Math.max(1, Math.round(x / tick)) * tick;
  }
  const per =
    dataset.asset === "global_forex"
      ? 1e5
      : dataset.asset === "us_options_opra"
        ? 100
        : x < 0.01
          ? 1e6
          : x < 1
            ? 1e4
            : 100;
  return Math.max(1, Math.round(x * per)) / per;
}

/** A futures exchange's numeric id in the sandbox (the real ids are not published). */
export function exchangeId(dataset: Dataset): string {
  return String(1 + Object.keys(FUTURES_ROOTS).indexOf(dataset.asset.replace("us_futures_", "")));
}

/** Builds one CSV line from values by column name, in the order of the day's own header. */
export function rowWriter(header: string[], slots: readonly string[]): (vals: string[]) => string {
  const idx = header.map((n) => slots.indexOf(n));
  return (vals) => {
    let line = idx[0] >= 0 ? vals[idx[0]] : "";
    for (let i = 1; i < idx.length; i++) line += idx[i] >= 0 ? `,${vals[idx[i]]}` : ",";
    return line;
  };
}

/** Crypto volumes and sizes are counted in 10^-8 coins, so sums of them are exact. */
export const COIN = 1e8;

export function formats(dataset: Dataset, date: string) {
  const stocks = dataset.asset === "us_stocks_sip";
  const crypto = dataset.asset === "global_crypto";
  const decimals = stocks && date >= VALUE_FORMATS.decimalVolumeSince;
  const futures = dataset.calendar === "cme" && dataset.kind !== "aggs";
  return {
    /** A volume or size in the dataset's units (shares, contracts, 10^-8 coins). */
    // Whole numbers are padded by hand: toFixed is several times slower on million-row days.
    vol: (v: number) =>
      decimals ? (Number.isInteger(v) ? `${v}.000000` : v.toFixed(6)) : crypto ? coins(v, false) : String(v),
    // Stock prices are padded to six places in the decimal era (2026 heads of day, minute and
    // trades files), futures trades and quotes to nine.
    px: (x: number, ticker = "") =>
      decimals
        ? x >= 1 && Math.abs(x * 100 - Math.round(x * 100)) < 1e-6
          ? `${money(x, dataset)}0000`
          : x.toFixed(6)
        : futures
          ? x.toFixed(VALUE_FORMATS.futuresPriceDecimals)
          : money(x, dataset, ticker),
  };
}

/** 10^-8 coins as a decimal: with all eight places (trade sizes), or without trailing zeros (volumes). */
export function coins(units: number, padded: boolean): string {
  const whole = Math.floor(units / COIN);
  const frac = String(units - whole * COIN).padStart(8, "0");
  if (padded) return `${whole}.${frac}`;
  const trimmed = frac.replace(/0+$/, "");
  return trimmed ? `${whole}.${trimmed}` : String(whole);
}

export const cents = (c: number) => `${Math.floor(c / 100)}.${PAD2[c % 100]}`;
