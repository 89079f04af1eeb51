/**
 * Stopping and retrying a download (src/flatfiles/download.ts, src/util/retry.ts): an abort
 * ends it promptly, even mid-body, with `download.aborted`, and keeps what it finished for the
 * next call; a body cut off is retried a bounded number of times and then explained; a bug is
 * never retried.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { once } from "node:events";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe, it } from "node:test";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { cachePath, downloadFile } from "../../src/flatfiles/download";
import { startProxy } from "../../src/sandbox/proxy";
import { KitError } from "../../src/util/errors";
import { s3Via, sandboxS3, sandboxState } from "../helpers/sandbox";

const s3 = sandboxS3();
after(() => s3.destroy());
const bucket = "flatfiles";
const MIB = 1 << 20;
/** Pieces of 2 MiB: written in two batches of 1 MiB, so progress can land in the middle of one. */
const PIECE = 2 * MIB;
/** A seeded multipart object (8 MiB upload parts), about 31 MB. */
const large = "us_stocks_sip/minute_aggs_v1/2026/11/2026-11-20.csv.gz";
/** A seeded single-upload object. */
const small = "us_stocks_sip/day_aggs_v1/2026/11/2026-11-20.csv.gz";
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "kit-abort-"));
const md5 = (b: Buffer) => createHash("md5").update(b).digest("hex");

async function bytesOf(key: string): Promise<Buffer> {
  const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await out.Body!.transformToByteArray());
}

/**
 * A proxy in front of the sandbox that passes answers back slowly (64 KiB every 20 ms, about
 * 3 MB/s): a 1 MiB piece takes about 300 ms, so an abort lands in the middle of bodies.
 */
