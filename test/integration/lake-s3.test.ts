/**
 * The lake in object storage, read by engines the kit did not write: a range built into the
 * sandbox's S3 (`downloadRange` with `parquet` and an `s3://` lake) is read by pyarrow (its own S3
 * filesystem, Hive partitioning) and by polars (scanDays on the lake, by date), and both agree
 * with the local lake on rows, sums and times. A reader that lists and reads the table in a loop
 * while days are written, and while a writer is killed, never sees a day partly or twice; what a
 * killed writer leaves (an unfinished multipart upload) is aborted by the next run, which
 * finishes the range.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import {
  CreateMultipartUploadCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import pl from "nodejs-polars";
import { findDataset } from "../../src/flatfiles/datasets";
import { downloadRange } from "../../src/flatfiles/range";
import { lakeDates, loadDay, scanDays, timeColumn } from "../../src/flatfiles/load";
import { PACKAGE_ROOT } from "../../src/util/paths";
import { pythonWithPyarrow } from "../helpers/pyarrow";
import { sandboxS3, sandboxState } from "../helpers/sandbox";

const s3 = sandboxS3();
const ref = { client: s3, bucket: "flatfiles" };
const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "kit-lake-s3-"));
const state = sandboxState();
const lakeBucket = `lake-${process.pid}`;
const lake = { url: `s3://${lakeBucket}/research/v1`, endpoint: "sandbox" };
const own = new S3Client({
  endpoint: state.endpoint,
  region: state.region,
  forcePathStyle: true,
  credentials: { accessKeyId: state.accessKeyId, secretAccessKey: state.secretAccessKey },
});
after(() => {
  s3.destroy();
  own.destroy();
  fs.rmSync(cacheDir, { recursive: true, force: true });
});

const DATASETS = ["us_stocks_sip/day_aggs_v1", "us_stocks_sip/minute_aggs_v1", "us_stocks_sip/trades_v1"];
const FROM = "2026-11-16";
const TO = "2026-11-20";

function tableKey(dataset: string): string {
  const d = findDataset(dataset);
  return `research/v1/flatfiles/asset=${d.asset}/dataset=${d.name}`;
}

const qtyOf = (dataset: string) => (findDataset(dataset).kind === "trades" ? "size" : "volume");

interface Day {
  rows: number;
  qty: number;
  first: string;
  last: string;
}

/** Per date: rows, the sum of the quantity column, first and last time, from polars frames. */
function statsOf(frames: Record<string, pl.DataFrame>, dataset: string): Record<string, Day> {
  const t = timeColumn(dataset);
  const out: Record<string, Day> = {};
  for (const [date, df] of Object.entries(frames)) {
    const times = df.getColumn(t).toArray() as bigint[];
    out[date] = {
      rows: df.height,
      qty: Number(df.getColumn(qtyOf(dataset)).sum()),
      first: String(times.reduce((a, b) => (b < a ? b : a))),
      last: String(times.reduce((a, b) => (b > a ? b : a))),
    };
  }
  return out;
}

const PYARROW_S3 = `
import json, sys
import pyarrow as pa, pyarrow.compute as pc, pyarrow.dataset as ds, pyarrow.fs as pafs
endpoint, region, key, secret, table, t, qty = sys.argv[1:8]
host = endpoint.split("://", 1)[1]
fs = pafs.S3FileSystem(endpoint_override=host, scheme="http", region=region, access_key=key, secret_key=secret)
tab = ds.dataset(table, filesystem=fs, format="parquet", partitioning="hive").to_table()
ts = tab[t].cast(pa.timestamp("ns", tz="UTC"))
out = {}
dates = tab["date"].cast(pa.string())
for d in sorted(set(dates.to_pylist())):
    m = pc.equal(dates, d)
    sub = tab.filter(m)
    out[d] = {"rows": sub.num_rows, "qty": pc.sum(sub[qty]).as_py(), "first": str(pc.min(sub[t]).as_py()), "last": str(pc.max(sub[t]).as_py())}
print(json.dumps(out))
`;

function pyarrowStats(dataset: string): Record<string, Day> {
  const py = pythonWithPyarrow();
  const { spawnSync } = require("node:child_process") as typeof import("node:child_process");
  const r = spawnSync(
    py,
    [
      "-c",
      PYARROW_S3,
      state.endpoint,
      state.region,
      state.accessKeyId,
      state.secretAccessKey,
      `${lakeBucket}/${tableKey(dataset)}`,
      timeColumn(dataset),
      qtyOf(dataset),
    ],
    { encoding: "utf8" },
  );
  assert.equal(r.status, 0, r.stderr.slice(-2000));
  return JSON.parse(r.stdout) as Record<string, Day>;
}

