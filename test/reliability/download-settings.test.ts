/**
 * Options are resolved once and reach the transfer whole (issue 31, habit 2): every download
 * option, through every entry point (downloadFile, downloadFiles, downloadRange), has an effect
 * a user could see; a new option not added here fails the completeness check. And a batch owns
 * what it starts: a failed or aborted downloadFiles / downloadRange stops its other downloads
 * and waits for them before it settles. Real HTTP against the local S3 stand-in, real files.
 *
 *   node --import tsx --test test/reliability/download-settings.test.ts
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe, it } from "node:test";
import { S3Client } from "@aws-sdk/client-s3";
import { type Link, type StandIn, type StandInObject, startStandIn } from "../../bench/standin";
import {
  DOWNLOAD_DEFAULTS,
  DOWNLOAD_OPTION_NAMES,
  type DownloadOptions,
  defaultsTable,
  downloadFile,
  downloadFiles,
} from "../../src/flatfiles/download";
import { type RangePlan, downloadRange } from "../../src/flatfiles/range";
import { mapOrdered, runAll } from "../../src/util/concurrency";
import { KitError } from "../../src/util/errors";
import { formatBytes } from "../../src/util/bytes";

const MIB = 1 << 20;
const bucket = "flatfiles";
const root = fs.mkdtempSync(path.join(os.tmpdir(), "kit-settings-"));
const data = path.join(root, "data.bin");
fs.writeFileSync(data, randomBytes(3 * MIB));
after(() => fs.rmSync(root, { recursive: true, force: true }));

const key = (d: string) => `us_stocks_sip/day_aggs_v1/2024/03/2024-03-${d}.csv.gz`;
const objects: StandInObject[] = [
  { key: key("01"), file: data },
  { key: key("04"), file: data },
  { key: key("05"), file: data },
  { key: "stall/head.bin", file: data, faults: { stallHead: true } },
  { key: "stall/body.bin", file: data, faults: { stallBody: { from: 0, afterBytes: 64 << 10 } } },
];
/** Slow enough that GETs overlap whenever they may: 1 MiB takes 250 ms on one connection. */
const slow: Link = { firstByteMs: 20, perConnection: 4 * MIB, total: 64 * MIB };

