/** The CLI as a user runs it: the built bin, real processes, exit codes and messages. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import pl from "nodejs-polars";
import { PACKAGE_ROOT } from "../../src/util/paths";

const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "kit-cli-"));
function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(PACKAGE_ROOT, "dist", "cli", "main.js"), ...args], {
    encoding: "utf8",
    env: { ...process.env, FLATFILES_CACHE_DIR: cacheDir },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe("flatfiles CLI", () => {
  it("lists the top level and one dataset's years", () => {
    const top = cli("ls");
    assert.equal(top.code, 0, top.err);
    assert.match(top.out, /us_stocks_sip\//);
    const years = cli("ls", "us_stocks_sip/day_aggs_v1");
    assert.match(years.out, /us_stocks_sip\/day_aggs_v1\/2003\//);
  });

  it("lists dates, downloads a day and prints its first rows", () => {
    const dates = cli("dates", "us_stocks_sip/day_aggs_v1", "2024-03-14", "2024-03-19");
    assert.deepEqual(
      [...dates.out.matchAll(/^(2024-\d\d-\d\d)/gm)].map((m) => m[1]),
      ["2024-03-14", "2024-03-15", "2024-03-18", "2024-03-19"],
    );
    const get = cli("get", "us_stocks_sip/day_aggs_v1", "2024-03-15", "--format", "json");
    assert.equal(get.code, 0, get.err);
    const [file] = JSON.parse(get.out) as { path: string; status: string }[];
    assert.ok(fs.existsSync(file.path), get.out);
    const head = cli("head", "us_stocks_sip/day_aggs_v1", "2024-03-15", "-n", "3");
    assert.match(head.out, /^ticker +volume/m);
    assert.match(head.out, /^AAPL /m);
    assert.match(head.out, /\(8 rows in all\)/);
  });

  it("lists a range as wide as 1000-01-01 to 9999-12-31 through the years the bucket has", () => {
    const r = cli("dates", "us_indices/day_aggs_v1", "1000-01-01", "9999-12-31");
    assert.equal(r.code, 0, r.err);
    const dates = [...r.out.matchAll(/^(\d{4}-\d\d-\d\d)/gm)].map((m) => m[1]);
    assert.equal(dates[0], "2023-02-01", "the sandbox's first index day");
    assert.equal(dates.at(-1), "2026-11-20");
    assert.ok(dates.includes("2024-07-04"), "an NYSE holiday, with an index file");
  });

  it("gets a forex Sunday and shows a futures session day, as the bucket lists them", () => {
    const sunday = cli("get", "global_forex/day_aggs_v1", "2024-10-27", "--format", "csv");
    assert.equal(sunday.code, 0, sunday.err);
    assert.match(sunday.out.trim(), /global_forex\/day_aggs_v1\/2024\/10\/2024-10-27\.csv\.gz$/);
    const futures = cli("head", "us_futures_cme/session_aggs_v1", "2026-11-20", "-n", "2");
    assert.equal(futures.code, 0, futures.err);
    assert.match(futures.out, /^ticker +session_end_date/m);
    assert.match(futures.out, /^ESZ6 /m);
  });

  it("heads one ticker, or one underlying's option contracts, read lazily from the day", () => {
    const aapl = cli("head", "us_stocks_sip/minute_aggs_v1", "2026-11-19", "--ticker", "AAPL", "-n", "2");
    assert.equal(aapl.code, 0, aapl.err);
    assert.deepEqual(
      [...aapl.out.matchAll(/^(\S+) +\d/gm)].map((m) => m[1]),
      ["AAPL", "AAPL"],
    );
    // Every bar of AAPL the file holds (extended hours too, and no bar in a minute without trades),
    // counted by reading the cached file with polars directly.
    const file = path.join(cacheDir, "flatfiles", "us_stocks_sip/minute_aggs_v1/2026/11/2026-11-19.csv.gz");
    const inFile = pl.readCSV(file).filter(pl.col("ticker").eq(pl.lit("AAPL"))).height;
    assert.ok(inFile > 0);
    assert.match(aapl.out, new RegExp(`\\(${inFile} rows of AAPL\\)`), "every bar of the ticker");
    const spy = cli("head", "us_options_opra/day_aggs_v1", "2026-11-20", "-u", "spy", "-n", "500");
    assert.equal(spy.code, 0, spy.err);
    const tickers = [...spy.out.matchAll(/^(O:\S+) /gm)].map((m) => m[1]);
    assert.ok(tickers.length > 0 && tickers.every((t) => /^O:SPY\d{6}[CP]\d{8}$/.test(t)), tickers.join(" "));
    assert.match(spy.out, new RegExp(`\\(${tickers.length} rows of SPY options\\)`));
  });

  it("loads only what a command needs: --help nothing, ls no polars, charts or other SDK clients", () => {
    // A preload that lists the packages the process required, printed when it exits.
    const probe = path.join(cacheDir, "packages-probe.js");
    fs.writeFileSync(
      probe,
      `const Module = require("module");
const load = Module._load;
const seen = new Set();
Module._load = function (request) {
  if (!request.startsWith(".") && !request.startsWith("node:") && !request.startsWith("/"))
    seen.add(request.startsWith("@") ? request.split("/").slice(0, 2).join("/") : request.split("/")[0]);
  return load.apply(this, arguments);
};
process.on("exit", () => process.stderr.write("\\nPACKAGES " + [...seen].join(" ") + "\\n"));
`,
    );
    const packages = (...args: string[]) => {
      const r = spawnSync(
        process.execPath,
        ["--require", probe, path.join(PACKAGE_ROOT, "dist", "cli", "main.js"), ...args],
        {
          encoding: "utf8",
          env: { ...process.env, FLATFILES_CACHE_DIR: cacheDir },
        },
      );
      assert.equal(r.status, 0, r.stderr);
      return (/^PACKAGES (.*)$/m.exec(r.stderr)?.[1] ?? "").split(" ").filter(Boolean);
    };
    assert.deepEqual(packages("--help"), [], "--help loads no package");
    const ls = packages("ls");
    assert.ok(ls.includes("@aws-sdk/client-s3"), ls.join(" "));
    for (const heavy of [
      "nodejs-polars",
      "vega",
      "vega-lite",
      "@resvg/resvg-js",
      "@aws-sdk/client-dynamodb",
      "@aws-sdk/client-ec2",
      "@aws-sdk/client-iam",
      "tslab",
    ])
      assert.ok(!ls.includes(heavy), `ls loads ${heavy}`);
    assert.ok(
      packages("head", "us_stocks_sip/day_aggs_v1", "2024-03-15", "-n", "1").includes("nodejs-polars"),
    );
  });

  it("stops quietly when its reader goes away (| head -1); a full disk is one line", () => {
    const bin = `"${process.execPath}" "${path.join(PACKAGE_ROOT, "dist", "cli", "main.js")}" dates us_stocks_sip/day_aggs_v1 2003-01-01 2026-11-20`;
    const env = { ...process.env, FLATFILES_CACHE_DIR: cacheDir };
    const piped = spawnSync("sh", ["-c", `${bin} | head -1`], { encoding: "utf8", env });
    assert.match(piped.stdout, /^date +bytes +key/);
    assert.equal(piped.stderr, "", "no EPIPE stack trace");
    const full = spawnSync("sh", ["-c", `${bin} > /dev/full`], { encoding: "utf8", env });
    assert.equal(full.status, 1);
    assert.match(full.stderr, /^flatfiles: cannot write the output \(ENOSPC: the disk is full\)\.\n$/);
  });

  it("answers mistakes with one line and a non-zero exit, never a stack trace", () => {
    for (const [args, code, re] of [
      [["frobnicate"], 2, /Unknown command "frobnicate"/],
      [
        ["ls", "--bogus"],
        2,
        /^flatfiles: Unknown option '--bogus'\. \("flatfiles --help" shows every command and option\.\)\n$/,
      ],
      [["head", "us_stocks_sip/day_aggs_v1"], 2, /needs a dataset and a date/],
      [["head", "us_stocks_sip/day_aggs_v1", "2024-03-15", "-n", "zero"], 2, /--rows must be a whole number/],
      [
        ["head", "us_stocks_sip/day_aggs_v1", "2024-03-15", "-u", "AAPL"],
        2,
        /--underlying is for options datasets/,
      ],
      [
        ["head", "us_options_opra/day_aggs_v1", "2026-11-20", "-u", "S&P 500"],
        2,
        /an option root such as SPY/,
      ],
      [
        ["head", "us_options_opra/day_aggs_v1", "2026-11-20", "-u", "SPY", "-t", "SPY"],
        2,
        /--ticker or --underlying, not both/,
      ],
      [["get", "us_stocks_sip/day_aggs_v1", "2024-03-16"], 1, /a Saturday.*2024-03-15 and 2024-03-18/],
      [["get", "us_stocks_sip/bars", "2024-03-15"], 1, /Unknown dataset "us_stocks_sip\/bars"/],
      [["get", "us_stocks_sip/day_aggs_v1", "2024-13-01"], 1, /not a real calendar date/],
      [
        ["get", "global_crypto/day_aggs_v1", "2012-06-01"],
        1,
        /Not listed: .*believed to start on 2013-11-01 \(uncertain: the bucket decides\)/,
      ],
    ] as const) {
      const r = cli(...args);
      assert.equal(r.code, code, `${args.join(" ")}: ${r.err}`);
      assert.match(r.err, re);
      assert.ok(!/\n\s+at /.test(r.err), `no stack trace: ${r.err}`);
    }
  });

  it("reports a bug with its message and stack, and says it is one; FLATFILES_DEBUG=1 shows an expected error's cause", () => {
    // A bug planted in the built modules before the CLI starts (node --require), with no hook
    // in the product: a TypeError inside the try of main() (listDays, wrapped by explainAwsError
    // as `unexpected`), and one before it (loadConfig, reaching the top level as it is).
    const dist = path.join(PACKAGE_ROOT, "dist");
    const plant = path.join(cacheDir, "plant-bug.js");
    fs.writeFileSync(
      plant,
      `const where = process.env.KIT_TEST_BUG;
const mod = require(${JSON.stringify(dist)} + (where === "catalog" ? "/flatfiles/catalog.js" : "/config/env.js"));
const name = where === "catalog" ? "listDays" : "loadConfig";
mod[name] = function plantedBug() { const day = undefined; return day.date; };
`,
    );
    const bug = (where: string) => {
      const r = spawnSync(
        process.execPath,
        [
          "--require",
          plant,
          path.join(dist, "cli", "main.js"),
          "dates",
          "us_stocks_sip/day_aggs_v1",
          "2024-03-14",
          "2024-03-19",
        ],
        {
          encoding: "utf8",
          env: { ...process.env, FLATFILES_CACHE_DIR: cacheDir, KIT_TEST_BUG: where },
        },
      );
      return { code: r.status, err: r.stderr };
    };
    for (const where of ["catalog", "config"]) {
      const r = bug(where);
      assert.equal(r.code, 1, r.err);
      assert.match(
        r.err,
        /^flatfiles: .*TypeError: Cannot read properties of undefined \(reading 'date'\)/,
        r.err,
      );
      assert.match(r.err, /bug in flatfiles-kit/);
      assert.match(
        r.err,
        /\nTypeError: Cannot read properties of undefined \(reading 'date'\)\n\s+at plantedBug /,
        `the bug's own stack: ${r.err}`,
      );
    }
    assert.match(
      bug("catalog").err,
      /^flatfiles: an unexpected error, not from the service or the network: TypeError/,
    );

    // Expected errors stay one line; with FLATFILES_DEBUG=1 the SDK error behind one is shown too.
    const denied = ["get", "us_options_opra/quotes_v1", "2026-11-20"];
    const plain = cli(...denied);
    assert.equal(plain.code, 1);
    assert.match(plain.err, /^flatfiles: .*Forbidden \(HTTP 403\)[^\n]*\n$/);
    const debug = spawnSync(process.execPath, [path.join(dist, "cli", "main.js"), ...denied], {
      encoding: "utf8",
      env: { ...process.env, FLATFILES_CACHE_DIR: cacheDir, FLATFILES_DEBUG: "1" },
    });
    assert.equal(debug.status, 1);
    assert.match(debug.stderr, /^flatfiles: .*Forbidden \(HTTP 403\)[^\n]*\ncaused by: [^\n]+\n\s+at /);
  });
});