function sameDays(what: string, got: Record<string, Day>, want: Record<string, Day>): void {
  assert.deepEqual(Object.keys(got).sort(), Object.keys(want).sort(), `${what}: dates`);
  for (const [date, w] of Object.entries(want)) {
    const g = got[date];
    assert.equal(g.rows, w.rows, `${what} ${date}: rows`);
    assert.equal(g.first, w.first, `${what} ${date}: first time`);
    assert.equal(g.last, w.last, `${what} ${date}: last time`);
    assert.ok(Math.abs(g.qty - w.qty) <= 1e-9 * Math.abs(w.qty), `${what} ${date}: sum ${g.qty} vs ${w.qty}`);
  }
}

describe("a lake in object storage (the sandbox's S3)", () => {
  const local: Record<string, Record<string, Day>> = {};
  const paths: Record<string, string[]> = {};
  before(async () => {
    for (const id of DATASETS) {
      const r = await downloadRange(
        ref,
        { dataset: id, from: FROM, to: TO },
        { cacheDir, parquet: true, lake, conversions: 2 },
      );
      assert.deepEqual(r.failed, [], id);
      assert.equal(r.aborted, false);
      assert.ok(r.done.length >= 4, `${id}: ${r.done.length} days`);
      for (const d of r.done)
        assert.match(d.parquet!, new RegExp(`^s3://${lakeBucket}/research/v1/flatfiles/asset=`));
      paths[id] = r.done.map((d) => d.path);
      // The local lake of the same downloads, the reference.
      local[id] = statsOf(
        Object.fromEntries(r.done.map((d) => [d.date, loadDay(d.path, id, { datetimes: false })])),
        id,
      );
    }
  });

  for (const id of DATASETS) {
    it(`${id}: one object per day, with the layout scale.md documents`, async () => {
      const keys = (
        await own.send(new ListObjectsV2Command({ Bucket: lakeBucket, Prefix: `${tableKey(id)}/` }))
      ).Contents!.map((o) => o.Key!.slice(tableKey(id).length + 1));
      assert.deepEqual(
        keys.sort(),
        Object.keys(local[id])
          .sort()
          .map((d) => `date=${d}/part-00000.parquet`),
      );
      assert.deepEqual(lakeDates(lake, id), Object.keys(local[id]).sort());
    });

    it(`${id}: pyarrow (S3FileSystem, Hive partitioning) agrees with the local lake`, () => {
      sameDays(`pyarrow ${id}`, pyarrowStats(id), local[id]);
    });

    it(`${id}: polars reads the lake in place (loadDay and scanDays by date) and agrees`, () => {
      const byLoad = statsOf(
        Object.fromEntries(
          paths[id].map((p) => [path.basename(p, ".csv.gz"), loadDay(p, id, { lake, datetimes: false })]),
        ),
        id,
      );
      sameDays(`polars loadDay ${id}`, byLoad, local[id]);
      const dates = Object.keys(local[id]).sort();
      const scanned = scanDays(dates.slice(1, 3), id, { lake }).collectSync();
      const want = dates.slice(1, 3).reduce((n, d) => n + local[id][d].rows, 0);
      assert.equal(scanned.height, want, `${id}: two days of the lake by date`);
      // The time columns come back as the kit hands them out: exact BigInts, with datetimes.
      assert.equal(String(scanned.getColumn(timeColumn(id)).dtype), "DataType(UInt64)");
      assert.ok(scanned.columns.includes(`${timeColumn(id)}_ny`));
      assert.ok(!scanned.columns.includes("date"), "the partition column is not added to the kit's frames");
    });
  }

  it("scanDays names the days a lake lacks, and how to build them", () => {
    assert.throws(
      () => scanDays(["2026-11-18", "2025-01-02"], "us_stocks_sip/trades_v1", { lake }),
      (e: Error & { code?: string }) =>
        e.code === "load.lake-missing" && /2025-01-02/.test(e.message) && /--parquet --lake/.test(e.message),
    );
  });

  it("ticker and column filters reach the scan: the lake's answer equals the local one", () => {
    const id = "us_stocks_sip/trades_v1";
    const dates = Object.keys(local[id]).sort();
    const q = (opts: object) =>
      scanDays(dates, id, { tickers: ["AAPL", "MSFT"], columns: ["ticker", "price", "size"], ...opts })
        .groupBy("ticker")
        .agg(pl.col("size").sum().alias("size"), pl.len().alias("n"))
        .sort("ticker")
        .collectSync()
        .toRecords();
    const inLake = q({ lake });
    assert.ok(inLake.length === 2, JSON.stringify(inLake));
    // And against the downloaded files read through the local lake.
    const viaFiles = scanDays(paths[id], id, { tickers: ["AAPL", "MSFT"], columns: ["ticker", "size"] })
      .groupBy("ticker")
      .agg(pl.col("size").sum().alias("size"), pl.len().alias("n"))
      .sort("ticker")
      .collectSync()
      .toRecords();
    assert.deepEqual(
      inLake.map((r) => [r.ticker, r.n]),
      viaFiles.map((r) => [r.ticker, r.n]),
    );
  });
});

