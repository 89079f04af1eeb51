/** Notebook 02's teaching throttler: 503 SlowDown for a fixed share of requests, the rest forwarded. */
import assert from "node:assert/strict";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, it } from "node:test";
import { startTeachingThrottler, startThrottlingProxy } from "../../src/notebook/throttler";

async function statuses(rate: number, n: number): Promise<number[]> {
  const upstream = http.createServer((_req, res) => res.end("ok"));
  await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
  const throttler = await startTeachingThrottler(
    `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`,
    rate,
  );
  try {
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const res = await fetch(`${throttler.endpoint}/flatfiles?list-type=2`);
      const body = await res.text();
      if (res.status === 200) assert.equal(body, "ok");
      else assert.match(body, /<Code>SlowDown<\/Code>/);
      out.push(res.status);
    }
    assert.equal(throttler.requests, n);
    return out;
  } finally {
    await throttler.close();
    upstream.closeAllConnections();
    await new Promise<void>((r) => upstream.close(() => r()));
  }
}

describe("startTeachingThrottler", () => {
  it("refuses about `rate` of the requests with 503 SlowDown, the same ones every run", async () => {
    const first = await statuses(0.4, 50);
    const refused = first.filter((s) => s === 503).length;
    assert.ok(refused >= 10 && refused <= 30, `${refused} of 50 refused`);
    assert.deepEqual(await statuses(0.4, 50), first);
  });

  it("forwards everything at rate 0", async () => {
    assert.deepEqual(await statuses(0, 5), [200, 200, 200, 200, 200]);
  });

  it("keeps its old name", () => {
    assert.equal(startThrottlingProxy, startTeachingThrottler);
  });
});
