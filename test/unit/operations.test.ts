/**
 * The operation table as the single source (issue #14): each row's command class, types and
 * boto3 name agree; the services, the supported-operations messages and the name and page types
 * all come from the table; and an operation the kit lacks, even of a service it has never heard
 * of, pages with one row and nothing else. No sandbox: clients here are fakes. (The same with a
 * real IAM operation against the sandbox: test/integration/operation-row.test.ts.)
 *
 * Some checks are types: `tsc -p tsconfig.dev.json` compiles this file, so a `@ts-expect-error`
 * that stops failing, or an `Equal` that stops holding, breaks the type-check.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { inspect } from "node:util";
import type * as ddb from "@aws-sdk/client-dynamodb";
import type * as ec2 from "@aws-sdk/client-ec2";
import type * as iam from "@aws-sdk/client-iam";
import * as s3 from "@aws-sdk/client-s3";
import { type Paginator, getPaginator } from "../../src/paginator/engine";
import {
  OPERATIONS,
  SDK_PACKAGES,
  botoName,
  botoNameOf,
  op,
  sdkPackage,
  servicesOf,
} from "../../src/paginator/operations";
import { tryDecodeToken } from "../../src/paginator/token";
import type {
  BotoName,
  BotoNames,
  InputOf,
  OperationName,
  OperationTypes,
  OutputOf,
  ServiceOf,
} from "../../src/paginator/types";
import { KitError } from "../../src/util/errors";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<_T extends true>(): void {}
type PageOf<X> = X extends Paginator<infer _I, infer P> ? P : never;

/** A client as far as getPaginator sees one: its service id, and `send`. */
function fakeClient(
  serviceId: string,
  respond: (command: { input: Record<string, unknown> }) => unknown = () => ({}),
) {
  const sent: unknown[] = [];
  return {
    sent,
    config: { serviceId },
    send: async (command: { input: Record<string, unknown> }) => {
      sent.push(command);
      return respond(command);
    },
  };
}

function messageOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof KitError, `not a KitError: ${e}`);
    return `${e.code}: ${e.message}`;
  }
  return "no error";
}

/** What types.ts spelled out by hand before the table drove it: the derived types must be these. */
interface HandWrittenOperationTypes {
  ListObjectsV2: [s3.ListObjectsV2CommandInput, s3.ListObjectsV2CommandOutput];
  ListObjects: [s3.ListObjectsCommandInput, s3.ListObjectsCommandOutput];
  ListObjectVersions: [s3.ListObjectVersionsCommandInput, s3.ListObjectVersionsCommandOutput];
  ListMultipartUploads: [s3.ListMultipartUploadsCommandInput, s3.ListMultipartUploadsCommandOutput];
  ListParts: [s3.ListPartsCommandInput, s3.ListPartsCommandOutput];
  Scan: [ddb.ScanCommandInput, ddb.ScanCommandOutput];
  Query: [ddb.QueryCommandInput, ddb.QueryCommandOutput];
  ListTables: [ddb.ListTablesCommandInput, ddb.ListTablesCommandOutput];
  ListTagsOfResource: [ddb.ListTagsOfResourceCommandInput, ddb.ListTagsOfResourceCommandOutput];
  DescribeInstances: [ec2.DescribeInstancesCommandInput, ec2.DescribeInstancesCommandOutput];
  ListUsers: [iam.ListUsersCommandInput, iam.ListUsersCommandOutput];
  ListRoles: [iam.ListRolesCommandInput, iam.ListRolesCommandOutput];
}
interface HandWrittenBotoNames {
  list_objects_v2: "ListObjectsV2";
  list_objects: "ListObjects";
  list_object_versions: "ListObjectVersions";
  list_multipart_uploads: "ListMultipartUploads";
  list_parts: "ListParts";
  scan: "Scan";
  query: "Query";
  list_tables: "ListTables";
  list_tags_of_resource: "ListTagsOfResource";
  describe_instances: "DescribeInstances";
  list_users: "ListUsers";
  list_roles: "ListRoles";
}

