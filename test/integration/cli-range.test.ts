/**
 * `flatfiles get <dataset> <from> <to>` as a user runs it: the built command, through a loopback
 * proxy in front of the sandbox that can stall or refuse one day's file. Ctrl-C leaves the range
 * resumable, a day that fails is listed with its reason while the others arrive, and a terminal
 * sees one progress line for the whole range.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import type * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import * as zlib from "node:zlib";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { type Proxy as LoopbackProxy, startProxy } from "../../src/testing";
import { PACKAGE_ROOT } from "../../src/util/paths";
import { runCli } from "../helpers/cli-run";
import { sandboxS3, sandboxState } from "../helpers/sandbox";

const DATASET = "us_stocks_sip/day_aggs_v1";
const [FROM, TO] = ["2026-11-02", "2026-11-06"];
const DAYS = ["2026-11-02", "2026-11-03", "2026-11-04", "2026-11-05", "2026-11-06"];

/** What the proxy does to a request for a day's file. */
let stall: (day: string) => boolean = () => false;
let refuse: (day: string) => boolean = () => false;
const asked: string[] = [];
/** Long enough that only Ctrl-C can end the first run in time; short enough not to hold the test up. */
const STALL_MS = 8_000;
let proxy: LoopbackProxy;

function dayOf(req: http.IncomingMessage): string | null {
  return req.method === "GET" ? (/(\d{4}-\d\d-\d\d)\.csv\.gz/.exec(req.url ?? "")?.[1] ?? null) : null;
}

function env(cacheDir: string): NodeJS.ProcessEnv {
  const s = sandboxState();
  return {
    ...process.env,
    FLATFILES_TARGET: "massive",
    FLATFILES_ENDPOINT: proxy.endpoint,
    FLATFILES_BUCKET: s.bucket,
    FLATFILES_REGION: s.region,
    FLATFILES_ACCESS_KEY_ID: s.accessKeyId,
    FLATFILES_SECRET_ACCESS_KEY: s.secretAccessKey,
    FLATFILES_CACHE_DIR: cacheDir,
  };
}

function run(cacheDir: string, args: string[], onStart?: (kill: () => void) => void) {
  const child = spawn(process.execPath, [path.join(PACKAGE_ROOT, "dist", "cli", "main.js"), ...args], {
    env: env(cacheDir),
  });
  let [out, err] = ["", ""];
  child.stdout.on("data", (b) => (out += b));
  child.stderr.on("data", (b) => (err += b));
  onStart?.(() => child.kill("SIGINT"));
  return new Promise<{ code: number | null; out: string; err: string }>((resolve) =>
    child.on("exit", (code) => resolve({ code, out, err })),
  );
}

