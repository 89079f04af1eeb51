import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import type { _Object } from "@aws-sdk/client-s3";
import { getPaginator } from "../../src/paginator/engine";
import { listObjectsFanOut } from "../../src/paginator/fanout";
import { sandboxS3 } from "../helpers/sandbox";

const s3 = sandboxS3();
after(() => s3.destroy());

const sequential = async (Bucket: string, Prefix: string) =>
  (await getPaginator(s3, "list_objects_v2").paginate({ Bucket, Prefix }).items<_Object>().toArray()).map(
    (o) => o.Key,
  );

describe("fan-out listing", () => {
  for (const depth of [1, 2]) {
    it(`lists a dataset exactly like a sequential listing (depth ${depth})`, async () => {
      const prefix = "us_stocks_sip/day_aggs_v1/";
      let requests = 0;
      const got = await listObjectsFanOut(
        s3,
        { Bucket: "flatfiles", Prefix: prefix, depth, concurrency: 6 },
        { onRequest: () => requests++ },
      ).toArray();
      assert.deepEqual(
        got.map((o) => o.Key),
        await sequential("flatfiles", prefix),
      );
      assert.ok(requests >= (depth === 1 ? 25 : 200), `${requests} requests: one per year (and month)`);
    });
  }

  it("keeps direct keys and sub-prefixes in key order when both exist", async () => {
    // With "5" as the delimiter, reports/005.csv, reports/015.csv ... become "folders"
    // while the other keys stay direct: a mix no flat-files prefix has.
    const got = await listObjectsFanOut(s3, {
      Bucket: "kit-versions",
      Prefix: "reports/",
      Delimiter: "5",
    }).toArray();
    const expected = await sequential("kit-versions", "reports/");
    assert.ok(expected.length > 20);
    assert.deepEqual(
      got.map((o) => o.Key),
      expected,
    );
  });

  it("returns nothing for an empty prefix", async () => {
    assert.deepEqual(
      await listObjectsFanOut(s3, { Bucket: "flatfiles", Prefix: "nothing/here/" }).toArray(),
      [],
    );
  });
});
