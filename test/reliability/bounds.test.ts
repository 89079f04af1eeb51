/**
 * Two habits, each tested where a new case would appear:
 * - every value a message echoes is capped: whatever path an error takes, a KitError's message
 *   stays under MESSAGE_LIMIT, keeps no run longer than RUN_LIMIT and no control character
 *   (KitError's constructor is the one place this happens, so a new error path is covered too);
 * - every recursive input is depth-bounded: for every operation in the paginator's table (a row
 *   added later included), parameters, StartingTokens and JMESPath nested 200,000 deep give a
 *   KitError, never "Maximum call stack size exceeded".
 * No sandbox: clients point where nothing listens, and every case fails before a request.
 */
import assert from "node:assert/strict";
import * as os from "node:os";
import { after, describe, it } from "node:test";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EC2Client } from "@aws-sdk/client-ec2";
import { IAMClient } from "@aws-sdk/client-iam";
import { S3Client } from "@aws-sdk/client-s3";
import { explainAwsError } from "../../src/aws/explain";
import { loadConfig } from "../../src/config/env";
import { checkCalendar, closedReason } from "../../src/flatfiles/calendar";
import { dayKey } from "../../src/flatfiles/catalog";
import { cachePath } from "../../src/flatfiles/download";
import { getPaginator } from "../../src/paginator/engine";
import { compileExpression } from "../../src/paginator/jmespath";
import { OPERATIONS } from "../../src/paginator/operations";
import { encodeToken, parseStartingToken } from "../../src/paginator/token";
import { KitError, MESSAGE_LIMIT, RUN_LIMIT } from "../../src/util/errors";
import { wholeNumber } from "../../src/util/validate";

const HUGE = `${"x".repeat(3_000_000)}\u001b[2J${"y".repeat(3_000_000)}`;
const offline = {
  region: "us-east-1",
  endpoint: "http://127.0.0.1:9",
  maxAttempts: 1,
  credentials: { accessKeyId: "a", secretAccessKey: "b" },
};
const CLIENTS: Record<string, { destroy(): void }> = {
  S3: new S3Client({ ...offline, forcePathStyle: true }),
  DynamoDB: new DynamoDBClient(offline),
  EC2: new EC2Client(offline),
  IAM: new IAMClient(offline),
};
after(() => {
  for (const c of Object.values(CLIENTS)) c.destroy();
});

async function thrown(f: () => unknown): Promise<unknown> {
  try {
    await f();
  } catch (e) {
    return e;
  }
  assert.fail("no error");
}

function assertCapped(what: string, e: unknown): void {
  assert.ok(e instanceof KitError, `${what}: not a KitError: ${(e as Error)?.stack ?? e}`);
  const m = e.message;
  assert.ok(m.length <= MESSAGE_LIMIT, `${what}: ${m.length} characters`);
  const run = Math.max(...m.split(/\s+/).map((w) => w.length));
  assert.ok(run <= RUN_LIMIT + 30, `${what}: a run of ${run} characters`);
  const control = [...m].find((c) => (c < " " && c !== "\n") || c === "\u007f");
  assert.equal(control, undefined, `${what}: a control character in the message`);
}

