/**
 * What a learner meets when input is thin or careless (issue 22's errors, issue 20 item 10):
 * topMovers on a thin day lists no ticker twice; renderChart refuses a size that would take
 * gigabytes, with a one-line KitError naming the value and the bound.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import pl from "nodejs-polars";
import { topMovers, vwapByMinute } from "../../src/flatfiles/analysis";
import { MAX_CHART_SIDE, minuteBarsSpec, renderChart } from "../../src/notebook/charts";
import { KitError } from "../../src/util/errors";

describe("topMovers", () => {
  const day = (tickers: string[]) =>
    pl.DataFrame({
      ticker: tickers,
      open: tickers.map(() => 100),
      close: tickers.map((_, i) => 90 + i * 3),
      volume: tickers.map(() => 1_000_000),
    });
  const previous = (tickers: string[]) => pl.DataFrame({ ticker: tickers, close: tickers.map(() => 100) });

  for (const count of [1, 2, 3, 5, 7, 9, 10, 12]) {
    it(`lists no ticker twice on a day of ${count} tickers (n = 5)`, () => {
      const tickers = Array.from({ length: count }, (_, i) => `T${i}`);
      const moves = topMovers(day(tickers), previous(tickers), { n: 5 });
      const names = moves.map((m) => m.ticker);
      assert.equal(new Set(names).size, names.length, `listed twice: ${names.join(", ")}`);
      assert.equal(names.length, Math.min(count, 10));
    });
  }
});

describe("renderChart size bound", () => {
  const spec = (size: object) => ({
    data: { values: [{ x: 1, y: 2 }] },
    mark: "point",
    encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" } },
    ...size,
  });
  for (const size of [{ width: 20000 }, { height: 100000 }, { width: -5 }, { width: Number.NaN }]) {
    it(`refuses ${JSON.stringify(size)} before drawing`, async () => {
      await assert.rejects(renderChart(spec(size)), (e: unknown) => {
        assert.ok(e instanceof KitError, String(e));
        assert.equal(e.code, "chart.size");
        assert.match(e.message, new RegExp(`from 1 to ${MAX_CHART_SIDE}`));
        assert.ok(!e.message.includes("\n"));
        return true;
      });
    });
  }
  it("refuses a drawn size past the bound (a vconcat of tall parts)", async () => {
    const part = spec({ height: 3000 });
    await assert.rejects(renderChart({ vconcat: [part, part] }), /drawn height is \d+ pixels/);
  });
  it("still draws a chart of ordinary size", async () => {
    const png = await renderChart(spec({ width: 300, height: 200 }));
    assert.equal(png.subarray(1, 4).toString(), "PNG");
  });
});

describe("a ticker the day does not have", () => {
  const bars = pl.DataFrame({
    ticker: ["AAPL", "AAPL", "MSFT", "AMZN"],
    close: [1, 2, 3, 4],
    volume: [10, 20, 30, 40],
    window_start_ny: [1, 2, 3, 4].map((m) => new Date(Date.UTC(2026, 10, 13, 14, 30 + m))),
  });
  const trades = pl.DataFrame({
    ticker: ["AAPL", "MSFT"],
    price: [1, 2],
    size: [1, 1],
    sip_timestamp: [1n, 2n],
  });

  it("minuteBarsSpec refuses an unknown ticker with the closest ones, instead of an empty chart", () => {
    assert.throws(
      () => minuteBarsSpec(bars, "ZZZZ"),
      (e: unknown) => {
        assert.ok(e instanceof KitError, String(e));
        assert.equal(e.code, "analysis.ticker");
        assert.match(e.message, /"ZZZZ" is not a ticker in these minute bars \(3 tickers\); the closest: /);
        return true;
      },
    );
    assert.throws(() => minuteBarsSpec(bars, "APPL"), /the closest: AAPL/);
  });

  it("takes a ticker written in lower case in capitals", () => {
    const spec = minuteBarsSpec(bars, "aapl") as { title: string };
    assert.match(JSON.stringify(spec), /AAPL: minute bars/);
    assert.equal(vwapByMinute(trades, { tickers: ["aapl"], trades: "all" }).height, 1);
  });

  it("vwapByMinute on a loaded day refuses an unknown ticker instead of an empty table", () => {
    assert.throws(() => vwapByMinute(trades, { tickers: ["ZZZZ"], trades: "all" }), /"ZZZZ" is not a ticker/);
  });
});