async function withStandIn<T>(
  link: Link | undefined,
  f: (s: StandIn, s3: S3Client) => Promise<T>,
): Promise<T> {
  const server = await startStandIn(bucket, objects, link);
  const s3 = new S3Client({
    endpoint: server.endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
  try {
    return await f(server, s3);
  } finally {
    s3.destroy();
    await server.close();
  }
}

/**
 * Requests the client has sent so far, counted as they leave it (the in-process server may
 * parse one sent just before an abort a moment after the call settled).
 */
const sentCounts = new WeakMap<S3Client, { n: number }>();
function requestsSent(s3: S3Client): number {
  let c = sentCounts.get(s3);
  if (!c) {
    const counter = { n: 0 };
    s3.middlewareStack.add(
      (next) => async (args) => {
        counter.n++;
        return next(args);
      },
      { step: "finalizeRequest", name: "countRequestsSent" },
    );
    sentCounts.set(s3, counter);
    c = counter;
  }
  return c.n;
}

let n = 0;
const freshCache = () => fs.mkdtempSync(path.join(root, `cache-${n++}-`));

/** What a call through one entry point gave: its files, or its failure (a range's first failed day). */
type Outcome = { paths: string[]; error?: KitError; progress: number };

type Entry = (
  s3: S3Client,
  keys: string[],
  options: DownloadOptions & { files?: number },
) => Promise<Outcome>;

const entries: Record<string, Entry> = {
  downloadFile: async (s3, keys, options) => {
    let progress = 0;
    const user = options.onProgress;
    try {
      const d = await downloadFile(s3, bucket, keys[0], {
        ...options,
        ...(user
          ? {
              onProgress: (p) => {
                progress++;
                user(p);
              },
            }
          : {}),
      });
      return { paths: [d.path], progress };
    } catch (e) {
      return { paths: [], error: e as KitError, progress };
    }
  },
  downloadFiles: async (s3, keys, options) => {
    try {
      return { paths: (await downloadFiles(s3, bucket, keys, options)).map((d) => d.path), progress: 0 };
    } catch (e) {
      return { paths: [], error: e as KitError, progress: 0 };
    }
  },
  downloadRange: async (s3, keys, options) => {
    const plan = {
      dataset: "us_stocks_sip/day_aggs_v1",
      from: "2024-03-01",
      to: "2024-03-05",
      days: keys.map((k, i) => ({
        dataset: "us_stocks_sip/day_aggs_v1",
        date: `2024-03-0${i + 1}`,
        key: k,
        size: 3 * MIB,
        etag: "",
      })),
      totalBytes: keys.length * 3 * MIB,
      gaps: [],
    } as RangePlan;
    let progress = 0;
    const { onProgress, ...rest } = options;
    try {
      const r = await downloadRange({ client: s3, bucket }, plan, {
        ...rest,
        ...(onProgress ? { onProgress: () => progress++ } : {}),
      });
      if (r.aborted) return { paths: [], error: new KitError("download.aborted", "aborted"), progress };
      const f = r.failed[0];
      return { paths: r.done.map((d) => d.path), error: f && new KitError(f.code, f.reason), progress };
    } catch (e) {
      return { paths: [], error: e as KitError, progress };
    }
  },
};

/**
 * Each option with a value that is not its default and what the user sees when it reaches the
 * transfer. `single`: the entry point takes one file at a time (downloadFile has no `files`).
 */
const cases: Record<
  (typeof DOWNLOAD_OPTION_NAMES)[number],
  {
    link?: Link;
    keys: string[];
    options: () => DownloadOptions & { files?: number };
    check: (o: Outcome, s: StandIn, entry: string, options: DownloadOptions & { files?: number }) => void;
    skip?: string;
  }
> = {
  cacheDir: {
    keys: [key("01")],
    options: () => ({ cacheDir: freshCache() }),
    check: (o, _s, _e, options) => assert.ok(o.paths[0]?.startsWith(options.cacheDir!), o.error?.message),
  },
  partSize: {
    keys: [key("01")],
    options: () => ({ cacheDir: freshCache(), partSize: MIB }),
    // 3 MiB in 1 MiB pieces: three GETs, not the one of the 8 MiB default.
    check: (o, s) => {
      assert.equal(o.error, undefined);
      assert.equal(s.allGets, 3);
    },
  },
  concurrency: {
    link: slow,
    keys: [key("01")],
    options: () => ({ cacheDir: freshCache(), partSize: MIB, concurrency: 1 }),
    check: (o, s) => {
      assert.equal(o.error, undefined);
      assert.equal(s.peakGets, 1);
    },
  },
  files: {
    link: slow,
    keys: [key("01"), key("04"), key("05")],
    options: () => ({ cacheDir: freshCache(), partSize: MIB, concurrency: 1, files: 2 }),
    // One GET per file at a time, two files at a time: two GETs at once, never three.
    check: (o, s) => {
      assert.equal(o.error, undefined);
      assert.equal(o.paths.length, 3);
      assert.equal(s.peakGets, 2);
    },
    skip: "downloadFile",
  },
  timeouts: {
    keys: ["stall/head.bin"],
    options: () => ({ cacheDir: freshCache(), timeouts: { firstByteMs: 300 } }),
    check: (o, _s, entry) => {
      assert.equal(o.error?.code, "download.timeout", o.error?.message);
      assert.match(o.error!.message, /within 300 ms/);
      assert.match(o.error!.message, new RegExp(`${entry}\\(…, \\{ timeouts: \\{ firstByteMs: 60000`));
    },
  },
  signal: {
    keys: [key("01")],
    options: () => ({ cacheDir: freshCache(), signal: AbortSignal.abort() }),
    check: (o) => assert.equal(o.error?.code, "download.aborted", o.error?.message),
  },
  onProgress: {
    keys: [key("01")],
    options: () => ({ cacheDir: freshCache(), onProgress: () => {} }),
    check: (o, _s, entry) => {
      assert.equal(o.error, undefined);
      if (entry !== "downloadFiles") assert.ok(o.progress > 0, "progress was reported");
    },
  },
};

describe("every download option reaches the transfer, through every entry point", () => {
  it("the cases cover every option the settings hold", () => {
    assert.deepEqual(Object.keys(cases).sort(), [...DOWNLOAD_OPTION_NAMES].sort());
  });
  for (const [entry, call] of Object.entries(entries)) {
    for (const [option, c] of Object.entries(cases)) {
      if (c.skip === entry) continue;
      it(`${entry} × ${option}`, { timeout: 30_000 }, async () => {
        await withStandIn(c.link, async (s, s3) => {
          const options = c.options();
          c.check(await call(s3, c.keys, options), s, entry, options);
        });
      });
    }
    it(`${entry}: an option name that is a typo is refused, not ignored`, async () => {
      await withStandIn(undefined, async (_s, s3) => {
        const o = await call(s3, [key("01")], { cacheDir: freshCache(), partsize: MIB } as DownloadOptions);
        assert.equal(o.error?.code, "options.unknown", o.error?.message);
        assert.match(o.error!.message, /"partsize"/);
      });
    });
  }

  it("the docs' table of defaults is the code's", () => {
    const docs = fs.readFileSync(path.join(__dirname, "../../docs/reliability.md"), "utf8");
    assert.ok(
      docs.includes(defaultsTable()),
      "docs/reliability.md holds defaultsTable() (npm run docs:defaults)",
    );
    // The part size as every size is shown (decimal), with its exact byte count.
    const exact = DOWNLOAD_DEFAULTS.partSize.toLocaleString("en-US");
    assert.match(
      defaultsTable(),
      new RegExp(`\\| ${formatBytes(DOWNLOAD_DEFAULTS.partSize)} \\(${exact} bytes\\) \\|`),
    );
  });
});

describe("a batch owns what it starts", () => {
  it("downloadFiles: one key fails, the others stop and nothing is written after it rejects", {
    timeout: 30_000,
  }, async () => {
    await withStandIn(slow, async (s, s3) => {
      const cacheDir = freshCache();
      requestsSent(s3);
      const keys = [key("01"), key("04"), key("05"), "no/such-key.bin"];
      const e = await downloadFiles(s3, bucket, keys, { cacheDir, partSize: MIB, concurrency: 1 }).then(
        () => null,
        (err) => err as KitError,
      );
      assert.ok(e instanceof KitError);
      assert.match(e.message, /no\/such-key\.bin/);
      const sent = requestsSent(s3);
      const files = (fs.readdirSync(cacheDir, { recursive: true }) as string[]).sort();
      await new Promise((r) => setTimeout(r, 1_000));
      assert.equal(requestsSent(s3), sent, "no request after the call settled");
      assert.deepEqual(
        (fs.readdirSync(cacheDir, { recursive: true }) as string[]).sort(),
        files,
        "nothing written after",
      );
      assert.ok(s.allGets < 9, `${s.allGets} GETs: the other files ran on`);
    });
  });

  it("downloadRange: an abort stops every file, and the call settles after they have", {
    timeout: 30_000,
  }, async () => {
    await withStandIn(slow, async (_s, s3) => {
      const cacheDir = freshCache();
      requestsSent(s3);
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 300);
      const plan = {
        dataset: "us_stocks_sip/day_aggs_v1",
        from: "2024-03-01",
        to: "2024-03-05",
        days: ["01", "04", "05"].map((d) => ({
          dataset: "x",
          date: `2024-03-${d}`,
          key: key(d),
          size: 3 * MIB,
          etag: "",
        })),
        totalBytes: 9 * MIB,
        gaps: [],
      } as RangePlan;
      const r = await downloadRange({ client: s3, bucket }, plan, {
        cacheDir,
        partSize: MIB,
        signal: controller.signal,
      });
      assert.equal(r.aborted, true);
      const sent = requestsSent(s3);
      await new Promise((r) => setTimeout(r, 800));
      assert.equal(requestsSent(s3), sent, "no request after the call settled");
    });
  });

  it("runAll: the first failure aborts the others' signals and is thrown after they end", async () => {
    const ended: number[] = [];
    const e = await runAll([0, 1, 2, 3, 4], 3, async (i, signal) => {
      if (i === 1) throw new Error("one failed");
      await new Promise<void>((r) => signal.addEventListener("abort", () => r(), { once: true }));
      await new Promise((r) => setTimeout(r, 50));
      ended.push(i);
    }).catch((err) => err as Error);
    assert.equal((e as Error).message, "one failed");
    assert.deepEqual(
      ended.sort(),
      [0, 2],
      "the running ones ended before the call settled; 3 and 4 never started",
    );
  });

  it("mapOrdered: a consumer that stops early stops and awaits the rest", async () => {
    const ended: number[] = [];
    for await (const v of mapOrdered([0, 1, 2, 3], 3, async (i, signal) => {
      if (i > 0) await new Promise<void>((r) => signal.addEventListener("abort", () => r(), { once: true }));
      ended.push(i);
      return i;
    })) {
      assert.equal(v, 0);
      break;
    }
    // 3 started when 0 was taken (the window stays full); all of them ended before the loop was left.
    assert.deepEqual(ended.sort(), [0, 1, 2, 3]);
  });
});
