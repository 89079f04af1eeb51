import assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import { after, describe, it } from "node:test";
import {
  GetObjectCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  PutObjectCommand,
} from "@aws-sdk/client-s3";
import { DynamoDBClient, ScanCommand } from "@aws-sdk/client-dynamodb";
import { DescribeInstancesCommand, EC2Client } from "@aws-sdk/client-ec2";
import { IAMClient, ListUsersCommand } from "@aws-sdk/client-iam";
import { flatFilesClient, sandboxClient } from "../../src/aws/clients";
import { findDataset, keyFor } from "../../src/flatfiles/datasets";
import { checkBucket } from "../../src/notebook/setup-check";
import { sandboxDataset } from "../../src/sandbox/description";
import { SANDBOX_END, sandboxDates, sandboxKey } from "../../src/sandbox/seed";
import { s3With, sandboxConfig, sandboxS3, sandboxState } from "../helpers/sandbox";

const s3 = sandboxS3();
const bucket = "flatfiles";
after(() => s3.destroy());

async function listAll(prefix: string): Promise<{ keys: string[]; pages: number }> {
  const keys: string[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const out: ListObjectsV2CommandOutput = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    pages++;
    for (const o of out.Contents ?? []) keys.push(o.Key!);
    token = out.IsTruncated ? out.NextContinuationToken : undefined;
  } while (token);
  return { keys, pages };
}

async function getText(key: string): Promise<string> {
  const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return gunzipSync(await out.Body!.transformToByteArray()).toString("utf8");
}

describe("sandbox: flat files in the real layout", () => {
  it("has the nine asset prefixes at the top of the bucket", async () => {
    const out = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Delimiter: "/" }));
    assert.deepEqual(
      out.CommonPrefixes!.map((p) => p.Prefix),
      [
        "global_crypto/",
        "global_forex/",
        "us_futures_cbot/",
        "us_futures_cme/",
        "us_futures_comex/",
        "us_futures_nymex/",
        "us_indices/",
        "us_options_opra/",
        "us_stocks_sip/",
      ],
    );
  });

  it("lists one file per trading day for stock day aggregates: over 5,000 keys in several pages", async () => {
    const d = sandboxDataset("us_stocks_sip/day_aggs_v1");
    const { keys, pages } = await listAll("us_stocks_sip/day_aggs_v1/");
    const expected = sandboxDates(d).map((day) => sandboxKey(d, day));
    assert.ok(keys.length >= 5000, `${keys.length} keys`);
    assert.ok(pages >= 6, `${pages} pages`);
    assert.deepEqual(keys, expected);
  });

  it("publishes crypto on weekends and stocks not", async () => {
    const { keys } = await listAll("global_crypto/day_aggs_v1/2024/03/");
    assert.equal(keys.length, 31);
    const stocks = await listAll("us_stocks_sip/day_aggs_v1/2024/03/");
    assert.ok(!stocks.keys.some((k) => k.includes("2024-03-16")), "a Saturday");
    assert.ok(!stocks.keys.some((k) => k.includes("2024-03-29")), "Good Friday");
  });

  it("serves gzipped CSV with the documented header, nanosecond timestamps and moving prices", async () => {
    const d = findDataset("us_stocks_sip/day_aggs_v1");
    const text = await getText(keyFor(d, SANDBOX_END));
    const [header, ...rows] = text.trim().split("\n");
    assert.equal(header, "ticker,volume,open,close,high,low,window_start,transactions");
    assert.ok(rows.length >= 10_000, `${rows.length} tickers on the last day`);
    const aapl = rows.find((r) => r.startsWith("AAPL,"))!.split(",");
    assert.ok(BigInt(aapl[6]) > BigInt(Number.MAX_SAFE_INTEGER), "window_start is in nanoseconds");
    assert.ok(Number(aapl[4]) >= Math.max(Number(aapl[2]), Number(aapl[3])), "high is the highest");
    const earlier = (await getText(keyFor(d, "2024-03-15"))).split("\n").find((r) => r.startsWith("AAPL,"))!;
    assert.notEqual(earlier.split(",")[3], aapl[3], "prices move between days");
  });

  it("holds a realistic minute-aggregates day", async () => {
    const text = await getText(keyFor(findDataset("us_stocks_sip/minute_aggs_v1"), SANDBOX_END));
    const rows = text.split("\n").length - 2;
    assert.ok(rows > 1_000_000, `${rows} minute bars`);
  });
});

