/**
 * The registry of what the kit believes about the real flat files: asset classes, datasets,
 * header layouts, column types, calendars and first dates, each with its source and how sure
 * we are (see `sources.ts`). Everything that knows about datasets reads this table; the
 * sandbox does not (it has its own description, so the two can disagree and a test notices).
 *
 * Key layout: `<asset prefix>/<dataset>/YYYY/MM/YYYY-MM-DD.csv.gz`, one gzipped CSV a day
 * holding every ticker.
 */
import { KitError } from "../util/errors";
import type { CalendarKind } from "./calendar";
import { type Certainty, type Fact, type SourceId, fact } from "./sources";

/** How a column is typed when loaded. `ns` = Unix nanoseconds, kept as an exact 64-bit integer. */
export type ColumnType = "string" | "float" | "int" | "ns";

export interface Column {
  name: string;
  type: ColumnType;
  /** An `uncertain` type is tried, and the column kept as text (with a warning) if it does not fit. */
  certainty: Certainty;
}

/**
 * Columns are typed by name, the same way in every dataset: a file's own header decides which
 * columns there are and in what order, and this table what each one holds.
 */
export const COLUMN_TYPES: Readonly<Record<string, Fact<ColumnType>>> = {
  ticker: fact("string", "published-samples", "certain"),
  volume: fact("float", "massive-changelog", "certain"), // decimals since 2026-02-23
  open: fact("float", "published-samples", "certain"),
  close: fact("float", "published-samples", "certain"),
  high: fact("float", "published-samples", "certain"),
  low: fact("float", "published-samples", "certain"),
  window_start: fact("ns", "published-samples", "certain"),
  transactions: fact("int", "published-samples", "certain"),
  conditions: fact("string", "published-samples", "certain"), // a quoted list: "12,37"
  correction: fact("int", "published-samples", "certain"),
  exchange: fact("int", "published-samples", "certain"),
  id: fact("string", "published-samples", "certain"), // trade ids are not always numbers
  participant_timestamp: fact("ns", "published-samples", "certain"),
  price: fact("float", "published-samples", "certain"),
  sequence_number: fact("int", "published-samples", "certain"),
  sip_timestamp: fact("ns", "published-samples", "certain"),
  size: fact("float", "massive-changelog", "certain"), // decimals since 2026-02-23
  tape: fact("int", "published-samples", "certain"),
  trf_id: fact("int", "published-samples", "certain"), // 0 on exchange prints in current files
  trf_timestamp: fact("ns", "published-samples", "certain"), // 0 or empty on exchange prints
  ask_exchange: fact("int", "published-samples", "certain"),
  ask_price: fact("float", "published-samples", "certain"),
  ask_size: fact("float", "published-samples", "certain"),
  bid_exchange: fact("int", "published-samples", "certain"),
  bid_price: fact("float", "published-samples", "certain"),
  bid_size: fact("float", "published-samples", "certain"),
  indicators: fact("string", "published-samples", "certain"),
  value: fact("float", "community-code", "evidence"),
  timestamp: fact("ns", "community-code", "evidence"),
  // Futures: seen only in community test rows, not in a published file.
  report_sequence: fact("int", "community-code", "uncertain"),
  ask_timestamp: fact("ns", "community-code", "uncertain"),
  bid_timestamp: fact("ns", "community-code", "uncertain"),
  session_end_date: fact("string", "massive-docs", "evidence"), // "2026-05-21": the trade date
  settlement_price: fact("float", "massive-docs", "uncertain"),
  dollar_volume: fact("float", "massive-docs", "uncertain"),
};

/** A header layout a dataset's files have had, newest first in `Dataset.layouts`. */
export interface Layout {
  columns: readonly string[];
  /** What distinguishes it, for example "files before 2025" (informative, never enforced). */
  note?: string;
  source: SourceId;
  certainty: Certainty;
}

export interface Dataset {
  /** `asset/dataset`, for example `us_stocks_sip/day_aggs_v1`. */
  id: string;
  asset: string;
  /** Folder name under the asset, for example `day_aggs_v1`. */
  name: string;
  kind: "aggs" | "trades" | "quotes" | "values";
  /** Bar length for aggregates (futures have one bar per trading session). */
  interval?: "day" | "minute" | "session";
  /** Header layouts seen in real files, newest first; a file may have any of them, or another. */
  layouts: readonly Layout[];
  /** The newest layout's columns, typed. */
  columns: Column[];
  /** The first date we believe has a file: a hint for messages, never a reason to refuse. */
  since: Fact<string>;
  calendar: CalendarKind;
}

export interface AssetClass {
  prefix: string;
  title: string;
  calendar: CalendarKind;
  /** How tickers look in this asset class. */
  tickerExample: string;
  datasets: Dataset[];
}

function layout(header: string, source: SourceId, certainty: Certainty, note?: string): Layout {
  return { columns: header.split(","), source, certainty, note };
}

