/**
 * The review round after issues 20, 23 and 24: wrong arguments a careless caller passes to the
 * download and range functions, and the CLI on a Node.js below the floor. Each used to surface as
 * a raw TypeError, as "a bug in flatfiles-kit", or as one request per character of a string;
 * now each is a one-line KitError before anything touches the network or the disk. Real HTTP
 * against the local S3 stand-in (bench/standin.ts), real files, no sandbox:
 *
 *   node --import tsx --test test/reliability/careless-callers.test.ts
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import type { S3Client } from "@aws-sdk/client-s3";
import type { StandIn } from "../../bench/standin";
import { standInForFile } from "../helpers/stand-in";
import { downloadFile, downloadFiles } from "../../src/flatfiles/download";
import { type RangePlan, downloadRange, planRange } from "../../src/flatfiles/range";
import { KitError } from "../../src/util/errors";
import { NODE_FLOOR } from "../../src/util/node-floor";

const bucket = "flatfiles";
const KEY = "us_stocks_sip/day_aggs_v1/2024/03/2024-03-15.csv.gz";
const root = fs.mkdtempSync(path.join(os.tmpdir(), "kit-careless-"));
const data = path.join(root, "day.bin");
fs.writeFileSync(data, randomBytes(200 << 10));
const standIn = standInForFile(bucket, [{ key: KEY, file: data }], root);
let server: StandIn;
let s3: S3Client;
before(async () => {
  ({ server, s3 } = await standIn.ready());
});
const freshCache = standIn.freshCache;

/** The KitError `p` rejects with (anything else fails the test, with its stack). */
async function failure(p: () => Promise<unknown>): Promise<KitError> {
  try {
    await p();
  } catch (e) {
    assert.ok(e instanceof KitError, `expected a KitError, got ${(e as Error)?.stack ?? e}`);
    return e;
  }
  assert.fail("expected a rejection");
}

/** A hand-made plan of the stand-in's one file, as planRange would return it. */
const plan = (): RangePlan => ({
  dataset: "us_stocks_sip/day_aggs_v1",
  from: "2024-03-15",
  to: "2024-03-15",
  days: [{ dataset: "us_stocks_sip/day_aggs_v1", date: "2024-03-15", key: KEY, size: 200 << 10, etag: "" }],
  totalBytes: 200 << 10,
  gaps: [],
});

const untyped = (x: unknown) => x as never;

describe("downloadRange and planRange given the wrong things", () => {
  const ref = () => ({ client: s3, bucket });
  const cases: [string, () => Promise<unknown>, string, RegExp][] = [
    ["range null", () => downloadRange(ref(), untyped(null)), "range.input", /not null/],
    ["range left out", () => downloadRange(ref(), untyped(undefined)), "range.input", /not undefined/],
    [
      "range as a dataset name",
      () => downloadRange(ref(), untyped("us_stocks_sip/day_aggs_v1")),
      "range.input",
      /\{ dataset, from, to \}.*not string/,
    ],
    [
      "a plan whose days are text",
      () => downloadRange(ref(), untyped({ ...plan(), days: "abc" })),
      "range.input",
      /days that are string/,
    ],
    ["ref null", () => downloadRange(untyped(null), plan()), "range.ref", /\{ client, bucket \}.*not null/],
    [
      "planRange with ref null",
      () => planRange(untyped(null), "us_stocks_sip/day_aggs_v1", "2024-03-15"),
      "range.ref",
      /planRange needs/,
    ],
    [
      "onProgress a number",
      () => downloadRange(ref(), plan(), { cacheDir: freshCache(), onProgress: untyped(5) }),
      "options.callback",
      /onProgress is number/,
    ],
    [
      "onDay a string",
      () => downloadRange(ref(), plan(), { cacheDir: freshCache(), onDay: untyped("log") }),
      "options.callback",
      /onDay is string/,
    ],
    [
      "signal a string (once, not once per day)",
      () => downloadRange(ref(), plan(), { cacheDir: freshCache(), signal: untyped("stop") }),
      "options.signal",
      /not an AbortSignal/,
    ],
    [
      "cacheDir a number (once, not once per day)",
      () => downloadRange(ref(), plan(), { cacheDir: untyped(5) }),
      "download.cache",
      /cacheDir is number/,
    ],
  ];
  for (const [name, call, code, says] of cases) {
    it(`${name}: ${code}, before any request`, async () => {
      const before = server.requests;
      const e = await failure(call);
      assert.equal(e.code, code, e.message);
      assert.match(e.message, says);
      assert.ok(!e.message.includes("\n"), e.message);
      assert.equal(server.requests, before, "no request was sent");
    });
  }

  it("a cache folder that is a file: one download.cache error for the range, before any request (it was the same failure for every day: 2,738 lines for ten years)", async () => {
    const file = path.join(root, "a-file-not-a-folder");
    fs.writeFileSync(file, "x");
    const tenDays = { ...plan(), days: Array.from({ length: 10 }, () => plan().days[0]) };
    const before = server.requests;
    const e = await failure(() => downloadRange({ client: s3, bucket }, tenDays, { cacheDir: file }));
    assert.equal(e.code, "download.cache");
    assert.match(e.message, /is a file or under one, not a folder.*FLATFILES_CACHE_DIR/);
    assert.equal(server.requests, before);
    assert.equal(fs.readFileSync(file, "utf8"), "x", "the file is left as it was");
  });

  it("the same plan with right arguments downloads (the checks refuse only the wrong ones)", async () => {
    const days: string[] = [];
    const r = await downloadRange({ client: s3, bucket }, plan(), {
      cacheDir: freshCache(),
      signal: new AbortController().signal,
      onDay: (d) => days.push(d.date),
      onProgress: () => {},
    });
    assert.deepEqual(r.failed, []);
    assert.deepEqual(days, ["2024-03-15"]);
  });
});

