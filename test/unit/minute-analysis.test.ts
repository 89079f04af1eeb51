/** vwapByMinute and spreadByMinute (src/flatfiles/analysis.ts): by hand, and on the published samples against plain JavaScript. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import pl from "nodejs-polars";
import { spreadByMinute, vwapByMinute } from "../../src/flatfiles/analysis";
import { loadDay } from "../../src/flatfiles/load";
import { gzPublished, publishedFiles, publishedRows } from "../helpers/published";

const MINUTE_NS = 60_000_000_000n;

/** The start of a timestamp's minute, as the Date polars shows for it. */
const minuteOf = (ns: bigint) => new Date(Number(((ns / MINUTE_NS) * MINUTE_NS) / 1_000_000n));

function close(actual: number, expected: number, what: string): void {
  assert.ok(
    Math.abs(actual - expected) <= 1e-12 * Math.max(1, Math.abs(expected)),
    `${what}: ${actual} vs ${expected}`,
  );
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Rows grouped by ticker and minute, in the order the helpers sort them. */
function byMinute<T>(rows: T[], key: (r: T) => [string, bigint]): [string, Date, T[]][] {
  const groups = new Map<string, [string, Date, T[]]>();
  for (const r of rows) {
    const [ticker, ns] = key(r);
    const m = minuteOf(ns);
    const k = `${ticker}\u0000${m.toISOString()}`;
    if (!groups.has(k)) groups.set(k, [ticker, m, []]);
    groups.get(k)![2].push(r);
  }
  return [...groups.values()].sort((a, b) =>
    a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1].getTime() - b[1].getTime(),
  );
}

const ns = (values: bigint[]) => pl.Series("sip_timestamp", values, pl.UInt64);

describe("vwapByMinute", () => {
  const trades = pl.DataFrame({
    ticker: ["A", "A", "A", "B"],
    price: [1, 2, 3, 4],
    size: [10, 20, 30, 40],
    // 08:44:14.2 and 08:44:59.999999999 UTC share a minute; 08:45:00 starts the next.
    sip_timestamp: ns([
      1712306654208740096n,
      1712306699999999999n,
      1712306700000000000n,
      1712306654208740096n,
    ]),
  });

  it("weighs prices by size within each minute, per ticker", () => {
    const rows = vwapByMinute(trades).select("ticker", "minute", "vwap", "volume", "trades").toRecords();
    assert.deepEqual(rows, [
      { ticker: "A", minute: new Date("2024-04-05T08:44:00Z"), vwap: 50 / 30, volume: 30, trades: 2 },
      { ticker: "A", minute: new Date("2024-04-05T08:45:00Z"), vwap: 3, volume: 30, trades: 1 },
      { ticker: "B", minute: new Date("2024-04-05T08:44:00Z"), vwap: 4, volume: 40, trades: 1 },
    ]);
    assert.equal(
      String(vwapByMinute(trades).getColumn("minute_ny").dtype),
      "DataType(Datetime(ns,America/New_York))",
    );
  });

  it("keeps only the tickers asked for, and answers a lazy query lazily", () => {
    const lazy = vwapByMinute(trades.lazy(), ["B"]);
    assert.ok("collectSync" in lazy);
    assert.deepEqual(lazy.collectSync().select("ticker", "vwap").toRecords(), [{ ticker: "B", vwap: 4 }]);
  });

  it("says which columns a frame lacks", () => {
    assert.throws(
      () => vwapByMinute(pl.DataFrame({ ticker: ["A"], price: [1] })),
      (e: Error & { code?: string }) => {
        assert.equal(e.code, "analysis.columns");
        assert.match(e.message, /lacks size, a timestamp/);
        return true;
      },
    );
  });

  it("agrees with a computation over the text of every published stock and options trades file", () => {
    const files = [
      ...publishedFiles("us_stocks_sip/trades_v1"),
      ...publishedFiles("us_options_opra/trades_v1"),
    ];
    assert.ok(files.length >= 8);
    for (const e of files) {
      const text = publishedRows(e.file);
      const want = byMinute(text, (r) => [r.ticker, BigInt(r.sip_timestamp)]);
      const got = vwapByMinute(loadDay(gzPublished(e.file), e.dataset, { onWarning: () => {} })).toRecords();
      assert.equal(got.length, want.length, e.file);
      want.forEach(([ticker, minute, rows], i) => {
        const g = got[i];
        const what = `${e.file} ${ticker} ${minute.toISOString()}`;
        assert.deepEqual([g.ticker, g.minute, g.trades], [ticker, minute, rows.length], what);
        const volume = rows.reduce((s, r) => s + Number(r.size), 0);
        close(g.volume as number, volume, `${what} volume`);
        close(
          g.vwap as number,
          rows.reduce((s, r) => s + Number(r.price) * Number(r.size), 0) / volume,
          `${what} vwap`,
        );
      });
    }
  });
});

