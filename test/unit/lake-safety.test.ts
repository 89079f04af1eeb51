/**
 * The lake holds nothing but finished partitions, and the kit writes and deletes only what it
 * made: a conversion killed with SIGKILL leaves nothing an engine reads (DuckDB reads the table
 * right after the kill), the next run removes the leftovers, a day file outside the cache gets
 * its copy in the cache's lake, and whatever the kit did not make is left where it is.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, afterEach, beforeEach, describe, it } from "node:test";
import { gzipSync } from "node:zlib";
import { duck } from "../helpers/real-shaped";
import pl from "nodejs-polars";
import { ensureParquet, loadDay, parquetPath, scanDays } from "../../src/flatfiles/load";
import type { KitError } from "../../src/util/errors";

const MINUTE = "us_stocks_sip/minute_aggs_v1";
const HEADER = "ticker,volume,open,close,high,low,window_start,transactions";
const roots: string[] = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "kit-lake-"));
  roots.push(d);
  return d;
};
after(() => {
  for (const r of roots) fs.rmSync(r, { recursive: true, force: true });
});

function minuteCsv(n: number): Buffer {
  const lines = [HEADER];
  for (let i = 0; i < n; i++)
    lines.push(
      `T${String(i % 97).padStart(3, "0")},${i},1.25,2.5,3,1,${1763650800000000000n + BigInt(i) * 60_000_000_000n},${i % 11}`,
    );
  return gzipSync(`${lines.join("\n")}\n`, { level: 1 });
}

/** A day the kit downloaded into the cache under `cache` (its `.meta.json` beside it, as downloads leave). */
function cachedDay(cache: string, date: string, rows: number): string {
  const file = path.join(cache, "flatfiles", MINUTE, date.slice(0, 4), date.slice(5, 7), `${date}.csv.gz`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, minuteCsv(rows));
  fs.writeFileSync(`${file}.meta.json`, JSON.stringify({ etag: '"x"', size: fs.statSync(file).size }));
  return file;
}

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: "utf8" }).map((p) => p.split(path.sep).join("/"));
}

// Every test's lake in a cache of its own: the default would be the user's real cache, where
// planted days (2026-11-19/20, a symbolic link) broke the notebooks that read those days.
const userCache = process.env.FLATFILES_CACHE_DIR;
beforeEach(() => {
  process.env.FLATFILES_CACHE_DIR = tmp();
});
afterEach(() => {
  if (userCache === undefined) delete process.env.FLATFILES_CACHE_DIR;
  else process.env.FLATFILES_CACHE_DIR = userCache;
});