describe("downloadFile and downloadFiles given the wrong things", () => {
  it("downloadFiles with one key as a string: download.keys (it fetched one 'key' per character)", async () => {
    const before = server.requests;
    const e = await failure(() => downloadFiles(s3, bucket, untyped(KEY), { cacheDir: freshCache() }));
    assert.equal(e.code, "download.keys");
    assert.match(e.message, /not string.*\[key\]/);
    assert.equal(server.requests, before);
  });

  it("signal that is not an AbortSignal: options.signal (it was 'a bug in flatfiles-kit')", async () => {
    for (const signal of ["stop", 1, {}, { aborted: false }]) {
      const e = await failure(() =>
        downloadFile(s3, bucket, KEY, { cacheDir: freshCache(), signal: untyped(signal) }),
      );
      assert.equal(e.code, "options.signal", e.message);
    }
  });

  it("onProgress that is not a function: options.callback, and nothing left in the cache (it was a raw TypeError mid-download)", async () => {
    const cache = freshCache();
    const e = await failure(() => downloadFile(s3, bucket, KEY, { cacheDir: cache, onProgress: untyped(5) }));
    assert.equal(e.code, "options.callback");
    assert.deepEqual(fs.readdirSync(cache), []);
  });

  it("a signal from another realm (a notebook's, a worker's) is still a signal", async () => {
    const { runInNewContext } = await import("node:vm");
    const foreign = runInNewContext("new AbortController().signal", { AbortController }) as AbortSignal;
    const d = await downloadFile(s3, bucket, KEY, { cacheDir: freshCache(), signal: foreign });
    assert.equal(d.size, 200 << 10);
  });
});

describe("special files planted in the cache", () => {
  /** `downloadFile` in a child (a blocked event loop ends no timer of its own), killed after `limitMs`. */
  function inChild(cacheDir: string, limitMs = 20_000): Promise<string> {
    const args = { endpoint: server.endpoint, bucket, key: KEY, cacheDir };
    const child = spawn(
      process.execPath,
      ["--import", "tsx", path.join(__dirname, "download-worker.ts"), JSON.stringify(args)],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    child.stdout.on("data", (c) => {
      out += c;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), limitMs);
    return new Promise((resolve) => {
      child.on("exit", (_code, sig) => {
        clearTimeout(timer);
        resolve(sig === "SIGKILL" ? "killed" : (out.trim().split("\n").pop() ?? ""));
      });
    });
  }

  for (const side of [".part.json", ".meta.json"]) {
    it(`a FIFO at <file>${side}: ignored and replaced, the download verified (it blocked forever opening it)`, async () => {
      const cache = freshCache();
      const file = path.join(cache, bucket, KEY);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      assert.equal(spawnSync("mkfifo", [file + side]).status, 0, "mkfifo");
      const r = await inChild(cache);
      assert.notEqual(r, "killed", "the download never ended");
      assert.equal(JSON.parse(r).ok, true, r);
      assert.equal(fs.statSync(file).size, 200 << 10);
      // The resume record is gone after a finished download; the description is the kit's own file.
      const left = fs.existsSync(file + side) ? fs.lstatSync(file + side) : null;
      assert.ok(side === ".part.json" ? left === null : left?.isFile(), `${side} after the download`);
    });
  }
});

describe("the CLI below the Node.js floor", () => {
  const cli = path.resolve(__dirname, "../../src/cli/main.ts");
  const expected = `flatfiles: flatfiles-kit needs Node.js ${NODE_FLOOR} or newer (this is 20.x)`;

  /** The CLI run as its own program in a Node that reports `version`. */
  function runAs(version: string, ...args: string[]) {
    const fake = path.join(root, `node-${version}.cjs`);
    fs.writeFileSync(
      fake,
      `Object.defineProperty(process.versions, "node", { value: ${JSON.stringify(version)} });`,
    );
    return spawnSync(process.execPath, ["--require", fake, "--import", "tsx", cli, ...args], {
      encoding: "utf8",
      cwd: path.resolve(__dirname, "../.."),
    });
  }

  for (const args of [["--help"], ["ls"], ["get", "us_stocks_sip/day_aggs_v1", "2024-03-15"]]) {
    it(`flatfiles ${args.join(" ")}: the message as one line, exit 1 (it was the thrown error with source lines)`, () => {
      const r = runAs("20.20.2", ...args);
      assert.equal(r.status, 1, r.stderr);
      assert.equal(r.stdout, "");
      const lines = r.stderr.trimEnd().split("\n");
      assert.equal(lines.length, 1, r.stderr);
      assert.ok(lines[0].startsWith(expected), r.stderr);
      assert.doesNotMatch(r.stderr, /throw|node-version|Node\.js v20/);
    });
  }

  it("at the floor, the CLI runs", () => {
    const r = runAs(`${NODE_FLOOR}.0.0`, "--help");
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /flatfiles ls/);
  });
});
