/**
 * Conversions as a user meets them: Ctrl-C during `flatfiles get … --parquet` stops at once
 * (exit 130) and the same command finishes without converting again what was done; in the
 * library an abort during the conversions gives `aborted: true`; two processes wanting the same
 * day convert it once; a stray `.parquet` beside a day's parts is never read; a file shaped like
 * the cache layout that the kit did not download (an `aws s3 sync` mirror) gets no `parquet/`
 * folder beside it.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe, it } from "node:test";
import { downloadRange } from "../../src/flatfiles/range";
import { ensureParquet, loadDay, parquetPath, scanDays } from "../../src/flatfiles/load";
import { PACKAGE_ROOT } from "../../src/util/paths";
import { tradesDay } from "../../bench/realsize";
import { sandboxS3 } from "../helpers/sandbox";

const s3 = sandboxS3();
const ref = { client: s3, bucket: "flatfiles" };
const root = fs.mkdtempSync(path.join(os.tmpdir(), "kit-lake-range-"));
after(() => {
  s3.destroy();
  fs.rmSync(root, { recursive: true, force: true });
});

const DATASET = "us_stocks_sip/minute_aggs_v1";
const [FROM, TO] = ["2026-10-01", "2026-10-30"];

/** The `date=` folders of a lake's table that hold a finished copy. */
function madeDays(lake: string): string[] {
  const table = path.join(lake, "flatfiles", "asset=us_stocks_sip", "dataset=minute_aggs_v1");
  if (!fs.existsSync(table)) return [];
  return fs.readdirSync(table).filter((d) => fs.existsSync(path.join(table, d, "_flatfiles-kit.json")));
}

function cli(cacheDir: string, args: string[], onStart?: (interrupt: () => void) => void) {
  const child = spawn(process.execPath, [path.join(PACKAGE_ROOT, "dist", "cli", "main.js"), ...args], {
    env: { ...process.env, FLATFILES_CACHE_DIR: cacheDir },
  });
  let [out, err] = ["", ""];
  child.stdout.on("data", (b) => (out += b));
  child.stderr.on("data", (b) => (err += b));
  onStart?.(() => child.kill("SIGINT"));
  return new Promise<{ code: number | null; out: string; err: string }>((resolve) =>
    child.on("exit", (code) => resolve({ code, out, err })),
  );
}

describe("conversions that a signal reaches", () => {
  it("Ctrl-C during get --parquet exits 130 at once; the same command converts only the rest", async () => {
    const cacheDir = path.join(root, "cli");
    const lake = path.join(cacheDir, "parquet");
    let interruptedAt = 0;
    const first = await cli(
      cacheDir,
      ["get", DATASET, FROM, TO, "--parquet", "-j", "1", "--format", "json"],
      (interrupt) => {
        const t = setInterval(() => {
          if (madeDays(lake).length >= 1) {
            clearInterval(t);
            interruptedAt = performance.now();
            interrupt();
          }
        }, 10);
      },
    );
    const tookMs = performance.now() - interruptedAt;
    assert.equal(first.code, 130, first.err);
    assert.match(first.err, /Stopped/);
    assert.ok(tookMs < 5_000, `it stopped within seconds of Ctrl-C (${tookMs.toFixed(0)} ms)`);
    const made = madeDays(lake);
    assert.ok(made.length >= 1 && made.length < 21, `${made.length} days converted before the stop`);
    const before = Object.fromEntries(
      made.map((d) => [
        d,
        fs.statSync(path.join(lake, "flatfiles", "asset=us_stocks_sip", "dataset=minute_aggs_v1", d)).ino,
      ]),
    );

    const second = await cli(cacheDir, [
      "get",
      DATASET,
      FROM,
      TO,
      "--parquet",
      "-j",
      "2",
      "--format",
      "json",
    ]);
    assert.equal(second.code, 0, second.err);
    const rows = JSON.parse(second.out) as { date: string; parquet?: string }[];
    assert.ok(rows.length >= 21);
    for (const r of rows)
      assert.ok(r.parquet && fs.existsSync(path.join(r.parquet, "_flatfiles-kit.json")), r.date);
    // The days done before Ctrl-C were kept, not made again.
    for (const [d, ino] of Object.entries(before))
      assert.equal(
        fs.statSync(path.join(lake, "flatfiles", "asset=us_stocks_sip", "dataset=minute_aggs_v1", d)).ino,
        ino,
        `${d} converted again`,
      );
  });

  it("downloadRange: an abort during the conversions gives aborted: true, and the next call finishes", async () => {
    const cacheDir = path.join(root, "lib");
    const lake = path.join(root, "lib-lake");
    const stop = new AbortController();
    const t = setInterval(() => {
      if (madeDays(lake).length >= 1) {
        clearInterval(t);
        stop.abort();
      }
    }, 5);
    const r = await downloadRange(
      ref,
      { dataset: DATASET, from: FROM, to: TO },
      {
        cacheDir,
        parquet: true,
        lake,
        conversions: 1,
        signal: stop.signal,
      },
    );
    clearInterval(t);
    assert.equal(r.aborted, true);
    assert.deepEqual(r.failed, [], "a stopped day is not a failed day");
    const made = madeDays(lake).length;
    assert.ok(made < r.done.length, `${made} of ${r.done.length} converted`);
    const again = await downloadRange(
      ref,
      { dataset: DATASET, from: FROM, to: TO },
      { cacheDir, parquet: true, lake, conversions: 2 },
    );
    assert.equal(again.aborted, false);
    assert.equal(madeDays(lake).length, again.done.length);
  });
});

