/** Day (session) and minute aggregate files: day bars are the sums of the ticker's minute bars, printed as the minute file prints them. */
import { Bars, Day } from "./day";
import { COIN, cents, exchangeId, formats, onTick, rowWriter } from "./format";
import type { GeneratedDay } from "./generated-day";
import type { PriceModel } from "./price-model";
import { hash, rng } from "./random";
import { tickersFor } from "./tickers";
import { newYorkMidnightMs, ns } from "./time";

const AGG_SLOTS = [
  "ticker",
  "volume",
  "open",
  "close",
  "high",
  "low",
  "window_start",
  "transactions",
  "session_end_date",
  "settlement_price",
  "exchange",
  "dollar_volume",
] as const;

export function aggsCsv(file: GeneratedDay, prices: PriceModel, header: string[]): string {
  const { dataset, date } = file;
  const rand = rng(hash(`${dataset.id}/${date}`));
  const write = rowWriter(header, AGG_SLOTS);
  const { vol, px } = formats(dataset, date);
  const day = new Day(dataset, date, prices, file.ticks ?? 0);
  const bars = Bars.shared();
  const tickers = tickersFor(dataset, date, file.size);
  const v: string[] = new Array(AGG_SLOTS.length).fill("");
  v[8] = date;
  v[10] = exchangeId(dataset);
  if (dataset.interval !== "minute") {
    // Day bars are stamped at midnight New York time (crypto's at midnight UTC, where its day
    // starts); futures session bars at the session's open.
    const atOpen = dataset.interval === "session" || dataset.calendar === "daily";
    v[6] = ns(atOpen ? day.start : newYorkMidnightMs(date));
    const withMinutes = Math.min(tickers.length, file.minute?.size ?? file.size);
    const lines = [header.join(",")];
    for (let i = 0; i < tickers.length; i++) {
      const t = tickers[i];
      let open: number,
        high: number,
        low: number,
        close: number,
        volume: number,
        count: number,
        dollars: number;
      const b = i < withMinutes ? day.minuteBars(t, i, file.minute?.liquidity, bars) : null;
      if (b && b.n > 0) {
        // The sum of the ticker's minute bars, exactly as the minute file prints them.
        [open, close, high, low] = [b.open[0], b.close[b.n - 1], b.high[0], b.low[0]];
        volume = count = dollars = 0;
        for (let k = 0; k < b.n; k++) {
          if (b.high[k] > high) high = b.high[k];
          if (b.low[k] < low) low = b.low[k];
          volume += b.volume[k];
          count += b.count[k];
          dollars += b.dollars[k];
        }
      } else {
        ({ open, high, low, close } = prices.day(t, date, rand, (x) => onTick(x, dataset, t)));
        const activity = 0.6 + 0.8 * rand();
        const shares = Math.max(1, Math.round(prices.dailyVolume(t, date) * activity));
        volume = day.crypto ? shares * COIN : shares;
        count = Math.max(1, Math.round(prices.tradeWeight(t, date) * activity));
        dollars = Math.round(shares * (open + close) * 50);
      }
      v[0] = t;
      v[1] = vol(volume);
      [v[2], v[3], v[4], v[5]] = [px(open, t), px(close, t), px(high, t), px(low, t)];
      v[7] = String(count);
      v[9] = px(onTick(close * (1 + (rand() - 0.5) * 0.0002), dataset, t), t);
      v[11] = cents(dollars);
      lines.push(write(v));
    }
    return lines.join("\n") + "\n";
  }
  // Rows are joined per ticker, then per file: one giant array of rows costs seconds in GC.
  const chunks: string[] = [header.join(",")];
  for (let i = 0; i < tickers.length; i++) {
    const b = day.minuteBars(tickers[i], i, file.liquidity, bars);
    const rows: string[] = new Array(b.n);
    const t = tickers[i];
    v[0] = t;
    for (let k = 0; k < b.n; k++) {
      v[1] = vol(b.volume[k]);
      v[2] = px(b.open[k], t);
      v[3] = px(b.close[k], t);
      v[4] = px(b.high[k], t);
      v[5] = px(b.low[k], t);
      v[6] = ns(day.start + b.minute[k] * 60_000);
      v[7] = String(b.count[k]);
      if (day.dollars) v[11] = cents(b.dollars[k]);
      rows[k] = write(v);
    }
    if (rows.length) chunks.push(rows.join("\n"));
  }
  return chunks.join("\n") + "\n";
}
