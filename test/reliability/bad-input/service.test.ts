/**
 * Bad input, the service and the network (keys, buckets, endpoints, error pages, the sandbox):
 * one row each, a KitError (or a one-line CLI message) with a specific
 * code and a message naming the problem and the fix. docs/reliability.md lists the same table.
 */
import { after } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { inspect } from "node:util";
import { Secret } from "../../../src/config/secret";
import { getPaginator } from "../../../src/paginator/engine";
import { sandboxStateFile } from "../../../src/util/paths";
import { downloadFile } from "../../../src/flatfiles/download";
import { checkBucket } from "../../../src/notebook/setup-check";
import { startProxy, startSandbox } from "../../../src/testing";
import { s3Via, sandboxConfig, sandboxState, sandboxS3 } from "../../helpers/sandbox";
import { type Row, badInputTable, tmp, failure, cliWith } from "./helpers";

const s3 = sandboxS3();
after(() => s3.destroy());

async function setupCheck(config: ReturnType<typeof sandboxConfig>): Promise<string> {
  const r = await checkBucket(config, { show: false });
  assert.equal(r.ok, false);
  return `${r.code}: ${r.message}`;
}

const ROWS: Row[] = [
  [
    "wrong secret",
    () => setupCheck({ ...sandboxConfig(), secretAccessKey: new Secret("wrong-secret") }),
    /SignatureDoesNotMatch.*swapped/,
  ],
  [
    "unknown key id",
    () => setupCheck({ ...sandboxConfig(), accessKeyId: new Secret("AKIAUNKNOWN000000000") }),
    /InvalidAccessKeyId.*Flat Files section/,
  ],
  [
    "key id and secret swapped",
    () =>
      setupCheck({
        ...sandboxConfig(),
        accessKeyId: sandboxConfig().secretAccessKey,
        secretAccessKey: sandboxConfig().accessKeyId,
      }),
    /InvalidAccessKeyId.*swapped/,
  ],
  [
    "endpoint unreachable",
    () => setupCheck({ ...sandboxConfig(), endpoint: "http://127.0.0.1:9" }),
    /ECONNREFUSED.*npm run sandbox.*FLATFILES_ENDPOINT/,
  ],
  [
    "unknown bucket",
    () => setupCheck({ ...sandboxConfig(), bucket: "no-such-bucket" }),
    /NoSuchBucket.*FLATFILES_BUCKET=flatfiles/,
  ],
  [
    "dataset not in the plan (403)",
    () =>
      failure(() =>
        downloadFile(s3, "flatfiles", "us_options_opra/quotes_v1/2026/11/2026-11-20.csv.gz", {
          cacheDir: tmp(),
        }),
      ),
    /Forbidden \(HTTP 403\).*plan/,
  ],
  [
    "a second sandbox on the state file of a running one",
    async () => {
      const file = sandboxStateFile();
      const before = fs.readFileSync(file, "utf8");
      const message = await failure(() => startSandbox({ stateFile: file }));
      assert.equal(fs.readFileSync(file, "utf8"), before, "the running sandbox's state is untouched");
      return message;
    },
    /sandbox\.running: A sandbox is already running at http:\/\/127\.0\.0\.1:\d+ .*FLATFILES_SANDBOX_STATE/,
  ],
  [
    "a bucket typed in code that does not exist, listed with the paginator",
    () => failure(() => getPaginator(s3, "list_objects_v2").paginate({ Bucket: "no-such-bucket" }).toArray()),
    /aws\.NoSuchBucket: .*The bucket "no-such-bucket" does not exist at http:\/\/127\.0\.0\.1:\d+\/?\. Check the bucket name you passed: the flat files are in "flatfiles"\.$/,
  ],
  [
    "a listing against an endpoint where nothing listens",
    async () => {
      const c = s3Via("http://127.0.0.1:9", 1);
      try {
        return await failure(() =>
          getPaginator(c, "list_objects_v2").paginate({ Bucket: "flatfiles" }).toArray(),
        );
      } finally {
        c.destroy();
      }
    },
    /aws\.ECONNREFUSED: .*Nothing is listening at http:\/\/127\.0\.0\.1:9\. .*npm run sandbox/,
  ],
  [
    "https:// to the plain-HTTP sandbox",
    async () => {
      const c = s3Via(sandboxState().endpoint.replace("http:", "https:"), 1);
      try {
        return await failure(() =>
          downloadFile(c, "flatfiles", "us_indices/day_aggs_v1/2024/03/2024-03-15.csv.gz", {
            cacheDir: tmp(),
          }),
        );
      } finally {
        c.destroy();
      }
    },
    /does not speak HTTPS .*wrong version number.*use http:\/\/127\.0\.0\.1:\d+|write its address with http:\/\//,
  ],
  ...([414, 431, 500] as const).map(
    (status) =>
      [
        `HTTP ${status} with a web page instead of an S3 error`,
        async () => {
          const proxy = await startProxy(sandboxState().endpoint, {
            respond: () => ({ status, body: "<html><body>nope</body></html>" }),
          });
          const c = s3Via(proxy.endpoint, 1);
          try {
            return await failure(() =>
              getPaginator(c, "list_objects_v2").paginate({ Bucket: "flatfiles" }).toArray(),
            );
          } finally {
            c.destroy();
            await proxy.close();
          }
        },
        new RegExp(
          `aws\\.HTTP${status}: .*\\(HTTP ${status}\\)\\. .*${status === 414 ? "too long" : status === 431 ? "headers are too large" : "internal error"}.*not an S3 error document`,
        ),
      ] as [string, () => Promise<string>, RegExp],
  ),
  [
    "the object republished between two parts of a download (HTTP 412)",
    async () => {
      const proxy = await startProxy(sandboxState().endpoint, {
        respond: (req) =>
          req.method === "GET" && /[?&]x-id=GetObject/.test(req.url ?? "")
            ? {
                status: 412,
                body: "<Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message></Error>",
              }
            : null,
      });
      const c = s3Via(proxy.endpoint, 1);
      const cacheDir = tmp();
      try {
        return await failure(() =>
          downloadFile(c, "flatfiles", "us_indices/day_aggs_v1/2024/03/2024-03-15.csv.gz", { cacheDir }),
        );
      } finally {
        c.destroy();
        await proxy.close();
      }
    },
    /aws\.PreconditionFailed: .*us_indices\/day_aggs_v1\/2024\/03\/2024-03-15\.csv\.gz changed on the server while it was being downloaded.*Run the download again/,
  ],
  [
    "a KitError shown in a notebook (util.inspect): the message, not the SDK's request and metadata",
    async () => {
      let caught: unknown;
      try {
        await getPaginator(s3, "list_objects_v2").paginate({ Bucket: "no-such-bucket" }).toArray();
      } catch (e) {
        caught = e;
      }
      const shown = inspect(caught);
      assert.ok((caught as Error).cause, "the SDK error is kept as cause");
      assert.equal(shown.split("\n").length, 1, shown);
      assert.ok(!shown.includes(sandboxState().accessKeyId));
      return `${(caught as { code: string }).code}: ${shown}`;
    },
    /aws\.NoSuchBucket: KitError \[aws\.NoSuchBucket\]: .*does not exist/,
  ],
  [
    "`flatfiles ls` with FLATFILES_BUCKET naming a bucket that does not exist",
    () => {
      const st = sandboxState();
      const got = cliWith(
        {
          FLATFILES_TARGET: "massive",
          FLATFILES_ENDPOINT: st.endpoint,
          FLATFILES_ACCESS_KEY_ID: st.accessKeyId,
          FLATFILES_SECRET_ACCESS_KEY: st.secretAccessKey,
          FLATFILES_BUCKET: "no-such-bucket",
        },
        "ls",
      );
      assert.ok(!/StartingToken|\n\s+at /.test(got), got);
      return got;
    },
    /^exit 1: flatfiles: While listing "": NoSuchBucket \(HTTP 404\)\. The bucket "no-such-bucket" does not exist at http:\/\/127\.0\.0\.1:\d+\. Set FLATFILES_BUCKET=flatfiles/,
  ],
  ...(
    [
      [307, ""],
      [
        301,
        "<Error><Code>PermanentRedirect</Code><Message>The bucket you are attempting to access must be addressed using the specified endpoint.</Message><Endpoint>flatfiles.s3.eu-west-1.amazonaws.com</Endpoint><Bucket>flatfiles</Bucket></Error>",
      ],
    ] as const
  ).map(
    ([status, body]) =>
      [
        `HTTP ${status}: the endpoint redirects (another region or endpoint)${body ? ", with S3's error document" : ", no body"}`,
        async () => {
          const proxy = await startProxy(sandboxState().endpoint, { respond: () => ({ status, body }) });
          const c = s3Via(proxy.endpoint, 1);
          try {
            return await failure(() =>
              getPaginator(c, "list_objects_v2").paginate({ Bucket: "flatfiles" }).toArray(),
            );
          } finally {
            c.destroy();
            await proxy.close();
          }
        },
        new RegExp(
          `^aws\\.(PermanentRedirect|Redirect): .*\\(HTTP ${status}\\)\\. http://127\\.0\\.0\\.1:\\d+ redirected the request${body ? " to flatfiles\\.s3\\.eu-west-1\\.amazonaws\\.com" : ""}: .*FLATFILES_ENDPOINT.*FLATFILES_REGION${body ? "=eu-west-1" : ""}`,
        ),
      ] as Row,
  ),
];

badInputTable("service", ROWS);
