/**
 * "Sandbox vs real": statistics a quant checks first, computed from the files the sandbox serves
 * (downloaded and loaded through the kit, as a user would), each beside the real figure, the
 * range the test accepts and where the real figure was read. `docs/sandbox-vs-real.md` is this
 * table rendered (`npx tsx scripts/sandbox-vs-real.ts` writes it; the test fails when it drifts).
 *
 * Rows with `checked: false` are known differences: shown with their real figure, not held to it.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import type pl from "nodejs-polars";
import { downloadDay } from "../../src/flatfiles/catalog";
import { loadDay } from "../../src/flatfiles/load";

/** Loads one day's file of a dataset (downloaded through the kit) as a DataFrame. */
export type LoadDay = (dataset: string, date: string) => Promise<pl.DataFrame>;

export interface Statistic {
  name: string;
  /** The real figure, as text, and the range the sandbox's value must fall in. */
  real: string;
  range: [number, number];
  source: string;
  checked: boolean;
  /** Decimals the table prints. */
  digits: number;
  compute: (load: LoadDay) => Promise<number>;
}

export const LAST_DAY = "2026-11-20";

const col = (df: pl.DataFrame, name: string): unknown[] => df.getColumn(name).toArray() as unknown[];
const num = (x: unknown): number =>
  typeof x === "bigint" ? Number(x) : x instanceof Date ? x.getTime() * 1e6 : Number(x);

/** A ticker's value of a column in a day (aggregates) file. */
async function value(load: LoadDay, dataset: string, date: string, ticker: string, column = "close") {
  const df = await load(dataset, date);
  const tickers = col(df, "ticker");
  const i = tickers.indexOf(ticker);
  if (i < 0) throw new Error(`${ticker} is not in ${dataset} on ${date}`);
  return num(col(df, column)[i]);
}

/** The weekdays of a span, as `YYYY-MM-DD`. */
function weekdays(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) {
    const d = new Date(t);
    if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6) out.push(d.toISOString().slice(0, 10));
  }
  return out;
}

/** Daily log returns of a ticker's closes over the weekdays of a span (index and forex files exist every weekday). */
async function returns(load: LoadDay, dataset: string, ticker: string, from: string, to: string) {
  const closes: { date: string; close: number }[] = [];
  for (const date of weekdays(from, to))
    closes.push({ date, close: await value(load, dataset, date, ticker) });
  return closes.slice(1).map((c, i) => ({ date: c.date, r: Math.log(c.close / closes[i].close) }));
}

const std = (x: number[]) => {
  const m = x.reduce((a, b) => a + b, 0) / x.length;
  return Math.sqrt(x.reduce((a, b) => a + (b - m) ** 2, 0) / (x.length - 1));
};

/** Stock trades of the last day, regular and extended, as arrays. */
async function lastDayTrades(load: LoadDay) {
  const df = await load("us_stocks_sip/trades_v1", LAST_DAY);
  return {
    ticker: col(df, "ticker") as string[],
    conditions: (col(df, "conditions") as (string | null)[]).map((c) => (c ?? "").split(",").filter(Boolean)),
    size: col(df, "size").map(num),
    ns: col(df, "sip_timestamp").map(num),
  };
}
let trades: Promise<Awaited<ReturnType<typeof lastDayTrades>>> | undefined;
/** The last day's stock trades, read once. */
function tradesOf(load: LoadDay) {
  if (!trades) trades = lastDayTrades(load);
  return trades;
}

/** Minutes after midnight in New York of a nanosecond time. */
const NY = new Intl.DateTimeFormat("en-GB", {
  timeZone: "America/New_York",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});
const nyMinute = (ns: number) => {
  const [h, m] = NY.format(new Date(ns / 1e6))
    .split(":")
    .map(Number);
  return 60 * h + m;
};

/** An ETF's close over its index's on the last day. */
const ratio = (etf: string, index: string) => async (load: LoadDay) =>
  (await value(load, "us_stocks_sip/day_aggs_v1", LAST_DAY, etf)) /
  (await value(load, "us_indices/day_aggs_v1", LAST_DAY, index));

const PUBLISHED = "src/sandbox/synthetic/history.ts (where each close was read)";

