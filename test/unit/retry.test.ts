/**
 * util/retry.ts: the SDK's classification decides what is retried (never a bug, never after an
 * abort), the SDK's strategy paces it, and an abort ends a wait between attempts at once.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfiguredRetryStrategy } from "@smithy/core/retry";
import { failureKind, retryStrategy, retryTransient } from "../../src/util/retry";

const withCode = (code: string) => Object.assign(new Error(`socket ${code}`), { code });
const service = (name: string, status: number) =>
  Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
/** A strategy with a fixed backoff, so timings do not depend on the jitter. */
const fixed = (attempts: number, delayMs: number) => new ConfiguredRetryStrategy(attempts, delayMs);

describe("failureKind", () => {
  it("sorts failures as the SDK does, except that bugs and aborts are never retried", () => {
    const table: [unknown, string][] = [
      [withCode("ECONNRESET"), "TRANSIENT"],
      [withCode("ETIMEDOUT"), "TRANSIENT"],
      [service("InternalError", 500), "TRANSIENT"],
      [service("ServiceUnavailable", 503), "TRANSIENT"],
      [service("SlowDown", 503), "THROTTLING"],
      [service("TooManyRequests", 429), "THROTTLING"],
      [service("NotImplemented", 501), "SERVER_ERROR"],
      [service("NoSuchKey", 404), "CLIENT_ERROR"],
      [service("AccessDenied", 403), "CLIENT_ERROR"],
      [new TypeError("Cannot read properties of undefined (reading 'x')"), "CLIENT_ERROR"],
      // A bug stays a bug even when it carries a network error inside.
      [new TypeError("bad", { cause: withCode("ECONNRESET") }), "CLIENT_ERROR"],
      [new RangeError("Invalid array length"), "CLIENT_ERROR"],
      [
        Object.assign(new Error("The operation was aborted"), { name: "AbortError", code: "ECONNRESET" }),
        "CLIENT_ERROR",
      ],
      [new Error("something else"), "CLIENT_ERROR"],
      ["a string", "CLIENT_ERROR"],
    ];
    for (const [error, kind] of table)
      assert.equal(failureKind(error), kind, String((error as Error)?.name ?? error));
  });
});

describe("retryTransient", () => {
  it("retries a transient failure until the work succeeds", async () => {
    let calls = 0;
    const out = await retryTransient(
      async () => {
        calls++;
        if (calls < 3) throw withCode("ECONNRESET");
        return "done";
      },
      { strategy: fixed(6, 1) },
    );
    assert.equal(out, "done");
    assert.equal(calls, 3);
  });

  it("gives up after the strategy's attempts with the last failure itself", async () => {
    let calls = 0;
    const last = withCode("ECONNRESET");
    await assert.rejects(
      retryTransient(
        async () => {
          calls++;
          throw calls === 4 ? last : withCode("ECONNRESET");
        },
        { strategy: fixed(4, 1) },
      ),
      (e) => e === last,
    );
    assert.equal(calls, 4);
  });

  it("never retries a programming error, or what the caller classifies as final", async () => {
    let calls = 0;
    const bug = new TypeError("x is not a function");
    await assert.rejects(
      retryTransient(
        async () => {
          calls++;
          throw bug;
        },
        { strategy: retryStrategy(6) },
      ),
      (e) => e === bug,
    );
    assert.equal(calls, 1);
    calls = 0;
    await assert.rejects(
      retryTransient(
        async () => {
          calls++;
          throw withCode("ECONNRESET");
        },
        { strategy: retryStrategy(6), classify: () => "CLIENT_ERROR" },
      ),
    );
    assert.equal(calls, 1);
  });

  it("stops waiting between attempts as soon as the signal fires, and starts no other attempt", async () => {
    const stop = new AbortController();
    let calls = 0;
    const t0 = performance.now();
    setTimeout(() => stop.abort(new Error("stopped by the test")), 50);
    await assert.rejects(
      retryTransient(
        async () => {
          calls++;
          throw withCode("ECONNRESET");
        },
        { strategy: fixed(6, 5_000), signal: stop.signal },
      ),
      /stopped by the test/,
    );
    const took = performance.now() - t0;
    assert.ok(took < 1_000, `took ${Math.round(took)} ms with a 5 s backoff`);
    assert.equal(calls, 1);
  });

  it("makes no attempt after an abort, even for a transient failure", async () => {
    const stop = new AbortController();
    let calls = 0;
    await assert.rejects(
      retryTransient(
        async () => {
          calls++;
          stop.abort();
          throw withCode("ECONNRESET");
        },
        { strategy: fixed(6, 1), signal: stop.signal },
      ),
      /ECONNRESET/,
    );
    assert.equal(calls, 1);
  });
});
