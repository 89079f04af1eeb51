/**
 * What vouches for a downloaded file's bytes: the MD5 ETag of a single upload, the multipart
 * ETag (MD5 of the parts' MD5s) with part boundaries learnt from the server (HEAD partNumber),
 * or, when the server does not say, a guess or the size alone; damaged bytes in transit or on
 * disk between two runs are caught.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { downloadFile } from "../../src/flatfiles/download";
import { planCheck } from "../../src/flatfiles/etag";
import { type Proxy as FaultProxy, startProxy } from "../../src/testing";
import type { KitError } from "../../src/util/errors";
import { s3Via, sandboxS3, sandboxState } from "../helpers/sandbox";

const s3 = sandboxS3();
const bucket = "flatfiles";
const scratch = "kit-scratch";
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "kit-verify-"));
const MIB = 1 << 20;
/** A seeded multipart object: the last day of minute bars (about 47 MB, 8 MiB parts). */
const large = "us_stocks_sip/minute_aggs_v1/2026/11/2026-11-20.csv.gz";
/** A seeded single-upload object (plain MD5 ETag). */
const small = "us_stocks_sip/day_aggs_v1/2026/11/2026-11-20.csv.gz";
after(() => s3.destroy());

async function bytesOf(b: string, key: string): Promise<Buffer> {
  const out = await s3.send(new GetObjectCommand({ Bucket: b, Key: key }));
  return Buffer.from(await out.Body!.transformToByteArray());
}

/** Upload `body` through the emulator's own multipart API, in parts of the sizes given. */
async function uploadInParts(key: string, body: Buffer, sizes: number[]): Promise<string> {
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: scratch, Key: key }));
  const parts = [];
  let at = 0;
  for (const [i, n] of sizes.entries()) {
    const out = await s3.send(
      new UploadPartCommand({
        Bucket: scratch,
        Key: key,
        UploadId,
        PartNumber: i + 1,
        Body: body.subarray(at, at + n),
      }),
    );
    parts.push({ ETag: out.ETag, PartNumber: i + 1 });
    at += n;
  }
  assert.equal(at, body.length);
  const done = await s3.send(
    new CompleteMultipartUploadCommand({
      Bucket: scratch,
      Key: key,
      UploadId,
      MultipartUpload: { Parts: parts },
    }),
  );
  return done.ETag!.replace(/"/g, "");
}

/** Bytes that differ from part to part, so a misplaced part boundary changes the ETag. */
function patterned(n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i += 4096) b.writeUInt32LE(i, i);
  return b;
}

/** The multipart ETag of `body` cut into parts of `sizes`, computed here independently. */
function multipartEtag(body: Buffer, sizes: number[]): string {
  let end = 0;
  const md5s = sizes.map((n) => {
    end += n;
    return createHash("md5")
      .update(body.subarray(end - n, end))
      .digest();
  });
  return `${createHash("md5").update(Buffer.concat(md5s)).digest("hex")}-${sizes.length}`;
}

