/**
 * When the sandbox's rows fall in the day: stocks in the regular session, crypto around the
 * clock, the forex week opening on Sunday at 17:00 New York time, futures sessions opening at
 * 18:00 the evening before their trade date; on an NYSE early close, stocks and options until
 * 13:00 and stocks' late trading until 17:00. (The sandbox once gave crypto and forex 09:30-16:00,
 * and every early close a full day.)
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

/** Every row's New York time and conditions of a generated stock trades day. */
function trades(date: string): { at: string; conditions: string }[] {
  const d = sandboxDataset("us_stocks_sip/trades_v1");
  const lines = dayFileCsv({ dataset: d, date, size: 4000, liquidity: 1 }, new PriceModel(d))
    .trim()
    .split("\n");
  const header = lines[0].split(",");
  const [t, c] = [header.indexOf("sip_timestamp"), header.indexOf("conditions")];
  // Quoted lists ("12,37") hold commas: split on commas outside quotes.
  const fields = (l: string) => [...l.matchAll(/("[^"]*"|[^,]*)(,|$)/g)].slice(0, -1).map((m) => m[1]);
  return lines.slice(1).map((l) => {
    const f = fields(l);
    return { at: ny(f[t]).slice(11), conditions: f[c].replace(/"/g, "") };
  });
}

it("ends the regular session at 13:00 on an NYSE early close, for stocks and options, and late trading at 17:00", () => {
  for (const date of ["2025-11-28", "2025-12-24", "2024-07-03"]) {
    assert.deepEqual(span("us_stocks_sip/minute_aggs_v1", date, "window_start"), [
      `${date} 09:30`,
      `${date} 12:59`,
    ]);
    const [, last] = span("us_options_opra/minute_aggs_v1", date, "window_start");
    assert.ok(last <= `${date} 12:59`, `options' last bar ${last}`);
    const rows = trades(date);
    const formT = (r: { conditions: string }) => r.conditions.split(",").includes("12");
    const lateRegular = rows.filter((r) => r.at >= "13:01" && !formT(r));
    assert.deepEqual(lateRegular.slice(0, 3), [], "no regular-session trade after the 13:00 close");
    assert.ok(
      rows.every((r) => r.at < "17:00"),
      "late trading ends at 17:00",
    );
    assert.ok(
      rows.some((r) => r.at >= "13:01" && formT(r)),
      "Form T prints after the close",
    );
  }
  // The day before keeps its full session.
  assert.deepEqual(span("us_stocks_sip/minute_aggs_v1", "2025-11-26", "window_start"), [
    "2025-11-26 09:30",
    "2025-11-26 15:59",
  ]);
});

it("trades an early close's shorter session in proportion to its hours", () => {
  const volume = (date: string) => {
    const d = sandboxDataset("us_stocks_sip/day_aggs_v1");
    const lines = dayFileCsv({ dataset: d, date, size: 400, liquidity: 1 }, new PriceModel(d))
      .trim()
      .split("\n");
    const header = lines[0].split(",");
    const [tk, v] = [header.indexOf("ticker"), header.indexOf("volume")];
    const spy = lines.find((l) => l.split(",")[tk] === "SPY");
    assert.ok(spy, `SPY on ${date}`);
    return Number(spy.split(",")[v]);
  };
  const ratio =
    volume("2025-11-28") / ((volume("2025-11-25") + volume("2025-11-26") + volume("2025-12-01")) / 3);
  assert.ok(
    ratio > 0.3 && ratio < 0.8,
    `SPY's early-close volume is ${ratio.toFixed(2)} of the days around it`,
  );
});
