/**
 * Habit 1 of issue 31, what a hostile or broken server says about its listings is bounded: a
 * server written here (the fault proxy answering by itself, over real HTTP through the SDK)
 * claims keys, sizes, ETags and tokens, and every claim the catalog or the paginator takes is
 * checked. The matrix walks every field of a listed object with hostile values, every token
 * cycle up to length 4, and endless fresh tokens; each either gives the honest days or stops
 * with a KitError, in a bounded number of requests. Plans and file names are bounded too.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe, it } from "node:test";
import {
  MAX_LISTED_PER_PREFIX,
  MAX_PAGES_PER_PREFIX,
  discoverDatasets,
  listDays,
} from "../../../src/flatfiles/catalog";
import { downloadFile } from "../../../src/flatfiles/download";
import { planRange } from "../../../src/flatfiles/range";
import { getPaginator } from "../../../src/paginator/engine";
import { startProxy } from "../../../src/sandbox/proxy";
import { KitError } from "../../../src/util/errors";
import { NAME_LIMITS, checkFileName } from "../../../src/util/file-name";
import { s3Via, sandboxS3, sandboxState } from "../../helpers/sandbox";

const DATASET = "us_stocks_sip/day_aggs_v1";
const MONTH = `${DATASET}/2024/03/`;
const honestKey = (day: string) => `${DATASET}/2024/03/2024-03-${day}.csv.gz`;

interface Listed {
  Key: string;
  Size?: string;
  ETag?: string;
}

/** A ListObjectsV2 answer as S3 writes it. */
function listing(objects: Listed[], next?: string): string {
  const contents = objects
    .map(
      (o) =>
        `<Contents><Key>${o.Key}</Key><LastModified>2024-03-16T11:00:00.000Z</LastModified><ETag>${o.ETag ?? "&quot;0cc175b9c0f1b6a831c399e269772661&quot;"}</ETag><Size>${o.Size ?? "1234"}</Size><StorageClass>STANDARD</StorageClass></Contents>`,
    )
    .join("");
  return `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>flatfiles</Name><Prefix>${MONTH}</Prefix><KeyCount>${objects.length}</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>${next ? "true" : "false"}</IsTruncated>${contents}${next ? `<NextContinuationToken>${next}</NextContinuationToken>` : ""}</ListBucketResult>`;
}

/** A server that answers each listing request with `answer(n, token)`; the requests it got are counted. */
async function hostile(answer: (n: number, token: string | null) => string) {
  const proxy = await startProxy(sandboxState().endpoint, {
    respond: (req, n) => {
      const token = new URL(req.url!, "http://x").searchParams.get("continuation-token");
      return { status: 200, body: answer(n, token) };
    },
  });
  const client = s3Via(proxy.endpoint, 1);
  return {
    ref: { client, bucket: "flatfiles" },
    requests: () => proxy.requests,
    close: async () => {
      client.destroy();
      await proxy.close();
    },
  };
}

async function outcome(answer: (n: number, token: string | null) => string) {
  const server = await hostile(answer);
  try {
    const days = await listDays(server.ref, DATASET, "2024-03-01", "2024-03-31");
    return { days: days.map((d) => d.key), requests: server.requests() };
  } catch (e) {
    assert.ok(e instanceof KitError, `not a KitError: ${e}`);
    return { code: e.code, message: e.message, requests: server.requests() };
  } finally {
    await server.close();
  }
}

/** Hostile values for each field the catalog takes from a listed object. */
const FIELDS: [field: keyof Listed, value: string, why: string][] = [
  [
    "Key",
    "us_stocks_sip/minute_aggs_v1/2024/03/2024-03-15.csv.gz",
    "another dataset's day (a server ignoring Prefix)",
  ],
  ["Key", "us_options_opra/day_aggs_v1/2024/03/2024-03-15.csv.gz", "another asset class's day"],
  ["Key", "../../etc/passwd", "a path outside any dataset"],
  ["Size", "-1", "a negative size"],
  ["Size", String(2 ** 60), "a size past what S3 stores (2^60)"],
  ["Size", "1.5", "a fractional size"],
  ["Size", "NaN", "a size that is no number"],
  ["ETag", `&quot;${"f".repeat(10_000)}&quot;`, "an ETag of 10,000 characters"],
  ["ETag", "&quot;a b&lt;c&quot;", "an ETag with spaces and markup"],
];

