/**
 * Days read in batches (bounded memory) into a Hive-partitioned Parquet copy: the same rows as
 * a whole-file read, errors that name the right line however far into the file, one schema
 * across batches, and a layout another engine (DuckDB, from npm) reads as one table.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { after, before, describe, it } from "node:test";
import { DuckDBInstance } from "@duckdb/node-api";
import pl from "nodejs-polars";
import { listDays } from "../../src/flatfiles/catalog";
import { gzipCsvBatches } from "../../src/flatfiles/csv-stream";
import { findDataset } from "../../src/flatfiles/datasets";
import { downloadFiles } from "../../src/flatfiles/download";
import {
  ensureParquet,
  loadDay,
  parquetPath,
  parseCsv,
  scanDays,
  timeColumn,
} from "../../src/flatfiles/load";
import type { KitError } from "../../src/util/errors";
import { sandboxS3 } from "../helpers/sandbox";

const s3 = sandboxS3();
const bucket = "flatfiles";
const MINUTE = "us_stocks_sip/minute_aggs_v1";
const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "kit-parquet-"));
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "kit-batches-"));
after(() => s3.destroy());

/** A gzipped minute-aggregates file of `n` rows; `at` replaces chosen lines (1 = header). */
function minuteFile(n: number, at: Record<number, string> = {}): string {
  const lines = ["ticker,volume,open,close,high,low,window_start,transactions"];
  for (let i = 0; i < n; i++)
    lines.push(
      `T${String(i % 97).padStart(3, "0")},${i},1.25,2.5,3,1,${1763650800000000000n + BigInt(i) * 60_000_000_000n},${i % 11}`,
    );
  for (const [line, text] of Object.entries(at)) lines[Number(line) - 1] = text;
  const file = path.join(tmp(), "day.csv.gz");
  fs.writeFileSync(file, gzipSync(lines.join("\n") + "\n"));
  return file;
}

