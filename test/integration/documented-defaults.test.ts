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

// The input each service's listing needs on the sandbox; ListParts needs an upload in progress,
// which the sandbox has none of, so its documented default cannot be observed there.
const INPUT: Record<string, object> = { S3: { Bucket: "flatfiles" }, IAM: {} };
const clients: Record<string, () => unknown> = { S3: sandboxS3, IAM: () => sandboxClient(IAMClient) };

const documented = OPERATIONS.filter((o) => o.limitKey).map((o) => ({ o, doc: documentedPageSize(o.service, o.operation) }));

describe("default page sizes: the sandbox against the service models", () => {
  it("the models state a default for S3's and IAM's listings (and the reader finds it)", () => {
    const stated = documented.filter((d) => d.doc.documented !== null).map((d) => d.doc.operation);
    for (const name of ["S3 ListObjectsV2", "S3 ListObjects", "IAM ListUsers", "IAM ListRoles"])
      assert.ok(stated.includes(name), `${name}: ${JSON.stringify(documented.map((d) => d.doc))}`);
  });

  for (const { o, doc } of documented.filter((d) => d.doc.documented !== null && d.o.operation !== "ListParts")) {
    it(`${doc.operation}: a first page without a page size holds the documented ${doc.documented}`, async () => {
      const client = clients[o.service]?.();
      assert.ok(client, `no sandbox client for ${o.service}`);
      // biome-ignore lint/suspicious/noExplicitAny: any client of the table
      const [first] = await getPaginator(client as any, o.operation).paginate(INPUT[o.service]).toArray(1);
      const key = o.resultKeys[0];
      const items = ((first as Record<string, unknown[]>)[key] ?? []).length;
      const more = Boolean(o.moreResults ? (first as Record<string, unknown>)[o.moreResults] : false);
      if (more) assert.equal(items, doc.documented, `${doc.operation}: ${items} items on a truncated first page`);
      else assert.ok(items <= (doc.documented ?? 0), `${doc.operation}: ${items} items, more than documented`);
    });
  }
});
