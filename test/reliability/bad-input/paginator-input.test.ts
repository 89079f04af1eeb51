/**
 * Bad input, the paginator's own input (parameters, PaginationConfig, tokens, JMESPath): each is
 * refused before any request, so these rows need no sandbox: the client points where nothing
 * listens, and an error naming that endpoint would mean a request was made.
 */
import { after } from "node:test";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { IAMClient } from "@aws-sdk/client-iam";
import { S3Client } from "@aws-sdk/client-s3";
import { getPaginator } from "../../../src/paginator/engine";
import { compileExpression } from "../../../src/paginator/jmespath";
import { type Row, badInputTable, failure } from "./helpers";

const offline = { region: "us-east-1", endpoint: "http://127.0.0.1:9", maxAttempts: 1 };
const credentials = { accessKeyId: "a", secretAccessKey: "b" };
const s3 = new S3Client({ ...offline, forcePathStyle: true, credentials });
const iam = new IAMClient({ ...offline, credentials });
const dynamodb = new DynamoDBClient({ ...offline, credentials });
after(() => {
  for (const c of [s3, iam, dynamodb]) c.destroy();
});

const list = (config: unknown) =>
  getPaginator(s3, "list_objects_v2").paginate({ Bucket: "flatfiles", PaginationConfig: config } as never);
const token = (json: string) => Buffer.from(json).toString("base64");
const deep = (n: number) => `${"[".repeat(n)}${"]".repeat(n)}`;

