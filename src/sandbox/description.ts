/**
 * The sandbox's own description of the real flat files: which datasets exist, the header each
 * writes, which dates have a file, and how values are written.
 *
 * It is kept apart from the library's registry (`src/flatfiles/datasets.ts`) on purpose and
 * imports nothing from it: the sandbox is a stand-in for the real bucket, so it must be able to
 * disagree with what the library believes. Headers come from the published sample files
 * (`test/fixtures/published/`, checked by a test); calendars are lists of dates taken from
 * published exchange calendars (`test/fixtures/calendars/`), not computed from holiday rules as
 * the library's are. `test/sandbox/sandbox-vs-library.test.ts` fails when the two drift.
 */
import { CME_CLOSURES, NYSE_CLOSURES } from "./closures";

export type SandboxCalendar = "nyse" | "weekdays" | "sunday-friday" | "daily" | "cme";

export interface SandboxDataset {
  /** `asset/name`, the key prefix. */
  id: string;
  asset: string;
  name: string;
  kind: "aggs" | "trades" | "quotes" | "values";
  interval?: "day" | "minute" | "session";
  /** The header the sandbox writes, as in the newest real files. */
  header: string[];
  calendar: SandboxCalendar;
  /** The first day the sandbox has (history is shortened for some assets to keep it small). */
  start: string;
}

const h = (text: string) => text.split(",");

const AGGS = h("ticker,volume,open,close,high,low,window_start,transactions");
const INDEX_AGGS = h("ticker,open,close,high,low,window_start");

/** The futures exchanges and a few real contract roots on each. */
export const FUTURES_ROOTS: Record<string, string[]> = {
  cme: ["ES", "NQ", "6E"],
  cbot: ["ZN", "ZC", "ZS"],
  comex: ["GC", "SI", "HG"],
  nymex: ["CL", "NG", "RB"],
};

function ds(
  asset: string,
  name: string,
  kind: SandboxDataset["kind"],
  header: string[],
  calendar: SandboxCalendar,
  start: string,
): SandboxDataset {
  const interval = name.startsWith("day_")
    ? "day"
    : name.startsWith("minute_")
      ? "minute"
      : name.startsWith("session_")
        ? "session"
        : undefined;
  return { id: `${asset}/${name}`, asset, name, kind, interval, header, calendar, start };
}

/** Stocks go back to the start of real history, so listings are as long as real ones. */
const STOCKS_START = "2003-09-10";
/** Other assets have a shorter history in the sandbox, which keeps it small. */
const SHORT_START = "2019-01-02";
const FUTURES_START = "2025-01-02";