describe("types derived from the table", () => {
  it("are the types that were written by hand", () => {
    assertType<Equal<OperationTypes, HandWrittenOperationTypes>>();
    assertType<Equal<BotoNames, HandWrittenBotoNames>>();
    assertType<Equal<OperationName, keyof HandWrittenOperationTypes | keyof HandWrittenBotoNames>>();
    assertType<Equal<ServiceOf, "S3" | "DynamoDB" | "EC2" | "IAM">>();
    assertType<Equal<InputOf<"scan">, ddb.ScanCommandInput>>();
    assertType<Equal<OutputOf<"DescribeInstances">, ec2.DescribeInstancesCommandOutput>>();
  });

  it("type pages and input by operation, under either name", () => {
    const client = fakeClient("S3") as unknown as s3.S3Client;
    const list = () => getPaginator(client, "list_objects_v2");
    assertType<Equal<PageOf<ReturnType<typeof list>>, s3.ListObjectsV2CommandOutput>>();
    assertType<Equal<PageOf<ReturnType<typeof getPaginator<"ListObjects">>>, s3.ListObjectsCommandOutput>>();
    const usePages = async () => {
      for await (const page of list().paginate({ Bucket: "b", PaginationConfig: { MaxItems: 1 } })) {
        const contents: s3.ListObjectsV2CommandOutput["Contents"] = page.Contents;
        // @ts-expect-error an S3 listing has no Users
        void page.Users;
        void contents;
      }
      // @ts-expect-error Bucket is a string
      list().paginate({ Bucket: 1 });
    };
    void usePages;
  });

  it("compute boto3's name as botoName() does", () => {
    assertType<Equal<BotoName<"ListObjectsV2">, "list_objects_v2">>();
    assertType<Equal<BotoName<"DescribeDBInstances">, "describe_db_instances">>();
    assertType<
      Equal<BotoName<"ListAWSServiceAccessForOrganization">, "list_aws_service_access_for_organization">
    >();
    assertType<Equal<BotoName<"GetV2Logging">, "get_v2_logging">>();
    for (const [sdk, boto] of [
      ["ListObjectsV2", "list_objects_v2"],
      ["DescribeDBInstances", "describe_db_instances"],
      ["ListAWSServiceAccessForOrganization", "list_aws_service_access_for_organization"],
      ["GetV2Logging", "get_v2_logging"],
    ]) {
      assert.equal(botoName(sdk), boto);
    }
  });
});

