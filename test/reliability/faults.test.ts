/**
 * The fault matrix: a proxy between the kit and the sandbox injects one kind of fault into a
 * share of requests. Listings must still return every key exactly once, in order; downloads must
 * end byte-identical or fail with a clear error and nothing at the final path. Retries come from
 * the SDK's retry strategy (and, for bodies cut off midway, from the download's part retry).
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { cachePath, downloadFile } from "../../src/flatfiles/download";
import { getPaginator } from "../../src/paginator/engine";
import { type Fault, startFaultProxy, startProxy } from "../../src/testing";
import { s3Via, sandboxS3, sandboxState } from "../helpers/sandbox";

const PREFIX = "us_stocks_sip/day_aggs_v1/";
const BIG = "us_stocks_sip/minute_aggs_v1/2026/11/2026-11-20.csv.gz";
const s3 = sandboxS3();
let expectedKeys: string[] = [];
let expectedBytes: Buffer;

before(async () => {
  expectedKeys = (
    await getPaginator(s3, "list_objects_v2")
      .paginate({ Bucket: "flatfiles", Prefix: PREFIX })
      .items<{ Key: string }>()
      .toArray()
  ).map((o) => o.Key);
  const out = await s3.send(new GetObjectCommand({ Bucket: "flatfiles", Key: BIG }));
  expectedBytes = Buffer.from(await out.Body!.transformToByteArray());
});
after(() => s3.destroy());

const client = (endpoint: string) => s3Via(endpoint, 10);

const FAULTS: Fault[] = ["503", "500", "429", "reset", "truncate", "delay"];

describe("when retries run out", () => {
  it("a download fails with a clear error and leaves nothing at the final path", {
    timeout: 60_000,
  }, async () => {
    // Every ranged GET fails; HEAD still answers, so the download starts and then gives up.
    const proxy = await startProxy(sandboxState().endpoint, {
      respond: (req) =>
        req.method === "GET" && req.headers.range
          ? { status: 500, body: "<Error><Code>InternalError</Code><Message>injected</Message></Error>" }
          : null,
    });
    const c = s3Via(proxy.endpoint, 2);
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "kit-faults-"));
    await assert.rejects(
      downloadFile(c, "flatfiles", BIG, { cacheDir, partSize: 8 << 20 }),
      (e: Error) => e.name === "KitError" && /InternalError/.test(e.message),
    );
    assert.equal(fs.existsSync(cachePath(cacheDir, "flatfiles", BIG)), false);
    c.destroy();
    await proxy.close();
  });
});

describe("fault matrix", () => {
  for (const fault of FAULTS) {
    for (const rate of [0.1, 0.3]) {
      it(`listing under ${fault} at ${rate * 100}%: every key once, in order`, {
        timeout: 120_000,
      }, async () => {
        const proxy = await startFaultProxy(sandboxState().endpoint, fault, rate);
        const c = client(proxy.endpoint);
        const t0 = performance.now();
        const it = getPaginator(c, "list_objects_v2").paginate({
          Bucket: "flatfiles",
          Prefix: PREFIX,
          PaginationConfig: { PageSize: 500 },
        });
        const keys = (await it.items<{ Key: string }>().toArray()).map((o) => o.Key);
        const retries = it.requests.reduce((n, r) => n + r.attempts - 1, 0);
        c.destroy();
        await proxy.close();
        assert.deepEqual(keys, expectedKeys);
        console.log(
          `# listing ${fault} ${rate}: ${keys.length} keys, ${it.requests.length} pages, ${retries} retries, ${proxy.requests} requests through the proxy, ${Math.round(performance.now() - t0)} ms`,
        );
      });

      it(`download under ${fault} at ${rate * 100}%: identical bytes, or a clear error and no file`, {
        timeout: 180_000,
      }, async () => {
        const proxy = await startFaultProxy(sandboxState().endpoint, fault, rate);
        const c = client(proxy.endpoint);
        const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "kit-faults-"));
        const t0 = performance.now();
        let outcome: string;
        try {
          const d = await downloadFile(c, "flatfiles", BIG, { cacheDir, partSize: 4 << 20, concurrency: 4 });
          assert.ok(fs.readFileSync(d.path).equals(expectedBytes), "byte-identical");
          outcome = `identical (${d.size} bytes)`;
        } catch (e) {
          assert.equal((e as Error).name, "KitError", String(e));
          assert.equal(
            fs.existsSync(cachePath(cacheDir, "flatfiles", BIG)),
            false,
            "no file at the final path",
          );
          outcome = `clear error: ${(e as Error).message.slice(0, 80)}`;
        } finally {
          c.destroy();
          await proxy.close();
        }
        console.log(
          `# download ${fault} ${rate}: ${outcome}, ${proxy.requests} requests, ${Math.round(performance.now() - t0)} ms`,
        );
      });
    }
  }
});