export const SANDBOX_DATASETS: readonly SandboxDataset[] = [
  ds("us_stocks_sip", "day_aggs_v1", "aggs", AGGS, "nyse", STOCKS_START),
  ds("us_stocks_sip", "minute_aggs_v1", "aggs", AGGS, "nyse", STOCKS_START),
  ds(
    "us_stocks_sip",
    "trades_v1",
    "trades",
    h(
      "ticker,conditions,correction,exchange,id,participant_timestamp,price,sequence_number,sip_timestamp,size,tape,trf_id,trf_timestamp",
    ),
    "nyse",
    STOCKS_START,
  ),
  ds(
    "us_stocks_sip",
    "quotes_v1",
    "quotes",
    h(
      "ticker,ask_exchange,ask_price,ask_size,bid_exchange,bid_price,bid_size,conditions,indicators,participant_timestamp,sequence_number,sip_timestamp,tape,trf_timestamp",
    ),
    "nyse",
    STOCKS_START,
  ),
  ds("us_options_opra", "day_aggs_v1", "aggs", AGGS, "nyse", "2014-06-02"),
  ds("us_options_opra", "minute_aggs_v1", "aggs", AGGS, "nyse", "2014-06-02"),
  // Real files have 7 columns (heads of 2015 and 2026 files); only the documentation's sample has 8.
  ds(
    "us_options_opra",
    "trades_v1",
    "trades",
    h("ticker,conditions,correction,exchange,price,sip_timestamp,size"),
    "nyse",
    "2014-06-02",
  ),
  ds(
    "us_options_opra",
    "quotes_v1",
    "quotes",
    h("ticker,ask_exchange,ask_price,ask_size,bid_exchange,bid_price,bid_size,sequence_number,sip_timestamp"),
    "nyse",
    "2022-03-07",
  ),
  ds("us_indices", "day_aggs_v1", "aggs", INDEX_AGGS, "weekdays", "2023-02-01"),
  ds("us_indices", "minute_aggs_v1", "aggs", INDEX_AGGS, "weekdays", "2023-02-01"),
  ds("us_indices", "values_v1", "values", h("ticker,value,timestamp"), "weekdays", "2023-02-01"),
  ds("global_forex", "day_aggs_v1", "aggs", AGGS, "sunday-friday", SHORT_START),
  ds("global_forex", "minute_aggs_v1", "aggs", AGGS, "sunday-friday", SHORT_START),
  ds(
    "global_forex",
    "quotes_v1",
    "quotes",
    h("ticker,ask_exchange,ask_price,bid_exchange,bid_price,participant_timestamp"),
    "sunday-friday",
    SHORT_START,
  ),
  ds("global_crypto", "day_aggs_v1", "aggs", AGGS, "daily", SHORT_START),
  ds("global_crypto", "minute_aggs_v1", "aggs", AGGS, "daily", SHORT_START),
  ds(
    "global_crypto",
    "trades_v1",
    "trades",
    h("ticker,conditions,exchange,id,participant_timestamp,price,size"),
    "daily",
    SHORT_START,
  ),
  ...Object.keys(FUTURES_ROOTS).flatMap((ex) => [
    // Order from community readers; the documentation lists the same columns alphabetically.
    ds(
      `us_futures_${ex}`,
      "session_aggs_v1",
      "aggs",
      h(
        "ticker,session_end_date,window_start,open,high,low,close,volume,dollar_volume,transactions,settlement_price",
      ),
      "cme",
      FUTURES_START,
    ),
    ds(
      `us_futures_${ex}`,
      "minute_aggs_v1",
      "aggs",
      h(
        "ticker,exchange,session_end_date,window_start,open,high,low,close,volume,dollar_volume,transactions",
      ),
      "cme",
      FUTURES_START,
    ),
    ds(
      `us_futures_${ex}`,
      "trades_v1",
      "trades",
      h("ticker,timestamp,sequence_number,report_sequence,price,size,correction,exchange,session_end_date"),
      "cme",
      FUTURES_START,
    ),
    ds(
      `us_futures_${ex}`,
      "quotes_v1",
      "quotes",
      h(
        "ticker,timestamp,sequence_number,report_sequence,ask_timestamp,ask_price,ask_size,bid_timestamp,bid_price,bid_size,exchange,session_end_date",
      ),
      "cme",
      FUTURES_START,
    ),
  ]),
];

export function sandboxDataset(id: string): SandboxDataset {
  const d = SANDBOX_DATASETS.find((x) => x.id === id);
  if (!d) throw new Error(`The sandbox has no dataset "${id}".`);
  return d;
}

/** How values are written, as in the real files. */
export const VALUE_FORMATS = {
  /** Stock volumes and trade sizes carry six decimals from this day on. */
  decimalVolumeSince: "2026-02-23",
  /**
   * Stock trades on exchange prints: the 2023-03-28 documentation sample has `correction` and
   * `trf_id` empty and `trf_timestamp` 0; heads of 2024 and 2026 files have 0 in all three. The
   * sandbox switches at the start of 2024 (when it changed is not known).
   */
  zeroFieldsSince: "2024-01-01",
  /** Futures prices are written with nine decimals (community test rows of 2026 files). */
  futuresPriceDecimals: 9,
  /** OPRA exchange ids are in the 300s. */
  optionExchanges: [300, 301, 302, 303, 304, 307, 308, 309, 312, 313, 315, 316, 319, 322, 323, 325],
};