describe("sandbox: credentials are enforced", () => {
  const st = sandboxState();
  const list = (c: ReturnType<typeof s3With>) =>
    c.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 1 }));

  it("answers a wrong secret with SignatureDoesNotMatch", async () => {
    await assert.rejects(list(s3With(st.accessKeyId, "x".repeat(40))), { name: "SignatureDoesNotMatch" });
  });

  it("answers an unsigned request with 403 AccessDenied, as AWS does (moto alone answers 500)", async () => {
    const res = await fetch(`${st.endpoint}/${bucket}?list-type=2&max-keys=1`);
    assert.equal(res.status, 403);
    const body = await res.text();
    assert.match(body, /<Code>AccessDenied<\/Code>.*signed requests only/);
    assert.ok(!body.includes(st.secretAccessKey) && !body.includes(st.accessKeyId));
  });

  it("checks signatures of keys with spaces, +, %, backslashes, ? and non-ASCII letters as sent (they used to fail)", async () => {
    const keys = [
      "odd/a b.txt",
      "odd/a+b.txt",
      "odd/100%.txt",
      "odd/back\\slash.txt",
      "odd/café.txt",
      "odd/日本.txt",
      "odd/q?x=1&y.txt",
    ];
    for (const Key of keys) {
      await s3.send(new PutObjectCommand({ Bucket: "kit-scratch", Key, Body: Key }));
      const got = await s3.send(new GetObjectCommand({ Bucket: "kit-scratch", Key }));
      assert.equal(await got.Body!.transformToString(), Key);
    }
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: "kit-scratch", Prefix: "odd/" }));
    assert.deepEqual(listed.Contents!.map((c) => c.Key).sort(), [...keys].sort());
  });

  it("answers an unknown key id with InvalidAccessKeyId", async () => {
    await assert.rejects(list(s3With("AKIAUNKNOWNKEY000000", st.secretAccessKey)), {
      name: "InvalidAccessKeyId",
    });
  });

  it("denies the dataset the plan lacks with 403, and serves the others", async () => {
    const denied = findDataset("us_options_opra/quotes_v1");
    await assert.rejects(
      s3.send(new GetObjectCommand({ Bucket: bucket, Key: keyFor(denied, SANDBOX_END) })),
      (e: Error & { $metadata?: { httpStatusCode?: number } }) => {
        assert.equal(e.name, "AccessDenied");
        assert.equal(e.$metadata?.httpStatusCode, 403);
        return true;
      },
    );
    const allowed = await getText(keyFor(findDataset("us_options_opra/trades_v1"), SANDBOX_END));
    assert.ok(allowed.startsWith("ticker,"));
  });

  it("turns a wrong secret into advice in the setup check", async () => {
    const c = sandboxConfig();
    const { Secret } = await import("../../src/config/secret");
    const r = await checkBucket({ ...c, secretAccessKey: new Secret("wrong") }, { show: false });
    assert.equal(r.ok, false);
    assert.equal(r.code, "aws.SignatureDoesNotMatch");
    assert.match(r.message!, /swapped/);
    const good = await checkBucket(c, { show: false });
    assert.equal(good.ok, true);
    assert.equal(good.prefixes.length, 9);
  });
});

describe("sandbox: nothing answers without a signature", () => {
  it("closes moto's internal API (state dump with the secret, reset) to everyone", async () => {
    const st = sandboxState();
    const dump = await fetch(`${st.endpoint}/moto-api/data.json`);
    const text = await dump.text();
    assert.equal(dump.status, 403);
    assert.ok(!text.includes(st.secretAccessKey), "the secret is not served");
    const reset = await fetch(`${st.endpoint}/moto-api/reset`, { method: "POST" });
    assert.equal(reset.status, 403);
    const after = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: "us_indices/", MaxKeys: 1 }),
    );
    assert.equal(after.KeyCount, 1, "the sandbox is still seeded");
  });
});

describe("sandbox: services for the pagination guide", () => {
  it("has more than 50 IAM users, paged by MaxItems with Marker as AWS does", async () => {
    const iam = sandboxClient(IAMClient);
    const sizes: number[] = [];
    let marker: string | undefined;
    do {
      const out = await iam.send(new ListUsersCommand({ MaxItems: 50, Marker: marker }));
      sizes.push(out.Users!.length);
      marker = out.IsTruncated ? out.Marker : undefined;
    } while (marker);
    assert.ok(sizes.length >= 3, `pages ${sizes}`);
    assert.ok(sizes.reduce((a, b) => a + b) > 50);
    const first = await iam.send(new ListUsersCommand({}));
    assert.equal(first.Users!.length, 100, "AWS's default page is 100 users");
  });

  it("has EC2 instances in several reservations and a DynamoDB table of hundreds of items", async () => {
    const ec2 = sandboxClient(EC2Client);
    const page = await ec2.send(new DescribeInstancesCommand({ MaxResults: 5 }));
    assert.equal(page.Reservations!.length, 5);
    assert.ok(page.NextToken);
    const ddb = sandboxClient(DynamoDBClient);
    const scan = await ddb.send(new ScanCommand({ TableName: "tickers", Limit: 25 }));
    assert.equal(scan.Count, 25);
    assert.ok(scan.LastEvaluatedKey);
  });

  it("has a table of ~100 KB items whose Scan pages stop at DynamoDB's 1 MB, not at Limit", async () => {
    const ddb = sandboxClient(DynamoDBClient);
    const page = await ddb.send(new ScanCommand({ TableName: "filings", Limit: 100 }));
    assert.ok(
      page.Count! >= 5 && page.Count! < 11,
      `a 1 MB page holds 9 or 10 such items, got ${page.Count}`,
    );
    assert.ok(page.LastEvaluatedKey, "more remain");
  });

  it("refuses an S3 request signed more than 15 minutes off the server's clock, as S3 does", async () => {
    const config = sandboxConfig();
    const probe = new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 1 });
    const slow = flatFilesClient(config, { systemClockOffset: -20 * 60_000, maxAttempts: 1 });
    const err = await slow.send(probe).then(
      () => null,
      (e) => e,
    );
    assert.equal(err?.name, "RequestTimeTooSkewed");
    assert.equal(err.$metadata.httpStatusCode, 403);
    // The SDK corrected the client's offset from the answer's time: the next call goes through.
    assert.ok(
      Math.abs(slow.config.systemClockOffset) < 60_000,
      `offset still ${slow.config.systemClockOffset} ms`,
    );
    assert.equal((await slow.send(probe)).KeyCount, 1);
    // Inside the 15-minute window the request is accepted as it is.
    const near = await flatFilesClient(config, { systemClockOffset: -10 * 60_000, maxAttempts: 1 }).send(
      probe,
    );
    assert.equal(near.KeyCount, 1);
  });
});