describe("multipart ETags", () => {
  it("the emulator answers HEAD partNumber for a seeded multipart object as S3 does", async () => {
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: large }));
    const parts = Number(head.ETag!.replace(/"/g, "").split("-")[1]);
    const part2 = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: large, PartNumber: 2 }));
    assert.equal(part2.PartsCount, parts);
    assert.equal(part2.ContentLength, 8 * MIB);
    assert.equal(part2.ContentRange, `bytes ${8 * MIB}-${16 * MIB - 1}/${head.ContentLength}`);
    const last = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: large, PartNumber: parts }));
    assert.equal(last.ContentLength, head.ContentLength! - (parts - 1) * 8 * MIB);
  });

  it("a multipart object is verified with part boundaries learnt from the server, whatever the download's piece size", async () => {
    for (const partSize of [8 * MIB, 3 * MIB, 20 * MIB]) {
      const d = await downloadFile(s3, bucket, large, { cacheDir: tmp(), partSize });
      assert.equal(d.verified, "multipart-etag", `partSize ${partSize}`);
      assert.deepEqual(fs.readFileSync(d.path), await bytesOf(bucket, large));
    }
  });

  it("parts of different sizes (allowed by S3): learnt one HEAD each when the last part gives it away", async () => {
    const body = patterned(17 * MIB + 5);
    const sizes = [6 * MIB, 5 * MIB, 6 * MIB + 5];
    const etag = await uploadInParts("verify/uneven.bin", body, sizes);
    assert.equal(etag, multipartEtag(body, sizes), "the emulator's ETag is the multipart ETag");
    const check = await planCheck(s3, scratch, "verify/uneven.bin", body.length, etag);
    assert.equal(check.kind === "multipart" && check.partsFrom, "server");
    assert.deepEqual(
      check.segments.map((s) => s.length),
      sizes,
    );
    const d = await downloadFile(s3, scratch, "verify/uneven.bin", { cacheDir: tmp(), partSize: 4 * MIB });
    assert.equal(d.verified, "multipart-etag");
    assert.deepEqual(fs.readFileSync(d.path), body);
  });

  it("parts of different sizes that look equal from the ends are asked for before a mismatch is called damage", async () => {
    const body = patterned(23 * MIB);
    const sizes = [6 * MIB, 5 * MIB, 7 * MIB, 5 * MIB]; // first and last as if all were 6 MiB
    const etag = await uploadInParts("verify/disguised.bin", body, sizes);
    const check = await planCheck(s3, scratch, "verify/disguised.bin", body.length, etag);
    assert.equal(check.kind === "multipart" && check.partsFrom, "assumed");
    const d = await downloadFile(s3, scratch, "verify/disguised.bin", { cacheDir: tmp() });
    assert.equal(d.verified, "multipart-etag");
    assert.deepEqual(fs.readFileSync(d.path), body);
  });

  describe("a server that refuses partNumber", () => {
    let proxy: FaultProxy;
    let via: ReturnType<typeof s3Via>;
    before(async () => {
      proxy = await startProxy(sandboxState().endpoint, {
        respond: (req) =>
          req.method === "HEAD" && /[?&]partNumber=/.test(req.url ?? "")
            ? { status: 501, body: "<Error><Code>NotImplemented</Code></Error>" }
            : null,
      });
      via = s3Via(proxy.endpoint, 1);
    });
    after(async () => {
      via.destroy();
      await proxy.close();
    });

    it("the part size is guessed when exactly one whole number of MiB fits, and the guess is checked", async () => {
      // 25 MiB + 1 byte in 6 parts needs 5 × P < size ≤ 6 × P: of whole MiB, only 5 MiB fits.
      const body = Buffer.alloc(25 * MIB + 1, 3);
      const sizes = [5 * MIB, 5 * MIB, 5 * MIB, 5 * MIB, 5 * MIB, 1];
      await uploadInParts("verify/guess.bin", body, sizes);
      const d = await downloadFile(via, scratch, "verify/guess.bin", { cacheDir: tmp() });
      assert.equal(d.verified, "multipart-etag");
      const check = await planCheck(via, scratch, "verify/guess.bin", body.length, d.etag);
      assert.equal(check.kind === "multipart" && check.partsFrom, "guess");
    });

    it("when no single part size fits, only the size is vouched for, and a warning says why", async () => {
      const warnings: string[] = [];
      const warn = console.warn;
      console.warn = (m: string) => warnings.push(m);
      try {
        const d = await downloadFile(via, bucket, "us_stocks_sip/trades_v1/2026/11/2026-11-20.csv.gz", {
          cacheDir: tmp(),
        });
        assert.equal(d.verified, "size");
      } finally {
        console.warn = warn;
      }
      assert.equal(warnings.length, 1);
      assert.match(
        warnings[0],
        /only the size of us_stocks_sip\/trades_v1\/2026\/11\/2026-11-20\.csv\.gz could be checked: the server does not tell the part size/,
      );
    });
  });
});