describe("flatfiles get over a range", () => {
  before(async () => {
    proxy = await startProxy(sandboxState().endpoint, {
      delayMs: (req) => {
        const day = dayOf(req);
        if (day) asked.push(day);
        return day && stall(day) ? STALL_MS : 0;
      },
      respond: (req) => {
        const day = dayOf(req);
        return day && refuse(day) ? { status: 403, body: "<Error><Code>AccessDenied</Code></Error>" } : null;
      },
    });
  });
  after(() => proxy.close());

  it("stops on Ctrl-C with what is done kept, and the same command finishes the rest", async () => {
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "kit-cli-range-"));
    // The first day arrives; every later one stalls in the proxy until Ctrl-C.
    stall = (day) => day !== DAYS[0];
    asked.length = 0;
    const t0 = performance.now();
    let stoppedAfterMs = 0;
    const first = await run(
      cacheDir,
      ["get", DATASET, FROM, TO, "--jobs", "2", "--format", "json"],
      (kill) => {
        const wait = setInterval(() => {
          if (asked.some((d) => d !== DAYS[0]) && fs.existsSync(cachedFile(cacheDir, DAYS[0]))) {
            clearInterval(wait);
            stoppedAfterMs = performance.now() - t0;
            kill();
          }
        }, 50);
      },
    );
    const tookMs = performance.now() - t0 - stoppedAfterMs;
    assert.equal(first.code, 130, first.err);
    assert.match(first.err, /Stopped: 1 of 5 files are done; the rest resume .* same command again/);
    assert.ok(tookMs < STALL_MS - 2_000, `it stopped at once, not after the stall (${tookMs.toFixed(0)} ms)`);
    for (const day of DAYS.slice(1))
      assert.ok(!fs.existsSync(cachedFile(cacheDir, day)), `${day} not in place`);

    stall = () => false;
    const second = await run(cacheDir, ["get", DATASET, FROM, TO, "--format", "json"]);
    assert.equal(second.code, 0, second.err);
    const rows = JSON.parse(second.out) as { date: string; status: string }[];
    assert.deepEqual(
      rows.map((r) => [r.date, r.status]),
      DAYS.map((d) => [d, d === DAYS[0] ? "cached" : "downloaded"]),
    );
    assert.match(second.err, /5 of 5 files in the cache \(1 already there\)/);
  });

  it("lists a day that fails with its reason, gets the others, and exits 1", async () => {
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "kit-cli-range-"));
    refuse = (day) => day === DAYS[2];
    try {
      const r = await run(cacheDir, ["get", DATASET, FROM, TO, "--format", "csv"]);
      assert.equal(r.code, 1, r.err);
      assert.match(r.out, new RegExp(`^${DAYS[2]},failed,,,.*AccessDenied \\(HTTP 403\\)`, "m"));
      for (const day of DAYS.filter((d) => d !== DAYS[2])) {
        assert.match(r.out, new RegExp(`^${day},downloaded,\\d+,`, "m"));
        assert.ok(fs.existsSync(cachedFile(cacheDir, day)), day);
      }
      assert.match(r.err, /flatfiles: 1 of 5 days failed .*\n {2}2026-11-04: .*AccessDenied \(HTTP 403\)/);
    } finally {
      refuse = () => false;
    }
  });

  it("shows a terminal one progress line for the whole range, and a dry run only lists", async () => {
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "kit-cli-range-"));
    const s = sandboxState();
    let err = "";
    const { main } = await import("../../src/cli/main");
    const saved = process.env.FLATFILES_CACHE_DIR;
    process.env.FLATFILES_CACHE_DIR = cacheDir;
    try {
      const dry = await runCli(["get", DATASET, FROM, TO, "--dry-run"]);
      assert.equal(dry.code, 0, dry.err);
      assert.deepEqual(
        [...dry.out.matchAll(/^(2026-\d\d-\d\d) /gm)].map((m) => m[1]),
        DAYS,
      );
      assert.match(
        dry.err,
        /^5 files for us_stocks_sip\/day_aggs_v1 2026-11-02 → 2026-11-06: 0 cached, 5 to get, [\d.]+ [kMG]?B\nneeds about [\d.]+ [kMG]?B of disk; about \d+ s to download/,
      );
      assert.ok(!fs.existsSync(path.join(cacheDir, s.bucket)), "a dry run downloads nothing");

      await main(["get", DATASET, FROM, TO], { out: () => {}, err: (t) => (err += t), live: true });
    } finally {
      process.env.FLATFILES_CACHE_DIR = saved;
    }
    const drawn = err.split("\r\u001b[K").filter((x) => x.trim());
    const lines = drawn.filter((x) => x.startsWith("get:"));
    assert.ok(lines.length >= 1, err);
    for (const l of lines)
      assert.match(
        l,
        /^get: [0-5]\/5 files, [\d.]+ [kMG]?B \/ [\d.]+ [kMG]?B, [\d.]+ [kMG]?B\/s(, \d+:\d\d left)?$/,
      );
    assert.match(lines.at(-1)!, /^get: 5\/5 files/);
    assert.ok(!/^get \d{4}-/m.test(err), "no line per file");
  });
});

