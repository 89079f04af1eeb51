/**
 * Expected errors are one line; bugs keep their stack. explainAwsError explains service and
 * network errors, and wraps anything else as `unexpected` with the original as cause and its
 * stack shown.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { inspect } from "node:util";
import { explainAwsError, fromServiceOrNetwork } from "../../src/aws/explain";
import { KitError, isBug, unexpectedError } from "../../src/util/errors";

const sdkError = (name: string, status: number, message = name) =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });

describe("KitError", () => {
  it("an expected one prints as one line, its cause kept but not shown", () => {
    const e = new KitError("download.key", "not a flat-files key", { cause: sdkError("NoSuchKey", 404) });
    assert.equal(inspect(e), "KitError [download.key]: not a flat-files key");
    assert.equal(e.stack, "KitError [download.key]: not a flat-files key");
    assert.equal((e.cause as Error).name, "NoSuchKey");
    assert.equal(unexpectedError(e), null);
  });
});

describe("explainAwsError", () => {
  it("explains a service error and a network error in one line", () => {
    const missing = explainAwsError(sdkError("NoSuchBucket", 404, "The specified bucket does not exist"), {
      bucket: "nope",
      endpoint: "http://x",
    });
    assert.equal(missing.code, "aws.NoSuchBucket");
    assert.doesNotMatch(inspect(missing), /\n/);
    const refused = explainAwsError(
      Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), {
        code: "ECONNREFUSED",
        syscall: "connect",
      }),
    );
    assert.equal(refused.code, "aws.ECONNREFUSED");
    assert.doesNotMatch(inspect(refused), /\n/);
    const reset = explainAwsError(Object.assign(new Error("aborted"), { code: "ECONNRESET" }), {
      action: "downloading k",
    });
    assert.match(
      reset.message,
      /^While downloading k: ECONNRESET\. The connection to the endpoint was cut off/,
    );
  });

  it("wraps a bug as `unexpected`: the original is the cause and its stack is shown", () => {
    let bug: unknown;
    try {
      (undefined as unknown as { date: string }).date;
    } catch (e) {
      bug = e;
    }
    assert.ok(isBug(bug));
    const e = explainAwsError(bug, { action: "downloading k" });
    assert.equal(e.code, "unexpected");
    assert.equal(e.cause, bug);
    assert.match(
      e.message,
      /^While downloading k: an unexpected error, not from the service or the network: TypeError: Cannot read properties of undefined/,
    );
    assert.match(e.stack!, /\nCaused by: TypeError: Cannot read properties of undefined[^\n]*\n\s+at /);
    assert.match(inspect(e), /\n\s+at /, "a notebook shows where the bug is");
    assert.equal(unexpectedError(e), bug);
  });

  it("treats a plain Error with nothing from the service or network as unexpected, but not a wrapped network error", () => {
    assert.equal(explainAwsError(new Error("boom")).code, "unexpected");
    assert.equal(
      fromServiceOrNetwork(
        new Error("request failed", { cause: Object.assign(new Error("x"), { code: "ECONNRESET" }) }),
      ),
      true,
    );
    assert.equal(
      fromServiceOrNetwork(Object.assign(new Error("Request aborted"), { name: "AbortError" })),
      true,
    );
    assert.equal(
      fromServiceOrNetwork(
        new TypeError("x", { cause: Object.assign(new Error("x"), { code: "ECONNRESET" }) }),
      ),
      false,
    );
    assert.equal(unexpectedError(new RangeError("r")) instanceof RangeError, true);
  });
});