/** A column typed by name; a name the table does not know is text. */
export function columnOf(name: string): Column {
  // Own properties only: a file may name a column "constructor" or "__proto__".
  const known = Object.hasOwn(COLUMN_TYPES, name) ? COLUMN_TYPES[name] : undefined;
  return known
    ? { name, type: known.value, certainty: known.certainty }
    : { name, type: "string", certainty: "uncertain" };
}

const AGGS_HEADER = "ticker,volume,open,close,high,low,window_start,transactions";
/** Stocks and options aggregates: published samples and real file heads. */
const AGGS = layout(AGGS_HEADER, "published-samples", "certain");
/** Forex and crypto aggregates: the same header in community code and test rows, no published file. */
const AGGS_24H = layout(AGGS_HEADER, "community-code", "evidence");
const INDEX_AGGS = layout("ticker,open,close,high,low,window_start", "published-samples", "evidence");
const STOCK_TRADES = layout(
  "ticker,conditions,correction,exchange,id,participant_timestamp,price,sequence_number," +
    "sip_timestamp,size,tape,trf_id,trf_timestamp",
  "published-samples",
  "certain",
);
const STOCK_QUOTES = layout(
  "ticker,ask_exchange,ask_price,ask_size,bid_exchange,bid_price,bid_size,conditions,indicators," +
    "participant_timestamp,sequence_number,sip_timestamp,tape,trf_timestamp",
  "published-samples",
  "certain",
);
// Real files (2015 and 2026 heads) have 7 columns; the documentation's sample file has 8.
const OPTION_TRADES = layout(
  "ticker,conditions,correction,exchange,price,sip_timestamp,size",
  "published-samples",
  "certain",
);
const OPTION_TRADES_DOCS = layout(
  "ticker,conditions,correction,exchange,participant_timestamp,price,sip_timestamp,size",
  "published-samples",
  "certain",
  "the documentation's sample file; no real file seen with it",
);
const OPTION_QUOTES = layout(
  "ticker,ask_exchange,ask_price,ask_size,bid_exchange,bid_price,bid_size,sequence_number,sip_timestamp",
  "published-samples",
  "certain",
);
const INDEX_VALUES = layout("ticker,value,timestamp", "community-code", "evidence");
const FOREX_QUOTES = layout(
  "ticker,ask_exchange,ask_price,bid_exchange,bid_price,participant_timestamp",
  "community-code",
  "evidence",
);
const CRYPTO_TRADES = layout(
  "ticker,conditions,exchange,id,participant_timestamp,price,size",
  "community-code",
  "evidence",
);
const FUTURES_TRADES = layout(
  "ticker,timestamp,sequence_number,report_sequence,price,size,correction,exchange,session_end_date",
  "community-code",
  "evidence",
);
const FUTURES_QUOTES = layout(
  "ticker,timestamp,sequence_number,report_sequence,ask_timestamp,ask_price,ask_size," +
    "bid_timestamp,bid_price,bid_size,exchange,session_end_date",
  "community-code",
  "evidence",
);
// The documentation lists these columns alphabetically; the order is from community code.
const FUTURES_SESSION_AGGS = layout(
  "ticker,session_end_date,window_start,open,high,low,close,volume,dollar_volume,transactions,settlement_price",
  "community-code",
  "evidence",
);
const FUTURES_MINUTE_AGGS = layout(
  "ticker,exchange,session_end_date,window_start,open,high,low,close,volume,dollar_volume,transactions",
  "community-code",
  "evidence",
);

type Row = [name: string, kind: Dataset["kind"], layouts: Layout[], since: Fact<string>];

function asset(
  prefix: string,
  title: string,
  calendar: CalendarKind,
  tickerExample: string,
  rows: Row[],
): AssetClass {
  return {
    prefix,
    title,
    calendar,
    tickerExample,
    datasets: rows.map(([name, kind, layouts, since]) => ({
      id: `${prefix}/${name}`,
      asset: prefix,
      name,
      kind,
      interval: name.startsWith("day_")
        ? "day"
        : name.startsWith("minute_")
          ? "minute"
          : name.startsWith("session_")
            ? "session"
            : undefined,
      layouts,
      columns: layouts[0].columns.map(columnOf),
      since,
      calendar,
    })),
  };
}

// "records date back to September 10, 2003" / "June 2, 2014" / "March 7, 2022" (dataset pages).
const STOCKS_SINCE = fact("2003-09-10", "massive-docs", "certain");
const OPTIONS_SINCE = fact("2014-06-02", "massive-docs", "certain");
// One third-party reference each; other sources differ by weeks.
const INDICES_SINCE = fact("2023-02-14", "community-code", "uncertain");
const FOREX_SINCE = fact("2009-09-25", "community-code", "uncertain");
const FUTURES_SINCE = fact("2017-04-03", "community-code", "uncertain");
// Sources conflict: "history from Nov 1, 2013", yet the bucket has a 2010/ folder.
const CRYPTO_SINCE = fact("2013-11-01", "community-code", "uncertain");

