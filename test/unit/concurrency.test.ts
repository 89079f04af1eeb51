/** mapOrdered (src/util/concurrency.ts): bounded concurrency, results in input order. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { mapOrdered } from "../../src/util/concurrency";

describe("mapOrdered", () => {
  it("bounds concurrency and yields in input order whatever order the work finishes in", async () => {
    let inFlight = 0;
    let peak = 0;
    const out: number[] = [];
    for await (const v of mapOrdered([50, 10, 40, 5, 30, 1, 20], 3, async (ms) => {
      peak = Math.max(peak, ++inFlight);
      await new Promise((r) => setTimeout(r, ms));
      inFlight--;
      return ms;
    }))
      out.push(v);
    assert.deepEqual(out, [50, 10, 40, 5, 30, 1, 20]);
    assert.equal(peak, 3);
  });

  it("reports a failure in its turn without an unhandled rejection", async () => {
    const seen: number[] = [];
    await assert.rejects(async () => {
      for await (const v of mapOrdered([1, 2, 3], 3, async (n) => {
        if (n === 3) throw new Error("third failed");
        await new Promise((r) => setTimeout(r, 20));
        return n;
      }))
        seen.push(v);
    }, /third failed/);
    assert.deepEqual(seen, [1, 2]);
  });
});