describe("every echoed value is capped", () => {
  const s3 = CLIENTS.S3;
  const paths: [string, () => unknown][] = [
    [
      "KitError itself",
      () => {
        throw new KitError("x.y", `a message quoting ${HUGE} and ${HUGE}`);
      },
    ],
    [
      "each configuration variable",
      () =>
        loadConfig({
          env: { FLATFILES_ACCESS_KEY_ID: "a", FLATFILES_SECRET_ACCESS_KEY: "b", FLATFILES_REGION: HUGE },
          cwd: null,
        }),
    ],
    [
      "a huge endpoint",
      () =>
        loadConfig({
          env: {
            FLATFILES_ACCESS_KEY_ID: "a",
            FLATFILES_SECRET_ACCESS_KEY: "b",
            FLATFILES_ENDPOINT: `https://${HUGE}`,
          },
          cwd: null,
        }),
    ],
    ["a huge operation name", () => getPaginator(s3, HUGE)],
    [
      "a huge PaginationConfig key",
      () =>
        getPaginator(s3, "ListObjectsV2").paginate({ Bucket: "b", PaginationConfig: { [HUGE]: 1 } } as never),
    ],
    [
      "a huge PageSize text",
      () =>
        getPaginator(s3, "ListObjectsV2").paginate({
          Bucket: "b",
          PaginationConfig: { PageSize: HUGE },
        } as never),
    ],
    ["a huge StartingToken", () => parseStartingToken(HUGE, ["ContinuationToken"], "ListObjectsV2")],
    [
      "a huge base64 token",
      () =>
        parseStartingToken(
          Buffer.from(`{"X": "${"a".repeat(30_000)}"}`).toString("base64"),
          ["ContinuationToken"],
          "ListObjectsV2",
        ),
    ],
    ["a huge JMESPath syntax error", () => compileExpression(`a.${HUGE.replace("\u001b[2J", "")} ==`)],
    ["a huge JMESPath function name", () => compileExpression(`${"f".repeat(100_000)}(a)`)],
    ["a huge dataset name", () => dayKey(HUGE, "2024-03-15", "2026-11-23")],
    ["a huge date", () => dayKey("us_stocks_sip/day_aggs_v1", HUGE, "2026-11-23")],
    ["a huge calendar name", () => checkCalendar(HUGE)],
    ["a huge date for a calendar", () => closedReason(HUGE, "nyse")],
    ["a huge option value", () => wholeNumber("concurrency", HUGE)],
    ["a huge bucket", () => cachePath(os.tmpdir(), HUGE, "a/b")],
    ["a huge key", () => cachePath(os.tmpdir(), "flatfiles", `a/${HUGE}/..`)],
    [
      "a huge service error",
      () => {
        throw explainAwsError(
          Object.assign(new Error(HUGE), { name: "Weird", $metadata: { httpStatusCode: 418 } }),
        );
      },
    ],
  ];
  for (const [what, f] of paths) it(what, async () => assertCapped(what, await thrown(f)));
});

describe("every recursive input is depth-bounded", () => {
  const deepObject = () => {
    let v: unknown = "x";
    for (let i = 0; i < 200_000; i++) v = { v };
    return v;
  };
  const deepJson = `${"[".repeat(200_000)}${"]".repeat(200_000)}`;
  const overflow = (e: unknown) =>
    e instanceof RangeError || /call stack/i.test(String((e as Error)?.message));

  for (const row of OPERATIONS) {
    const client = CLIENTS[row.service];
    it(`${row.service} ${row.operation}: deep parameters, StartingToken and JMESPath`, async () => {
      assert.ok(client, `no client for ${row.service}: add one above`);
      const p = getPaginator(client, row.operation);
      const cases: [string, () => unknown][] = [
        ["a parameter", () => p.paginate({ Deep: deepObject() } as never)],
        ...row.inputToken.map(
          (name) =>
            [
              `a StartingToken's ${name}`,
              () =>
                p.paginate({
                  PaginationConfig: {
                    StartingToken: Buffer.from(`{"${name}": ${deepJson}}`).toString("base64"),
                  },
                } as never),
            ] as [string, () => unknown],
        ),
        [
          "a JMESPath expression",
          () => p.paginate({} as never).search(`${"(".repeat(200_000)}a${")".repeat(200_000)}`),
        ],
        ["a JMESPath run of !", () => p.paginate({} as never).search(`${"!".repeat(200_000)}a`)],
      ];
      for (const [what, f] of cases) {
        const e = await thrown(f);
        assert.ok(!overflow(e), `${what}: ${(e as Error)?.message}`);
        assert.ok(e instanceof KitError, `${what}: ${(e as Error)?.stack}`);
      }
    });
  }

  it("encodeToken (public) refuses a value nested past a token's depth", async () => {
    const e = await thrown(() => encodeToken({ ContinuationToken: deepObject() }));
    assert.ok(!overflow(e), String((e as Error)?.message));
    assert.ok(e instanceof KitError);
  });
});
