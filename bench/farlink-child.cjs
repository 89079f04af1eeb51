/**
 * The kit's side of the far-link benchmark, in its own process, as a user runs it: the compiled
 * kit (dist/, built by the benchmark first), so the figures include Node's start-up but not a
 * TypeScript loader's (tsx added ~3 s of wall time on a loaded machine). One object, or every
 * object under a prefix (one listing, then `downloadFiles`, as a range download does). Prints
 * one JSON line.
 *
 *   node bench/farlink-child.cjs '{"endpoint", "bucket", "key"? | "prefix"?, "cacheDir", "options"?}'
 */
const { ListObjectsV2Command, S3Client } = require("@aws-sdk/client-s3");
const { downloadFile, downloadFiles } = require("../dist/flatfiles/download");

async function main() {
  const args = JSON.parse(process.argv[2] ?? "{}");
  const s3 = new S3Client({
    endpoint: args.endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: "bench", secretAccessKey: "bench" },
  });
  const options = { cacheDir: args.cacheDir, ...(args.options ?? {}) };
  let bytes = 0;
  const verified = new Set();
  if (args.key) {
    const d = await downloadFile(s3, args.bucket, args.key, options);
    bytes = d.size;
    verified.add(d.verified);
  } else {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: args.bucket, Prefix: args.prefix }));
    const keys = (page.Contents ?? []).map((c) => c.Key);
    for (const d of await downloadFiles(s3, args.bucket, keys, options)) {
      bytes += d.size;
      verified.add(d.verified);
    }
  }
  s3.destroy();
  console.log(JSON.stringify({ bytes, verified: [...verified] }));
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