describe("the table", () => {
  it("binds each row to its SDK command class, and the command to the row's input", async () => {
    for (const row of OPERATIONS) {
      const command = await row.command();
      assert.equal(typeof command, "function", row.operation);
      assert.equal(command.name, `${row.operation}Command`);
      // The engine builds its requests with it.
      const client = fakeClient(row.service, () => ({}));
      await getPaginator(client, row.operation).paginate({}).toArray();
      assert.ok(client.sent[0] instanceof command, `${row.operation}: the request is a ${command.name}`);
    }
    const client = fakeClient("S3", () => ({ Contents: [] }));
    await getPaginator(client, "list_objects_v2").paginate({ Bucket: "b", Prefix: "p/" }).toArray();
    assert.ok(client.sent[0] instanceof s3.ListObjectsV2Command);
    assert.deepEqual((client.sent[0] as s3.ListObjectsV2Command).input, { Bucket: "b", Prefix: "p/" });
  });

  it("has one row per name, and a boto3 name derived from each SDK name", () => {
    const names = OPERATIONS.flatMap((o) => [o.operation, botoNameOf(o)]);
    assert.equal(new Set(names).size, names.length);
    for (const o of OPERATIONS)
      assert.equal(botoNameOf(o), botoName(o.operation), "no override needed for these");
  });

  it("is where the service list and the supported-operations messages come from", () => {
    assert.deepEqual(servicesOf(), ["S3", "DynamoDB", "EC2", "IAM"]);
    assert.equal(
      messageOf(() => getPaginator(fakeClient("S3"), "list_buckets_v9")),
      'paginator.operation: "list_buckets_v9" is not a paginated S3 operation here. Supported: list_objects_v2 (ListObjectsV2), ' +
        "list_objects (ListObjects), list_object_versions (ListObjectVersions), list_multipart_uploads (ListMultipartUploads), " +
        "list_parts (ListParts). Adding one is adding a row to src/paginator/operations.ts.",
    );
    assert.equal(
      messageOf(() => getPaginator(fakeClient("S3"), "scan")),
      "paginator.service: scan is a DynamoDB operation, but this is a S3 client. Create the paginator from a DynamoDB client.",
    );
    assert.equal(
      messageOf(() => getPaginator(fakeClient("Lambda"), "list_functions")),
      'paginator.operation: "list_functions" is not a paginated Lambda operation here. No Lambda operations are supported. ' +
        "Adding one is adding a row to src/paginator/operations.ts.",
    );
    assert.equal(messageOf(() => getPaginator({}, "list_objects_v2")).split(":")[0], "paginator.client");
  });

  it("prints a row as botocore's recipe (the command class is not enumerable)", () => {
    const printed = inspect(getPaginator(fakeClient("S3"), "list_objects_v2").definition);
    assert.equal(
      printed,
      inspect({
        service: "S3",
        operation: "ListObjectsV2",
        inputToken: ["ContinuationToken"],
        outputToken: ["NextContinuationToken"],
        limitKey: "MaxKeys",
        resultKeys: ["Contents", "CommonPrefixes"],
        moreResults: "IsTruncated",
        nonAggregateKeys: ["RequestCharged", "Prefix"],
      }),
    );
    // So a row copied by spreading has no command: said at once, not as a TypeError on the first page.
    const copy = { ...OPERATIONS[0], resultKeys: ["Contents"] };
    assert.match(
      messageOf(() => getPaginator(fakeClient("S3"), "list_objects_v2", { operations: [copy] })),
      /no command class.*make rows with op\(\)/,
    );
  });
});

