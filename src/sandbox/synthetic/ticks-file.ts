/**
 * Trades, quotes and index values: a file's rows in time order, each belonging to one of the
 * four tape tickers by its share of the day's activity. Trades print at the quote in force;
 * stock trades carry the conditions of what they were (auctions, odd lots, sweeps, Form T outside
 * the regular session, the occasional trade a bar leaves out); quote rows carry no trade codes.
 */
import { type SandboxDataset as Dataset, VALUE_FORMATS } from "../description";
import { Day } from "./day";
import { coins, formats, money, rowWriter } from "./format";
import type { GeneratedDay } from "./generated-day";
import type { PriceModel } from "./price-model";
import { hash, rng } from "./random";
import { QUOTES_PER_TRADE } from "./tape";
import { ns } from "./time";

const TICK_SLOTS = [
  "ticker",
  "conditions",
  "correction",
  "exchange",
  "id",
  "participant_timestamp",
  "price",
  "sequence_number",
  "sip_timestamp",
  "size",
  "tape",
  "trf_id",
  "trf_timestamp",
  "ask_exchange",
  "ask_price",
  "ask_size",
  "bid_exchange",
  "bid_price",
  "bid_size",
  "indicators",
  "value",
  "timestamp",
  "report_sequence",
  "ask_timestamp",
  "bid_timestamp",
  "session_end_date",
] as const;
type Slot = (typeof TICK_SLOTS)[number];
const S = Object.fromEntries(TICK_SLOTS.map((n, i) => [n, i])) as Record<Slot, number>;

/** A stock trade's exchange: off-exchange (4, a FINRA TRF) for over a third of trades, more for odd lots; else one of the exchanges. */
function stockExchange(u: number, odd: boolean): number {
  if (u < (odd ? 0.55 : 0.35)) return 4;
  const exchanges = [1, 2, 3, 7, 8, 9, 10, 11, 12, 15, 17, 18, 19, 21];
  return exchanges[Math.floor(((u - (odd ? 0.55 : 0.35)) / (odd ? 0.45 : 0.65)) * exchanges.length)] ?? 12;
}