describe("reading a day in batches", () => {
  it("gives exactly the rows of a whole-file read, in order, whatever the batch size", () => {
    const file = minuteFile(30_000);
    const whole = parseCsv(gunzipSync(fs.readFileSync(file)), MINUTE);
    for (const batchBytes of [4096, 100_000, 32 << 20]) {
      const df = loadDay(file, MINUTE, { parquet: false, datetimes: false, batchBytes });
      assert.ok(df.frameEqual(whole), `batchBytes ${batchBytes}`);
    }
    const sizes: number[] = [];
    for (const item of gzipCsvBatches(file, { batchBytes: 100_000 }))
      if (!("header" in item)) sizes.push(item.bytes.length);
    const text = gunzipSync(fs.readFileSync(file)).length;
    assert.ok(
      sizes.every((n) => n <= 100_000),
      "no batch above the size asked for",
    );
    assert.ok(
      sizes.length <= Math.ceil(text / 90_000),
      `${sizes.length} batches: lines are cut close to the size asked for`,
    );
  });

  it("names the right line of a bad row deep in the file, past many batches", () => {
    const bad = minuteFile(30_000, { 25001: "T001,1,1.25,2.5,3,1,1763650800000000000" }); // a field short
    assert.throws(
      () => loadDay(bad, MINUTE, { batchBytes: 4096 }),
      (e: KitError) => {
        assert.equal(e.code, "load.shape");
        assert.match(e.message, /, line 25001: 7 fields where the header has 8/);
        return true;
      },
    );
    const value = minuteFile(30_000, { 20002: "T001,1,abc,2.5,3,1,1763650800000000000,1" });
    assert.throws(
      () => loadDay(value, MINUTE, { batchBytes: 4096 }),
      /line 20002, column "open": "abc" is not a number/,
    );
    const long = minuteFile(3000, { 2500: `T001,${"9".repeat(3 << 20)},1,1,1,1,1,1` });
    assert.throws(
      () => loadDay(long, MINUTE, { batchBytes: 4096 }),
      /line 2500 is longer than 1,052,672 bytes.*damaged/,
    );
    assert.equal(
      loadDay(minuteFile(10, { 5: `T001,${"9".repeat(20_000)},1,1,1,1,1,1` }), MINUTE, { batchBytes: 4096 })
        .height,
      10,
      "a line longer than a batch is fine",
    );
    const blank = minuteFile(30_000, { 10000: "" });
    assert.throws(
      () => loadDay(blank, MINUTE, { batchBytes: 4096 }),
      /line 10000 is blank, with data after it/,
    );
  });

  it("a column of uncertain type that holds text late in the file is text in every batch", () => {
    const d = findDataset("us_futures_cme/session_aggs_v1");
    const cols = d.columns.map((c) => c.name);
    assert.ok(cols.includes("settlement_price"));
    const row = (i: number, settle: string) =>
      cols
        .map((c) =>
          c === "ticker"
            ? "ESZ6"
            : c === "session_end_date"
              ? "2026-11-20"
              : c === "settlement_price"
                ? settle
                : c === "window_start"
                  ? "1763586000000000000"
                  : String(i % 5),
        )
        .join(",");
    const lines = [cols.join(",")];
    for (let i = 0; i < 5000; i++) lines.push(row(i, i === 4000 ? "n/a" : "6012.25"));
    const file = path.join(tmp(), "futures.csv.gz");
    fs.writeFileSync(file, gzipSync(lines.join("\n") + "\n"));
    const warnings: string[] = [];
    const df = loadDay(file, d, { batchBytes: 8192, datetimes: false, onWarning: (w) => warnings.push(w) });
    assert.equal(String(df.getColumn("settlement_price").dtype), "DataType(String)");
    assert.equal(df.height, 5000);
    assert.equal(warnings.length, 1, warnings.join("\n"));
    assert.match(warnings[0], /"settlement_price" holds "n\/a" \(line 4002\).*kept as text/);
    assert.ok(
      fs.readdirSync(parquetPath(file)).filter((f) => f.endsWith(".parquet")).length > 5,
      "many batches, one schema",
    );
  });

  it("a conversion on a worker thread (as for large files) makes the same copy and passes warnings and errors back", () => {
    const file = minuteFile(30_000);
    const whole = loadDay(file, MINUTE, { parquet: false, datetimes: false });
    ensureParquet(file, MINUTE, console.warn, { worker: true, batchBytes: 100_000 });
    assert.ok(
      pl
        .scanParquet(path.join(parquetPath(file), "*.parquet"))
        .collectSync()
        .frameEqual(whole),
    );
    const bad = minuteFile(30_000, { 25001: "T001,1,1.25,2.5,3,1,1763650800000000000" });
    assert.throws(
      () => ensureParquet(bad, MINUTE, console.warn, { worker: true, batchBytes: 4096 }),
      (e: KitError) => {
        assert.equal(e.name, "KitError");
        assert.equal(e.code, "load.shape");
        assert.match(e.message, /line 25001: 7 fields/);
        return true;
      },
    );
    assert.deepEqual(
      fs.readdirSync(path.dirname(bad)).filter((f) => f !== "day.csv.gz"),
      [],
      "no half-made copy left behind",
    );
    const warnings: string[] = [];
    const extra = path.join(tmp(), "extra.csv.gz");
    fs.writeFileSync(
      extra,
      gzipSync("ticker,volume,open,close,high,low,window_start,transactions,mystery\nA,1,1,1,1,1,1,1,x\n"),
    );
    ensureParquet(extra, MINUTE, (w) => warnings.push(w), { worker: true });
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /column "mystery" is not in any known layout/);
  });

  it("stopping early stops the reading thread", () => {
    const file = minuteFile(50_000);
    for (const item of gzipCsvBatches(file, { batchBytes: 4096 })) {
      assert.ok("header" in item);
      break;
    }
    // Reading the same file again from the start works, and no thread is left blocking exit.
    assert.equal(loadDay(file, MINUTE, { parquet: false, datetimes: false }).height, 50_000);
  });
});

