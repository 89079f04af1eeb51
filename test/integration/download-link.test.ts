/**
 * Connections that adapt to the link (src/flatfiles/download/link.ts), shared by every download
 * to one endpoint: against the far-server stand-in (bench/standin.ts: latency, a cap per
 * connection and one for the whole link), real HTTP, real files, no sandbox:
 *
 *   node --import tsx --test test/integration/download-link.test.ts
 */
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe, it } from "node:test";
import { S3Client } from "@aws-sdk/client-s3";
import { type Link, type StandIn, startStandIn } from "../../bench/standin";
import { downloadFile } from "../../src/flatfiles/download";
import { AdaptiveLink, linkFor } from "../../src/flatfiles/download/link";

const MIB = 1 << 20;
const bucket = "flatfiles";
const root = fs.mkdtempSync(path.join(os.tmpdir(), "kit-link-"));
after(() => fs.rmSync(root, { recursive: true, force: true }));
const md5 = (b: Buffer) => createHash("md5").update(b).digest("hex");

function clientFor(server: StandIn): S3Client {
  return new S3Client({
    endpoint: server.endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
}

async function withServer<T>(
  objects: { key: string; file: string }[],
  link: Link,
  run: (s: StandIn, c: S3Client) => Promise<T>,
): Promise<T> {
  const server = await startStandIn(bucket, objects, link);
  const client = clientFor(server);
  try {
    return await run(server, client);
  } finally {
    client.destroy();
    await server.close();
  }
}

describe("connections adapt to the link", () => {
  it("grows past its start while more connections add throughput (slow connections, wide link)", {
    timeout: 120_000,
  }, async () => {
    const data = randomBytes(48 * MIB);
    const file = path.join(root, "wide.bin");
    fs.writeFileSync(file, data);
    await withServer(
      [{ key: "w/wide.bin", file }],
      { firstByteMs: 20, perConnection: 1.5e6, total: 200e6 },
      async (server, client) => {
        const link = await linkFor(client);
        const d = await downloadFile(client, bucket, "w/wide.bin", {
          cacheDir: path.join(root, "c1"),
          partSize: MIB,
        });
        assert.equal(md5(fs.readFileSync(d.path)), md5(data));
        assert.ok(Math.max(...link.history) > 8, `the limit grew: ${link.history.join(" → ")}`);
        assert.ok(server.peakGets > 8, `more than 8 GETs ran at once (${server.peakGets})`);
      },
    );
  });

  it("concurrent downloads to one endpoint share one link: never more GETs in flight than its limit", {
    timeout: 120_000,
  }, async () => {
    const files = Array.from({ length: 4 }, (_, i) => {
      const file = path.join(root, `s${i}.bin`);
      fs.writeFileSync(file, randomBytes(6 * MIB));
      return { key: `s/${i}.bin`, file };
    });
    await withServer(files, { firstByteMs: 20, perConnection: 4e6, total: 20e6 }, async (server, client) => {
      const link = await linkFor(client);
      assert.equal(
        await linkFor(clientFor(server)),
        link,
        "one link per endpoint, whatever the client object",
      );
      await Promise.all(
        files.map((f) =>
          downloadFile(client, bucket, f.key, { cacheDir: path.join(root, "c2"), partSize: MIB }),
        ),
      );
      assert.ok(
        server.peakGets <= Math.max(...link.history),
        `${server.peakGets} GETs at once, limit ${link.history.join(" → ")}`,
      );
      // Four files of six pieces each, one file at a time would be 4 × 4 = 16 with the old fixed 4 a file.
      assert.ok(server.peakGets > 4, `the files' pieces overlapped (${server.peakGets})`);
    });
  });

  it("a failing link gives up connections (a third off per failure), never below 2", () => {
    const link = new AdaptiveLink(12);
    link.congested();
    assert.equal(link.limit, 8);
    for (let i = 0; i < 10; i++) link.congested();
    assert.equal(link.limit, 2);
  });
});
