/**
 * When the sandbox's rows fall in the day: stocks in the regular session, crypto around the
 * clock, the forex week opening on Sunday at 17:00 New York time, futures sessions opening at
 * 18:00 the evening before their trade date. (The sandbox once gave crypto and forex 09:30-16:00.)
 */
import assert from "node:assert/strict";
import { it } from "node:test";
import { sandboxDataset } from "../../src/sandbox/description";
import { PriceModel, dayFileCsv } from "../../src/sandbox/synthetic";

const NY = new Intl.DateTimeFormat("en-CA", {
  timeZone: "America/New_York",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});
const ny = (ns: string) => NY.format(new Date(Number(BigInt(ns) / 1_000_000n))).replace(",", "");

function span(id: string, date: string, column: string): [string, string] {
  const d = sandboxDataset(id);
  const lines = dayFileCsv({ dataset: d, date, size: 2000, liquidity: 1 }, new PriceModel(d))
    .trim()
    .split("\n");
  const at = lines[0].split(",").indexOf(column);
  const stamps = lines
    .slice(1)
    .map((l) => l.split(",")[at])
    .sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
  return [ny(stamps[0]), ny(stamps.at(-1)!)];
}

it("puts each asset class's rows in its own trading hours (New York time)", () => {
  assert.deepEqual(span("us_stocks_sip/minute_aggs_v1", "2026-11-20", "window_start"), [
    "2026-11-20 09:30",
    "2026-11-20 15:59",
  ]);
  // Crypto's day is the UTC day (sessionOf's cut): 19:00 to 18:59 in New York in winter.
  assert.deepEqual(span("global_crypto/minute_aggs_v1", "2026-11-21", "window_start"), [
    "2026-11-20 19:00",
    "2026-11-21 18:59",
  ]);
  assert.deepEqual(span("global_forex/minute_aggs_v1", "2026-11-15", "window_start"), [
    "2026-11-15 17:00",
    "2026-11-15 23:59",
  ]);
  assert.deepEqual(span("us_futures_cme/minute_aggs_v1", "2026-11-20", "window_start"), [
    "2026-11-19 18:00",
    "2026-11-20 16:59",
  ]);
  const [first] = span("global_crypto/trades_v1", "2026-11-21", "participant_timestamp");
  assert.equal(first.slice(0, 13), "2026-11-20 19", "crypto trades start at midnight UTC, not at 09:30");
});