async function slowProxy(
  target: string,
): Promise<{ endpoint: string; requests: () => number; close: () => Promise<void> }> {
  const t = new URL(target);
  let requests = 0;
  const server = http.createServer((req, res) => {
    requests++;
    const up = http.request(
      { host: t.hostname, port: t.port, method: req.method, path: req.url, headers: req.headers },
      (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        (async () => {
          for await (const chunk of upRes as AsyncIterable<Buffer>) {
            for (let at = 0; at < chunk.length; at += 64 << 10) {
              if (!res.write(chunk.subarray(at, at + (64 << 10)))) await once(res, "drain");
              await new Promise((r) => setTimeout(r, 20));
            }
          }
          res.end();
        })().catch(() => res.destroy());
      },
    );
    up.on("error", () => res.destroy());
    req.pipe(up);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: () => requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe("aborting a download", () => {
  it("stops promptly mid-body with download.aborted, keeps the finished parts, and the next call resumes", {
    timeout: 120_000,
  }, async () => {
    const proxy = await slowProxy(sandboxState().endpoint);
    const client = s3Via(proxy.endpoint, 3);
    const cacheDir = tmp();
    const target = cachePath(cacheDir, bucket, large);
    const stop = new AbortController();
    let abortedAt = 0;
    let requestsAtAbort = 0;
    let error: unknown;
    try {
      await downloadFile(client, bucket, large, {
        cacheDir,
        partSize: PIECE,
        concurrency: 2,
        signal: stop.signal,
        onProgress: (p) => {
          // Bytes reach the disk 1 MiB at a time: past 4 MiB, on an odd MiB, a piece is half
          // written and its second half still on its way (about 300 ms through the proxy).
          if (!abortedAt && p.bytes >= 4 * MIB && p.bytes % PIECE !== 0) {
            abortedAt = performance.now();
            requestsAtAbort = proxy.requests();
            stop.abort();
          }
        },
      });
    } catch (e) {
      error = e;
    }
    const took = performance.now() - abortedAt;
    await new Promise((r) => setTimeout(r, 300));
    const requestsAfter = proxy.requests();
    client.destroy();
    await proxy.close();

    console.log(
      `# aborted mid-body: rejected ${Math.round(took)} ms after the abort, ${requestsAtAbort} requests`,
    );
    assert.ok(abortedAt > 0, "the download was aborted mid-way");
    assert.ok(error instanceof KitError, `a KitError, not ${String(error)}`);
    assert.equal(error.code, "download.aborted");
    assert.match(
      error.message,
      new RegExp(
        `The download of ${large.replace(/\//g, "\\/")} was stopped\\. The parts it finished are kept: downloading it again resumes from them\\.`,
      ),
    );
    assert.ok(took < 500, `stopped ${Math.round(took)} ms after the abort (a piece takes about 300 ms more)`);
    assert.equal(requestsAfter, requestsAtAbort, "no request after the abort");

    assert.equal(fs.existsSync(target), false, "nothing at the final path");
    assert.equal(fs.existsSync(`${target}.lock`), false, "the lock is released");
    const state = JSON.parse(fs.readFileSync(`${target}.part.json`, "utf8")) as { done: number[] };
    assert.ok(state.done.length >= 1, `${state.done.length} finished parts recorded`);

    const resumed = await downloadFile(s3, bucket, large, { cacheDir, partSize: PIECE, concurrency: 2 });
    assert.equal(
      resumed.fetched,
      resumed.size - state.done.length * PIECE,
      "only the missing parts are fetched",
    );
    assert.equal(resumed.verified, "multipart-etag");
    assert.equal(md5(fs.readFileSync(resumed.path)), md5(await bytesOf(large)));
    assert.equal(fs.existsSync(`${target}.part.json`), false);
  });

  it("an abort while the part boundaries are asked for keeps the earlier resume state as it was", {
    timeout: 60_000,
  }, async () => {
    const cacheDir = tmp();
    const target = cachePath(cacheDir, bucket, large);
    // A first call stopped after some pieces: a resume state for the multipart plan.
    const first = new AbortController();
    await assert.rejects(
      downloadFile(s3, bucket, large, {
        cacheDir,
        partSize: MIB,
        concurrency: 1,
        signal: first.signal,
        onProgress: (p) => {
          if (p.bytes >= 3 * MIB) first.abort();
        },
      }),
      (e: KitError) => e.code === "download.aborted",
    );
    const before = fs.readFileSync(`${target}.part.json`, "utf8");
    const partSize = fs.statSync(`${target}.part`).size;
    // A second call stopped while HEAD partNumber=1 is on its way: planCheck then falls back to
    // a guess, a different plan, which must not be taken as "the object changed, start over".
    const proxy = await startProxy(sandboxState().endpoint, {
      delayMs: (req) => (/[?&]partNumber=/.test(req.url ?? "") ? 600 : 0),
    });
    const client = s3Via(proxy.endpoint, 1);
    const second = new AbortController();
    setTimeout(() => second.abort(), 200);
    try {
      await assert.rejects(
        downloadFile(client, bucket, large, {
          cacheDir,
          partSize: MIB,
          concurrency: 1,
          signal: second.signal,
        }),
        (e: KitError) => e.code === "download.aborted",
      );
    } finally {
      client.destroy();
      await proxy.close();
    }
    assert.equal(fs.readFileSync(`${target}.part.json`, "utf8"), before, "the record is untouched");
    assert.equal(fs.statSync(`${target}.part`).size, partSize, "the saved bytes are untouched");
    const done = (JSON.parse(before) as { done: number[] }).done.length;
    const resumed = await downloadFile(s3, bucket, large, { cacheDir, partSize: MIB, concurrency: 1 });
    assert.equal(resumed.fetched, resumed.size - done * MIB);
  });

  it("an abort before the first request still says download.aborted, and leaves no record", async () => {
    const cacheDir = tmp();
    const stop = new AbortController();
    stop.abort();
    await assert.rejects(
      downloadFile(s3, bucket, small, { cacheDir, signal: stop.signal }),
      (e: KitError) => e.code === "download.aborted",
    );
    assert.equal(fs.existsSync(`${cachePath(cacheDir, bucket, small)}.part.json`), false);
  });
});

describe("retrying a piece", () => {
  it("retries a body cut off midway a bounded number of times, then explains the failure", {
    timeout: 60_000,
  }, async () => {
    let gets = 0;
    const proxy = await startProxy(sandboxState().endpoint, {
      breakBody: (req) => {
        if (req.method !== "GET") return null;
        gets++;
        return "reset";
      },
    });
    const client = s3Via(proxy.endpoint, 1);
    const cacheDir = tmp();
    try {
      await assert.rejects(
        downloadFile(client, bucket, small, { cacheDir, concurrency: 1 }),
        (e: KitError) => {
          assert.equal(e.name, "KitError");
          assert.equal(e.code, "aws.ECONNRESET");
          assert.match(
            e.message,
            /^While downloading .*: ECONNRESET\. The connection to .* was cut off \(reset\), again after retries/,
          );
          return true;
        },
      );
    } finally {
      client.destroy();
      await proxy.close();
    }
    assert.equal(gets, 6, "one piece, 6 attempts");
    assert.equal(fs.existsSync(cachePath(cacheDir, bucket, small)), false);
  });

  it("never retries a programming error: it propagates as it is, after one attempt", async () => {
    let gets = 0;
    const proxy = await startProxy(sandboxState().endpoint, {
      respond: (req) => {
        if (req.method === "GET") gets++;
        return null;
      },
    });
    const client = s3Via(proxy.endpoint, 1);
    const seen: unknown[] = [];
    try {
      await assert.rejects(
        downloadFile(client, bucket, small, {
          cacheDir: tmp(),
          concurrency: 1,
          // A bug in the caller's callback, called as the first bytes reach the disk.
          onProgress: (p) => {
            if (p.bytes === 0) return;
            try {
              (undefined as unknown as { total: number }).total;
            } catch (e) {
              seen.push(e);
              throw e;
            }
          },
        }),
        (e) => {
          assert.ok(e instanceof TypeError, `the TypeError itself, not ${String(e)}`);
          assert.equal(e, seen[0]);
          assert.match(e.stack ?? "", /\n\s+at /);
          return true;
        },
      );
    } finally {
      client.destroy();
      await proxy.close();
    }
    assert.equal(seen.length, 1, "thrown once");
    assert.equal(gets, 1, "no second attempt");
  });
});
