/**
 * What boto3 refuses before any request, the kit refuses too: `PageSize` for every operation of
 * the table that has no page-size parameter (notebook 02 teaches this as boto3's rule, so boto3
 * itself is asked), and a well-formed PageSize is accepted by both for every operation that has
 * one. No request reaches a server: both refuse, or accept, at `paginate`.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import { getPaginator } from "../../src/paginator/engine";
import { OPERATIONS, botoNameOf } from "../../src/paginator/operations";
import { ensureSandboxPython } from "../../src/sandbox/python";
import { PACKAGE_ROOT } from "../../src/util/paths";
import { join, readNotebook } from "../../scripts/lib/notebook-file";

const BOTO3 = `
import json, sys, boto3
from botocore.exceptions import PaginationError
out = {}
for service, name, page_size in json.load(sys.stdin):
    client = boto3.client(service, region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="y")
    try:
        client.get_paginator(name).paginate(PaginationConfig={"PageSize": page_size})
        out[name] = "accepted"
    except PaginationError as e:
        out[name] = "PaginationError: " + str(e)
print(json.dumps(out))
`;

const BOTO_SERVICE: Record<string, string> = { S3: "s3", DynamoDB: "dynamodb", EC2: "ec2", IAM: "iam" };
// A fake client is enough: the kit checks PaginationConfig when paginate is called, before sending.
const fakeClient = (service: string) => ({ config: { serviceId: service }, send: async () => ({}) });

describe("refused before any request: boto3 and the kit agree on every operation", () => {
  let boto: Record<string, string> = {};
  const quoted = new Set<string>();
  before(() => {
    const cases = OPERATIONS.map((o) => [BOTO_SERVICE[o.service], botoNameOf(o), 5]);
    const r = spawnSync(ensureSandboxPython(), ["-c", BOTO3], {
      input: JSON.stringify(cases),
      encoding: "utf8",
    });
    assert.equal(r.status, 0, r.stderr);
    boto = JSON.parse(r.stdout);
  });

  for (const o of OPERATIONS) {
    it(`${o.service} ${o.operation}: PageSize 5 is ${o.limitKey ? "accepted" : "refused"} by both`, () => {
      let kit = "accepted";
      try {
        getPaginator(fakeClient(o.service) as never, o.operation).paginate({
          PaginationConfig: { PageSize: 5 },
        });
      } catch (e) {
        kit = `refused: ${(e as Error).message}`;
      }
      const theirs = boto[botoNameOf(o)];
      assert.ok(theirs, `boto3 has no paginator ${botoNameOf(o)}`);
      assert.equal(kit === "accepted", theirs === "accepted", `kit ${kit}; boto3 ${theirs}`);
      if (theirs !== "accepted") quoted.add(theirs.replace(/^PaginationError: /, ""));
    });
  }

  it("notebook 02 quotes boto3's refusal word for word", () => {
    assert.equal(quoted.size, 1, [...quoted].join(" | "));
    const nb = readNotebook(path.join(PACKAGE_ROOT, "notebooks", "02-pagination-step-by-step.ipynb"));
    const prose = nb.cells.map((c) => join(c.source)).join("\n");
    assert.ok(prose.includes(`*"${[...quoted][0]}"*`), "the message notebook 02 quotes is not boto3's");
  });
});
