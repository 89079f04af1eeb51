import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe, it } from "node:test";
import pl from "nodejs-polars";
import { topMovers } from "../../src/flatfiles/analysis";
import { downloadFile } from "../../src/flatfiles/download";
import { loadDay } from "../../src/flatfiles/load";
import { minuteBarsSpec, renderChart, topMoversSpec, volumeThroughDaySpec } from "../../src/notebook/charts";
import { sandboxS3 } from "../helpers/sandbox";

const s3 = sandboxS3();
const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "kit-charts-"));
after(() => s3.destroy());

function pngSize(png: Buffer): { width: number; height: number } {
  assert.deepEqual(
    [...png.subarray(0, 8)],
    [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
    "a PNG signature",
  );
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe("analysis and charts", () => {
  it("finds the day's top gainers and losers", async () => {
    const f = await downloadFile(s3, "flatfiles", "us_stocks_sip/day_aggs_v1/2026/11/2026-11-20.csv.gz", {
      cacheDir,
    });
    const p = await downloadFile(s3, "flatfiles", "us_stocks_sip/day_aggs_v1/2026/11/2026-11-19.csv.gz", {
      cacheDir,
    });
    const DAY = "us_stocks_sip/day_aggs_v1";
    const moves = topMovers(loadDay(f.path, DAY), loadDay(p.path, DAY), { n: 5 });
    assert.equal(moves.length, 10);
    const pct = moves.map((m) => m.change_pct);
    assert.deepEqual(
      pct,
      [...pct].sort((a, b) => b - a),
    );
    assert.ok(pct[0] > 0 && pct[9] < 0);
    assert.ok(
      moves.every((m) => m.close >= 5 && m.dollar_volume >= 10_000_000),
      "the default floors",
    );
    const { width, height } = pngSize(await renderChart(topMoversSpec(moves)));
    assert.ok(width >= 1200 && height >= 200, `${width}x${height}`);
  });

  it("draws one ticker's minute bars and the market's volume through the day as PNG", async () => {
    const f = await downloadFile(s3, "flatfiles", "us_stocks_sip/minute_aggs_v1/2026/11/2026-11-20.csv.gz", {
      cacheDir,
    });
    const minutes = loadDay(f.path, "us_stocks_sip/minute_aggs_v1");
    const spec = minuteBarsSpec(minutes, "AAPL") as { data: { values: { time: string }[] } };
    const aapl = minutes.filter(pl.col("ticker").eq(pl.lit("AAPL"))).sort("window_start");
    assert.ok(aapl.height > 0);
    assert.equal(spec.data.values.length, aapl.height, "one point per bar of the ticker");
    // The first bar's minute in New York time (04:00 pre-market on the sandbox, as on real files).
    const first = new Date(Number(BigInt(aapl.getColumn("window_start").get(0)) / 1_000_000n));
    const ny = first.toLocaleString("sv-SE", { timeZone: "America/New_York" }).replace(" ", "T");
    assert.equal(spec.data.values[0].time, ny, "in New York time");
    // Every chart the notebooks show comes out at one width, so the page shows them at one scale
    // (the minute-bars chart used to be 40% narrower, with text twice as big on screen).
    const widths = [await renderChart(spec), await renderChart(volumeThroughDaySpec(minutes))].map(
      (png) => pngSize(png).width,
    );
    const d = await downloadFile(s3, "flatfiles", "us_stocks_sip/day_aggs_v1/2026/11/2026-11-20.csv.gz", {
      cacheDir,
    });
    const p = await downloadFile(s3, "flatfiles", "us_stocks_sip/day_aggs_v1/2026/11/2026-11-19.csv.gz", {
      cacheDir,
    });
    const [day, previous] = [d, p].map((x) => loadDay(x.path, "us_stocks_sip/day_aggs_v1"));
    const movers = pngSize(await renderChart(topMoversSpec(topMovers(day, previous, { n: 5 })))).width;
    for (const w of [...widths, movers])
      assert.ok(Math.abs(w - widths[0]) <= 0.1 * widths[0], `chart widths ${widths} and ${movers}`);
  });
});
