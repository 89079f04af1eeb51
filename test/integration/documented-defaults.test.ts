/**
 * The sandbox's default page sizes against what AWS documents. Notebook 02 sets the two side by
 * side; this walks every operation of the table whose service model states a default, so an
 * emulator rule that drifts from the real service's (stock moto returns every IAM user at once)
 * fails here rather than being taught as a fact.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { IAMClient } from "@aws-sdk/client-iam";
import { sandboxClient } from "../../src/aws/clients";
import { documentedPageSize } from "../../src/notebook/model-docs";
import { getPaginator } from "../../src/paginator/engine";
import { OPERATIONS } from "../../src/paginator/operations";
import { sandboxS3 } from "../helpers/sandbox";

// The input each service's listing needs on the sandbox. Not observed there: ListParts (it needs an
// upload in progress, and the sandbox has none) and ListObjectVersions (moto walks all 60,000 keys
// of the bucket for each page: over 150 s; its MaxKeys sentence is the one ListObjects' row checks).
const UNOBSERVED = new Set(["ListParts", "ListObjectVersions"]);
const INPUT: Record<string, object> = { S3: { Bucket: "flatfiles" }, IAM: {} };
const clients: Record<string, () => unknown> = { S3: sandboxS3, IAM: () => sandboxClient(IAMClient) };

const documented = OPERATIONS.filter((o) => o.limitKey).map((o) => ({
  o,
  doc: documentedPageSize(o.service, o.operation),
}));

describe("default page sizes: the sandbox against the service models", () => {
  it("the models state a default for S3's and IAM's listings (and the reader finds it)", () => {
    const stated = documented.filter((d) => d.doc.documented !== null).map((d) => d.doc.operation);
    for (const name of ["S3 ListObjectsV2", "S3 ListObjects", "IAM ListUsers", "IAM ListRoles"])
      assert.ok(stated.includes(name), `${name}: ${JSON.stringify(documented.map((d) => d.doc))}`);
  });

  for (const { o, doc } of documented.filter(
    (d) => d.doc.documented !== null && !UNOBSERVED.has(d.o.operation),
  )) {
    it(`${doc.operation}: a first page without a page size holds the documented ${doc.documented}`, async () => {
      const client = clients[o.service]?.();
      assert.ok(client, `no sandbox client for ${o.service}`);
      const pages = await getPaginator(client as never, o.operation)
        .paginate(INPUT[o.service])
        .toArray(1);
      const first = pages[0] as unknown as Record<string, unknown>;
      const items = ((first[o.resultKeys[0]] as unknown[] | undefined) ?? []).length;
      const more = Boolean(o.moreResults && first[o.moreResults]);
      if (more)
        assert.equal(items, doc.documented, `${doc.operation}: ${items} items on a truncated first page`);
      else
        assert.ok(items <= (doc.documented ?? 0), `${doc.operation}: ${items} items, more than documented`);
    });
  }
});
