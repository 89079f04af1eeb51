/**
 * Adding an operation is adding a row (issue #14), against the sandbox: IAM ListPolicies is not
 * in the kit's table; one row, passed with the table, pages it like boto3 does (same pages, same
 * resume token bytes), with MaxItems, PageSize and StartingToken, and types its pages as
 * `ListPoliciesCommandOutput`. Nothing else in the kit knows about it.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { CreatePolicyCommand, DeletePolicyCommand, IAMClient, type Policy } from "@aws-sdk/client-iam";
import { sandboxClient } from "../../src/aws/clients";
import { getPaginator } from "../../src/paginator/engine";
import { OPERATIONS, op, sdkPackage } from "../../src/paginator/operations";
import { tryDecodeToken } from "../../src/paginator/token";
import { ensureSandboxPython } from "../../src/sandbox/python";
import { KitError } from "../../src/util/errors";
import { sandboxState } from "../helpers/sandbox";

// The row, as botocore's iam paginators-1.json has it.
const operations = [
  ...OPERATIONS,
  op(
    sdkPackage("IAM", () => import("@aws-sdk/client-iam")),
    "ListPolicies",
    {
      inputToken: ["Marker"],
      outputToken: ["Marker"],
      limitKey: "MaxItems",
      resultKeys: ["Policies"],
      moreResults: "IsTruncated",
    },
  ),
];

const iam = sandboxClient(IAMClient);
// Policies of this run only, under their own path, removed afterwards.
const PATH = `/kit-row-test-${process.pid}-${Date.now()}/`;
const NAMES = Array.from({ length: 7 }, (_, i) => `row-test-${i}`);
const input = { Scope: "Local" as const, PathPrefix: PATH };
const DOCUMENT = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Deny", Action: "s3:PutObject", Resource: "*" }],
});

/** The same listing through boto3's own ListPolicies paginator (test/parity/boto3_runner.py). */
function boto3(config: Record<string, unknown>): {
  pages: { Policies: number; ids: string[] }[];
  resumeToken: string | null;
} {
  const scenarios = [{ service: "iam", operation: "list_policies", params: input, config }];
  const r = spawnSync(ensureSandboxPython(), [path.join(__dirname, "../parity/boto3_runner.py")], {
    input: JSON.stringify({ sandbox: sandboxState(), scenarios }),
    encoding: "utf8",
  });
  assert.equal(r.status, 0, r.stderr);
  const [result] = JSON.parse(r.stdout);
  assert.ok(!result.error, `boto3 failed: ${result.message}`);
  return result;
}

describe("one row adds IAM ListPolicies", () => {
  before(async () => {
    for (const PolicyName of NAMES)
      await iam.send(new CreatePolicyCommand({ PolicyName, Path: PATH, PolicyDocument: DOCUMENT }));
  });
  after(async () => {
    const listed = await getPaginator(iam, "list_policies", { operations })
      .paginate(input)
      .items<Policy>()
      .toArray();
    for (const p of listed) await iam.send(new DeletePolicyCommand({ PolicyArn: p.Arn }));
    iam.destroy();
  });

  it("is unknown without the row", () => {
    assert.throws(
      () => getPaginator(iam, "list_policies"),
      (e: unknown) =>
        e instanceof KitError &&
        e.code === "paginator.operation" &&
        /Supported: list_users \(ListUsers\), list_roles \(ListRoles\)\./.test(e.message),
    );
  });

  it("pages with PageSize, typed as ListPoliciesCommandOutput, as boto3 does", async () => {
    const pages = getPaginator(iam, "list_policies", { operations }).paginate({
      ...input,
      PaginationConfig: { PageSize: 3 },
    });
    const names: string[][] = [];
    // page.Policies is Policy[]: `p.PolicyName` compiles only because the row's types reach here.
    await pages.forEach((page) => void names.push((page.Policies ?? []).map((p) => p.PolicyName!)));
    assert.deepEqual(names, [NAMES.slice(0, 3), NAMES.slice(3, 6), NAMES.slice(6)]);
    assert.deepEqual(
      pages.requests.map((r) => [r.sent.Marker, r.received?.Marker ?? null]),
      [
        [null, "3"],
        ["3", "6"],
        ["6", null],
      ],
    );
    const theirs = boto3({ PageSize: 3 });
    assert.deepEqual(
      theirs.pages.map((p) => p.ids),
      names,
    );
    assert.equal(pages.resumeToken, undefined);
    assert.equal(theirs.resumeToken, null);
  });

  it("stops at MaxItems inside a page with boto3's token, and resumes from it", async () => {
    const first = getPaginator(iam, "ListPolicies", { operations }).paginate({
      ...input,
      PaginationConfig: { PageSize: 3, MaxItems: 5 },
    });
    const head = await first.items<Policy>().toArray();
    assert.deepEqual(
      head.map((p) => p.PolicyName),
      NAMES.slice(0, 5),
    );
    assert.deepEqual(tryDecodeToken(first.resumeToken!), { Marker: "3", boto_truncate_amount: 2 });
    assert.equal(
      first.resumeToken,
      boto3({ PageSize: 3, MaxItems: 5 }).resumeToken,
      "byte-identical to boto3's token",
    );

    const rest = getPaginator(iam, "list_policies", { operations }).paginate({
      ...input,
      PaginationConfig: { PageSize: 3, StartingToken: first.resumeToken },
    });
    assert.deepEqual(
      (await rest.items<Policy>().toArray()).map((p) => p.PolicyName),
      NAMES.slice(5),
    );
    assert.deepEqual(
      rest.requests.map((r) => [r.sent.Marker, r.itemsReceived, r.items]),
      [
        ["3", 3, 1],
        ["6", 1, 1],
      ],
    );
  });

  it("builds the full result", async () => {
    const full = await getPaginator(iam, "list_policies", { operations })
      .paginate({ ...input, PaginationConfig: { PageSize: 2, MaxItems: 6 } })
      .buildFullResult();
    assert.deepEqual(
      (full.Policies as Policy[]).map((p) => p.PolicyName),
      NAMES.slice(0, 6),
    );
    assert.deepEqual(tryDecodeToken(full.NextToken as string), { Marker: "6" });
  });
});