describe("spreadByMinute", () => {
  it("measures two-sided quotes only, in price and in basis points of the mid", () => {
    const quotes = pl.DataFrame({
      ticker: ["A", "A", "A", "A", "A", "B"],
      bid_price: [10, 0, 10.02, null, 10.1, 5],
      ask_price: [10.04, 10.05, 10.03, 10.2, 10.12, 0],
      sip_timestamp: ns([
        1712306654000000000n,
        1712306655000000000n,
        1712306656000000000n,
        1712306657000000000n,
        1712306714000000000n,
        1712306654000000000n,
      ]),
    });
    const rows = spreadByMinute(quotes).drop("minute_ny").toRecords();
    const s1 = [10.04 - 10, 10.03 - 10.02];
    const b1 = [(s1[0] / 10.02) * 1e4, (s1[1] / 10.025) * 1e4];
    assert.equal(rows.length, 2); // B's only quote has no ask; A's zero bid and missing bid are left out
    assert.deepEqual(
      rows.map((r) => [r.ticker, r.minute, r.quotes]),
      [
        ["A", new Date("2024-04-05T08:44:00Z"), 2],
        ["A", new Date("2024-04-05T08:45:00Z"), 1],
      ],
    );
    close(rows[0].spread_mean as number, mean(s1), "mean");
    close(rows[0].spread_median as number, median(s1), "median");
    close(rows[0].spread_bps_mean as number, mean(b1), "bps mean");
    close(rows[0].spread_bps_median as number, median(b1), "bps median");
    close(rows[1].spread_bps_mean as number, ((10.12 - 10.1) / 10.11) * 1e4, "second minute");
  });

  it("agrees with a computation over the text of every published quotes file (one-sided quotes left out)", () => {
    const files = [
      ...publishedFiles("us_stocks_sip/quotes_v1"),
      ...publishedFiles("us_options_opra/quotes_v1"),
      ...publishedFiles("global_forex/quotes_v1"),
    ];
    assert.ok(files.length >= 6);
    let measured = 0;
    for (const e of files) {
      const text = publishedRows(e.file).filter((r) => Number(r.bid_price) > 0 && Number(r.ask_price) > 0);
      const want = byMinute(text, (r) => [r.ticker, BigInt(r.sip_timestamp ?? r.participant_timestamp)]);
      const got = spreadByMinute(loadDay(gzPublished(e.file), e.dataset)).toRecords();
      assert.equal(got.length, want.length, e.file);
      want.forEach(([ticker, minute, rows], i) => {
        const g = got[i];
        const what = `${e.file} ${ticker} ${minute.toISOString()}`;
        const spreads = rows.map((r) => Number(r.ask_price) - Number(r.bid_price));
        const bps = rows.map(
          (r, j) => (spreads[j] / ((Number(r.ask_price) + Number(r.bid_price)) / 2)) * 1e4,
        );
        assert.deepEqual([g.ticker, g.minute, g.quotes], [ticker, minute, rows.length], what);
        close(g.spread_mean as number, mean(spreads), `${what} mean`);
        close(g.spread_median as number, median(spreads), `${what} median`);
        close(g.spread_bps_mean as number, mean(bps), `${what} bps mean`);
        close(g.spread_bps_median as number, median(bps), `${what} bps median`);
        measured += rows.length;
      });
    }
    // The options documentation sample's 10 quotes and the forex row are two-sided; every stock sample is one-sided.
    assert.equal(measured, 11);
  });
});
