/** The paginator's behaviour beyond boto3 parity: errors, safety, trace, abort, failures. */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { inspect } from "node:util";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { IAMClient } from "@aws-sdk/client-iam";
import { sandboxClient } from "../../src/aws/clients";
import { type RequestEvent, getPaginator } from "../../src/paginator/engine";
import { encodeToken, tryDecodeToken } from "../../src/paginator/token";
import { KitError } from "../../src/util/errors";
import { requestRows } from "../../src/notebook/trace";
import { startProxy } from "../../src/testing";
import { s3Via, sandboxS3, sandboxState } from "../helpers/sandbox";

const s3 = sandboxS3();
const PREFIX = "us_stocks_sip/day_aggs_v1/";
const list = (config = {}, options = {}) =>
  getPaginator(s3, "list_objects_v2").paginate(
    { Bucket: "flatfiles", Prefix: PREFIX, PaginationConfig: config },
    options,
  );
after(() => s3.destroy());

async function codeOf(p: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof p === "function" ? p() : p);
  } catch (e) {
    assert.ok(e instanceof KitError, `not a KitError: ${e}`);
    return e.code;
  }
  return "no error";
}

let allKeys: string[] = [];
async function fullListing(): Promise<string[]> {
  if (!allKeys.length) allKeys = (await list().items<{ Key: string }>().toArray()).map((o) => o.Key);
  return allKeys;
}

describe("getPaginator", () => {
  it("accepts boto3 and SDK operation names", () => {
    assert.equal(getPaginator(s3, "list_objects_v2").definition.operation, "ListObjectsV2");
    assert.equal(getPaginator(s3, "ListObjects").definition.operation, "ListObjects");
    assert.equal(getPaginator(sandboxClient(IAMClient), "list_users").definition.operation, "ListUsers");
  });

  it("explains an unknown operation, a client of the wrong service and a non-client", async () => {
    assert.equal(await codeOf(() => getPaginator(s3, "list_buckets_v9")), "paginator.operation");
    assert.throws(() => getPaginator(s3, "scan"), /Scan is a DynamoDB operation, but this is a S3 client/i);
    assert.equal(await codeOf(() => getPaginator({}, "list_objects_v2")), "paginator.client");
  });
});

