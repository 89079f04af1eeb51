/**
 * NYSE early closes (13:00 New York): the rule in calendar.ts against the published list over
 * 2003-2026 (test/fixtures/calendars/nyse-early-closes.json, from exchange_calendars,
 * pandas_market_calendars, NYSE's releases, cross-checked with Lean: SOURCES.md there), and what
 * they change where the kit uses the session: sessionOf for stocks and options, and the regular
 * session of the trade rule and of day bars rebuilt from minute bars. Before, every one of these
 * days was taken as 09:30-16:00, so a day-after-Thanksgiving bar closed on post-market prints.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import pl from "nodejs-polars";
import { formatDate, isNyseEarlyClose, isOpen, parseDate, weekday } from "../../src/flatfiles/calendar";
import { dailyBarsFromMinutes } from "../../src/flatfiles/daily-bars";
import { inRegularSession } from "../../src/flatfiles/eligibility";
import { sessionOf } from "../../src/flatfiles/sessions";
import { PACKAGE_ROOT } from "../../src/util/paths";

const FIXTURE = path.join(PACKAGE_ROOT, "test", "fixtures", "calendars", "nyse-early-closes.json");
const PUBLISHED: string[] = JSON.parse(fs.readFileSync(FIXTURE, "utf8")).dates;

/** Unix nanoseconds of a New York wall time (`YYYY-MM-DD HH:MM`), through sessionOf's own clock-free arithmetic. */
function nyNs(date: string, hhmm: string): bigint {
  const s = sessionOf("us_stocks_sip", date);
  const [h, m] = hhmm.split(":").map(Number);
  // The extended window starts at 04:00 New York on every open day.
  return s.extended!.startNs + BigInt((h * 60 + m - 240) * 60) * 1_000_000_000n;
}

describe("NYSE early closes", () => {
  it("the fixture is the published list: 52 weekdays of 2003-2026, each an NYSE trading day", () => {
    assert.equal(PUBLISHED.length, 52);
    for (const d of PUBLISHED) {
      assert.ok(weekday(parseDate(d)) >= 1 && weekday(parseDate(d)) <= 5, `${d} is a weekday`);
      assert.ok(isOpen(d, "nyse"), `${d} is a trading day`);
    }
  });

  it("the rule names exactly the published early closes, on every weekday from 2003 to 2026", () => {
    const published = new Set(PUBLISHED);
    const wrong: string[] = [];
    for (let day = parseDate("2003-01-01"); day <= parseDate("2026-12-31"); day++) {
      if (weekday(day) === 0 || weekday(day) === 6) continue;
      const d = formatDate(day);
      if (isNyseEarlyClose(d) !== published.has(d))
        wrong.push(`${d}: rule ${isNyseEarlyClose(d)}, published ${published.has(d)}`);
    }
    assert.deepEqual(wrong, []);
  });

  for (const date of PUBLISHED) {
    it(`${date}: stocks 09:30-13:00 regular and 04:00-17:00 extended, options 09:30-13:00`, () => {
      const stocks = sessionOf("us_stocks_sip", date);
      assert.equal(stocks.regular!.startNy, `${date} 09:30`);
      assert.equal(stocks.regular!.endNy, `${date} 13:00`);
      assert.equal(stocks.extended!.endNy, `${date} 17:00`);
      assert.equal(sessionOf("us_options_opra/trades_v1", date).regular!.endNy, `${date} 13:00`);
    });
  }

  it("leaves the days around an early close at 16:00 and 20:00", () => {
    for (const date of ["2025-11-26", "2025-12-23", "2025-12-26", "2025-07-02", "2026-07-02"]) {
      assert.equal(sessionOf("us_stocks_sip", date).regular!.endNy, `${date} 16:00`);
      assert.equal(sessionOf("us_stocks_sip", date).extended!.endNy, `${date} 20:00`);
    }
  });

  it("the regular-session rule keeps 12:59 and drops 13:00 on an early close, keeps both on the day before", () => {
    const rows = [
      ["2025-11-28", "12:59", true],
      ["2025-11-28", "13:00", false],
      ["2025-11-28", "15:30", false],
      ["2025-11-26", "13:00", true],
      ["2025-11-26", "15:59", true],
      ["2025-11-26", "16:00", false],
      ["2025-12-24", "12:30", true],
      ["2025-12-24", "14:00", false],
      ["2024-07-03", "13:05", false],
      ["2024-07-05", "13:05", true],
    ] as const;
    // As text, then cast: nodejs-polars makes a column of BigInt values given with a schema all nulls.
    const df = pl.DataFrame([
      pl
        .Series(
          "t",
          rows.map(([d, hm]) => String(nyNs(d, hm))),
        )
        .cast(pl.Int64),
    ]);
    const got = df
      .select(inRegularSession(pl.col("t")).alias("r"))
      .getColumn("r")
      .toArray();
    assert.deepEqual(
      got,
      rows.map(([, , want]) => want),
    );
  });

  it("a day bar rebuilt from minute bars closes at 13:00 on an early close, not on post-market minutes", () => {
    const minute = (hm: string, price: number, volume: number) => ({
      ticker: "SPY",
      window_start: nyNs("2025-11-28", hm),
      open: price,
      high: price,
      low: price,
      close: price,
      volume,
    });
    const bars = dailyBarsFromMinutes(
      pl.DataFrame([
        minute("09:30", 600, 10),
        minute("12:59", 601, 20),
        minute("13:00", 590, 5),
        minute("15:59", 580, 5),
      ]),
    );
    assert.equal(bars.height, 1);
    assert.equal(bars.getColumn("close").get(0), 601);
    assert.equal(bars.getColumn("low").get(0), 600);
    assert.equal(bars.getColumn("regular_volume").get(0), 30);
    assert.equal(bars.getColumn("volume").get(0), 40);
  });
});