describe("one conversion per day, and only the day's own parts", () => {
  it("two processes wanting the same day convert it once", async () => {
    const file = path.join(
      root,
      "two",
      "flatfiles",
      "us_stocks_sip",
      "trades_v1",
      "2026",
      "11",
      "2026-11-20.csv.gz",
    );
    fs.mkdirSync(path.dirname(file), { recursive: true });
    await tradesDay(file, 60e6);
    const lake = path.join(root, "two-lake");
    const program = `
      const { ensureParquet } = require(${JSON.stringify(path.join(PACKAGE_ROOT, "src", "flatfiles", "load"))});
      const fs = require("node:fs");
      const dir = ensureParquet(process.argv[1], "us_stocks_sip/trades_v1", () => {}, { lake: process.argv[2] });
      console.log(JSON.stringify({ ino: fs.statSync(dir).ino }));`;
    const one = () =>
      new Promise<{ ino: number }>((resolve, reject) => {
        const c = spawn(process.execPath, ["--import", "tsx", "-e", program, file, lake], {
          cwd: PACKAGE_ROOT,
        });
        let out = "";
        let err = "";
        c.stdout.on("data", (b) => (out += b));
        c.stderr.on("data", (b) => (err += b));
        c.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(err))));
      });
    const [a, b] = await Promise.all([one(), one()]);
    assert.equal(a.ino, b.ino, "the second process used the first one's copy instead of replacing it");
    const staging = fs.readdirSync(path.join(lake, "_staging"));
    assert.deepEqual(staging, [], `nothing left in staging: ${staging}`);
  });

  it("a stray .parquet in a day's folder (a sync tool's conflicted copy) is not read", async () => {
    const r = await downloadRange(
      ref,
      { dataset: "us_stocks_sip/trades_v1", from: "2026-11-19", to: "2026-11-20" },
      {
        cacheDir: path.join(root, "stray"),
      },
    );
    const file = r.done[0].path;
    const rows = loadDay(file, "us_stocks_sip/trades_v1").height;
    const dir = parquetPath(file);
    fs.copyFileSync(
      path.join(dir, "part-00000.parquet"),
      path.join(dir, "part-00000 (conflicted copy).parquet"),
    );
    assert.equal(loadDay(file, "us_stocks_sip/trades_v1").height, rows);
    assert.equal(scanDays([file], "us_stocks_sip/trades_v1").collectSync().height, rows);
  });

  it("a file shaped like the cache layout that the kit did not download gets no parquet/ folder beside it", async () => {
    const r = await downloadRange(
      ref,
      { dataset: "us_stocks_sip/day_aggs_v1", from: "2026-11-20", to: "2026-11-20" },
      {
        cacheDir: path.join(root, "real-cache"),
      },
    );
    const mirror = path.join(root, "mirror");
    const copy = path.join(
      mirror,
      "flatfiles",
      "us_stocks_sip",
      "day_aggs_v1",
      "2026",
      "11",
      "2026-11-20.csv.gz",
    );
    fs.mkdirSync(path.dirname(copy), { recursive: true });
    fs.copyFileSync(r.done[0].path, copy);
    const saved = process.env.FLATFILES_CACHE_DIR;
    process.env.FLATFILES_CACHE_DIR = path.join(root, "kit-cache");
    try {
      const dir = ensureParquet(copy, "us_stocks_sip/day_aggs_v1", () => {});
      assert.ok(!fs.existsSync(path.join(mirror, "parquet")), "no parquet/ beside the mirror");
      assert.equal(
        dir,
        path.join(
          root,
          "kit-cache",
          "parquet",
          "flatfiles",
          "asset=us_stocks_sip",
          "dataset=day_aggs_v1",
          "date=2026-11-20",
        ),
      );
      // The kit's own download still gets its cache's lake.
      assert.equal(
        ensureParquet(r.done[0].path, "us_stocks_sip/day_aggs_v1", () => {}),
        path.join(
          root,
          "real-cache",
          "parquet",
          "flatfiles",
          "asset=us_stocks_sip",
          "dataset=day_aggs_v1",
          "date=2026-11-20",
        ),
      );
    } finally {
      if (saved === undefined) delete process.env.FLATFILES_CACHE_DIR;
      else process.env.FLATFILES_CACHE_DIR = saved;
    }
  });
});
