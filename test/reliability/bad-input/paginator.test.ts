/**
 * Bad input, the paginator: PaginationConfig, tokens, JMESPath, the fan-out: one row each, a KitError (or a one-line CLI message) with a specific
 * code and a message naming the problem and the fix. docs/reliability.md lists the same table.
 */
import { after } from "node:test";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { sandboxClient } from "../../../src/aws/clients";
import { listObjectsFanOut } from "../../../src/paginator/fanout";
import { getPaginator } from "../../../src/paginator/engine";
import { encodeToken } from "../../../src/paginator/token";
import { sandboxS3 } from "../../helpers/sandbox";
import { type Row, badInputTable, failure } from "./helpers";

const s3 = sandboxS3();
after(() => s3.destroy());
const list = (config: object) =>
  getPaginator(s3, "list_objects_v2").paginate({ Bucket: "flatfiles", PaginationConfig: config });

const ROWS: Row[] = [
  [
    "malformed StartingToken",
    () => failure(() => list({ StartingToken: Buffer.from("[1]").toString("base64") })),
    /token\.malformed/,
  ],
  [
    "token from another operation",
    () => failure(() => list({ StartingToken: encodeToken({ ExclusiveStartKey: { ticker: { S: "X" } } }) })),
    /token\.operation: .*ExclusiveStartKey.*ContinuationToken/,
  ],
  [
    "PageSize on an operation without a limit key",
    () =>
      failure(() =>
        getPaginator(sandboxClient(DynamoDBClient), "list_tags_of_resource").paginate({
          ResourceArn: "x",
          PaginationConfig: { PageSize: 5 },
        }),
      ),
    /paginator\.config: PageSize is not supported/,
  ],
  [
    "MaxItems zero",
    () => failure(() => list({ MaxItems: 0 })),
    /paginator\.config: .*MaxItems is 0.*above zero/,
  ],
  ["negative PageSize", () => failure(() => list({ PageSize: -5 })), /paginator\.config: .*PageSize is -5/],
  [
    "MaxItems NaN",
    () => failure(() => list({ MaxItems: Number.NaN })),
    /paginator\.config: PaginationConfig\.MaxItems is NaN/,
  ],
  [
    "MaxItems Infinity",
    () => failure(() => list({ MaxItems: Number.POSITIVE_INFINITY })),
    /paginator\.config: PaginationConfig\.MaxItems is Infinity/,
  ],
  [
    "StartingToken 123 (a number)",
    () => failure(() => list({ StartingToken: 123 }).toArray()),
    /token\.type: StartingToken is a number \(123\), not text/,
  ],
  [
    "search(42)",
    () => failure(() => list({}).search(42 as unknown as string)),
    /jmespath\.type: A JMESPath expression is text, not number/,
  ],
  [
    "invalid JMESPath",
    () => failure(() => list({}).search("Contents[?Size >")),
    /jmespath\.syntax: .*position \d+/,
  ],
  [
    "fan-out concurrency 0",
    () =>
      failure(() =>
        listObjectsFanOut(s3, { Bucket: "flatfiles", Prefix: "us_indices/", concurrency: 0 }).toArray(),
      ),
    /options\.number: concurrency is 0/,
  ],
  [
    "fan-out concurrency 2.5",
    () =>
      failure(() =>
        listObjectsFanOut(s3, { Bucket: "flatfiles", Prefix: "us_indices/", concurrency: 2.5 }).toArray(),
      ),
    /options\.number: concurrency is 2\.5/,
  ],
  [
    'sort_by over a field the items lack (the library said only "TypeError")',
    () => failure(() => list({ MaxItems: 3 }).search("sort_by(Contents, &Owner)").toArray()),
    // jmespath.py's JMESPathTypeError (boto3's): the key's type first; then the kit's hint.
    /^jmespath\.runtime: The JMESPath expression "sort_by\(Contents, &Owner\)" failed on a page: sort_by\(\) takes string or number there, not null .*sort_by\(\) compares numbers with numbers or text with text/,
  ],
];

badInputTable("paginator", ROWS);