const ROWS: Row[] = [
  [
    "PageSize 1e21 (sent as MaxKeys=1e+21)",
    () => failure(() => list({ PageSize: 1e21 })),
    /^paginator\.config: PaginationConfig\.PageSize is 1e\+21: ListObjectsV2 takes a MaxKeys from 1 to 2147483647/,
  ],
  [
    "PageSize 5000 for IAM ListUsers (botocore: MaxItems 1-1000)",
    () => failure(() => getPaginator(iam, "ListUsers").paginate({ PaginationConfig: { PageSize: 5000 } })),
    /^paginator\.config: PaginationConfig\.PageSize is 5000: ListUsers takes a MaxItems from 1 to 1000/,
  ],
  [
    "PageSize 101 for DynamoDB ListTables (botocore: Limit 1-100)",
    () =>
      failure(() => getPaginator(dynamodb, "ListTables").paginate({ PaginationConfig: { PageSize: 101 } })),
    /^paginator\.config: PaginationConfig\.PageSize is 101: ListTables takes a Limit from 1 to 100/,
  ],
  [
    "MaxItems 1e21 (past exact whole numbers)",
    () => failure(() => list({ MaxItems: 1e21 })),
    /^paginator\.config: PaginationConfig\.MaxItems is 1e\+21: it must be a whole number from 1 to 9007199254740991/,
  ],
  [
    "PaginationConfig: null",
    () => failure(() => list(null)),
    /^paginator\.config: PaginationConfig is null: .*\{ MaxItems: 100, PageSize: 50 \}.*or leave it out/,
  ],
  [
    'PaginationConfig: "MaxItems=3" (text)',
    () => failure(() => list("MaxItems=3")),
    /^paginator\.config: PaginationConfig is text \("MaxItems=3"\): write it as an object, for example \{ MaxItems: 100, PageSize: 50 \}/,
  ],
  [
    "paginate(null)",
    () => failure(() => getPaginator(s3, "list_objects_v2").paginate(null as never)),
    /^paginator\.input: paginate\(\) takes the operation's parameters as an object .*Bucket.*; it was given null/,
  ],
  [
    "a function among the parameters (structuredClone's DataCloneError)",
    () =>
      failure(() =>
        getPaginator(s3, "list_objects_v2").paginate({ Bucket: "flatfiles", Prefix: (() => "x") as never }),
      ),
    /^paginator\.input: Prefix is a function: parameters are plain values/,
  ],
  [
    "parameters nested 10,000 deep",
    () => {
      let v: unknown = "x";
      for (let i = 0; i < 10_000; i++) v = { v };
      return failure(() =>
        getPaginator(s3, "list_objects_v2").paginate({
          Bucket: "flatfiles",
          ExpectedBucketOwner: v as never,
        }),
      );
    },
    /^paginator\.input: ExpectedBucketOwner is nested more than 64 levels deep/,
  ],
  [
    "no Bucket (the SDK's serializer: 'No value provided for input HTTP label')",
    () =>
      failure(() =>
        getPaginator(s3, "list_objects_v2")
          .paginate({} as never)
          .toArray(),
      ),
    /^paginator\.input: Bucket is missing: ListObjectsV2 needs it, for example/,
  ],
  [
    "a StartingToken nested 200,000 deep",
    () => failure(() => list({ StartingToken: token(`{"ContinuationToken": ${deep(200_000)}}`) })),
    /^token\.(malformed|too-long): StartingToken/,
  ],
  [
    "a StartingToken nested 100 deep (short enough, too deep)",
    () => failure(() => list({ StartingToken: token(`{"ContinuationToken": ${deep(100)}}`) })),
    /^token\.malformed: StartingToken .* is nested 101 levels deep/,
  ],
  [
    "a 5 MB StartingToken (aws.EPIPE, the message copied all of it)",
    () => failure(() => list({ StartingToken: "A".repeat(5_000_000) })),
    /^token\.too-long: StartingToken is 5000000 characters long: .*at most 65536/,
  ],
  ...(
    [
      ["a number", "5"],
      ["an object", '{"a": 1}'],
      ["a list", '["x"]'],
      ["true/false", "true"],
    ] as const
  ).map(
    ([what, json]) =>
      [
        `a token whose ContinuationToken is ${what} (sent as it was)`,
        () => failure(() => list({ StartingToken: token(`{"ContinuationToken": ${json}}`) })),
        new RegExp(
          `^token\\.malformed: StartingToken .* carries ContinuationToken as ${what === "true/false" ? "true" : what}.*ListObjectsV2 takes text there`,
        ),
      ] as Row,
  ),
  [
    "a JMESPath expression nested 200,000 deep",
    () => failure(() => compileExpression(`${"(".repeat(200_000)}a${")".repeat(200_000)}`)),
    /^jmespath\.depth: The JMESPath expression is nested 200000 levels deep/,
  ],
  [
    "a JMESPath syntax error inside 20,000 parentheses (the message was 80 KB)",
    async () => {
      const message = await failure(() => compileExpression(`${"(".repeat(20_000)}a ==`));
      if (message.length > 600) throw new Error(`${message.length} characters`);
      return message;
    },
    /^jmespath\.depth: /,
  ],
  [
    "a long JMESPath syntax error: the line and the caret cut around the position",
    async () => {
      const message = await failure(() => compileExpression(`${"a.".repeat(5_000)}[?`));
      if (message.length > 600) throw new Error(`${message.length} characters`);
      return message;
    },
    // 10000, where the filter stands after the last dot, as jmespath.py (boto3) says; jmespath.js said 10002.
    /^jmespath\.syntax: Invalid JMESPath expression at position 10000: .*\n {2}….*\n {3,}\^/,
  ],
  [
    "an unknown JMESPath function inside a filter (it was found only after a request)",
    () => failure(() => list({}).search("Contents[?starts(Key, 'a')]")),
    /^jmespath\.function: JMESPath has no function starts\(\) \(at position 10\); did you mean starts_with\(\)\? Its functions are abs, avg/,
  ],
  [
    "an unknown JMESPath function, top level",
    () => failure(() => list({}).search("upper(Contents[0].Key)")),
    /^jmespath\.function: JMESPath has no function upper\(\) \(at position 0\)\. Its functions are abs, avg/,
  ],
  [
    "Bucket: 5 (a TypeError inside the SDK, reported as a kit bug)",
    () => failure(() => getPaginator(s3, "list_objects_v2").paginate({ Bucket: 5 as never })),
    /^paginator\.input: Bucket is 5: it is text/,
  ],
];

badInputTable("paginator input", ROWS);
