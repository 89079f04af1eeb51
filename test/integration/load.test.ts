import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { gunzipSync } from "node:zlib";
import { after, describe, it } from "node:test";
import pl from "nodejs-polars";
import { listDays } from "../../src/flatfiles/catalog";
import { downloadFile, downloadFiles } from "../../src/flatfiles/download";
import { loadDay, parquetPath, scanDays } from "../../src/flatfiles/load";
import { sandboxS3 } from "../helpers/sandbox";

const s3 = sandboxS3();
const bucket = "flatfiles";
const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "kit-load-"));
after(() => s3.destroy());

describe("loading into nodejs-polars", () => {
  it("types a day of aggregates and keeps nanosecond timestamps exact", async () => {
    const key = "us_stocks_sip/day_aggs_v1/2026/11/2026-11-20.csv.gz";
    const d = await downloadFile(s3, bucket, key, { cacheDir });
    const df = loadDay(d.path, "us_stocks_sip/day_aggs_v1");
    const types = Object.fromEntries(df.columns.map((c, i) => [c, String(df.dtypes[i])]));
    assert.equal(types.ticker, "DataType(String)");
    assert.equal(types.volume, "DataType(Float64)");
    assert.equal(types.window_start, "DataType(UInt64)");
    assert.match(types.window_start_ny, /Datetime.*America\/New_York/);
    const text = gunzipSync(fs.readFileSync(d.path)).toString().split("\n");
    assert.equal(df.height, text.length - 2);
    const aapl = text.find((l) => l.startsWith("AAPL,"))!.split(",");
    const row = df.filter(pl.col("ticker").eq(pl.lit("AAPL")));
    assert.equal(
      row.getColumn("window_start").toArray()[0],
      BigInt(aapl[6]),
      "the nanosecond value survives exactly, as a BigInt",
    );
    assert.ok(fs.existsSync(parquetPath(d.path)), "a Parquet copy is kept beside the download");
    assert.equal(
      loadDay(d.path, "us_stocks_sip/day_aggs_v1").height,
      df.height,
      "the second read (from Parquet) agrees",
    );
  });

  it("reads decimal volumes (written 150.000000 since 2026-02-23) as floats", async () => {
    const d = await downloadFile(s3, bucket, "us_stocks_sip/day_aggs_v1/2026/03/2026-03-02.csv.gz", {
      cacheDir,
    });
    assert.match(gunzipSync(fs.readFileSync(d.path)).toString(), /,\d+\.000000,/);
    assert.equal(
      String(loadDay(d.path, "us_stocks_sip/day_aggs_v1").getColumn("volume").dtype),
      "DataType(Float64)",
    );
  });

  it("queries several days lazily for a few tickers and columns", async () => {
    const days = await listDays(
      { client: s3, bucket },
      "us_stocks_sip/minute_aggs_v1",
      "2026-11-16",
      "2026-11-20",
    );
    const files = (
      await downloadFiles(
        s3,
        bucket,
        days.map((d) => d.key),
        { cacheDir },
      )
    ).map((f) => f.path);
    const week = scanDays(files, "us_stocks_sip/minute_aggs_v1", {
      tickers: ["AAPL", "MSFT"],
      columns: ["ticker", "close", "window_start"],
    }).collectSync();
    assert.deepEqual(week.columns, [
      "ticker",
      "close",
      "window_start",
      "window_start_utc",
      "window_start_ny",
    ]);
    assert.deepEqual([...new Set(week.getColumn("ticker").toArray())].sort(), ["AAPL", "MSFT"]);
    // Every bar of the two tickers in the five files, counted by reading the files directly.
    const inFiles = files
      .map((f) => pl.readCSV(f).filter(pl.col("ticker").isIn(["AAPL", "MSFT"])).height)
      .reduce((a, b) => a + b, 0);
    assert.ok(inFiles > 2 * 390 * 5, "the regular session and extended hours");
    assert.equal(week.height, inFiles, "every bar of both tickers on five days");
  });

  it("explains a damaged file instead of failing inside polars", async () => {
    const bad = path.join(cacheDir, "broken.csv.gz");
    fs.writeFileSync(bad, "this is not gzip");
    assert.throws(
      () => loadDay(bad, "us_stocks_sip/day_aggs_v1"),
      /not a readable gzip file.*download it again/,
    );
  });
});