describe("a conversion killed with SIGKILL", () => {
  it("leaves nothing inside the table; DuckDB reads it right after; the next run sweeps the leftovers", async () => {
    const cache = tmp();
    const done = cachedDay(cache, "2026-11-19", 1000);
    ensureParquet(done, MINUTE);
    const big = cachedDay(cache, "2026-11-20", 400_000);
    const lake = path.join(cache, "parquet");
    const table = path.join(lake, "flatfiles", "asset=us_stocks_sip", "dataset=minute_aggs_v1");
    const script = `require(${JSON.stringify(path.resolve(__dirname, "../../src/flatfiles/load"))}).ensureParquet(${JSON.stringify(big)}, ${JSON.stringify(MINUTE)}, () => {}, { batchBytes: 65536, worker: false })`;
    const child = spawn(process.execPath, ["--import", "tsx", "-e", script], { stdio: "ignore" });
    const staging = path.join(lake, "_staging");
    // Killed once it has written a few parts (well before it could finish).
    const t0 = Date.now();
    for (;;) {
      const parts = fs.existsSync(staging) ? walk(staging).filter((p) => p.endsWith(".parquet")) : [];
      if (parts.length >= 3) break;
      assert.ok(Date.now() - t0 < 60_000, "the conversion started writing parts");
      assert.equal(child.exitCode, null, "the conversion is still running");
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    assert.ok(
      walk(staging).some((p) => /\.\d+\.\d+\.tmp\/part-\d{5}\.parquet$/.test(p)),
      "parts were left in staging",
    );
    assert.deepEqual(
      fs.readdirSync(table),
      ["date=2026-11-19"],
      "nothing but the finished partition in the table",
    );
    await duck(async (sql) => {
      const rows = await sql(
        `SELECT date::VARCHAR AS date, count(*) AS n FROM read_parquet('${table}/*/*.parquet', hive_partitioning = true) GROUP BY ALL`,
      );
      assert.deepEqual(rows, [{ date: "2026-11-19", n: 1000n }]);
      // The whole bucket's tables, recursively: the staging folder is outside them.
      const all = await sql(`SELECT count(*) AS n FROM read_parquet('${lake}/flatfiles/**/*.parquet')`);
      assert.deepEqual(all, [{ n: 1000n }]);
    });
    // The next run: the leftovers of the dead process are removed, and the day converts.
    assert.equal(loadDay(big, MINUTE, { datetimes: false }).height, 400_000);
    assert.deepEqual(
      walk(staging).filter((p) => p.includes(`.${child.pid}.`)),
      [],
      "the killed run's staging folder is gone",
    );
    await duck(async (sql) => {
      const rows = await sql(
        `SELECT date::VARCHAR AS date, count(*) AS n FROM read_parquet('${table}/*/*.parquet', hive_partitioning = true) GROUP BY ALL ORDER BY ALL`,
      );
      assert.deepEqual(rows, [
        { date: "2026-11-19", n: 1000n },
        { date: "2026-11-20", n: 400_000n },
      ]);
    });
  });

  it("the leftovers earlier versions left inside the table (date=….<pid>.tmp) are removed by the next run", async () => {
    const cache = tmp();
    const file = cachedDay(cache, "2026-11-20", 100);
    const dir = ensureParquet(file, MINUTE);
    const old = `${dir}.999999999.tmp`; // no process has that pid
    fs.mkdirSync(old);
    fs.copyFileSync(path.join(dir, "part-00000.parquet"), path.join(old, "part-00000.parquet"));
    const mine = `${dir}.1.tmp`; // pid 1 runs: never touched
    fs.mkdirSync(mine);
    const notOurs = `${dir}.999999998.tmp`; // holds a file the kit never writes: kept
    fs.mkdirSync(notOurs);
    fs.writeFileSync(path.join(notOurs, "notes.txt"), "mine");
    ensureParquet(file, MINUTE, console.warn, { rebuild: true });
    assert.equal(fs.existsSync(old), false);
    assert.equal(fs.existsSync(mine), true);
    assert.equal(fs.readFileSync(path.join(notOurs, "notes.txt"), "utf8"), "mine");
  });
});

describe("the kit writes and deletes only what it made", () => {
  it("a day file outside the cache gets its copy in the cache's lake; the user's own files beside it survive", () => {
    const home = tmp();
    const cache = tmp();
    process.env.FLATFILES_CACHE_DIR = cache;
    try {
      const d = path.join(home, "d");
      fs.mkdirSync(d);
      const day = path.join(d, "2024-03-15.csv.gz");
      fs.writeFileSync(day, minuteCsv(50));
      fs.writeFileSync(path.join(d, "2024-03-15.parquet"), "the user's file");
      const notes = path.join(d, "notes");
      fs.writeFileSync(notes, minuteCsv(20));
      fs.mkdirSync(path.join(d, "notes.parquet"));
      fs.writeFileSync(path.join(d, "notes.parquet", "keep.txt"), "the user's folder");
      assert.equal(loadDay(day, MINUTE).height, 50);
      assert.equal(scanDays([day, notes], MINUTE).collectSync().height, 70);
      assert.equal(ensureParquet(notes, MINUTE), parquetPath(notes));
      assert.equal(fs.readFileSync(path.join(d, "2024-03-15.parquet"), "utf8"), "the user's file");
      assert.equal(fs.readFileSync(path.join(d, "notes.parquet", "keep.txt"), "utf8"), "the user's folder");
      assert.deepEqual(fs.readdirSync(d).sort(), [
        "2024-03-15.csv.gz",
        "2024-03-15.parquet",
        "notes",
        "notes.parquet",
      ]);
      const copy = parquetPath(day);
      assert.ok(copy.startsWith(path.join(cache, "parquet", "_local") + path.sep), copy);
      // A folder of the same name elsewhere is another copy, not a clash.
      const e = path.join(home, "e");
      fs.mkdirSync(e);
      fs.writeFileSync(path.join(e, "2024-03-15.csv.gz"), minuteCsv(7));
      assert.notEqual(parquetPath(path.join(e, "2024-03-15.csv.gz")), copy);
      assert.equal(loadDay(path.join(e, "2024-03-15.csv.gz"), MINUTE).height, 7);
      assert.equal(loadDay(day, MINUTE).height, 50);
      // A place the user names.
      const lake = path.join(home, "my-lake");
      assert.ok(ensureParquet(day, MINUTE, console.warn, { lake }).startsWith(lake + path.sep));
    } finally {
      delete process.env.FLATFILES_CACHE_DIR;
    }
  });

  it("something the kit did not make where a copy goes is reported and left as it is", () => {
    const cache = tmp();
    const file = cachedDay(cache, "2026-11-20", 10);
    const dir = parquetPath(file);
    const cases: [string, () => void, RegExp][] = [
      ["a file", () => fs.writeFileSync(dir, "user data"), /it is a file/],
      [
        "a folder without the kit's record",
        () => {
          fs.mkdirSync(dir);
          fs.writeFileSync(path.join(dir, "part-00000.parquet"), "user data");
        },
        /has no _flatfiles-kit\.json record/,
      ],
      [
        "the kit's copy with a file of the user's added",
        () => {
          ensureParquet(file, MINUTE);
          fs.writeFileSync(path.join(dir, "notes.txt"), "user data");
          fs.writeFileSync(path.join(dir, "_flatfiles-kit.json"), "{}"); // and made stale
        },
        /holds "notes\.txt", which the kit never writes/,
      ],
      [
        "a symbolic link",
        () => {
          const target = path.join(tmp(), "elsewhere");
          fs.mkdirSync(target);
          fs.writeFileSync(path.join(target, "_flatfiles-kit.json"), "{}");
          fs.symlinkSync(target, dir);
        },
        /is a symbolic link/,
      ],
    ];
    for (const [what, plant, why] of cases) {
      fs.rmSync(dir, { recursive: true, force: true });
      fs.mkdirSync(path.dirname(dir), { recursive: true });
      plant();
      const before = walk(path.dirname(dir)).sort();
      assert.throws(
        () => loadDay(file, MINUTE),
        (e: KitError) => {
          assert.equal(e.code, "load.in-the-way", what);
          assert.match(e.message, why, what);
          assert.match(e.message, /is left as it is.*option lake/, what);
          return true;
        },
      );
      assert.deepEqual(walk(path.dirname(dir)).sort(), before, `${what}: nothing changed`);
    }
  });
});

describe("the copy's types", () => {
  it("nanosecond times are signed INT64 in the files, exact BigInts in the kit's reads", async () => {
    const cache = tmp();
    const file = cachedDay(cache, "2026-11-20", 100);
    const df = loadDay(file, MINUTE);
    assert.equal(String(df.getColumn("window_start").dtype), "DataType(UInt64)");
    assert.equal(df.getColumn("window_start").toArray()[99], 1763650800000000000n + 99n * 60_000_000_000n);
    assert.match(String(df.getColumn("window_start_utc").dtype), /Datetime/);
    const stored = pl.readParquet(path.join(parquetPath(file), "part-00000.parquet"));
    assert.equal(String(stored.getColumn("window_start").dtype), "DataType(Int64)");
    await duck(async (sql) => {
      const types = await sql(
        `SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('${parquetPath(file)}/*.parquet')) WHERE column_name = 'window_start'`,
      );
      assert.deepEqual(types, [{ column_name: "window_start", column_type: "BIGINT" }]);
    });
  });

  it("a copy written by the previous version (UINT_64, no format in its record) is recognised and made again", async () => {
    const cache = tmp();
    const file = cachedDay(cache, "2026-11-20", 100);
    const dir = ensureParquet(file, MINUTE);
    // What the previous version wrote: UInt64 times, a record without "format".
    const part = path.join(dir, "part-00000.parquet");
    pl.readParquet(part)
      .withColumns(pl.col("window_start").cast(pl.UInt64))
      .writeParquet(part, { compression: "zstd" });
    const rec = JSON.parse(fs.readFileSync(path.join(dir, "_flatfiles-kit.json"), "utf8"));
    delete rec.format;
    rec.parts["part-00000.parquet"] = fs.statSync(part).size;
    fs.writeFileSync(path.join(dir, "_flatfiles-kit.json"), JSON.stringify(rec));
    assert.equal(String(pl.readParquet(part).getColumn("window_start").dtype), "DataType(UInt64)");
    assert.equal(loadDay(file, MINUTE).getColumn("window_start").toArray()[0], 1763650800000000000n);
    assert.equal(String(pl.readParquet(part).getColumn("window_start").dtype), "DataType(Int64)");
    assert.equal(JSON.parse(fs.readFileSync(path.join(dir, "_flatfiles-kit.json"), "utf8")).format, 2);
  });
});