/** A reader in its own process, listing and reading the table in a loop until told to stop. */
const READER = `
import json, sys, time, os
import pyarrow as pa, pyarrow.dataset as ds, pyarrow.fs as pafs, pyarrow.parquet as pq
endpoint, region, key, secret, table, expect_file, stop_file, mode = sys.argv[1:9]
expect = json.load(open(expect_file))
host = endpoint.split("://", 1)[1]
fs = pafs.S3FileSystem(endpoint_override=host, scheme="http", region=region, access_key=key, secret_key=secret)
looks, seen, bad = 0, set(), []
while not os.path.exists(stop_file):
    try:
        infos = fs.get_file_info(pafs.FileSelector(table, recursive=True, allow_not_found=True))
    except Exception as e:
        bad.append("list: " + str(e)); break
    per_date = {}
    for i in infos:
        if i.type != pafs.FileType.File: continue
        rel = i.path[len(table) + 1:]
        date = rel.split("/")[0].split("=", 1)[1]
        per_date.setdefault(date, []).append(rel)
    for date, files in per_date.items():
        if len(files) != 1: bad.append(f"{date}: {files}")
        try:
            n = pq.ParquetFile(fs.open_input_file(table + "/" + files[0])).metadata.num_rows
        except FileNotFoundError:
            continue  # replaced between the listing and the read: the next look sees it
        except Exception as e:
            bad.append(f"{date}: unreadable {e}"); continue
        if n != expect[date]: bad.append(f"{date}: {n} rows, not {expect[date]}")
        seen.add(date)
    if mode == "all":
        missing = sorted(set(expect) - set(per_date))
        if missing: bad.append(f"look {looks}: missing {missing}")
    looks += 1
print(json.dumps({"looks": looks, "seen": sorted(seen), "bad": bad[:20]}))
`;

function startReader(
  table: string,
  expect: Record<string, number>,
  dir: string,
  mode: "some" | "all" = "some",
) {
  const expectFile = path.join(dir, "expect.json");
  const stop = path.join(dir, "stop");
  fs.rmSync(stop, { force: true });
  fs.writeFileSync(expectFile, JSON.stringify(expect));
  const child = spawn(
    pythonWithPyarrow(),
    [
      "-c",
      READER,
      state.endpoint,
      state.region,
      state.accessKeyId,
      state.secretAccessKey,
      table,
      expectFile,
      stop,
      mode,
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  let err = "";
  child.stdout!.on("data", (b) => (out += b));
  child.stderr!.on("data", (b) => (err += b));
  const done = new Promise<{ looks: number; seen: string[]; bad: string[] }>((resolve, reject) =>
    child.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(err.slice(-2000))))),
  );
  return {
    stop: () => {
      fs.writeFileSync(stop, "");
      return done;
    },
  };
}

function writer(args: object): ChildProcess {
  return spawn(
    process.execPath,
    ["--import", "tsx", path.join(PACKAGE_ROOT, "test", "helpers", "lake-writer.ts"), JSON.stringify(args)],
    { stdio: ["ignore", "pipe", "pipe"], env: process.env, cwd: PACKAGE_ROOT },
  );
}

