/** Returns across days, their correlations, and the chart specs notebooks 05-07 draw, rendered. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import pl from "nodejs-polars";
import { correlationCells, dailyReturns } from "../../src/flatfiles/analysis";
import { chainVolumeSpec, heatmapSpec, lineSpec, renderChart } from "../../src/notebook/charts";

const ny = (d: string) => new Date(`${d}T05:00:00Z`);
const days = pl.DataFrame({
  ticker: ["A", "B", "A", "B", "A", "B", "A", "C"],
  close: [100, 50, 110, 45, 99, 49.5, 108.9, 7],
  window_start_ny: [
    "2026-10-01",
    "2026-10-01",
    "2026-10-02",
    "2026-10-02",
    "2026-10-05",
    "2026-10-05",
    "2026-10-06",
    "2026-10-06",
  ].map(ny),
});

describe("daily returns and correlations", () => {
  it("gives close-to-close returns per ticker as a wide frame, in the caller's ticker order", () => {
    const r = dailyReturns(days, ["B", "A", "Z"]);
    assert.deepEqual(r.columns, ["date", "B", "A"], "a ticker with no rows has no column");
    assert.deepEqual(r.getColumn("date").toArray(), ["2026-10-02", "2026-10-05", "2026-10-06"]);
    const a = (r.getColumn("A").toArray() as number[]).map((x) => Math.round(x * 1e6) / 1e6);
    assert.deepEqual(a, [0.1, -0.1, 0.1]);
    const b = r.getColumn("B").toArray() as (number | null)[];
    assert.equal(Math.round(b[0]! * 1e6) / 1e6, -0.1);
    assert.equal(b[2], null, "B has no bar on the last day");
  });

  it("correlates every pair: 1 on the diagonal, symmetric, -1 for opposite moves", () => {
    const wide = pl.DataFrame({ x: [1, 2, 3, 4], y: [2, 4, 6, 8.5], z: [4, 3, 2, 1] });
    const cells = correlationCells(wide, ["x", "y", "z"]);
    const at = (r: string, c: string) => cells.find((k) => k.row === r && k.column === c)!.value;
    assert.equal(cells.length, 9);
    assert.equal(at("x", "x"), 1);
    assert.ok(Math.abs(at("x", "z") + 1) < 1e-12);
    assert.equal(at("x", "y"), at("y", "x"));
    assert.ok(at("x", "y") > 0.99 && at("x", "y") < 1);
  });
});

describe("chart specs for notebooks 05-07", () => {
  const isPng = (b: Buffer) => b.subarray(1, 4).toString() === "PNG";

  it("draws lines by series and by column, a chain's volume by strike, and a heatmap", async () => {
    const t = ["2026-11-20T14:30:00Z", "2026-11-20T14:31:00Z"].map((s) => new Date(s));
    const df = pl.DataFrame({
      window_start_ny: [...t, ...t],
      ticker: ["A", "A", "B", "B"],
      vwap: [1, 2, 3, 4],
      close: [1.1, 2.1, 3.1, 4.1],
    });
    const bySeries = lineSpec(df, "vwap", { series: "ticker" }) as { encoding: { color: { field: string } } };
    assert.equal(bySeries.encoding.color.field, "ticker");
    const byColumn = lineSpec(df.filter(pl.col("ticker").eq(pl.lit("A"))), ["vwap", "close"]) as {
      transform: { fold: string[] }[];
    };
    assert.deepEqual(byColumn.transform[0].fold, ["vwap", "close"]);
    const chain = pl.DataFrame({
      strike: [95, 100, 105],
      call_volume: [10, 50, null],
      put_volume: [40, 30, 5],
    });
    const bars = chainVolumeSpec(chain) as {
      data: { values: { strike: number; side: string; volume: number }[] };
    };
    assert.deepEqual(
      bars.data.values.filter((v) => v.strike === 105),
      [
        { strike: 105, side: "calls", volume: 0 },
        { strike: 105, side: "puts", volume: -5 },
      ],
      "puts below zero, a side that did not trade at zero",
    );
    const heat = heatmapSpec([
      { row: "A", column: "A", value: 1 },
      { row: "A", column: "B", value: -0.5 },
      { row: "B", column: "A", value: -0.5 },
      { row: "B", column: "B", value: 1 },
    ]);
    for (const spec of [bySeries, byColumn, bars, heat]) assert.ok(isPng(await renderChart(spec)));
  });
});