describe("flatfiles get over a range with a gap", () => {
  it("fetches the days the bucket lists, and names the open day it lists no file for (the calendar explains, never decides)", async () => {
    // The scratch bucket: 2024-05-01 and 2024-05-03 listed; Tuesday 04-30 and Thursday 05-02 (trading days) not.
    const s = sandboxState();
    const s3 = sandboxS3();
    const body = zlib.gzipSync(
      "ticker,open,close,high,low,window_start\nI:SPX,1,2,3,0.5,1714570200000000000\n",
    );
    for (const day of ["2024-05-01", "2024-05-03"])
      await s3.send(
        new PutObjectCommand({
          Bucket: "kit-scratch",
          Key: `us_indices/day_aggs_v1/2024/05/${day}.csv.gz`,
          Body: body,
        }),
      );
    s3.destroy();
    const env = {
      FLATFILES_TARGET: "massive",
      FLATFILES_ENDPOINT: s.endpoint,
      FLATFILES_BUCKET: "kit-scratch",
      FLATFILES_REGION: s.region,
      FLATFILES_ACCESS_KEY_ID: s.accessKeyId,
      FLATFILES_SECRET_ACCESS_KEY: s.secretAccessKey,
      FLATFILES_CACHE_DIR: fs.mkdtempSync(path.join(os.tmpdir(), "kit-cli-range-")),
    };
    const range = ["get", "us_indices/day_aggs_v1", "2024-04-30", "2024-05-05"];
    const dry = await runCli([...range, "--dry-run", "--format", "json"], env);
    assert.equal(dry.code, 0, dry.err);
    assert.deepEqual(
      (JSON.parse(dry.out) as { date: string }[]).map((d) => d.date),
      ["2024-05-01", "2024-05-03"],
    );
    assert.match(
      dry.err,
      /^2 files for .*: 0 cached, 2 to get, .*; no file for these open days: 2024-04-30, 2024-05-02\n/,
    );
    const got = await runCli([...range, "--format", "json"], env);
    assert.equal(got.code, 0, got.err);
    assert.deepEqual(
      (JSON.parse(got.out) as { date: string; status: string }[]).map((d) => [d.date, d.status]),
      [
        ["2024-05-01", "downloaded"],
        ["2024-05-03", "downloaded"],
      ],
    );
    assert.match(
      got.err,
      /2 of 2 files in the cache .*; no file for these open days: 2024-04-30, 2024-05-02\n/,
    );
  });
});

describe("downloadRange and planRange (the library, for notebooks)", () => {
  it("plans, downloads with progress and a call per day, and a second call finds every day cached", async () => {
    const { downloadRange, planRange } = await import("../../src/flatfiles/range");
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "kit-range-lib-"));
    const s3 = sandboxS3();
    const ref = { client: s3, bucket: sandboxState().bucket };
    try {
      const plan = await planRange(ref, DATASET, FROM, TO);
      assert.deepEqual(
        plan.days.map((d) => d.date),
        DAYS,
      );
      assert.equal(
        plan.totalBytes,
        plan.days.reduce((n, d) => n + d.size, 0),
      );
      const seen: string[] = [];
      const progress: { filesDone: number; bytes: number }[] = [];
      const r = await downloadRange(ref, plan, {
        cacheDir,
        files: 2,
        onDay: (d) => seen.push(d.date),
        onProgress: (p) => progress.push(p),
      });
      assert.deepEqual([...seen].sort(), DAYS);
      assert.deepEqual(
        r.done.map((d) => [d.date, d.cached]),
        DAYS.map((d) => [d, false]),
      );
      assert.deepEqual(r.failed, []);
      assert.equal(r.aborted, false);
      assert.equal(r.fetched, plan.totalBytes);
      const last = progress.at(-1)!;
      assert.deepEqual([last.filesDone, last.bytes], [5, plan.totalBytes]);
      for (let i = 1; i < progress.length; i++)
        assert.ok(progress[i].filesDone >= progress[i - 1].filesDone, "files done never goes back");
      const again = await downloadRange(ref, { dataset: DATASET, from: FROM, to: TO }, { cacheDir });
      assert.ok(again.done.every((d) => d.cached) && again.fetched === 0);
      await assert.rejects(
        downloadRange(ref, plan, { cacheDir, files: 0 }),
        /files is 0: it must be a whole number, from 1 to 64/,
      );
    } finally {
      s3.destroy();
    }
  });
});

function cachedFile(cacheDir: string, day: string): string {
  return path.join(
    cacheDir,
    sandboxState().bucket,
    DATASET,
    day.slice(0, 4),
    day.slice(5, 7),
    `${day}.csv.gz`,
  );
}
