import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { PutObjectCommand, type _Object } from "@aws-sdk/client-s3";
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
  it("orders keys as S3 does, by UTF-8 bytes, not by UTF-16 code units (U+E000-U+FFFF against emoji)", async () => {
    // In UTF-16 an emoji (a surrogate pair, 0xD83D...) sorts before U+E000-U+FFFF; in UTF-8
    // (0xF0... against 0xEE...) after them, as S3 and the sandbox list them.
    const prefix = "fan-utf8/";
    const folders = ["a", "\u{E000}", "\u{FB01}", "\u{FFFD}", "\u{1F600}", "\u{10FFFD}"];
    for (const f of folders)
      await s3.send(new PutObjectCommand({ Bucket: "kit-scratch", Key: `${prefix}${f}/x`, Body: "x" }));
    const got = (await listObjectsFanOut(s3, { Bucket: "kit-scratch", Prefix: prefix }).toArray()).map(
      (o) => o.Key,
    );
    const expected = await sequential("kit-scratch", prefix);
    assert.deepEqual(
      expected,
      folders.map((f) => `${prefix}${f}/x`),
      "the sandbox lists by UTF-8 bytes",
    );
    assert.deepEqual(got, expected);
  });

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
