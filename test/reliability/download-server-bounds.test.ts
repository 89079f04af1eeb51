/**
 * What a server says is bounded before it is acted on (issue 31, habit 1 and the weak list): a
 * HEAD that claims 2^50 or 2^40 bytes, a HEAD larger than the object, a server that ignores
 * Range, a body that never ends, an upstream reset through the testing proxy, a plan's days that
 * are not files, a key listed twice, a read-only cache. Real HTTP against the local S3 stand-in
 * (bench/standin.ts) with its fault switches; real files.
 *
 *   node --import tsx --test test/reliability/download-server-bounds.test.ts
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import type { S3Client } from "@aws-sdk/client-s3";
import type { StandIn, StandInObject } from "../../bench/standin";
import { standInForFile } from "../helpers/stand-in";
import { cachePath, downloadFile } from "../../src/flatfiles/download";
import { MAX_PIECES, pieceSize } from "../../src/flatfiles/download/plan";
import { type RangePlan, downloadRange } from "../../src/flatfiles/range";
import { startProxy } from "../../src/sandbox/proxy";
import { KitError } from "../../src/util/errors";

const MIB = 1 << 20;
const bucket = "flatfiles";
const root = fs.mkdtempSync(path.join(os.tmpdir(), "kit-bounds-"));
const data = path.join(root, "data.bin");
const bytes = randomBytes(3 * MIB);
fs.writeFileSync(data, bytes);
const md5 = createHash("md5").update(bytes).digest("hex");
const dayKey = (d: string) => `us_stocks_sip/day_aggs_v1/2024/03/2024-03-${d}.csv.gz`;

const objects: StandInObject[] = [
  { key: "a/plain.bin", file: data },
  { key: "a/huge-head.bin", file: data, faults: { headSize: 2 ** 50 } },
  { key: "a/tebi-head.bin", file: data, faults: { headSize: 2 ** 40 } },
  { key: "a/head-larger.bin", file: data, faults: { headSize: 4 * MIB } },
  { key: "a/no-range.bin", file: data, faults: { ignoreRange: true } },
  { key: "a/endless.bin", file: data, faults: { endlessBody: true } },
  { key: dayKey("01"), file: data },
  { key: dayKey("04"), file: data },
];
const standIn = standInForFile(bucket, objects, root);
let server: StandIn;
let s3: S3Client;
before(async () => {
  ({ server, s3 } = await standIn.ready());
});
const freshCache = standIn.freshCache;
const tree = (dir: string) => (fs.readdirSync(dir, { recursive: true }) as string[]).sort();

async function failure(p: Promise<unknown>): Promise<KitError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof KitError, `expected a KitError, got ${(e as Error)?.stack ?? e}`);
    return e;
  }
  assert.fail("expected the download to fail");
}

describe("sizes a server claims are checked before anything is planned or fetched", () => {
  it("a HEAD claiming 2^50 bytes: download.size at once, no GET, no file, the heap untouched", async () => {
    const cacheDir = freshCache();
    const gets = server.allGets;
    const heap = process.memoryUsage().heapUsed;
    const e = await failure(downloadFile(s3, bucket, "a/huge-head.bin", { cacheDir }));
    assert.equal(e.code, "download.size", e.message);
    assert.match(
      e.message,
      /a\/huge-head\.bin is 1125899906842624 bytes, more than the largest object S3 stores/,
    );
    assert.equal(server.allGets, gets, "no GET was sent");
    assert.ok(process.memoryUsage().heapUsed - heap < 50 * MIB, "no plan of pieces was built");
    assert.ok(!tree(cacheDir).some((f) => f.endsWith(".part")), "no .part made");
  });

  it("a HEAD claiming 2^40 bytes on a smaller disk: download.disk-full with both sizes, no GET, no .part", async () => {
    const cacheDir = freshCache();
    const st = fs.statfsSync(cacheDir);
    assert.ok(st.bavail * st.bsize < 2 ** 40, "this test needs a disk with less than 1 TiB free");
    const gets = server.allGets;
    const e = await failure(downloadFile(s3, bucket, "a/tebi-head.bin", { cacheDir }));
    assert.equal(e.code, "download.disk-full", e.message);
    assert.match(e.message, /a\/tebi-head\.bin is 1\.10 TB and the disk of .* has [0-9.]+ [kMGT]?B free/);
    assert.equal(server.allGets, gets, "no GET was sent");
    assert.ok(!tree(cacheDir).some((f) => f.endsWith(".part")), "no .part made");
  });

  it("a plan never holds more than MAX_PIECES pieces, whatever the partSize", () => {
    for (const size of [2 ** 40, 5 * 2 ** 40, 3 * MIB]) {
      for (const partSize of [64 << 10, 8 * MIB]) {
        const cut = pieceSize(size, partSize);
        assert.ok(
          Math.ceil(size / cut) <= MAX_PIECES,
          `${size} in ${partSize}: ${Math.ceil(size / cut)} pieces`,
        );
        assert.ok(cut >= partSize);
      }
    }
  });
});

describe("a server that contradicts itself is named once, not retried six times", () => {
  // Each fails the same way on every attempt: one GET per piece at most, a message naming the file.
  const rows = [
    {
      key: "a/head-larger.bin",
      code: "download.server-size",
      says: /HEAD says a\/head-larger\.bin is 4194304 bytes, but it says 3145728 bytes/,
    },
    {
      key: "a/no-range.bin",
      code: "download.server-range",
      says: /ignored the byte range .* of a\/no-range\.bin/,
    },
    {
      key: "a/endless.bin",
      code: "download.server-long",
      says: /more than the 1048576 bytes asked for while downloading part 1 of 3 of a\/endless\.bin/,
    },
  ];
  for (const row of rows) {
    it(`${row.key}: ${row.code}, naming the file, no "run again"`, { timeout: 20_000 }, async () => {
      const cacheDir = freshCache();
      const gets = server.allGets;
      const e = await failure(downloadFile(s3, bucket, row.key, { cacheDir, partSize: MIB, concurrency: 1 }));
      assert.equal(e.code, row.code, e.message);
      assert.match(e.message, row.says);
      assert.doesNotMatch(e.message, /run again to resume/);
      assert.ok(server.allGets - gets <= 3, `${server.allGets - gets} GETs: retried`);
      assert.ok(!fs.existsSync(cachePath(cacheDir, bucket, row.key)), "nothing at the final path");
    });
  }
});

describe("the testing proxy passes an upstream reset on as a reset", () => {
  it("an upstream that breaks mid-body: the client's connection breaks at once, no stall", {
    timeout: 20_000,
  }, async () => {
    const upstream = http.createServer((_req, res) => {
      res.writeHead(200, { "Content-Length": String(MIB) });
      res.write(Buffer.alloc(64 << 10), () => res.socket?.destroy());
    });
    await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
    const proxy = await startProxy(`http://127.0.0.1:${(upstream.address() as AddressInfo).port}`);
    try {
      const t0 = performance.now();
      const outcome = await new Promise<string>((resolve) => {
        const req = http.get(`${proxy.endpoint}/x`, (res) => {
          res.on("data", () => {});
          res.on("end", () => resolve("ended"));
          res.on("error", () => resolve("broken"));
          res.on("aborted", () => resolve("broken"));
        });
        req.on("error", () => resolve("broken"));
        setTimeout(() => resolve("stalled"), 5_000).unref();
      });
      assert.equal(outcome, "broken");
      assert.ok(performance.now() - t0 < 3_000);
    } finally {
      await proxy.close();
      await new Promise((r) => upstream.close(r));
    }
  });
});

describe("downloadRange: careless plans and caches", () => {
  const ref = () => ({ client: s3, bucket });
  const day = (d: string) => ({
    dataset: "us_stocks_sip/day_aggs_v1",
    date: `2024-03-${d}`,
    key: dayKey(d),
    size: bytes.length,
    etag: md5,
  });
  const planOf = (days: unknown[]): RangePlan =>
    ({
      dataset: "us_stocks_sip/day_aggs_v1",
      from: "2024-03-01",
      to: "2024-03-04",
      days,
      totalBytes: 0,
      gaps: [],
    }) as RangePlan;

  for (const bad of [null, 7, "2024-03-01", {}, { key: dayKey("01") }]) {
    it(`a plan day that is ${JSON.stringify(bad)}: range.input naming it, not a TypeError`, async () => {
      const e = await failure(downloadRange(ref(), planOf([day("01"), bad]), { cacheDir: freshCache() }));
      assert.equal(e.code, "range.input", e.message);
      assert.match(e.message, /day 2 that is/);
    });
  }

  it("a key listed twice: downloaded once, reported once", async () => {
    const cacheDir = freshCache();
    const gets = server.allGets;
    const r = await downloadRange(ref(), planOf([day("01"), day("01"), day("04")]), { cacheDir });
    assert.deepEqual(
      r.done.map((d) => d.date),
      ["2024-03-01", "2024-03-04"],
    );
    assert.equal(r.plan.days.length, 2);
    assert.equal(server.allGets - gets, 2, "one GET per distinct file");
  });

  it("a read-only cache still serves the days it holds", {
    skip: process.getuid?.() !== 0 && "a read-only mount needs root",
  }, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kit-ro-"));
    assert.equal(spawnSync("mount", ["-t", "tmpfs", "-o", "size=16m", "tmpfs", dir]).status, 0);
    try {
      await downloadRange(ref(), planOf([day("01"), day("04")]), { cacheDir: dir });
      assert.equal(spawnSync("mount", ["-o", "remount,ro", dir]).status, 0);
      const r = await downloadRange(ref(), planOf([day("01"), day("04")]), { cacheDir: dir });
      assert.deepEqual(r.failed, []);
      assert.deepEqual(
        r.done.map((d) => d.cached),
        [true, true],
      );
      const one = await downloadFile(s3, bucket, dayKey("01"), { cacheDir: dir });
      assert.equal(one.cached, true);
      // A day it does not hold: the cache folder is named, once.
      const e = await failure(
        downloadRange(ref(), planOf([day("01"), { ...day("04"), key: "a/plain.bin" }]), { cacheDir: dir }),
      );
      assert.equal(e.code, "download.cache", e.message);
    } finally {
      spawnSync("umount", [dir]);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
