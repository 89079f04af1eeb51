/** Trading sessions (src/flatfiles/sessions.ts) and REST tickers (src/flatfiles/tickers.ts). */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type SessionWindow, sessionOf } from "../../src/flatfiles/sessions";
import { toRestTicker } from "../../src/flatfiles/tickers";
import { publishedFiles, publishedRows } from "../helpers/published";

/** A window as [start UTC, end UTC, start New York, end New York]. */
const w = (x: SessionWindow | null) => x && [x.start.toISOString(), x.end.toISOString(), x.startNy, x.endNy];

describe("sessionOf", () => {
  it("gives stocks 09:30-16:00 regular and 04:00-20:00 extended New York time, in summer and winter", () => {
    const summer = sessionOf("us_stocks_sip", "2024-04-05");
    assert.equal(summer.closed, null);
    assert.deepEqual(w(summer.regular), [
      "2024-04-05T13:30:00.000Z",
      "2024-04-05T20:00:00.000Z",
      "2024-04-05 09:30",
      "2024-04-05 16:00",
    ]);
    assert.deepEqual(w(summer.extended), [
      "2024-04-05T08:00:00.000Z",
      "2024-04-06T00:00:00.000Z",
      "2024-04-05 04:00",
      "2024-04-05 20:00",
    ]);
    const winter = sessionOf("us_stocks_sip/trades_v1", "2024-01-05");
    assert.deepEqual(w(winter.regular), [
      "2024-01-05T14:30:00.000Z",
      "2024-01-05T21:00:00.000Z",
      "2024-01-05 09:30",
      "2024-01-05 16:00",
    ]);
    assert.equal(winter.regular!.startNs, 1704465000000000000n);
  });

  it("places the published stock trades' pre-market prints in the extended window, not the regular one", () => {
    const files = publishedFiles("us_stocks_sip/trades_v1").filter((x) =>
      /\.(2023-03-28|2024-04-05)\./.test(x.file),
    );
    assert.equal(files.length, 2); // the documentation's 04:00 MSFT prints and the blog's 04:44 A prints
    for (const e of files) {
      const date = e.file.match(/\d{4}-\d{2}-\d{2}/)![0];
      const s = sessionOf(e.dataset, date);
      for (const r of publishedRows(e.file)) {
        const t = BigInt(r.sip_timestamp);
        assert.ok(t >= s.extended!.startNs && t < s.extended!.endNs, `${e.file} ${t} in extended hours`);
        assert.ok(t < s.regular!.startNs, `${e.file} ${t} before the open`);
      }
    }
  });

  it("says why a date has no session, with the calendar's reasons", () => {
    assert.equal(sessionOf("us_stocks_sip", "2024-03-29").closed, "an NYSE holiday (Good Friday)");
    assert.equal(sessionOf("us_options_opra", "2024-04-06").closed, "a Saturday");
    assert.equal(sessionOf("global_forex", "2024-03-09").closed, "a Saturday");
    assert.equal(sessionOf("us_futures_cme", "2024-12-25").closed, "a CME holiday (Christmas Day)");
    const holiday = sessionOf("us_stocks_sip", "2024-03-29");
    assert.deepEqual([holiday.regular, holiday.extended], [null, null]);
  });

  it("opens the forex week on Sunday at 17:00 and closes it on Friday at 17:00 New York time", () => {
    // 2024-03-10 is the Sunday daylight saving time began: 17:00 is already EDT.
    assert.deepEqual(w(sessionOf("global_forex", "2024-03-10").regular), [
      "2024-03-10T21:00:00.000Z",
      "2024-03-11T04:00:00.000Z",
      "2024-03-10 17:00",
      "2024-03-11 00:00",
    ]);
    assert.deepEqual(w(sessionOf("global_forex", "2024-03-11").regular), [
      "2024-03-11T04:00:00.000Z",
      "2024-03-12T04:00:00.000Z",
      "2024-03-11 00:00",
      "2024-03-12 00:00",
    ]);
    assert.deepEqual(w(sessionOf("global_forex/quotes_v1", "2024-03-08").regular), [
      "2024-03-08T05:00:00.000Z",
      "2024-03-08T22:00:00.000Z",
      "2024-03-08 00:00",
      "2024-03-08 17:00",
    ]);
  });

  it("gives crypto the UTC day and futures 18:00 the evening before to 17:00", () => {
    assert.deepEqual(w(sessionOf("global_crypto", "2024-03-10").regular)!.slice(0, 2), [
      "2024-03-10T00:00:00.000Z",
      "2024-03-11T00:00:00.000Z",
    ]);
    assert.deepEqual(w(sessionOf("us_futures_cme", "2024-03-11").regular), [
      "2024-03-10T22:00:00.000Z",
      "2024-03-11T21:00:00.000Z",
      "2024-03-10 18:00",
      "2024-03-11 17:00",
    ]);
    // The Monday after daylight saving time ended (2024-11-03): the session opens at 18:00 EST.
    assert.deepEqual(w(sessionOf("us_futures_nymex/trades_v1", "2024-11-04").regular)!.slice(0, 2), [
      "2024-11-03T23:00:00.000Z",
      "2024-11-04T22:00:00.000Z",
    ]);
    assert.equal(sessionOf("global_crypto", "2024-03-10").extended, null);
  });

  it("refuses what it does not model or know", () => {
    assert.throws(
      () => sessionOf("us_indices", "2024-11-04"),
      (e: Error & { code?: string }) => e.code === "sessions.asset",
    );
    assert.throws(
      () => sessionOf("nope", "2024-11-04"),
      (e: Error & { code?: string }) => e.code === "catalog.dataset",
    );
    assert.throws(() => sessionOf("us_stocks_sip", "2024-02-30"), /not a real calendar date/);
  });
});

describe("toRestTicker", () => {
  it("drops the hyphen of flat files' currency and crypto pairs", () => {
    assert.equal(toRestTicker("C:EUR-USD"), "C:EURUSD");
    assert.equal(toRestTicker("X:BTC-USD"), "X:BTCUSD");
    const forex = publishedFiles("global_forex/").flatMap((e) => publishedRows(e.file).map((r) => r.ticker));
    assert.deepEqual([...new Set(forex)], ["C:AED-AUD"]);
    assert.equal(toRestTicker(forex[0]), "C:AEDAUD");
  });

  it("leaves other tickers, and pairs already in REST form, as they are", () => {
    for (const t of ["AAPL", "BRK.B", "O:SPY251112C00675000", "I:SPX", "ESZ6", "C:EURUSD", "X:BTCUSD"])
      assert.equal(toRestTicker(t), t);
  });

  it("refuses a malformed pair", () => {
    for (const t of ["C:EUR-USD-JPY", "X:BTC-", "C:", "X:-USD"]) {
      assert.throws(
        () => toRestTicker(t),
        (e: Error & { code?: string }) => e.code === "tickers.pair" && e.message.includes("C:EUR-USD"),
        t,
      );
    }
  });
});