export const STATISTICS: Statistic[] = [
  {
    name: `SPY close / I:SPX close, ${LAST_DAY}`,
    real: "0.0996 (509.83 / 5,117.09 on 2024-03-15)",
    range: [0.098, 0.101],
    source: "issue #29's review; published closes",
    checked: true,
    digits: 5,
    compute: ratio("SPY", "I:SPX"),
  },
  {
    name: `QQQ close / I:NDX close, ${LAST_DAY}`,
    real: "about 0.0244 (1 / 41)",
    range: [0.0238, 0.025],
    source: "issue #29's review",
    checked: true,
    digits: 5,
    compute: ratio("QQQ", "I:NDX"),
  },
  {
    name: `DIA close / I:DJI close, ${LAST_DAY}`,
    real: "about 0.0100",
    range: [0.0098, 0.0102],
    source: "issue #29's review",
    checked: true,
    digits: 5,
    compute: ratio("DIA", "I:DJI"),
  },
  {
    name: `E-mini S&P front month / I:SPX - 1, ${LAST_DAY}`,
    real: "small and positive before expiry (rate above dividend yield)",
    range: [0, 0.012],
    source: "cost of carry: F = S exp((r - q) T)",
    checked: true,
    digits: 4,
    compute: async (load) =>
      (await value(load, "us_futures_cme/session_aggs_v1", LAST_DAY, "ESZ6")) /
        (await value(load, "us_indices/day_aggs_v1", LAST_DAY, "I:SPX")) -
      1,
  },
  {
    name: `Gold: second contract / front - 1, ${LAST_DAY}`,
    real: "contango (positive)",
    range: [0, 0.03],
    source: "storage and financing cost of gold",
    checked: true,
    digits: 4,
    compute: async (load) =>
      (await value(load, "us_futures_comex/session_aggs_v1", LAST_DAY, "GCG7")) /
        (await value(load, "us_futures_comex/session_aggs_v1", LAST_DAY, "GCZ6")) -
      1,
  },
  {
    name: `E-mini S&P front-month volume / next contract's, ${LAST_DAY} (before the December roll)`,
    real: "the front month carries nearly all the volume until the roll",
    range: [5, 1000],
    source: "CME roll convention (second week of the expiry month)",
    checked: true,
    digits: 1,
    compute: async (load) =>
      (await value(load, "us_futures_cme/session_aggs_v1", LAST_DAY, "ESZ6", "volume")) /
      (await value(load, "us_futures_cme/session_aggs_v1", LAST_DAY, "ESH7", "volume")),
  },
  {
    name: `I:VIX close, ${LAST_DAY}`,
    real: "12-30 most days (23.42 on 2025-11-21)",
    range: [9, 45],
    source: "thechartreport.com/11-21-25",
    checked: true,
    digits: 2,
    compute: (load) => value(load, "us_indices/day_aggs_v1", LAST_DAY, "I:VIX"),
  },
  {
    name: `C:EUR-USD close, ${LAST_DAY}`,
    real: "1.02-1.18 in 2024-2025",
    range: [1.0, 1.2],
    source: PUBLISHED,
    checked: true,
    digits: 4,
    compute: (load) => value(load, "global_forex/day_aggs_v1", LAST_DAY, "C:EUR-USD"),
  },
  {
    name: `C:USD-JPY close, ${LAST_DAY}`,
    real: "140-160 in 2024-2025",
    range: [135, 165],
    source: PUBLISHED,
    checked: true,
    digits: 2,
    compute: (load) => value(load, "global_forex/day_aggs_v1", LAST_DAY, "C:USD-JPY"),
  },
  {
    name: `X:BTC-USD close, ${LAST_DAY}`,
    real: "85,069 on 2025-11-21; 124,000 on 2025-10-03",
    range: [40_000, 160_000],
    source: "thechartreport.com/11-21-25; Benzinga 2025-10-03",
    checked: true,
    digits: 0,
    compute: (load) => value(load, "global_crypto/day_aggs_v1", LAST_DAY, "X:BTC-USD"),
  },
  {
    name: "AAPL close, 2024-03-15 / real 172.62",
    real: "1",
    range: [0.97, 1.03],
    source: PUBLISHED,
    checked: true,
    digits: 4,
    compute: async (load) => (await value(load, "us_stocks_sip/day_aggs_v1", "2024-03-15", "AAPL")) / 172.62,
  },
  {
    name: "NVDA close, 2024-03-15 / real 878.37",
    real: "1",
    range: [0.97, 1.03],
    source: PUBLISHED,
    checked: true,
    digits: 4,
    compute: async (load) => (await value(load, "us_stocks_sip/day_aggs_v1", "2024-03-15", "NVDA")) / 878.37,
  },
  {
    name: "TSLA close, 2024-03-15 / real 163.57",
    real: "1",
    range: [0.97, 1.03],
    source: PUBLISHED,
    checked: true,
    digits: 4,
    compute: async (load) => (await value(load, "us_stocks_sip/day_aggs_v1", "2024-03-15", "TSLA")) / 163.57,
  },
  {
    name: "NVDA close 2024-06-07 / close 2024-06-10 (10-for-1 split)",
    real: "9.93 (1,208.88 / 121.71)",
    range: [9, 11],
    source: "quad7capital.com; investorfactcheck.com",
    checked: true,
    digits: 2,
    compute: async (load) =>
      (await value(load, "us_stocks_sip/day_aggs_v1", "2024-06-07", "NVDA")) /
      (await value(load, "us_stocks_sip/day_aggs_v1", "2024-06-10", "NVDA")),
  },
  {
    name: "I:SPX daily returns, Jan-Jun 2024: annualised volatility",
    real: "about 0.10-0.20",
    range: [0.07, 0.3],
    source: "CBOE VIX levels of the period (12-16)",
    checked: true,
    digits: 3,
    compute: async (load) =>
      std(
        (await returns(load, "us_indices/day_aggs_v1", "I:SPX", "2024-01-02", "2024-06-28")).map((x) => x.r),
      ) * Math.sqrt(252),
  },
  {
    name: "I:SPX daily returns, Jan-Jun 2024: lag-1 autocorrelation",
    real: "near 0",
    range: [-0.25, 0.25],
    source: "efficient-market stylised fact",
    checked: true,
    digits: 3,
    compute: async (load) => {
      const r = (await returns(load, "us_indices/day_aggs_v1", "I:SPX", "2024-01-02", "2024-06-28")).map(
        (x) => x.r,
      );
      const m = r.reduce((a, b) => a + b, 0) / r.length;
      let num_ = 0;
      let den = 0;
      for (let i = 0; i < r.length; i++) {
        den += (r[i] - m) ** 2;
        if (i > 0) num_ += (r[i] - m) * (r[i - 1] - m);
      }
      return num_ / den;
    },
  },
  {
    name: "I:SPX daily returns, Jan-Jun 2024: Monday variance / other days'",
    real: "about 1 (weekends add little variance)",
    range: [0.3, 3],
    source: "French (1980) and later studies: weekend variance far below three days'",
    checked: true,
    digits: 2,
    compute: async (load) => {
      const r = await returns(load, "us_indices/day_aggs_v1", "I:SPX", "2024-01-02", "2024-06-28");
      const mon = r.filter((x) => new Date(`${x.date}T00:00:00Z`).getUTCDay() === 1).map((x) => x.r);
      const other = r.filter((x) => new Date(`${x.date}T00:00:00Z`).getUTCDay() !== 1).map((x) => x.r);
      return std(mon) ** 2 / std(other) ** 2;
    },
  },
  {
    name: "C:EUR-USD daily returns, Jan-Jun 2024: annualised volatility",
    real: "about 0.05-0.10",
    range: [0.03, 0.12],
    source: "CME CVOL / implied EUR-USD volatility of the period",
    checked: true,
    digits: 3,
    compute: async (load) =>
      std(
        (await returns(load, "global_forex/day_aggs_v1", "C:EUR-USD", "2024-01-02", "2024-06-28")).map(
          (x) => x.r,
        ),
      ) * Math.sqrt(252),
  },
  {
    name: `Odd lots (condition 37) / stock trades, ${LAST_DAY}`,
    real: "over half before 2025-11-03; fewer since the tiered round lots",
    range: [0.3, 0.7],
    source: "SEC data highlight 2014-01; 'Modernizing Odd Lot Trading' (2021); Healthy Markets on the WSJ",
    checked: true,
    digits: 3,
    compute: async (load) => {
      const t = await tradesOf(load);
      return t.conditions.filter((c) => c.includes("37")).length / t.conditions.length;
    },
  },
  {
    name: `Form T (condition 12, outside 09:30-16:00) / stock trades, ${LAST_DAY}`,
    real: "a few percent to about a tenth",
    range: [0.02, 0.15],
    source: "extended-hours share of consolidated volume",
    checked: true,
    digits: 3,
    compute: async (load) => {
      const t = await tradesOf(load);
      return t.conditions.filter((c) => c.includes("12")).length / t.conditions.length;
    },
  },
  {
    name: `Trades a filter must drop (2, 22, 32, 53 or a correction) / stock trades, ${LAST_DAY}`,
    real: "well under 1%",
    range: [0.0005, 0.02],
    source: "condition rules of the CTA/UTP specifications (src/flatfiles/conditions.ts)",
    checked: true,
    digits: 4,
    compute: async (load) => {
      const t = await tradesOf(load);
      return (
        t.conditions.filter((c) => ["2", "22", "32", "53"].some((x) => c.includes(x))).length /
        t.conditions.length
      );
    },
  },
  {
    name: `Stock trade volume 15:30-16:00 plus the close / 12:00-12:30, ${LAST_DAY}`,
    real: "U-shaped day: the last half hour and the close trade several times midday's",
    range: [2, 15],
    source: "intraday volume profile of US equities (closing auction near a tenth of the day)",
    checked: true,
    digits: 2,
    compute: async (load) => {
      const t = await tradesOf(load);
      let late = 0;
      let noon = 0;
      for (let i = 0; i < t.ns.length; i++) {
        const m = nyMinute(t.ns[i]);
        if (m >= 930 && (m < 960 || t.conditions[i].includes("8"))) late += t.size[i];
        else if (m >= 720 && m < 750) noon += t.size[i];
      }
      return late / noon;
    },
  },
  {
    name: `AAPL median quoted spread 12:00-14:00, cents, ${LAST_DAY}`,
    real: "1 cent",
    range: [1, 2],
    source: "penny spreads of the most liquid names",
    checked: true,
    digits: 2,
    compute: async (load) => {
      const df = await load("us_stocks_sip/quotes_v1", LAST_DAY);
      const [tk, bid, ask, ns] = [
        col(df, "ticker"),
        col(df, "bid_price").map(num),
        col(df, "ask_price").map(num),
        col(df, "sip_timestamp").map(num),
      ];
      const spreads: number[] = [];
      for (let i = 0; i < tk.length; i++) {
        if (tk[i] !== "AAPL" || !(bid[i] > 0)) continue;
        const m = nyMinute(ns[i]);
        if (m >= 720 && m < 840) spreads.push(Math.round((ask[i] - bid[i]) * 100));
      }
      spreads.sort((a, b) => a - b);
      return spreads[Math.floor(spreads.length / 2)];
    },
  },
  {
    name: `Stock quotes / stock trades, ${LAST_DAY}`,
    real: "many quotes per trade (often ten or more)",
    range: [1, 100],
    source: "SEC MIDAS quote-to-trade ratios",
    checked: false,
    digits: 2,
    compute: async (load) => {
      const q = await load("us_stocks_sip/quotes_v1", LAST_DAY);
      const t = await tradesOf(load);
      return q.height / t.ticker.length;
    },
  },
  {
    name: `AAPL transactions, ${LAST_DAY} day file`,
    real: "about 700,000 a day",
    range: [1e5, 2e6],
    source:
      "typical 2024-2025 consolidated trade count (the sandbox's trades file keeps 450,000 trades of four names)",
    checked: false,
    digits: 0,
    compute: (load) => value(load, "us_stocks_sip/day_aggs_v1", LAST_DAY, "AAPL", "transactions"),
  },
];

