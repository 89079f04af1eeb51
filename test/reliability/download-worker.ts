/**
 * One `downloadFile` call in its own process, for the tests whose failure mode is a process
 * that never yields (a lock spun on at 100% CPU: no timer and no AbortSignal of the test's own
 * process could end it). Prints one JSON line: the result, or the KitError's code and message.
 *
 *   tsx test/reliability/download-worker.ts '{"endpoint", "bucket", "key", "cacheDir", "abortAfterMs"?}'
 */
import { S3Client } from "@aws-sdk/client-s3";
import { downloadFile } from "../../src/flatfiles/download";
import { KitError } from "../../src/util/errors";

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2] ?? "{}");
  const s3 = new S3Client({
    endpoint: args.endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
  const signal = args.abortAfterMs ? AbortSignal.timeout(args.abortAfterMs) : undefined;
  const t0 = performance.now();
  // Ticks of a timer during the call: a process that spins never runs them.
  let ticks = 0;
  const timer = setInterval(() => ticks++, 20);
  try {
    const d = await downloadFile(s3, args.bucket, args.key, { cacheDir: args.cacheDir, signal });
    console.log(JSON.stringify({ ok: true, fetched: d.fetched, ms: performance.now() - t0, ticks }));
  } catch (e) {
    const code = e instanceof KitError ? e.code : `raw ${(e as Error).name}`;
    console.log(
      JSON.stringify({ ok: false, code, message: (e as Error).message, ms: performance.now() - t0, ticks }),
    );
  } finally {
    clearInterval(timer);
    s3.destroy();
  }
}

main();
