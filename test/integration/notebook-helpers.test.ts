/** Measuring helpers the notebooks use: response bytes per client, heap held while paging. */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { memoryHeldWhilePaging } from "../../src/notebook/memory";
import { meterTraffic } from "../../src/notebook/traffic";
import { getPaginator } from "../../src/paginator/engine";
import { sandboxS3 } from "../helpers/sandbox";

const s3 = sandboxS3();
after(() => s3.destroy());
const PREFIX = "us_stocks_sip/day_aggs_v1/";

describe("meterTraffic", () => {
  it("counts the bytes of every answer, so a 10-key page costs far less than a 1,000-key one", async () => {
    const meter = meterTraffic(s3);
    await s3.send(new ListObjectsV2Command({ Bucket: "flatfiles", Prefix: PREFIX, MaxKeys: 10 }));
    const small = meter.bytes;
    meter.reset();
    const big = await s3.send(new ListObjectsV2Command({ Bucket: "flatfiles", Prefix: PREFIX }));
    assert.equal(meter.responses, 1);
    // Each <Contents> element is a few hundred bytes of XML.
    assert.ok(meter.bytes > 50 * small, `1,000 keys: ${meter.bytes} bytes vs 10 keys: ${small}`);
    assert.ok(meter.bytes > 200 * big.KeyCount!);
    meter.stop();
    await s3.send(new ListObjectsV2Command({ Bucket: "flatfiles", Prefix: PREFIX, MaxKeys: 1 }));
    assert.equal(meter.responses, 1, "a stopped meter counts nothing more");
  });
});

describe("memoryHeldWhilePaging", () => {
  it("reads the heap every few pages: flat when pages are let go, growing when they are kept", async () => {
    const pages = () =>
      getPaginator(s3, "list_objects_v2").paginate({ Bucket: "flatfiles", Prefix: "us_stocks_sip/" });
    const streaming = await memoryHeldWhilePaging(pages(), { every: 8 });
    const collecting = await memoryHeldWhilePaging(pages(), { keep: true, every: 8 });
    assert.deepEqual(
      streaming.map((r) => r.pages),
      [8, 16, 24],
    );
    assert.ok(streaming.at(-1)!.mbHeld <= 2, `nothing kept, yet ${streaming.at(-1)!.mbHeld} MB held`);
    assert.ok(
      collecting.at(-1)!.mbHeld >= 5,
      `24 pages of keys kept, yet only ${collecting.at(-1)!.mbHeld} MB held`,
    );
    assert.ok(collecting.at(-1)!.mbHeld > collecting[0].mbHeld);
  });
});
