/** Resume tokens: encoding, decoding, boto3's older formats (no Python needed: see test/parity). */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { encodeToken, parseStartingToken, tryDecodeToken } from "../../src/paginator/token";

describe("resume tokens", () => {
  it("round-trip binary values through boto_encoded_keys, as botocore does", () => {
    const key = { ExclusiveStartKey: { id: { B: new Uint8Array([0, 1, 2, 255]) } } };
    const token = encodeToken(key);
    const json = Buffer.from(token, "base64").toString();
    assert.match(json, /"boto_encoded_keys": \[\["ExclusiveStartKey", "id", "B"\]\]/);
    assert.deepEqual(tryDecodeToken(token), key);
  });

  it("read boto3's old a___b___n format and raw service tokens", () => {
    assert.deepEqual(
      parseStartingToken("k1___v1___3", ["KeyMarker", "VersionIdMarker"], "ListObjectVersions"),
      {
        tokens: { KeyMarker: "k1", VersionIdMarker: "v1" },
        truncate: 3,
        raw: true,
      },
    );
    assert.deepEqual(parseStartingToken("opaque-token", ["NextToken"], "DescribeInstances"), {
      tokens: { NextToken: "opaque-token" },
      truncate: 0,
      raw: true,
    });
  });
});

describe("hostile tokens", () => {
  it("never writes outside the token: a __proto__ path in boto_encoded_keys is refused", () => {
    const evil = Buffer.from(
      JSON.stringify({ ContinuationToken: "x", boto_encoded_keys: [["__proto__", "Delimiter"]] }),
    ).toString("base64");
    assert.throws(
      () => parseStartingToken(evil, ["ContinuationToken"], "ListObjectsV2"),
      /token\.malformed|not a paginator token/,
    );
    assert.equal(({} as Record<string, unknown>).Delimiter, undefined, "Object.prototype untouched");
    for (const keys of [
      [["constructor", "prototype", "x"]],
      [["missing"]],
      "nope",
      [[]],
      [["ContinuationToken", "deeper"]],
    ]) {
      const t = Buffer.from(JSON.stringify({ ContinuationToken: "x", boto_encoded_keys: keys })).toString(
        "base64",
      );
      assert.equal(tryDecodeToken(t), "not-an-object", JSON.stringify(keys));
    }
    assert.equal(({} as Record<string, unknown>).x, undefined);
  });

  it("still decodes botocore's binary values", () => {
    const t = encodeToken({ ExclusiveStartKey: { id: { B: new Uint8Array([1, 2, 3]) } } });
    const d = tryDecodeToken(t) as { ExclusiveStartKey: { id: { B: Uint8Array } } };
    assert.deepEqual([...d.ExclusiveStartKey.id.B], [1, 2, 3]);
  });
});