describe("paginate", () => {
  it("never changes the caller's input", async () => {
    const input = Object.freeze({
      Bucket: "flatfiles",
      Prefix: PREFIX,
      PaginationConfig: Object.freeze({ MaxItems: 1500, PageSize: 700 }),
    });
    const copy = structuredClone(input);
    const it = getPaginator(s3, "list_objects_v2").paginate(input);
    await it.toArray();
    assert.deepEqual(input, copy);
    assert.equal(it.requests.length, 3);
  });

  it("rejects bad PaginationConfig values before any request", async () => {
    for (const bad of [
      { MaxItems: 0 },
      { MaxItems: -3 },
      { PageSize: 2.5 },
      { PageSize: "ten" },
      { MaxKeys: 5 },
    ]) {
      assert.equal(await codeOf(() => list(bad)), "paginator.config", JSON.stringify(bad));
    }
    const ddb = sandboxClient(DynamoDBClient);
    assert.throws(
      () =>
        getPaginator(ddb, "list_tags_of_resource").paginate({
          ResourceArn: "arn:aws:dynamodb:us-east-1:123456789012:table/tickers",
          PaginationConfig: { PageSize: 5 },
        }),
      /PageSize is not supported for ListTagsOfResource/,
    );
  });

  it("rejects a malformed token and a token from another operation, naming the problem", async () => {
    const notObject = Buffer.from("[1, 2]").toString("base64");
    assert.equal(await codeOf(() => list({ StartingToken: notObject })), "token.malformed");
    const badAmount = encodeToken({ ContinuationToken: "x", boto_truncate_amount: -1 });
    assert.equal(await codeOf(() => list({ StartingToken: badAmount })), "token.malformed");
    const iamToken = encodeToken({ Marker: "learner-050" });
    assert.throws(
      () => list({ StartingToken: iamToken }),
      /belongs to another operation: it carries Marker, but ListObjectsV2 resumes with ContinuationToken/,
    );
  });

  it("passes a raw service token through, as boto3 does, and explains one the service rejects", async () => {
    const first = await list({ PageSize: 1000 }).toArray(1);
    const raw = first[0].NextContinuationToken as string;
    const resumed = await list({ StartingToken: raw, MaxItems: 2 }).items<{ Key: string }>().toArray();
    assert.deepEqual(
      resumed.map((o) => o.Key),
      (await fullListing()).slice(1000, 1002),
    );
    const strict = s3Via(sandboxState().endpoint, 1);
    const garbage = getPaginator(strict, "list_objects_v2").paginate({
      Bucket: "flatfiles",
      PaginationConfig: { StartingToken: "not-a-token" },
    });
    await assert.rejects(
      garbage.toArray(),
      (e: KitError) => e.code === "token.rejected" && /not-a-token/.test(e.message),
    );
    strict.destroy();
  });

  it("checks a JMESPath expression before any request and points at the error", async () => {
    const events: RequestEvent[] = [];
    const it = list({}, { onRequest: (e: RequestEvent) => events.push(e) });
    assert.throws(
      () => it.search("Contents[?Size > `100`"),
      (e: KitError) => {
        assert.equal(e.code, "jmespath.syntax");
        assert.match(e.message, /position 22: Incomplete expression/); // it ends before its "]" (jmespath.py's words)
        return true;
      },
    );
    assert.throws(() => it.search("Contents[].Key ^ 1"), /position 15: Unknown token \^/);
    assert.equal(events.length, 0);
  });

  it("reports every request: page, tokens sent and received, items, attempts", async () => {
    const events: RequestEvent[] = [];
    const it = list({ MaxItems: 2500 }, { onRequest: (e: RequestEvent) => events.push(e) });
    await it.toArray();
    assert.deepEqual(
      events.map((e) => e.items),
      [1000, 1000, 500],
    );
    assert.deepEqual(events[0].sent, { ContinuationToken: null });
    assert.deepEqual(events[1].sent, events[0].received);
    assert.deepEqual(events[2].sent, events[1].received);
    assert.ok(events.every((e) => e.milliseconds > 0 && e.attempts === 1));
    assert.deepEqual(it.requests, events);
  });

  it("records a page cut by MaxItems as it was: the token the server sent, items received and kept", async () => {
    const it = list({ PageSize: 500, MaxItems: 1200 });
    await it.toArray();
    const cut = it.requests[2];
    assert.equal(cut.cut, "MaxItems");
    assert.deepEqual([cut.itemsReceived, cut.items], [500, 200]);
    assert.ok(
      cut.received?.ContinuationToken,
      "the server sent a token for a 4th page; the trace must show it",
    );
    const rows = requestRows(it.requests);
    assert.equal(rows[2].items, "500 received, 200 kept");
    assert.match(
      String(rows[2]["token received"]),
      /^ContinuationToken=.+ \(not followed: MaxItems reached\)$/,
    );
    assert.equal(rows[1].items, 500);

    // A resumed listing drops the items already handed out from its first page, and says so.
    const resumed = list({ PageSize: 500, MaxItems: 100, StartingToken: it.resumeToken });
    await resumed.toArray();
    assert.deepEqual([resumed.requests[0].itemsReceived, resumed.requests[0].items], [500, 100]);
    const last = list({ PageSize: 500, StartingToken: it.resumeToken });
    await last.toArray();
    assert.deepEqual(
      [last.requests[0].itemsReceived, last.requests[0].items, last.requests[0].cut],
      [500, 300, "StartingToken"],
    );
    assert.equal(last.requests.at(-1)!.received, null);
  });

  it("yields items across pages and resumes mid-page after MaxItems with nothing lost or repeated", async () => {
    const all = await fullListing();
    const seen: string[] = [];
    let token: string | undefined;
    for (const n of [333, 1200, 1, 999]) {
      const it = list({ MaxItems: n, StartingToken: token });
      for (const o of await it.items<{ Key: string }>().toArray()) seen.push(o.Key);
      token = it.resumeToken;
    }
    assert.deepEqual(seen, all.slice(0, 333 + 1200 + 1 + 999));
  });

  it("leaving a loop over pages early resumes after the last page handed out", async () => {
    const all = await fullListing();
    const it = list({ PageSize: 300 });
    const got: string[] = [];
    for await (const page of it) {
      for (const o of page.Contents as { Key: string }[]) got.push(o.Key);
      if (got.length >= 900) break;
    }
    assert.equal(got.length, 900);
    assert.ok(it.resumeToken, "a resume token after break");
    const rest = (
      await list({ StartingToken: it.resumeToken, PageSize: 300 }).items<{ Key: string }>().toArray()
    ).map((o) => o.Key);
    assert.deepEqual([...got, ...rest], all);
  });

  it("leaving a loop over items in the middle of a page resumes at the next item, in boto3's token form", async () => {
    const all = await fullListing();
    const seen: string[] = [];
    let token: string | undefined;
    // Stops inside the first page, inside a later page, then inside the first page of a resumed listing.
    for (const stopAfter of [250, 730, 5]) {
      const it = list({ PageSize: 300, StartingToken: token });
      let n = 0;
      for await (const o of it.items<{ Key: string }>()) {
        seen.push(o.Key);
        if (++n === stopAfter) break;
      }
      token = it.resumeToken;
      assert.ok(token);
      assert.equal(
        typeof (tryDecodeToken(token!) as Record<string, unknown>).boto_truncate_amount,
        "number",
        "the next item is a truncate amount, as boto3 writes it",
      );
    }
    const rest = (await list({ StartingToken: token }).items<{ Key: string }>().toArray()).map((o) => o.Key);
    assert.deepEqual([...seen, ...rest], all, "nothing skipped, nothing repeated");
    // toArray(limit) stops the same way.
    const first = list({ PageSize: 300 });
    const ten = await first.items<{ Key: string }>().toArray(10);
    const after = await list({ StartingToken: first.resumeToken, MaxItems: 3 })
      .items<{ Key: string }>()
      .toArray();
    assert.deepEqual(
      [...ten, ...after].map((o) => o.Key),
      all.slice(0, 13),
    );
  });

  it("refuses a token this process issued for another prefix, bucket or operation, before any request", async () => {
    const a = list({ MaxItems: 1200 });
    await a.toArray();
    const token = a.resumeToken!;
    const other = () =>
      getPaginator(s3, "list_objects_v2").paginate({
        Bucket: "flatfiles",
        Prefix: "us_indices/day_aggs_v1/",
        PaginationConfig: { StartingToken: token },
      });
    assert.equal(await codeOf(other), "token.mismatch");
    assert.throws(
      () =>
        getPaginator(s3, "list_objects_v2").paginate({
          Bucket: "kit-scratch",
          Prefix: PREFIX,
          PaginationConfig: { StartingToken: token },
        }),
      /continues another listing: it was issued for ListObjectsV2 with Bucket "flatfiles", Prefix "us_stocks_sip\/day_aggs_v1\/", and this request is ListObjectsV2 with Bucket "kit-scratch"/,
    );
    // ListObjects (v1) takes a Marker, not a ContinuationToken: refused as not its token.
    assert.match(
      await codeOf(() =>
        getPaginator(s3, "list_objects").paginate({
          Bucket: "flatfiles",
          Prefix: PREFIX,
          PaginationConfig: { StartingToken: token },
        }),
      ),
      /^token\./,
    );
    // The same request with another page size is the same listing: accepted, and it continues right.
    const rest = await list({ StartingToken: token, PageSize: 500, MaxItems: 3 })
      .items<{ Key: string }>()
      .toArray();
    assert.deepEqual(
      rest.map((o) => o.Key),
      (await fullListing()).slice(1200, 1203),
    );
  });

  it("shows a paginator and its pages in one line when a notebook prints them, not the SDK client", async () => {
    const p = getPaginator(s3, "list_objects_v2");
    assert.equal(
      inspect(p),
      "Paginator(ListObjectsV2): call .paginate({ ...input, PaginationConfig }) for its pages",
    );
    const it = list({ MaxItems: 1200 });
    await it.toArray();
    const shown = inspect(it);
    assert.equal(shown.split("\n").length, 1);
    assert.match(
      shown,
      /^PageIterator\(ListObjectsV2 with Bucket "flatfiles", Prefix "us_stocks_sip\/day_aggs_v1\/", PaginationConfig: \{"MaxItems":1200\}\): 2 requests so far, resumeToken \S+$/,
    );
    assert.ok(!shown.includes(sandboxState().accessKeyId));
  });

  it("stops on an abort signal with a resume token at the next item", async () => {
    const controller = new AbortController();
    const it = list({ PageSize: 400 }, { signal: controller.signal });
    const got: string[] = [];
    await assert.rejects(
      it.forEach((page) => {
        for (const o of page.Contents as { Key: string }[]) got.push(o.Key);
        if (got.length >= 800) controller.abort();
      }),
      (e: KitError) => e.code === "paginator.aborted",
    );
    const rest = await list({ StartingToken: it.resumeToken, MaxItems: 5 })
      .items<{ Key: string }>()
      .toArray();
    assert.deepEqual([...got, ...rest.map((o) => o.Key)], (await fullListing()).slice(0, 805));
  });

  it("keeps resumeToken at the last good position when a page fails after the SDK's retries", async () => {
    const st = sandboxState();
    let failing = true;
    let listings = 0;
    const proxy = await startProxy(st.endpoint, {
      respond: (req) => {
        if (!req.url?.includes("list-type=2")) return null;
        listings++;
        return failing && listings >= 3
          ? { status: 500, body: "<Error><Code>InternalError</Code><Message>injected</Message></Error>" }
          : null;
      },
    });
    const client = s3Via(proxy.endpoint, 2);
    const p = getPaginator(client, "list_objects_v2");
    const it = p.paginate({ Bucket: "flatfiles", Prefix: PREFIX, PaginationConfig: { PageSize: 500 } });
    const got: string[] = [];
    await assert.rejects(
      it.forEach((page) => void got.push(...(page.Contents as { Key: string }[]).map((o) => o.Key))),
      (e: KitError) => /InternalError/.test(e.message) && /StartingToken/.test(e.message),
    );
    assert.equal(got.length, 1000);
    assert.equal(it.requests.at(-1)!.attempts, 2, "the SDK retried before giving up");
    failing = false;
    const rest = p.paginate({
      Bucket: "flatfiles",
      Prefix: PREFIX,
      PaginationConfig: { StartingToken: it.resumeToken },
    });
    for (const o of await rest.items<{ Key: string }>().toArray()) got.push(o.Key);
    assert.deepEqual(got, await fullListing());
    client.destroy();
    await proxy.close();
  });

  it("fails on a repeated next token instead of looping, comparing map tokens by value", async () => {
    const st = sandboxState();
    let firstBody: Buffer | null = null;
    // Replays the first answer forever: the service "returns the same token twice".
    const proxy = await startProxy(st.endpoint, { rewrite: (body) => (firstBody ??= body) });
    const iam = sandboxClient(IAMClient, { endpoint: proxy.endpoint, maxAttempts: 1 });
    const users = getPaginator(iam, "list_users").paginate({ PaginationConfig: { PageSize: 10 } });
    await assert.rejects(
      users.toArray(),
      (e: KitError) => e.code === "paginator.repeated-token" && /learner-010/.test(e.message),
    );
    assert.equal(users.requests.length, 2);

    firstBody = null;
    const ddb = sandboxClient(DynamoDBClient, { endpoint: proxy.endpoint, maxAttempts: 1 });
    const scan = getPaginator(ddb, "scan").paginate({
      TableName: "tickers",
      PaginationConfig: { PageSize: 10 },
    });
    await assert.rejects(
      scan.toArray(),
      (e: KitError) => e.code === "paginator.repeated-token" && /ExclusiveStartKey/.test(e.message),
    );
    assert.equal(scan.requests.length, 2);
    assert.ok(tryDecodeToken(scan.resumeToken!));
    iam.destroy();
    ddb.destroy();
    await proxy.close();
  });
});