describe("hostile listings: every claim is bounded", () => {
  it("an honest listing through the same server gives its days (the fixture is sound)", async () => {
    const r = await outcome(() => listing([{ Key: honestKey("14") }, { Key: honestKey("15") }]));
    assert.deepEqual(r.days, [honestKey("14"), honestKey("15")]);
  });

  for (const [field, value, why] of FIELDS) {
    it(`${field}: ${why} stops the listing with catalog.listing`, async () => {
      const r = await outcome(() =>
        listing([{ Key: honestKey("14") }, { Key: honestKey("15"), [field]: value }]),
      );
      assert.equal(r.code, "catalog.listing", JSON.stringify(r).slice(0, 300));
      assert.ok(r.message!.length < 600, "the message stays short whatever the server sent");
    });
  }

  it("a stray file in the month (a README) or a day in the wrong month's folder is not a day", async () => {
    const r = await outcome(() =>
      listing([{ Key: `${MONTH}README` }, { Key: `${MONTH}2024-04-02.csv.gz` }, { Key: honestKey("15") }]),
    );
    assert.deepEqual(r.days, [honestKey("15")]);
  });

  it("a key listed twice is one day", async () => {
    const r = await outcome(() => listing([{ Key: honestKey("15") }, { Key: honestKey("15") }]));
    assert.deepEqual(r.days, [honestKey("15")]);
  });

  it("endless fresh tokens with keys stop at the key bound; with empty pages, at the page bound", async () => {
    const stray = Array.from({ length: 1000 }, (_, i) => ({ Key: `${MONTH}stray-${i}` }));
    const full = await outcome((n) => listing(stray, `t${n}`));
    assert.equal(full.code, "catalog.listing");
    assert.ok(full.requests <= MAX_LISTED_PER_PREFIX / 1000 + 1, `${full.requests} requests`);
    const empty = await outcome((n) => listing([], `t${n}`));
    assert.equal(empty.code, "catalog.listing");
    assert.ok(empty.requests <= MAX_PAGES_PER_PREFIX + 1, `${empty.requests} requests`);
  });

  it("a long range's year folders listed page after page without end stop at the page bound", async () => {
    const server = await hostile(
      (n) =>
        `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>flatfiles</Name><Prefix>${DATASET}/</Prefix><Delimiter>/</Delimiter><KeyCount>1</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>true</IsTruncated><CommonPrefixes><Prefix>${DATASET}/${1990 + (n % 30)}/</Prefix></CommonPrefixes><NextContinuationToken>y${n}</NextContinuationToken></ListBucketResult>`,
    );
    try {
      await assert.rejects(
        listDays(server.ref, DATASET, "1990-01-01", "2024-12-31"),
        (e: KitError) => e.code === "catalog.listing",
      );
      assert.ok(server.requests() <= MAX_PAGES_PER_PREFIX + 1, `${server.requests()} requests`);
    } finally {
      await server.close();
    }
  });

  it("the catalog's asset folders listed page after page without end stop at the page bound", async () => {
    const server = await hostile(
      (n) =>
        `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>flatfiles</Name><Prefix></Prefix><Delimiter>/</Delimiter><KeyCount>1</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>true</IsTruncated><CommonPrefixes><Prefix>asset${n}/</Prefix></CommonPrefixes><NextContinuationToken>a${n}</NextContinuationToken></ListBucketResult>`,
    );
    try {
      await assert.rejects(discoverDatasets(server.ref), (e: KitError) => e.code === "catalog.listing");
      assert.ok(server.requests() <= MAX_PAGES_PER_PREFIX + 1, `${server.requests()} requests`);
    } finally {
      await server.close();
    }
  });

  // Any cycle of tokens: after k distinct tokens, the server hands out the one of page j again.
  for (let k = 1; k <= 4; k++) {
    for (let j = 0; j < k; j++) {
      it(`tokens cycling back after ${k} page${k > 1 ? "s" : ""} to token ${j + 1} stop with paginator.repeated-token`, async () => {
        const server = await hostile((n) =>
          listing([{ Key: honestKey(String(10 + n)) }], `tok-${n <= k ? n : j + 1}`),
        );
        const pages = getPaginator(server.ref.client, "list_objects_v2").paginate({
          Bucket: "flatfiles",
          Prefix: MONTH,
        });
        await assert.rejects(pages.toArray(), (e: KitError) => e.code === "paginator.repeated-token");
        assert.equal(server.requests(), k + 1, "stopped at the first token seen before");
        assert.ok(pages.resumeToken, "a resume token is kept");
        await server.close();
      });
    }
  }
});