function futures(exchange: string, title: string, example: string): AssetClass {
  return asset(`us_futures_${exchange}`, title, "cme", example, [
    ["session_aggs_v1", "aggs", [FUTURES_SESSION_AGGS], FUTURES_SINCE],
    ["minute_aggs_v1", "aggs", [FUTURES_MINUTE_AGGS], FUTURES_SINCE],
    ["trades_v1", "trades", [FUTURES_TRADES], FUTURES_SINCE],
    ["quotes_v1", "quotes", [FUTURES_QUOTES], FUTURES_SINCE],
  ]);
}

export const ASSET_CLASSES: readonly AssetClass[] = [
  asset("us_stocks_sip", "US stocks (SIP)", "nyse", "AAPL", [
    ["day_aggs_v1", "aggs", [AGGS], STOCKS_SINCE],
    ["minute_aggs_v1", "aggs", [AGGS], STOCKS_SINCE],
    ["trades_v1", "trades", [STOCK_TRADES], STOCKS_SINCE],
    ["quotes_v1", "quotes", [STOCK_QUOTES], STOCKS_SINCE],
  ]),
  asset("us_options_opra", "US options (OPRA)", "nyse", "O:SPY251219C00650000", [
    ["day_aggs_v1", "aggs", [AGGS], OPTIONS_SINCE],
    ["minute_aggs_v1", "aggs", [AGGS], OPTIONS_SINCE],
    ["trades_v1", "trades", [OPTION_TRADES, OPTION_TRADES_DOCS], OPTIONS_SINCE],
    ["quotes_v1", "quotes", [OPTION_QUOTES], fact("2022-03-07", "massive-docs", "certain")],
  ]),
  asset("us_indices", "US indices", "weekdays", "I:SPX", [
    ["day_aggs_v1", "aggs", [INDEX_AGGS], INDICES_SINCE],
    ["minute_aggs_v1", "aggs", [INDEX_AGGS], INDICES_SINCE],
    ["values_v1", "values", [INDEX_VALUES], INDICES_SINCE],
  ]),
  asset("global_forex", "Forex", "sunday-friday", "C:EUR-USD", [
    ["day_aggs_v1", "aggs", [AGGS_24H], FOREX_SINCE],
    ["minute_aggs_v1", "aggs", [AGGS_24H], FOREX_SINCE],
    ["quotes_v1", "quotes", [FOREX_QUOTES], FOREX_SINCE],
  ]),
  asset("global_crypto", "Crypto", "daily", "X:BTC-USD", [
    ["day_aggs_v1", "aggs", [AGGS_24H], CRYPTO_SINCE],
    ["minute_aggs_v1", "aggs", [AGGS_24H], CRYPTO_SINCE],
    ["trades_v1", "trades", [CRYPTO_TRADES], CRYPTO_SINCE],
  ]),
  futures("cme", "US futures (CME)", "ESZ6"),
  futures("cbot", "US futures (CBOT)", "ZNZ6"),
  futures("comex", "US futures (COMEX)", "GCZ6"),
  futures("nymex", "US futures (NYMEX)", "CLF7"),
];

export const DATASETS: readonly Dataset[] = ASSET_CLASSES.flatMap((a) => a.datasets);

/** Find a dataset by `asset/name`, tolerating a missing `_v1` or slashes; unknown names say what exists. */
export function findDataset(id: string | Dataset): Dataset {
  if (typeof id === "object" && id !== null) return id;
  const norm = String(id)
    .trim()
    .replace(/^\/+|\/+$/g, "");
  const withV = norm.endsWith("_v1") ? norm : `${norm}_v1`;
  const hit = DATASETS.find((d) => d.id === norm || d.id === withV);
  if (hit) return hit;
  const shown = norm.length > 80 ? `${norm.slice(0, 80)}…` : norm;
  const last = norm.split("/").pop() ?? "";
  const near = DATASETS.filter((d) => (last && d.id.includes(last)) || norm.includes(d.asset));
  const list = (near.length ? near : DATASETS).map((d) => d.id).join(", ");
  throw new KitError(
    "catalog.dataset",
    `Unknown dataset "${shown}". Known datasets${near.length ? " that look close" : ""}: ${list}.`,
  );
}

export function assetOf(dataset: Dataset): AssetClass {
  return ASSET_CLASSES.find((a) => a.prefix === dataset.asset)!;
}

/** The object key of one day's file. */
export function keyFor(dataset: Dataset, date: string): string {
  return `${dataset.id}/${date.slice(0, 4)}/${date.slice(5, 7)}/${date}.csv.gz`;
}

const KEY_RE = /^([a-z_]+)\/([a-z_]+_v1)\/(\d{4})\/(\d{2})\/(\d{4}-\d{2}-\d{2})\.csv\.gz$/;

/** Parse a key back into its dataset id and date, or null for keys outside the layout. */
export function parseKey(key: string): { dataset: string; date: string } | null {
  const m = KEY_RE.exec(key);
  return m ? { dataset: `${m[1]}/${m[2]}`, date: m[5] } : null;
}