describe("damaged bytes", () => {
  it("a single-upload object is checked against its MD5 ETag", async () => {
    const d = await downloadFile(s3, bucket, small, { cacheDir: tmp() });
    assert.match(d.etag, /^[0-9a-f]{32}$/);
    assert.equal(d.verified, "md5");
  });

  for (const [what, key] of [
    ["multipart", large],
    ["single-upload", small],
  ] as const) {
    it(`a byte changed in transit (${what}) fails the download, which leaves nothing behind`, async () => {
      let flipped = false;
      const proxy = await startProxy(sandboxState().endpoint, {
        rewrite: (body, req) => {
          if (req.method !== "GET" || flipped || body.length < 1000) return body;
          flipped = true;
          const out = Buffer.from(body);
          out[500] ^= 0xff;
          return out;
        },
      });
      const via = s3Via(proxy.endpoint, 1);
      const cacheDir = tmp();
      try {
        await assert.rejects(
          downloadFile(via, bucket, key, { cacheDir, partSize: 2 * MIB }),
          (e: KitError) => {
            assert.equal(e.code, "download.corrupt");
            assert.match(
              e.message,
              what === "multipart"
                ? /its multipart ETag is [0-9a-f]{32}-\d+, the server's is/
                : /its MD5 is [0-9a-f]{32}, the server's is/,
            );
            assert.match(e.message, /the partial file was removed, run again/);
            return true;
          },
        );
      } finally {
        via.destroy();
        await proxy.close();
      }
      assert.ok(flipped);
      const dir = path.join(cacheDir, bucket, ...key.split("/").slice(0, -1));
      assert.deepEqual(fs.readdirSync(dir), [], "no file, no partial file, no record");
    });
  }

  /** Start a download, stop it after `afterBytes`, then damage the saved bytes at `at`. */
  async function interruptAndDamage(
    key: string,
    cacheDir: string,
    afterBytes: number,
    at: number,
  ): Promise<string> {
    const stop = new AbortController();
    await assert.rejects(
      downloadFile(s3, bucket, key, {
        cacheDir,
        partSize: MIB,
        concurrency: 1,
        signal: stop.signal,
        onProgress: (p) => p.bytes > afterBytes && stop.abort(),
      }),
    );
    const part = path.join(cacheDir, bucket, ...key.split("/")) + ".part";
    const fd = fs.openSync(part, "r+");
    fs.writeSync(fd, Buffer.alloc(4096), 0, 4096, at);
    fs.closeSync(fd);
    return part;
  }

  it("a resumed multipart download re-checks the parts it reuses and fetches a damaged one again", async () => {
    const cacheDir = tmp();
    const part = await interruptAndDamage(large, cacheDir, 18 * MIB, 9 * MIB); // inside upload part 2 (8-16 MiB)
    const saved =
      (JSON.parse(fs.readFileSync(`${part}.json`, "utf8")) as { done: number[] }).done.length * MIB;
    assert.ok(saved >= 16 * MIB, `${saved} bytes saved before the stop`);
    const d = await downloadFile(s3, bucket, large, { cacheDir, partSize: MIB, concurrency: 1 });
    assert.equal(d.verified, "multipart-etag");
    assert.deepEqual(fs.readFileSync(d.path), await bytesOf(bucket, large));
    // Everything not saved, plus upload part 2 (8 MiB) again; the other saved bytes are reused.
    assert.equal(d.fetched, d.size - saved + 8 * MIB);
  });

  it("a resumed single-upload download hashes the bytes it reuses: damage fails it, and the next run starts clean", async () => {
    const key = "us_stocks_sip/minute_aggs_v1/2026/11/2026-11-19.csv.gz";
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    assert.match(head.ETag!, /^"[0-9a-f]{32}"$/, "a single-upload object");
    assert.ok(
      head.ContentLength! > 2.5 * MIB,
      `${head.ContentLength} bytes: room for a piece after the 2 MiB kept`,
    );
    const cacheDir = tmp();
    await interruptAndDamage(key, cacheDir, 2 * MIB, 100);
    await assert.rejects(
      downloadFile(s3, bucket, key, { cacheDir, partSize: MIB, concurrency: 1 }),
      (e: KitError) => e.code === "download.corrupt",
    );
    const d = await downloadFile(s3, bucket, key, { cacheDir, partSize: MIB });
    assert.equal(d.fetched, d.size, "started over");
    assert.deepEqual(fs.readFileSync(d.path), await bytesOf(bucket, key));
  });
});