export function ticksCsv(file: GeneratedDay, prices: PriceModel, header: string[]): string {
  const { dataset, date } = file;
  const rand = rng(hash(`${dataset.id}/${date}`));
  const write = rowWriter(header, TICK_SLOTS);
  const { vol, px } = formats(dataset, date);
  const stocks = dataset.asset === "us_stocks_sip";
  const options = dataset.asset === "us_options_opra";
  const crypto = dataset.asset === "global_crypto";
  const quotesFile = dataset.kind === "quotes";
  const zeros = date >= VALUE_FORMATS.zeroFieldsSince;
  // A quotes file's rows are the quotes the same date's trades are priced from.
  const trades = quotesFile ? (file.ticks ?? Math.round(file.size / QUOTES_PER_TRADE)) : file.size;
  const day = new Day(
    dataset,
    date,
    prices,
    dataset.asset === "global_forex" ? 0 : trades,
    quotesFile ? file.size : 0,
  );
  const schedule = quotesFile ? day.quoteSchedule()! : day.tradeSchedule();
  const tickers = day.tapeTickers();
  const tapes = tickers.map((_, k) => day.tape(k));
  const v: string[] = new Array(TICK_SLOTS.length).fill("");
  v[S.session_end_date] = date;
  v[S.tape] = "3";
  v[S.indicators] = "";
  // Only the columns of this file's header are formatted: trades have no quote prices.
  const has = (n: Slot) => header.includes(n);
  const [hasPrice, hasValue, hasAskTime] = [has("price"), has("value"), has("ask_timestamp")];
  const stockTrades = stocks && hasPrice && !quotesFile;
  const lines: string[] = [header.join(",")];
  for (let r = 0; r < schedule.rows; r++) {
    const k = schedule.owner[r];
    const tape = tapes[k];
    if (quotesFile) tape.quote(r);
    else tape.trade(r);
    const sub = Math.floor(rand() * 1e6);
    const sip = ns(tape.ms, sub);
    const part = ns(tape.ms, Math.max(0, sub - 137));
    const u = rand();
    const odd = stockTrades && tape.conditions.includes("37");
    const exchange = options
      ? VALUE_FORMATS.optionExchanges[Math.floor(u * VALUE_FORMATS.optionExchanges.length)]
      : stocks
        ? stockExchange(u, odd)
        : 1 + Math.floor(u * 20);
    v[S.ticker] = tickers[k];
    // Condition lists with more than one code are quoted, as in the real files.
    v[S.conditions] = crypto ? String(1 + (r % 2)) : options ? "209" : stockTrades ? tape.conditions : "";
    v[S.correction] = stockTrades && tape.corrected ? "1" : !stocks || zeros ? "0" : "";
    v[S.exchange] = String(exchange);
    v[S.id] = String((crypto ? 50_000_000 : 10_000) + r);
    v[S.participant_timestamp] = part;
    v[S.sip_timestamp] = sip;
    v[S.timestamp] = sip;
    if (hasPrice) v[S.price] = px(tape.price, tickers[k]);
    if (hasValue) v[S.value] = money(tape.price, dataset);
    v[S.sequence_number] = String(1000 + r);
    v[S.report_sequence] = String(1 + (r >> 2));
    v[S.size] = crypto ? coins(tape.units, true) : vol(tape.units);
    // Off-exchange prints (exchange 4, a FINRA TRF) carry a TRF id and time; exchange prints
    // have 0 there in current files and nothing in older ones.
    const trf = stocks && exchange === 4;
    v[S.trf_id] = trf ? "201" : zeros ? "0" : "";
    v[S.trf_timestamp] = trf ? part : "0";
    if (quotesFile) quoteRow(v, dataset, tape, exchange, px, vol, tickers[k], rand, hasAskTime ? part : "");
    lines.push(write(v));
  }
  return lines.join("\n") + "\n";
}

/** A quote row's sides, with now and then a one-sided quote written as the real rows have it. */
function quoteRow(
  v: string[],
  dataset: Dataset,
  tape: { bid: number; ask: number; bidSize: number; askSize: number },
  exchange: number,
  px: (x: number, ticker?: string) => string,
  vol: (x: number) => string,
  ticker: string,
  rand: () => number,
  time: string,
): void {
  const stocks = dataset.asset === "us_stocks_sip";
  const options = dataset.asset === "us_options_opra";
  v[S.ask_exchange] = v[S.bid_exchange] = dataset.asset === "global_forex" ? "48" : String(exchange);
  v[S.ask_price] = px(tape.ask, ticker);
  v[S.bid_price] = px(tape.bid, ticker);
  v[S.ask_size] = stocks ? vol(tape.askSize) : String(tape.askSize);
  v[S.bid_size] = stocks ? vol(tape.bidSize) : String(tape.bidSize);
  if (time) v[S.ask_timestamp] = v[S.bid_timestamp] = time;
  // Futures leave the missing side's price empty with size 0; stocks write 0.0 and 0 (on both
  // sides, as in the 2026 head); options write exchange, price and size 0 on the missing side.
  const u = rand();
  if (dataset.calendar === "cme" && u < 0.01) [v[S.bid_price], v[S.bid_size]] = ["", "0"];
  // Stock quotes carry quote codes, never trade codes: 1 (Regular, Two-Sided Open, in the vendor's
  // quote-condition table) on two-sided quotes; the empty books of the real heads read "1,81".
  if (stocks) v[S.conditions] = "1";
  if (stocks && u < 0.01) {
    [v[S.ask_price], v[S.ask_size], v[S.bid_price], v[S.bid_size]] = ["0.0", "0", "0.0", "0"];
    v[S.conditions] = '"1,81"';
  }
  if (options && u < 0.01) [v[S.ask_exchange], v[S.ask_price], v[S.ask_size]] = ["0", "0", "0"]; // no offer
}
