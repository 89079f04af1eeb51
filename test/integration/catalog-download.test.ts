import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { gunzipSync } from "node:zlib";
import { after, describe, it } from "node:test";
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { dayKey, discoverDatasets, downloadDay, findDay, listDays } from "../../src/flatfiles/catalog";
import { createHash } from "node:crypto";
import { openDays } from "../../src/flatfiles/calendar";
import { downloadFile, downloadFiles } from "../../src/flatfiles/download";
import type { KitError } from "../../src/util/errors";
import { s3Via, sandboxS3 } from "../helpers/sandbox";

const s3 = sandboxS3();
const bucket = "flatfiles";
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "kit-cache-"));
after(() => s3.destroy());

async function bytesOf(key: string): Promise<Buffer> {
  const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await out.Body!.transformToByteArray());
}

describe("catalog", () => {
  it("discovers the asset classes and datasets the bucket holds", async () => {
    const found = await discoverDatasets({ client: s3, bucket });
    assert.equal(found.length, 9);
    assert.deepEqual(found.find((a) => a.asset === "us_futures_nymex")!.datasets, [
      "minute_aggs_v1",
      "quotes_v1",
      "session_aggs_v1",
      "trades_v1",
    ]);
    assert.deepEqual(found.find((a) => a.asset === "us_indices")!.datasets, [
      "day_aggs_v1",
      "minute_aggs_v1",
      "values_v1",
    ]);
  });

  it("lists the dates between two dates from the months in range only", async () => {
    const days = await listDays(
      { client: s3, bucket },
      "us_stocks_sip/day_aggs_v1",
      "2024-02-27",
      "2024-04-02",
    );
    assert.deepEqual(
      days.map((d) => d.date),
      openDays("2024-02-27", "2024-04-02", "nyse"),
    );
    assert.ok(days.every((d) => d.size > 0 && /^[0-9a-f]{32}$/.test(d.etag)));
  });

  it("maps a dataset and date to a key, and explains dates without a file", () => {
    const today = "2026-11-23";
    assert.equal(
      dayKey("us_stocks_sip/day_aggs_v1", "2024-03-15", today),
      "us_stocks_sip/day_aggs_v1/2024/03/2024-03-15.csv.gz",
    );
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return `${(e as KitError).code}: ${(e as Error).message}`;
      }
      return "no error";
    };
    assert.match(
      code(() => dayKey("us_stocks_sip/day_aggs_v1", "2024-03-16", today)),
      /catalog.closed: .*a Saturday.*2024-03-15 and 2024-03-18/,
    );
    assert.match(
      code(() => dayKey("us_stocks_sip/day_aggs_v1", "2024-03-29", today)),
      /Good Friday/,
    );
    assert.match(
      code(() => dayKey("us_stocks_sip/day_aggs_v1", "2026-11-24", today)),
      /catalog.future/,
    );
    // A date before the believed first day is a question for the bucket (findDay), not refused here.
    assert.equal(
      dayKey("us_stocks_sip/day_aggs_v1", "2001-01-02", today),
      "us_stocks_sip/day_aggs_v1/2001/01/2001-01-02.csv.gz",
    );
    assert.match(
      code(() => dayKey("us_stocks_sip/day_aggs_v1", "15/03/2024", today)),
      /catalog.date: .*YYYY-MM-DD/,
    );
    assert.equal(
      dayKey("global_crypto/day_aggs_v1", "2024-03-16", today),
      "global_crypto/day_aggs_v1/2024/03/2024-03-16.csv.gz",
    );
    assert.throws(() => dayKey("us_stocks_sip/bars", "2024-03-15", today), /Unknown dataset/);
    assert.equal(
      dayKey("global_forex/day_aggs_v1", "2024-10-27", today),
      "global_forex/day_aggs_v1/2024/10/2024-10-27.csv.gz",
    );
    assert.equal(
      dayKey("us_indices/day_aggs_v1", "2024-07-04", today),
      "us_indices/day_aggs_v1/2024/07/2024-07-04.csv.gz",
    );
  });

  it("finds a day by listing its month: a forex Sunday, an index on an NYSE holiday, a futures session", async () => {
    const ref = { client: s3, bucket };
    const sunday = await findDay(ref, "global_forex/minute_aggs_v1", "2025-08-31");
    assert.equal(sunday.key, "global_forex/minute_aggs_v1/2025/08/2025-08-31.csv.gz");
    assert.equal((await findDay(ref, "us_indices/values_v1", "2026-04-03")).date, "2026-04-03"); // Good Friday
    assert.equal((await findDay(ref, "us_futures_cme/session_aggs_v1", "2026-11-20")).date, "2026-11-20");
    await assert.rejects(findDay(ref, "global_forex/minute_aggs_v1", "2025-08-30"), (e: KitError) => {
      assert.equal(e.code, "catalog.closed");
      assert.match(
        e.message,
        /2025-08-30 is a Saturday, and the bucket lists no file.*2025-08-29 and 2025-08-31/,
      );
      return true;
    });
  });

  it("downloads a day in one step, found in the bucket first: a forex Sunday, and a closed day explained", async () => {
    const cacheDir = tmp();
    const sunday = await downloadDay({ client: s3, bucket }, "global_forex/minute_aggs_v1", "2026-11-15", {
      cacheDir,
    });
    assert.equal(sunday.key, "global_forex/minute_aggs_v1/2026/11/2026-11-15.csv.gz");
    assert.deepEqual([sunday.dataset, sunday.date], ["global_forex/minute_aggs_v1", "2026-11-15"]);
    assert.equal(fs.statSync(sunday.path).size, sunday.size);
    await assert.rejects(
      downloadDay({ client: s3, bucket }, "us_stocks_sip/day_aggs_v1", "2026-11-14", { cacheDir }),
      /a Saturday/,
    );
    assert.deepEqual(
      fs.readdirSync(cacheDir).filter((f) => f.includes("2026-11-14")),
      [],
      "nothing written for a day with no file",
    );
  });

  it("stores a real-size trades day as a multipart object, as S3 does for large uploads", async () => {
    const [day] = await listDays(
      { client: s3, bucket },
      "us_stocks_sip/trades_v1",
      "2026-11-20",
      "2026-11-20",
    );
    assert.ok(day.size > 8 << 20, `${day.size} bytes`);
    const parts = Math.ceil(day.size / (8 << 20));
    assert.match(day.etag, new RegExp(`^[0-9a-f]{32}-${parts}$`));
    // The multipart ETag is the MD5 of the parts' MD5s: recompute it from the bytes.
    const body = await bytesOf(day.key);
    const md5s = [];
    for (let at = 0; at < body.length; at += 8 << 20)
      md5s.push(
        createHash("md5")
          .update(body.subarray(at, at + (8 << 20)))
          .digest(),
      );
    assert.equal(day.etag, `${createHash("md5").update(Buffer.concat(md5s)).digest("hex")}-${parts}`);
  });
});

