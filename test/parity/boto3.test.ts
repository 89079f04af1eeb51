/**
 * Parity with boto3: the same scenarios through boto3's paginators and through the kit, on the
 * same sandbox, compared page by page (item counts and first ids), resume tokens (decoded and
 * byte for byte), full results and search output. Then tokens cross over: boto3's resume in the
 * kit, the kit's in boto3, the AWS CLI's in the kit.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EC2Client } from "@aws-sdk/client-ec2";
import { IAMClient } from "@aws-sdk/client-iam";
import type { S3Client } from "@aws-sdk/client-s3";
import { sandboxClient } from "../../src/aws/clients";
import { type PaginationConfig, getPaginator } from "../../src/paginator/engine";
import { tryDecodeToken } from "../../src/paginator/token";
import { sandboxS3, sandboxState } from "../helpers/sandbox";
import { ensureSandboxPython } from "../../src/sandbox/python";

interface Scenario {
  name: string;
  service: "s3" | "dynamodb" | "ec2" | "iam";
  operation: string;
  params?: Record<string, unknown>;
  config?: PaginationConfig;
  mode?: "pages" | "full" | "search";
  expression?: string;
}

type Result = Record<string, unknown>;

const DAY = "us_stocks_sip/day_aggs_v1/";
const S3P = { Bucket: "flatfiles", Prefix: DAY };

const SCENARIOS: Scenario[] = [
  { name: "whole dataset", service: "s3", operation: "list_objects_v2", params: S3P },
  {
    name: "MaxItems smaller than a page",
    service: "s3",
    operation: "list_objects_v2",
    params: S3P,
    config: { MaxItems: 250 },
  },
  {
    name: "MaxItems equal to a page",
    service: "s3",
    operation: "list_objects_v2",
    params: S3P,
    config: { MaxItems: 1000 },
  },
  {
    name: "MaxItems larger than a page",
    service: "s3",
    operation: "list_objects_v2",
    params: S3P,
    config: { MaxItems: 2345 },
  },
  {
    name: "PageSize with MaxItems",
    service: "s3",
    operation: "list_objects_v2",
    params: S3P,
    config: { PageSize: 300, MaxItems: 1000 },
  },
  {
    name: "empty prefix",
    service: "s3",
    operation: "list_objects_v2",
    params: { Bucket: "flatfiles", Prefix: "no/such/prefix/" },
  },
  {
    name: "empty prefix, full result",
    service: "s3",
    operation: "list_objects_v2",
    params: { Bucket: "flatfiles", Prefix: "no/such/" },
    mode: "full",
  },
  {
    name: "Delimiter: prefixes, no Contents",
    service: "s3",
    operation: "list_objects_v2",
    params: { Bucket: "flatfiles", Delimiter: "/" },
  },
  {
    name: "full result with MaxItems",
    service: "s3",
    operation: "list_objects_v2",
    params: S3P,
    config: { MaxItems: 1500 },
    mode: "full",
  },
  {
    name: "search, flat-mapped",
    service: "s3",
    operation: "list_objects_v2",
    params: { ...S3P, Prefix: `${DAY}2024/` },
    mode: "search",
    expression: "Contents[?Size > `1000`].Key",
  },
  {
    name: "search, page without a match yields null",
    service: "s3",
    operation: "list_objects_v2",
    params: { Bucket: "flatfiles", Delimiter: "/" },
    mode: "search",
    expression: "Contents[].Key",
  },
  {
    name: "search, scalar per page",
    service: "s3",
    operation: "list_objects_v2",
    params: S3P,
    config: { PageSize: 2000 },
    mode: "search",
    expression: "KeyCount",
  },
  {
    name: "ListObjects v1 without NextMarker",
    service: "s3",
    operation: "list_objects",
    params: S3P,
    config: { MaxItems: 2200 },
  },
  {
    name: "ListObjects v1 with Delimiter",
    service: "s3",
    operation: "list_objects",
    params: { Bucket: "flatfiles", Prefix: DAY, Delimiter: "/", MaxKeys: 5 },
  },
  {
    name: "ListObjectVersions, two tokens",
    service: "s3",
    operation: "list_object_versions",
    params: { Bucket: "kit-versions" },
    config: { PageSize: 7, MaxItems: 60 },
  },
  {
    name: "ListObjectVersions, delete markers in the full result",
    service: "s3",
    operation: "list_object_versions",
    params: { Bucket: "kit-versions", Prefix: "reports/" },
    config: { PageSize: 9 },
    mode: "full",
  },
  {
    name: "DynamoDB Scan with Limit",
    service: "dynamodb",
    operation: "scan",
    params: { TableName: "tickers" },
    config: { PageSize: 60, MaxItems: 150 },
  },
  {
    name: "DynamoDB Scan full result sums counts",
    service: "dynamodb",
    operation: "scan",
    params: { TableName: "tickers" },
    config: { PageSize: 120 },
    mode: "full",
  },
  { name: "IAM ListUsers default page", service: "iam", operation: "list_users" },
  {
    name: "IAM ListUsers PageSize and MaxItems",
    service: "iam",
    operation: "list_users",
    config: { PageSize: 50, MaxItems: 70 },
  },
  {
    name: "EC2 DescribeInstances",
    service: "ec2",
    operation: "describe_instances",
    config: { PageSize: 5, MaxItems: 7 },
  },
];

let python = "";
const clients: Record<string, unknown> = {};

function boto3(scenarios: Scenario[]): Result[] {
  const input = JSON.stringify({ sandbox: sandboxState(), scenarios });
  const r = spawnSync(python, [path.join(__dirname, "boto3_runner.py")], {
    input,
    encoding: "utf8",
    maxBuffer: 64 << 20,
  });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Result[];
}

function identity(item: unknown): unknown {
  if (item && typeof item === "object") {
    const o = item as Record<string, unknown>;
    for (const k of ["Key", "Prefix", "UserName", "ReservationId", "RoleName"]) if (k in o) return o[k];
    if ("ticker" in o) return (o.ticker as { S: string }).S;
  }
  return item ?? null;
}

function plain(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString();
  return v === undefined ? null : v;
}

async function kit(s: Scenario): Promise<Result> {
  try {
    const it = getPaginator(clients[s.service], s.operation).paginate({
      ...s.params,
      PaginationConfig: s.config,
    });
    const resultKeys = it.definition.resultKeys;
    const out: Result = { resultKeys };
    if (s.mode === "search") {
      out.search = (await it.search(s.expression!).toArray()).map((x) =>
        x && typeof x === "object" ? identity(x) : (x ?? null),
      );
    } else if (s.mode === "full") {
      const full = await it.buildFullResult();
      out.full = Object.fromEntries(
        Object.entries(full).map(([k, v]) => [
          k,
          Array.isArray(v) ? v.map(identity) : k === "NextToken" ? tryDecodeToken(v as string) : plain(v),
        ]),
      );
    } else {
      const pages: Result[] = [];
      await it.forEach((page) => {
        const p: Result = {};
        for (const k of resultKeys)
          if (page[k] !== undefined) p[k] = Array.isArray(page[k]) ? (page[k] as unknown[]).length : page[k];
        const primary = page[resultKeys[0]];
        p.ids = Array.isArray(primary) ? primary.slice(0, 3).map(identity) : [];
        pages.push(p);
      });
      out.pages = pages;
    }
    out.resumeToken = it.resumeToken ?? null;
    out.resume = it.resumeToken ? tryDecodeToken(it.resumeToken) : null;
    return out;
  } catch (e) {
    return { error: (e as Error).name, message: (e as Error).message };
  }
}

describe("parity with boto3 on the same sandbox", () => {
  let expected: Result[];
  before(() => {
    python = ensureSandboxPython();
    clients.s3 = sandboxS3();
    clients.dynamodb = sandboxClient(DynamoDBClient);
    clients.ec2 = sandboxClient(EC2Client);
    clients.iam = sandboxClient(IAMClient);
    expected = boto3(SCENARIOS);
  });
  after(() => {
    for (const c of Object.values(clients)) (c as S3Client).destroy();
  });

  SCENARIOS.forEach((s, i) => {
    it(s.name, async () => {
      const got = await kit(s);
      assert.ok(!expected[i].error, `boto3 failed: ${expected[i].message}`);
      assert.deepEqual(got, expected[i]);
    });
  });

  it("resumes a chain of StartingTokens exactly as boto3 does, and tokens cross over both ways", async () => {
    const steps = [700, 450, 1000, 1];
    let kitToken: string | undefined;
    let botoToken: string | undefined;
    for (const n of steps) {
      const s: Scenario = {
        name: "chain",
        service: "s3",
        operation: "list_objects_v2",
        params: S3P,
        config: { MaxItems: n },
      };
      // The kit resumes from boto3's token, and boto3 from the kit's.
      const k = await kit({ ...s, config: { ...s.config, StartingToken: botoToken } });
      const [b] = boto3([
        { ...s, config: { ...s.config, ...(kitToken ? { StartingToken: kitToken } : {}) } },
      ]);
      assert.deepEqual(k.pages, b.pages, `step MaxItems=${n}`);
      assert.equal(k.resumeToken, b.resumeToken, "byte-identical tokens");
      kitToken = k.resumeToken as string;
      botoToken = b.resumeToken as string;
    }
  });

  it("resumes from a token printed by the AWS CLI (--max-items / --starting-token)", async () => {
    const st = sandboxState();
    const aws = (extra: string[]) => {
      const r = spawnSync(
        "aws",
        [
          "s3api",
          "list-objects-v2",
          "--bucket",
          "flatfiles",
          "--prefix",
          DAY,
          "--endpoint-url",
          st.endpoint,
          "--region",
          st.region,
          "--output",
          "json",
          ...extra,
        ],
        {
          encoding: "utf8",
          env: {
            ...process.env,
            AWS_ACCESS_KEY_ID: st.accessKeyId,
            AWS_SECRET_ACCESS_KEY: st.secretAccessKey,
          },
          maxBuffer: 64 << 20,
        },
      );
      assert.equal(r.status, 0, r.stderr);
      return JSON.parse(r.stdout) as { Contents: { Key: string }[]; NextToken?: string };
    };
    const first = aws(["--max-items", "1234"]);
    assert.ok(first.NextToken, "the CLI printed a NextToken");
    const cliNext = aws(["--max-items", "5", "--starting-token", first.NextToken!]);
    const kitNext = await getPaginator(clients.s3, "ListObjectsV2")
      .paginate({ ...S3P, PaginationConfig: { MaxItems: 5, StartingToken: first.NextToken } })
      .items<{ Key: string }>()
      .toArray();
    assert.deepEqual(
      kitNext.map((o) => o.Key),
      cliNext.Contents.map((o) => o.Key),
    );
  });
});