describe("the Parquet copy as a dataset for other engines", () => {
  let files: string[] = [];
  before(async () => {
    const days = await listDays({ client: s3, bucket }, MINUTE, "2026-11-18", "2026-11-20");
    files = (
      await downloadFiles(
        s3,
        bucket,
        days.map((d) => d.key),
        { cacheDir },
      )
    ).map((f) => f.path);
    for (const f of files) ensureParquet(f, MINUTE, console.warn, { batchBytes: 4 << 20 });
  });

  it("is laid out as Hive partitions: asset, dataset, date", () => {
    const dir = parquetPath(files[0]);
    assert.equal(
      dir,
      path.join(
        cacheDir,
        "parquet",
        bucket,
        "asset=us_stocks_sip",
        "dataset=minute_aggs_v1",
        "date=2026-11-18",
      ),
    );
    const parts = fs.readdirSync(dir).filter((f) => f.endsWith(".parquet"));
    assert.ok(parts.length > 1, `${parts.length} Parquet files, one per batch`);
    assert.ok(parts.every((p) => /^part-\d{5}\.parquet$/.test(p)));
  });

  it("DuckDB reads the partitions as one table and finds the same rows as polars", async () => {
    const table = path.join(cacheDir, "parquet", bucket, "asset=us_stocks_sip", "dataset=minute_aggs_v1");
    const db = await DuckDBInstance.create(":memory:");
    const con = await db.connect();
    try {
      const reader = await con.runAndReadAll(
        `SELECT date::VARCHAR AS date, count(*) AS n, sum(volume) AS volume, min(window_start) AS first, max(window_start) AS last
         FROM read_parquet('${table.replace(/'/g, "''")}/*/*.parquet', hive_partitioning = true)
         WHERE ticker = 'AAPL' GROUP BY date ORDER BY date`,
      );
      const duck = reader.getRowObjects().map((r) => ({
        date: r.date,
        n: Number(r.n),
        volume: Number(r.volume),
        first: BigInt(String(r.first)),
        last: BigInt(String(r.last)),
      }));
      const polars = files.map((f, i) => {
        const day = scanDays([f], MINUTE, { tickers: ["AAPL"] }).collectSync();
        const ws = day.getColumn("window_start").toArray() as bigint[];
        return {
          date: `2026-11-${18 + i}`,
          n: day.height,
          volume: Number(day.getColumn("volume").sum()),
          first: ws.reduce((a, b) => (b < a ? b : a)),
          last: ws.reduce((a, b) => (b > a ? b : a)),
        };
      });
      assert.equal(duck.length, 3);
      assert.ok(duck.every((r) => r.n > 0));
      assert.deepEqual(duck, polars);
      // Every row, not only the sums: the full AAPL minutes of one day, in time order.
      const rows = await con.runAndReadAll(
        `SELECT window_start, close FROM read_parquet('${table.replace(/'/g, "''")}/date=2026-11-20/*.parquet') WHERE ticker = 'AAPL' ORDER BY window_start`,
      );
      const duckCloses = rows.getRowObjects().map((r) => Number(r.close));
      const mine = loadDay(files[2], MINUTE, { datetimes: false })
        .filter(pl.col("ticker").eq(pl.lit("AAPL")))
        .sort("window_start");
      assert.deepEqual(duckCloses, mine.getColumn("close").toArray());
    } finally {
      con.closeSync();
      db.closeSync();
    }
  });

  it("scanDays pushes a time range down: the rows are those of the range, from every day", () => {
    assert.equal(timeColumn(MINUTE), "window_start");
    assert.equal(timeColumn("us_stocks_sip/trades_v1"), "sip_timestamp");
    // 14:30-15:00 UTC (09:30-10:00 in New York) on each day.
    const ranges = files.map((_, i) => [`2026-11-${18 + i}T14:30:00Z`, `2026-11-${18 + i}T15:00:00Z`]);
    for (const [i, [from, to]] of ranges.entries()) {
      const got = scanDays(files, MINUTE, { tickers: ["MSFT"], from, to }).collectSync();
      // The bars of the range in the file itself, read directly (a minute without trades has none).
      const [lo, hi] = [BigInt(Date.parse(from)) * 1_000_000n, BigInt(Date.parse(to)) * 1_000_000n];
      const inFile = pl
        .readCSV(files[i], { dtypes: { window_start: pl.Utf8 } })
        .filter(pl.col("ticker").eq(pl.lit("MSFT")))
        .getColumn("window_start")
        .toArray()
        .filter((t) => BigInt(String(t)) >= lo && BigInt(String(t)) < hi).length;
      assert.ok(inFile > 20 && inFile <= 30, `${files[i]}: ${inFile} of 30 minutes`);
      assert.equal(got.height, inFile, `${files[i]}: the range's bars`);
      const ws = got.getColumn("window_start").toArray() as bigint[];
      assert.ok(
        ws.every(
          (t) => t >= BigInt(Date.parse(from)) * 1_000_000n && t < BigInt(Date.parse(to)) * 1_000_000n,
        ),
      );
    }
    assert.throws(() => scanDays(files, MINUTE, { from: "yesterday-ish" }), /"yesterday-ish" is not a time/);
  });

  it("a damaged copy is made again, not a raw polars error forever", () => {
    const file = minuteFile(5000);
    const dir = ensureParquet(file, MINUTE, console.warn, { batchBytes: 64 << 10 });
    const parts = fs.readdirSync(dir).filter((f) => f.endsWith(".parquet"));
    // One file zeroed (the same size), one cut short: noticed before reading.
    fs.writeFileSync(path.join(dir, parts[0]), Buffer.alloc(fs.statSync(path.join(dir, parts[0])).size));
    fs.truncateSync(path.join(dir, parts[1]), 100);
    assert.equal(loadDay(file, MINUTE, { datetimes: false, batchBytes: 64 << 10 }).height, 5000);
    // One damaged inside with its ends intact: noticed by polars while reading, then made again.
    const third = fs.readFileSync(path.join(dir, parts[2]));
    third.fill(0x55, 8, third.length - 8);
    fs.writeFileSync(path.join(dir, parts[2]), third);
    assert.throws(() => pl.scanParquet(path.join(dir, "*.parquet")).collectSync(), "the damage is real");
    assert.equal(loadDay(file, MINUTE, { datetimes: false, batchBytes: 64 << 10 }).height, 5000);
    // And the copy is whole again for the next reader.
    assert.equal(pl.scanParquet(path.join(dir, "*.parquet")).collectSync().height, 5000);
  });

  it("a day read as another dataset is checked again, not served from the copy made for the first", () => {
    const file = minuteFile(100);
    assert.equal(loadDay(file, MINUTE).height, 100);
    assert.throws(
      () => loadDay(file, "us_stocks_sip/trades_v1"),
      (e: KitError) => {
        assert.equal(e.code, "load.columns");
        assert.match(
          e.message,
          /does not look like us_stocks_sip\/trades_v1.*It looks like us_stocks_sip\/(day|minute)_aggs_v1/,
        );
        return true;
      },
    );
  });

  it("is made again when the download changes, and never left half-made", () => {
    const file = minuteFile(1000);
    const dir = ensureParquet(file, MINUTE);
    const record = JSON.parse(fs.readFileSync(path.join(dir, "_flatfiles-kit.json"), "utf8"));
    assert.equal(record.rows, 1000);
    fs.writeFileSync(
      file,
      gzipSync(
        fs.readFileSync(file).length
          ? gunzipSync(fs.readFileSync(file)).toString().split("\n").slice(0, 501).join("\n") + "\n"
          : "",
      ),
    );
    fs.utimesSync(file, new Date(), new Date(Date.now() + 5000));
    assert.equal(loadDay(file, MINUTE).height, 500);
    assert.deepEqual(
      fs.readdirSync(path.dirname(dir)).filter((f) => f.endsWith(".tmp")),
      [],
    );
  });
});
