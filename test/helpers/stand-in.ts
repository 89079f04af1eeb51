/**
 * The local S3 stand-in (bench/standin.ts) for one test file, with an SDK client pointed at it:
 * started by the first `ready()` (the file's `before` awaits it), closed after the file's tests
 * with its temporary `root` removed; `freshCache()` makes a new cache folder under `root`.
 * Three reliability files set this up by hand before.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { after } from "node:test";
import { S3Client } from "@aws-sdk/client-s3";
import { type StandIn, type StandInObject, startStandIn } from "../../bench/standin";

export function standInForFile(
  bucket: string,
  objects: StandInObject[],
  root: string,
): { ready: () => Promise<{ server: StandIn; s3: S3Client }>; freshCache: () => string } {
  let running: Promise<{ server: StandIn; s3: S3Client }> | undefined;
  const ready = () => {
    running ??= startStandIn(bucket, objects).then((server) => ({
      server,
      s3: new S3Client({
        endpoint: server.endpoint,
        region: "us-east-1",
        forcePathStyle: true,
        credentials: { accessKeyId: "test", secretAccessKey: "test" },
      }),
    }));
    return running;
  };
  after(async () => {
    if (running) {
      const { server, s3 } = await running;
      s3.destroy();
      await server.close();
    }
    fs.rmSync(root, { recursive: true, force: true });
  });
  let n = 0;
  return { ready, freshCache: () => fs.mkdtempSync(path.join(root, `cache-${n++}-`)) };
}