describe("adding an operation is adding a row", () => {
  // A service the kit has never heard of, with its own SDK-shaped package and command.
  interface ListThingsInput {
    Group: string;
    Next?: string;
    Limit?: number;
  }
  interface ListThingsOutput {
    Things?: string[];
    Next?: string;
  }
  class ListThingsCommand {
    constructor(readonly input: ListThingsInput) {}
    resolveMiddleware(): (args: unknown) => Promise<{ output: ListThingsOutput }> {
      throw new Error("only sent through the fake client");
    }
  }
  const things = sdkPackage("Things", async () => ({ ListThingsCommand }));
  const THINGS = Array.from({ length: 10 }, (_, i) => `thing-${i}`);
  const thingsClient = () =>
    fakeClient("Things", ({ input }) => {
      const from = Number(input.Next ?? 0);
      const to = from + Number(input.Limit ?? 4);
      return { Things: THINGS.slice(from, to), Next: to < THINGS.length ? String(to) : undefined };
    });

  // The one row.
  const operations = [
    ...OPERATIONS,
    op(things, "ListThings", {
      inputToken: ["Next"],
      outputToken: ["Next"],
      limitKey: "Limit",
      resultKeys: ["Things"],
    }),
  ];

  it("pages, cuts at MaxItems and resumes from its token, typed, under both names", async () => {
    const client = thingsClient();
    const paginator = getPaginator(client, "list_things", { operations });
    assertType<Equal<PageOf<typeof paginator>, ListThingsOutput>>();
    const pages = await paginator.paginate({ Group: "g", PaginationConfig: { PageSize: 3 } }).toArray();
    assert.deepEqual(
      pages.map((p) => p.Things?.length),
      [3, 3, 3, 1],
    );

    const first = getPaginator(client, "ListThings", { operations }).paginate({
      Group: "g",
      PaginationConfig: { PageSize: 3, MaxItems: 5 },
    });
    const head = await first.items<string>().toArray();
    assert.deepEqual(head, THINGS.slice(0, 5));
    assert.deepEqual(tryDecodeToken(first.resumeToken!), { Next: "3", boto_truncate_amount: 2 });
    assert.deepEqual(
      first.requests.map((r) => [r.sent, r.received, r.items]),
      [
        [{ Next: null }, { Next: "3" }, 3],
        [{ Next: "3" }, { Next: "6" }, 2],
      ],
    );
    const rest = await paginator
      .paginate({ Group: "g", PaginationConfig: { PageSize: 3, StartingToken: first.resumeToken } })
      .items<string>()
      .toArray();
    assert.deepEqual(rest, THINGS.slice(5));
  });

  it("shows up in the messages, which still come from the table", () => {
    assert.match(
      messageOf(() => getPaginator(fakeClient("Things"), "list_stuff", { operations })),
      /"list_stuff" is not a paginated Things operation here\. Supported: list_things \(ListThings\)\./,
    );
    assert.match(
      messageOf(() => getPaginator(fakeClient("S3"), "list_things", { operations })),
      /list_things is a Things operation, but this is a S3 client/,
    );
    // Without the row, the kit does not know it.
    assert.match(
      messageOf(() => getPaginator(thingsClient(), "list_things")),
      /No Things operations are supported/,
    );
  });

  it("takes botocore's name where it differs from the derived one", () => {
    const row = op(things, "ListThings", {
      botoNameOverride: "list_things_v1",
      inputToken: ["Next"],
      outputToken: ["Next"],
      resultKeys: ["Things"],
    });
    assertType<Equal<BotoNames<[typeof row]>, { list_things_v1: "ListThings" }>>();
    assert.equal(botoNameOf(row), "list_things_v1");
    assert.equal(getPaginator(thingsClient(), "list_things_v1", { operations: [row] }).definition, row);
    assert.match(
      messageOf(() => getPaginator(fakeClient("Things"), "nope", { operations: [row] })),
      /Supported: list_things_v1 \(ListThings\)/,
    );
  });

  it("is checked by the compiler against the SDK package", () => {
    // A package named by its loader is typed from the package itself: any of its operations.
    const iamPackage = sdkPackage("IAM", () => import("@aws-sdk/client-iam"));
    // @ts-expect-error the IAM package has no ListThingsCommand
    op(iamPackage, "ListThings", {
      inputToken: ["Next"],
      outputToken: ["Next"],
      resultKeys: ["Things"],
    });
    const listPolicies = op(iamPackage, "ListPolicies", {
      inputToken: ["Marker"],
      outputToken: ["Marker"],
      resultKeys: ["Policies"],
    });
    assertType<Equal<InputOf<"list_policies", [typeof listPolicies]>, iam.ListPoliciesCommandInput>>();
    assertType<Equal<OutputOf<"ListPolicies", [typeof listPolicies]>, iam.ListPoliciesCommandOutput>>();
  });

  it("SDK_PACKAGES has the table's operations of DynamoDB, EC2 and IAM, typed as their packages type them", () => {
    // Only the table's: the kit's declarations copy those shapes instead of naming the packages
    // (scripts/lib/sdk-shapes.ts), so a notebook does not parse 13.5 MB of them to start.
    // @ts-expect-error ListPolicies is not in the table: name the package (the test above)
    op(SDK_PACKAGES.IAM, "ListPolicies", {
      inputToken: ["Marker"],
      outputToken: ["Marker"],
      resultKeys: ["Policies"],
    });
    const users = op(SDK_PACKAGES.IAM, "ListUsers", {
      inputToken: ["Marker"],
      outputToken: ["Marker"],
      resultKeys: ["Users"],
    });
    assertType<Equal<OutputOf<"ListUsers", [typeof users]>, iam.ListUsersCommandOutput>>();
    const all = op(SDK_PACKAGES.S3, "ListBuckets", {
      inputToken: ["ContinuationToken"],
      outputToken: ["ContinuationToken"],
      resultKeys: ["Buckets"],
    });
    assertType<Equal<OutputOf<"ListBuckets", [typeof all]>, s3.ListBucketsCommandOutput>>();
  });
});