describe("plans start no earlier than the dataset's first day", () => {
  const s3 = sandboxS3();
  after(() => s3.destroy());
  const ref = { client: s3, bucket: "flatfiles" };

  for (const from of ["1000-01-01", "1924-06-02", "2003-01-02"]) {
    it(`planRange from ${from}: no gap before the first day, and the plan starts there`, async () => {
      const plan = await planRange(ref, DATASET, from, "2003-12-31");
      const first = plan.days[0]?.date;
      assert.ok(plan.from >= "2003-09-10" || (first !== undefined && plan.from === first), plan.from);
      assert.ok(
        plan.gaps.every((g) => g >= plan.from),
        `gaps before the start: ${plan.gaps.slice(0, 3).join(", ")}`,
      );
      assert.ok(plan.gaps.length < 100, `${plan.gaps.length} gaps`);
    });
  }

  it("a plan whose dataset was mistyped is refused when given, before any download", async () => {
    const plan = await planRange(ref, DATASET, "2024-03-14", "2024-03-15");
    const { downloadRange } = await import("../../../src/flatfiles/range");
    await assert.rejects(
      downloadRange(
        ref,
        { ...plan, dataset: "us_stocks_sip/day_agg_v1" },
        { cacheDir: fs.mkdtempSync(path.join(os.tmpdir(), "kit-plan-")) },
      ),
      (e: KitError) => e.code === "catalog.dataset" && /day_agg_v1/.test(e.message),
    );
  });
});

describe("file names checked against the file system's limits, with the right advice", () => {
  const names = [
    ["ASCII", "a"],
    ["accented (2 bytes each)", "é"],
    ["CJK (3 bytes each)", "日"],
    ["emoji (4 bytes each)", "😀"],
  ] as const;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kit-names-"));

  // The check's verdict agrees with this machine's file system for names around the limit.
  for (const [what, ch] of names) {
    it(`${what}: the check says what the file system does`, () => {
      const unit = Buffer.byteLength(ch);
      for (let bytes = 240; bytes <= 262; bytes++) {
        const name = ch.repeat(Math.floor(bytes / unit));
        const file = path.join(dir, name);
        let fsOk = true;
        try {
          fs.writeFileSync(file, "");
          fs.rmSync(file);
        } catch (e) {
          assert.equal((e as NodeJS.ErrnoException).code, "ENAMETOOLONG");
          fsOk = false;
        }
        let checkOk = true;
        try {
          checkFileName(file, { what: "t", nameAdvice: "n", pathAdvice: "p" });
        } catch (e) {
          assert.equal((e as KitError).code, "file.name-too-long");
          checkOk = false;
        }
        assert.equal(checkOk, fsOk, `${Buffer.byteLength(name)} bytes of ${what}`);
      }
    });
  }

  it("the limits are the platform's (Linux: 255 bytes a name)", () => {
    assert.equal((NAME_LIMITS[process.platform] ?? NAME_LIMITS.default).name, 255);
  });

  for (const length of [230, 240, 248, 300]) {
    it(`a key whose file name is ${length} characters: said before any write, with advice about the key, nothing left behind`, async () => {
      const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "kit-long-"));
      const s3 = sandboxS3();
      const key = `${DATASET}/2024/03/${"x".repeat(length - 7)}.csv.gz`;
      try {
        await downloadFile(s3, "flatfiles", key, { cacheDir });
        assert.ok(length + 22 <= 255, "only a name that fits with the cache's files may get past the check");
      } catch (e) {
        const err = e as KitError;
        if (length + 22 > 255) {
          assert.equal(err.code, "file.name-too-long", err.message);
          assert.match(err.message, /comes from the key/);
          assert.doesNotMatch(err.message, /Free some space/);
        }
      } finally {
        s3.destroy();
      }
      const left = fs.readdirSync(cacheDir, { recursive: true }).map(String);
      assert.ok(!left.some((f) => f.endsWith(".part")), `left behind: ${left.join(", ")}`);
    });
  }

  it("a cache folder too deep for the system's paths is advice about the folder", () => {
    const deep = `/${"d".repeat(200)}`.repeat(25);
    assert.throws(
      () =>
        checkFileName(path.join(deep, "2024-03-15.csv.gz"), {
          what: "The download",
          nameAdvice: "key",
          pathAdvice: "Set FLATFILES_CACHE_DIR",
          platform: "linux",
        }),
      (e: KitError) => e.code === "file.path-too-long" && /FLATFILES_CACHE_DIR/.test(e.message),
    );
  });
});