/** The table, one row per statistic, with the sandbox's values as computed. */
export function renderTable(values: number[]): string {
  const rows = STATISTICS.map((s, i) => {
    const v = values[i].toLocaleString("en-US", {
      minimumFractionDigits: s.digits,
      maximumFractionDigits: s.digits,
    });
    const range = s.checked ? `${s.range[0]} to ${s.range[1]}` : "not checked";
    return `| ${s.name} | ${v} | ${s.real} | ${range} | ${s.source} |`;
  });
  return ["| statistic | sandbox | real | test range | source |", "|---|---|---|---|---|", ...rows].join(
    "\n",
  );
}

export const TABLE_START = "<!-- sandbox-vs-real table: generated by scripts/sandbox-vs-real.ts -->";
export const TABLE_END = "<!-- end of generated table -->";

/** Loads days as a user does: `downloadDay` from the bucket into `cacheDir`, then `loadDay` (remembered per file). */
export function kitLoader(client: S3Client, bucket: string, cacheDir: string): LoadDay {
  const seen = new Map<string, Promise<pl.DataFrame>>();
  return (dataset, date) => {
    const key = `${dataset}/${date}`;
    let df = seen.get(key);
    if (!df) {
      df = downloadDay({ client, bucket }, dataset, date, { cacheDir }).then((f) =>
        loadDay(f.path, dataset, { parquet: false, onWarning: () => {} }),
      );
      seen.set(key, df);
    }
    return df;
  };
}

/** Every statistic's value, in table order. */
export async function computeAll(load: LoadDay): Promise<number[]> {
  const out: number[] = [];
  for (const s of STATISTICS) out.push(await s.compute(load));
  return out;
}