describe("never half a day: a reader listing while days are written, and while a writer is killed", () => {
  const id = "us_stocks_sip/minute_aggs_v1";
  const bucketName = `lake-race-${process.pid}`;
  const raceLake = { url: `s3://${bucketName}/t`, endpoint: "sandbox" };
  const table = `${bucketName}/t/flatfiles/asset=us_stocks_sip/dataset=minute_aggs_v1`;
  const from = "2026-10-01";
  const to = "2026-10-30";
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kit-lake-race-"));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("sees every day whole or not at all, a killed writer's upload is aborted by the next run, which finishes", async () => {
    // Expected rows per day, from the local lake of the same downloads.
    const r = await downloadRange(ref, { dataset: id, from, to }, { cacheDir: dir, parquet: true });
    assert.deepEqual(r.failed, []);
    const expect = Object.fromEntries(
      r.done.map((d) => [d.date, loadDay(d.path, id, { datetimes: false }).height]),
    );
    assert.ok(Object.keys(expect).length >= 15);

    const reader = startReader(table, expect, dir);
    // A writer killed as soon as it has written its first days.
    const first = writer({ cacheDir: dir, lake: raceLake, dataset: id, from, to, conversions: 2 });
    const firstExit = new Promise((resolve) => first.on("exit", resolve));
    await new Promise<void>((resolve, reject) => {
      let text = "";
      first.stdout!.on("data", () => undefined);
      first.stderr!.on("data", (b) => (text += b));
      const t = setInterval(async () => {
        const listed = await own
          .send(new ListObjectsV2Command({ Bucket: bucketName, Prefix: "t/" }))
          .catch(() => undefined);
        if ((listed?.KeyCount ?? 0) >= 3) {
          clearInterval(t);
          first.kill("SIGKILL");
          resolve();
        }
      }, 50);
      first.on("exit", (code) => {
        clearInterval(t);
        if (code !== null && code !== 0) reject(new Error(`writer failed: ${text.slice(-1500)}`));
        resolve();
      });
    });
    await firstExit;
    const afterKill =
      (await own.send(new ListObjectsV2Command({ Bucket: bucketName, Prefix: "t/" }))).KeyCount ?? 0;
    assert.ok(
      afterKill < Object.keys(expect).length,
      `the writer was killed before it finished (${afterKill} days)`,
    );

    // What a writer killed mid-upload leaves: an unfinished multipart upload of a day not yet written.
    const pending = Object.keys(expect).sort().at(-1)!;
    const Key = `t/flatfiles/asset=us_stocks_sip/dataset=minute_aggs_v1/date=${pending}/part-00000.parquet`;
    const up = await own.send(new CreateMultipartUploadCommand({ Bucket: bucketName, Key }));
    await own.send(
      new UploadPartCommand({
        Bucket: bucketName,
        Key,
        UploadId: up.UploadId,
        PartNumber: 1,
        Body: Buffer.alloc(1024, 1),
      }),
    );

    // The next run: it aborts the leftover and finishes the range, while the reader goes on looking.
    const second = writer({ cacheDir: dir, lake: raceLake, dataset: id, from, to, conversions: 2 });
    let out = "";
    let err = "";
    second.stdout!.on("data", (b) => (out += b));
    second.stderr!.on("data", (b) => (err += b));
    const code = await new Promise((resolve) => second.on("exit", resolve));
    assert.equal(code, 0, err.slice(-2000));
    assert.match(out, /done/);
    const seen = await reader.stop();
    assert.deepEqual(seen.bad, [], "a reader saw a day partly or twice");
    assert.ok(seen.looks >= 3, `the reader looked ${seen.looks} times`);
    assert.ok(seen.seen.length > 0);

    const uploads = await own.send(new ListMultipartUploadsCommand({ Bucket: bucketName }));
    assert.equal(uploads.Uploads?.length ?? 0, 0, "the killed writer's upload was aborted");
    assert.deepEqual(lakeDates(raceLake, id), Object.keys(expect).sort());
    for (const [date, n] of Object.entries(expect))
      assert.equal(scanDays([date], id, { lake: raceLake }).collectSync().height, n, date);
  });

  it("rewriting a day replaces it in one step: a reader sees the old day or the new one, never neither or both", async () => {
    const id2 = "us_stocks_sip/day_aggs_v1";
    const rr = await downloadRange(
      ref,
      { dataset: id2, from, to: "2026-10-09" },
      { cacheDir: dir, parquet: true, lake: raceLake },
    );
    assert.deepEqual(rr.failed, []);
    const expect = Object.fromEntries(
      rr.done.map((d) => [d.date, loadDay(d.path, id2, { datetimes: false }).height]),
    );
    const reader = startReader(
      `${bucketName}/t/flatfiles/asset=us_stocks_sip/dataset=day_aggs_v1`,
      expect,
      dir,
      "all",
    );
    const { ensureParquetAsync } = await import("../../src/flatfiles/load");
    for (let round = 0; round < 3; round++)
      for (const d of rr.done)
        await ensureParquetAsync(d.path, id2, () => {}, { lake: raceLake, rebuild: true });
    const seen = await reader.stop();
    assert.deepEqual(seen.bad, []);
    assert.ok(seen.looks >= 3, `${seen.looks} looks`);
    assert.deepEqual(seen.seen, Object.keys(expect).sort(), "every day was visible at every look");
  });
});