/**
 * Round lots by price, the sandbox's own copy (the library's is in flatfiles/round-lots.ts; tests
 * hold one against the other): from 3 November 2025, 100 shares up to $250, 40 up to $1,000, 10
 * up to $10,000, 1 above (SEC Regulation NMS amendments; the SIPs' vendor alerts of October 2025);
 * 100 shares for every stock before.
 */
export const ROUND_LOTS = {
  since: "2025-11-03",
  tiers: [
    [250, 100],
    [1_000, 40],
    [10_000, 10],
    [Number.POSITIVE_INFINITY, 1],
  ] as const,
};

/**
 * Stock splits in the sandbox's history, on their real dates: the first day of split-adjusted
 * trading. Flat files are not adjusted, so a ticker's prices before that day are `ratio` times
 * higher and its volumes `ratio` times lower, in every file of those dates.
 */
export const SANDBOX_SPLITS: readonly { ticker: string; date: string; ratio: number; read: string }[] = [
  {
    ticker: "NVDA",
    date: "2024-06-10",
    ratio: 10,
    read: "NVIDIA's announcement of 2024-05-22, as reported in investorplace.com/2024/05/7-things-to-know-about-the-upcoming-nvidia-nvda-stock-split/",
  },
  {
    ticker: "AAPL",
    date: "2020-08-31",
    ratio: 4,
    read: "Apple's release of 2020-07-30, quoted in imore.com/apple-announces-4-1-stock-split-following-strong-q3-results",
  },
  {
    ticker: "TSLA",
    date: "2020-08-31",
    ratio: 5,
    read: "gerchik.co 'Stock split of Tesla Inc. and Apple Inc.' (split-adjusted trading from August 31, 2020)",
  },
  {
    ticker: "TSLA",
    date: "2022-08-25",
    ratio: 3,
    read: "Tesla's filing as reported by finanznachrichten.de (dpa-AFX), 2022-08: 'Trading will begin on a stock split-adjusted basis on August 25, 2022'",
  },
  // Recalled, not re-read from a stored page (see docs/sandbox-vs-real.md).
  { ticker: "NVDA", date: "2021-07-20", ratio: 4, read: "recalled" },
  { ticker: "AMZN", date: "2022-06-06", ratio: 20, read: "recalled" },
  { ticker: "GOOGL", date: "2022-07-18", ratio: 20, read: "recalled" },
  { ticker: "AAPL", date: "2014-06-09", ratio: 7, read: "recalled" },
  { ticker: "AAPL", date: "2005-02-28", ratio: 2, read: "recalled" },
  { ticker: "WMT", date: "2024-02-26", ratio: 3, read: "recalled" },
];

/** The sandbox's last trading day: fixed, so the data is the same whenever it is built. */
export const SANDBOX_END = "2026-11-20";

const DAY_MS = 86_400_000;
const nyseClosed = new Set(NYSE_CLOSURES);
const cmeClosed = new Set(CME_CLOSURES);

/** Whether the sandbox has a file for a date under a calendar: lists, not rules. */
export function sandboxOpen(date: string, calendar: SandboxCalendar): boolean {
  const wd = new Date(Date.parse(`${date}T00:00:00Z`)).getUTCDay();
  switch (calendar) {
    case "daily":
      return true;
    case "sunday-friday":
      return wd !== 6;
    case "weekdays":
      return wd !== 0 && wd !== 6;
    case "cme":
      return wd !== 0 && wd !== 6 && !cmeClosed.has(date);
    default:
      return wd !== 0 && wd !== 6 && !nyseClosed.has(date);
  }
}

/** Every date from `from` to `to` (both included) with a file under a calendar. */
export function sandboxDays(from: string, to: string, calendar: SandboxCalendar): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`), end = Date.parse(`${to}T00:00:00Z`); t <= end; t += DAY_MS) {
    const date = new Date(t).toISOString().slice(0, 10);
    if (sandboxOpen(date, calendar)) out.push(date);
  }
  return out;
}