describe("downloads", () => {
  const small = "us_stocks_sip/day_aggs_v1/2024/03/2024-03-15.csv.gz";
  const large = "us_stocks_sip/minute_aggs_v1/2026/11/2026-11-20.csv.gz";

  it("downloads a file byte for byte, then serves it from the cache", async () => {
    const cacheDir = tmp();
    const first = await downloadFile(s3, bucket, small, { cacheDir });
    assert.equal(first.cached, false);
    assert.deepEqual(fs.readFileSync(first.path), await bytesOf(small));
    assert.ok(gunzipSync(fs.readFileSync(first.path)).toString().startsWith("ticker,volume,"));
    const again = await downloadFile(s3, bucket, small, { cacheDir });
    assert.equal(again.cached, true);
    assert.equal(again.fetched, 0);
  });

  it("uses the cached copy, flagged offline, when the endpoint cannot be reached", async () => {
    const cacheDir = tmp();
    const first = await downloadFile(s3, bucket, small, { cacheDir });
    const unreachable = s3Via("http://127.0.0.1:9", 1); // nothing listens on port 9
    try {
      const offline = await downloadFile(unreachable, bucket, small, { cacheDir });
      assert.equal(offline.offline, true);
      assert.equal(offline.path, first.path);
      assert.equal(offline.fetched, 0);
      await assert.rejects(
        downloadFile(unreachable, bucket, large, { cacheDir }),
        /ECONNREFUSED|Nothing is listening/,
      );
    } finally {
      unreachable.destroy();
    }
  });

  it("fetches a large object in concurrent ranged parts, reporting progress", async () => {
    const cacheDir = tmp();
    const seen: number[] = [];
    const d = await downloadFile(s3, bucket, large, {
      cacheDir,
      partSize: 4 << 20,
      concurrency: 4,
      onProgress: (p) => seen.push(p.bytes),
    });
    assert.ok(d.size > 20 << 20, `${d.size} bytes`);
    assert.deepEqual(fs.readFileSync(d.path), await bytesOf(large));
    assert.equal(seen.at(-1), d.size);
    assert.ok(seen.length > 8);
  });

  it("resumes an interrupted download where it stopped and leaves no partial file at the final path", async () => {
    const cacheDir = tmp();
    const stop = new AbortController();
    await assert.rejects(
      downloadFile(s3, bucket, large, {
        cacheDir,
        partSize: 2 << 20,
        concurrency: 2,
        signal: stop.signal,
        onProgress: (p) => p.bytes > 9 << 20 && stop.abort(),
      }),
    );
    const target = path.join(cacheDir, bucket, ...large.split("/"));
    assert.equal(fs.existsSync(target), false, "no file at the final path");
    assert.ok(fs.existsSync(`${target}.part`));
    const resumed = await downloadFile(s3, bucket, large, { cacheDir, partSize: 2 << 20, concurrency: 2 });
    assert.ok(
      resumed.fetched < resumed.size,
      `fetched ${resumed.fetched} of ${resumed.size}: resumed, not restarted`,
    );
    assert.deepEqual(fs.readFileSync(resumed.path), await bytesOf(large));
    assert.equal(fs.existsSync(`${target}.part`), false);
  });

  it("downloads a republished file again (new ETag)", async () => {
    const cacheDir = tmp();
    const [scratch, key] = ["kit-scratch", "us_stocks_sip/day_aggs_v1/2024/01/2024-01-02.csv.gz"];
    await s3.send(new PutObjectCommand({ Bucket: scratch, Key: key, Body: "version one" }));
    const one = await downloadFile(s3, scratch, key, { cacheDir });
    await s3.send(new PutObjectCommand({ Bucket: scratch, Key: key, Body: "version two, longer" }));
    const two = await downloadFile(s3, scratch, key, { cacheDir });
    assert.equal(two.cached, false);
    assert.notEqual(two.etag, one.etag);
    assert.equal(fs.readFileSync(two.path, "utf8"), "version two, longer");
  });

  it("downloads many files with bounded concurrency, in order", async () => {
    const days = await listDays({ client: s3, bucket }, "us_indices/day_aggs_v1", "2024-01-01", "2024-01-31");
    const got = await downloadFiles(
      s3,
      bucket,
      days.map((d) => d.key),
      { cacheDir: tmp(), files: 3 },
    );
    assert.deepEqual(
      got.map((g) => g.key),
      days.map((d) => d.key),
    );
    assert.ok(got.every((g, i) => g.size === days[i].size));
  });

  it("explains a dataset outside the plan and a missing day", async () => {
    const cacheDir = tmp();
    await assert.rejects(
      downloadFile(s3, bucket, "us_options_opra/quotes_v1/2026/11/2026-11-20.csv.gz", { cacheDir }),
      (e: KitError) => {
        assert.match(e.message, /403/);
        assert.match(e.message, /plan/);
        return true;
      },
    );
    await assert.rejects(
      downloadFile(s3, bucket, "us_stocks_sip/day_aggs_v1/2024/03/2024-03-16.csv.gz", { cacheDir }),
      /404/,
    );
  });

  it("says so when the cache folder cannot be written", async () => {
    // A file where the cache folder should be: no folder can be made there, even by root.
    const file = path.join(tmp(), "not-a-folder");
    fs.writeFileSync(file, "x");
    await assert.rejects(
      downloadFile(s3, bucket, small, { cacheDir: file }),
      (e: KitError) => e.code === "download.cache" && /FLATFILES_CACHE_DIR/.test(e.message),
    );
  });
});
