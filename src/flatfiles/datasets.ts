/**
 * The flat-files catalog as data: asset classes, their datasets, columns and types.
 *
 * Key layout: `<asset prefix>/<dataset>_v1/YYYY/MM/YYYY-MM-DD.csv.gz`, one gzipped CSV a day
 * holding every ticker. Everything that knows about datasets reads this table.
 */
import { KitError } from "../util/errors";
import type { CalendarKind } from "./calendar";

/** How a column should be typed when loaded. `ns` = Unix nanoseconds, kept as a 64-bit integer. */
export type ColumnType = "string" | "float" | "int" | "ns";

export interface Column {
  name: string;
  type: ColumnType;
}

export interface Dataset {
  /** `asset/dataset`, for example `us_stocks_sip/day_aggs_v1`. */
  id: string;
  asset: string;
  /** Folder name under the asset, for example `day_aggs_v1`. */
  name: string;
  kind: "aggs" | "trades" | "quotes" | "values";
  /** Bar length for aggregates. */
  interval?: "day" | "minute";
  columns: Column[];
  /** First date of real history (approximate, as published). */
  since: string;
}

export interface AssetClass {
  prefix: string;
  title: string;
  calendar: CalendarKind;
  /** How tickers look in this asset class. */
  tickerExample: string;
  datasets: Dataset[];
}

function cols(spec: string): Column[] {
  return spec.split(",").map((c) => {
    const [name, type] = c.split(":");
    return { name, type: (type ?? "string") as ColumnType };
  });
}

const AGGS = cols("ticker,volume:float,open:float,close:float,high:float,low:float,window_start:ns,transactions:int");
const INDEX_AGGS = cols("ticker,open:float,close:float,high:float,low:float,window_start:ns");
const STOCK_TRADES = cols(
  "ticker,conditions,correction:int,exchange:int,id,participant_timestamp:ns,price:float,sequence_number:int," +
    "sip_timestamp:ns,size:float,tape:int,trf_id:int,trf_timestamp:ns",
);
const STOCK_QUOTES = cols(
  "ticker,ask_exchange:int,ask_price:float,ask_size:float,bid_exchange:int,bid_price:float,bid_size:float," +
    "conditions,indicators,participant_timestamp:ns,sequence_number:int,sip_timestamp:ns,tape:int,trf_timestamp:ns",
);
const OPTION_TRADES = cols(
  "ticker,conditions,correction:int,exchange:int,participant_timestamp:ns,price:float,sip_timestamp:ns,size:float",
);
const OPTION_QUOTES = cols(
  "ticker,ask_exchange:int,ask_price:float,ask_size:float,bid_exchange:int,bid_price:float,bid_size:float," +
    "sequence_number:int,sip_timestamp:ns",
);
const INDEX_VALUES = cols("ticker,value:float,timestamp:ns");
const FOREX_QUOTES = cols("ticker,ask_exchange:int,ask_price:float,bid_exchange:int,bid_price:float,participant_timestamp:ns");
const CRYPTO_TRADES = cols("ticker,conditions,exchange:int,id,participant_timestamp:ns,price:float,size:float");

function asset(
  prefix: string,
  title: string,
  calendar: CalendarKind,
  tickerExample: string,
  sets: [string, Dataset["kind"], Column[], string][],
): AssetClass {
  return {
    prefix,
    title,
    calendar,
    tickerExample,
    datasets: sets.map(([name, kind, columns, since]) => ({
      id: `${prefix}/${name}`,
      asset: prefix,
      name,
      kind,
      interval: name.startsWith("day_") ? "day" : name.startsWith("minute_") ? "minute" : undefined,
      columns,
      since,
    })),
  };
}

export const ASSET_CLASSES: readonly AssetClass[] = [
  asset("us_stocks_sip", "US stocks (SIP)", "nyse", "AAPL", [
    ["day_aggs_v1", "aggs", AGGS, "2003-09-10"],
    ["minute_aggs_v1", "aggs", AGGS, "2003-09-10"],
    ["trades_v1", "trades", STOCK_TRADES, "2003-09-10"],
    ["quotes_v1", "quotes", STOCK_QUOTES, "2003-09-10"],
  ]),
  asset("us_options_opra", "US options (OPRA)", "nyse", "O:AAPL250117C00190000", [
    ["day_aggs_v1", "aggs", AGGS, "2014-06-02"],
    ["minute_aggs_v1", "aggs", AGGS, "2014-06-02"],
    ["trades_v1", "trades", OPTION_TRADES, "2014-06-02"],
    ["quotes_v1", "quotes", OPTION_QUOTES, "2022-03-07"],
  ]),
  asset("us_indices", "US indices", "nyse", "I:SPX", [
    ["day_aggs_v1", "aggs", INDEX_AGGS, "2023-03-01"],
    ["minute_aggs_v1", "aggs", INDEX_AGGS, "2023-03-01"],
    ["values_v1", "values", INDEX_VALUES, "2023-03-01"],
  ]),
  asset("global_forex", "Forex", "weekdays", "C:EUR-USD", [
    ["day_aggs_v1", "aggs", AGGS, "2009-10-01"],
    ["minute_aggs_v1", "aggs", AGGS, "2009-10-01"],
    ["quotes_v1", "quotes", FOREX_QUOTES, "2009-10-01"],
  ]),
  asset("global_crypto", "Crypto", "daily", "X:BTC-USD", [
    ["day_aggs_v1", "aggs", AGGS, "2013-12-01"],
    ["minute_aggs_v1", "aggs", AGGS, "2013-12-01"],
    ["trades_v1", "trades", CRYPTO_TRADES, "2013-12-01"],
  ]),
];

export const DATASETS: readonly Dataset[] = ASSET_CLASSES.flatMap((a) => a.datasets);

/** Find a dataset by `asset/name`, tolerating a missing `_v1` or slashes; unknown names say what exists. */
export function findDataset(id: string): Dataset {
  const norm = String(id).trim().replace(/^\/+|\/+$/g, "");
  const withV = norm.endsWith("_v1") ? norm : `${norm}_v1`;
  const hit = DATASETS.find((d) => d.id === norm || d.id === withV);
  if (hit) return hit;
  const near = DATASETS.filter((d) => d.id.includes(norm.split("/").pop() ?? "") || norm.includes(d.asset));
  const list = (near.length ? near : DATASETS).map((d) => d.id).join(", ");
  throw new KitError("catalog.dataset", `Unknown dataset "${id}". Known datasets${near.length ? " that look close" : ""}: ${list}.`);
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
