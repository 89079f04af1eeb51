/**
 * The CLI as a quant used it (issue 28): the built `flatfiles` command in real processes against
 * the test sandbox. A dry run that counts what the cache holds, a range past the last listed
 * day, future days, `head` of trades on a terminal, JSON's missing values, a mistyped ticker
 * or option, and the days suggested around a holiday.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe, it } from "node:test";
import {
  isPublishedBy,
  newYorkClock,
  openDays,
  publicationOf,
  todayInNewYork,
} from "../../src/flatfiles/calendar";
import { dayKey } from "../../src/flatfiles/catalog";
import { formatBytes } from "../../src/util/bytes";
import { PACKAGE_ROOT } from "../../src/util/paths";
import { parseCsv } from "../helpers/cli-run";

const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "kit-cli-quant-"));
after(() => fs.rmSync(cacheDir, { recursive: true, force: true }));

function cli(...args: string[]) {
  return cliWith({}, ...args);
}

function cliWith(extra: NodeJS.ProcessEnv, ...args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, FLATFILES_CACHE_DIR: cacheDir };
  delete env.COLUMNS; // not a terminal: the table's default width applies, unless set below
  const r = spawnSync(process.execPath, [path.join(PACKAGE_ROOT, "dist", "cli", "main.js"), ...args], {
    encoding: "utf8",
    env: { ...env, ...extra },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const DAY_AGGS = "us_stocks_sip/day_aggs_v1";
const TRADES = "us_stocks_sip/trades_v1";
/** The sandbox's last day with files. */
const LAST = "2026-11-20";

describe("flatfiles for a quant", () => {
  it("get --dry-run counts the days the cache holds apart from the ones it would fetch", () => {
    const [from, to] = ["2026-11-02", "2026-11-06"];
    const before = cli("get", DAY_AGGS, from, to, "--dry-run", "--format", "csv");
    assert.equal(before.code, 0, before.err);
    const rows = parseCsv(before.out.trimEnd());
    assert.deepEqual(rows[0], ["date", "bytes", "cached", "key"]);
    assert.deepEqual(
      rows.slice(1).map((r) => r[2]),
      ["false", "false", "false", "false", "false"],
    );
    const all = rows.slice(1).reduce((n, r) => n + Number(r[1]), 0);
    assert.match(
      before.err,
      new RegExp(
        `^5 files for .*: 0 cached, 5 to get, ${formatBytes(all)}\\nneeds about ${formatBytes(all)} of disk; `,
      ),
    );

    const got = cli("get", DAY_AGGS, from, "2026-11-04");
    assert.equal(got.code, 0, got.err);
    const afterGet = cli("get", DAY_AGGS, from, to, "--dry-run", "--format", "json");
    assert.equal(afterGet.code, 0, afterGet.err);
    const plan = JSON.parse(afterGet.out) as { date: string; bytes: number; cached: boolean }[];
    assert.deepEqual(
      plan.map((d) => d.cached),
      [true, true, true, false, false],
    );
    const left = plan.filter((d) => !d.cached).reduce((n, d) => n + d.bytes, 0);
    assert.match(
      afterGet.err,
      new RegExp(`: 3 cached, 2 to get, ${formatBytes(left)}\\nneeds about ${formatBytes(left)} of disk; `),
    );
  });

  it("a range past the last listed day names the open days without a file, up to today", () => {
    const today = todayInNewYork();
    const r = cli("get", DAY_AGGS, "2026-11-19", "2099-12-31", "--dry-run");
    assert.equal(r.code, 0, r.err);
    const clock = newYorkClock();
    const open = openDays("2026-11-21", today, "nyse");
    const missing = open.filter((d) => isPublishedBy(d, "nyse", clock));
    const pending = open.filter((d) => !isPublishedBy(d, "nyse", clock));
    assert.ok(missing.length > 0, "the sandbox ends before today");
    const named = /no file for these open days: ([^;]*)/.exec(r.err)?.[1] ?? "";
    for (const d of missing.slice(0, 10)) assert.ok(named.includes(d), `${d} named: ${r.err}`);
    if (missing.length > 10) assert.match(named, new RegExp(`\\(${missing.length} in all\\)`));
    for (const d of pending)
      assert.match(
        r.err,
        new RegExp(`${d} \\(expected ${publicationOf(d, "nyse").date} 11:00 ET\\)`),
        "a day not due yet says when it is",
      );
    assert.match(r.err, new RegExp(`days after today \\(${today} in New York\\) have no file yet`));
    assert.doesNotMatch(r.err, /2026-11-2[12]|2026-11-26/, "weekends and Thanksgiving are not gaps");

    // Nothing listed at all: the same open days explain the empty range.
    const empty = cli("get", DAY_AGGS, "2026-11-23", "2026-11-24");
    assert.equal(empty.code, 1);
    assert.match(empty.err, /no files for .* no file for these open days: 2026-11-23, 2026-11-24/);
  });

  it("a future day says when its file is expected, or that the market is closed that day", () => {
    const holiday = cli("get", DAY_AGGS, "2027-12-24");
    assert.equal(holiday.code, 1);
    assert.match(
      holiday.err,
      /^flatfiles: 2027-12-24 is an NYSE holiday \(Christmas Day\): no file will be published for it/,
    );
    const open = cli("head", DAY_AGGS, "2027-07-06");
    assert.equal(open.code, 1);
    assert.match(open.err, /2027-07-06 has no file yet: .*expect it around 2027-07-07 11:00 ET/);
    assert.equal(open.err.split("\n").length, 2, "one line");
  });

  it("head of trades fits a terminal, shows each time once, in one zone, and picks columns", () => {
    const table = cli("head", TRADES, LAST, "-n", "5");
    assert.equal(table.code, 0, table.err);
    const lines = table.out.trimEnd().split("\n");
    for (const line of lines) assert.ok(line.length <= 120, `${line.length} characters: ${line}`);
    const header = lines[0].trim().split(/\s+/);
    assert.ok(header.includes("sip_timestamp") && header.includes("price"), lines[0]);
    assert.ok(!header.some((c) => /_(utc|ny)$/.test(c)), "each time once");
    assert.match(table.out, /^\(times: New York time \(UTC-05:00\), on 2026-11-20/m);
    const hidden = /\((\d+) more columns, left out to fit 120 characters: (.*?); --columns picks them\)/.exec(
      table.out.replace(/\n/g, " "),
    );
    assert.ok(hidden, table.out);
    const all = ["ticker", "conditions", "correction", "exchange", "id", "participant_timestamp", "price"];
    for (const c of all)
      assert.ok(header.includes(c) || hidden[2].split(", ").includes(c), `${c} shown or named`);
    // A narrow terminal: the table and its notes fit it too.
    const narrow = cliWith({ COLUMNS: "60" }, "head", TRADES, LAST, "-n", "3", "--times", "utc");
    assert.equal(narrow.code, 0, narrow.err);
    for (const line of narrow.out.trimEnd().split("\n"))
      assert.ok(line.length <= 60, `${line.length}: ${line}`);
    assert.match(
      narrow.out.replace(/\n/g, " "),
      /\(times: UTC, on 2026-11-20 unless a date is shown; --times ny for New York time\)/,
    );
    const sip = header.indexOf("sip_timestamp");
    assert.match(lines[2].trim().split(/\s+/)[sip], /^\d\d:\d\d:\d\d(\.\d+)?$/, "the time of day");

    const picked = cli("head", TRADES, LAST, "-n", "3", "--columns", "ticker,sip_timestamp,price,size");
    assert.equal(picked.code, 0, picked.err);
    assert.deepEqual(picked.out.split("\n")[0].trim().split(/\s+/), [
      "ticker",
      "sip_timestamp",
      "price",
      "size",
    ]);

    for (const [zone, re] of [
      ["utc", /^2026-11-20T\d\d:\d\d:\d\d(\.\d+)?Z$/],
      ["ny", /^2026-11-20T\d\d:\d\d:\d\d(\.\d+)?-05:00$/],
      ["raw", /^\d{19}$/],
    ] as const) {
      const csv = cli(
        "head",
        TRADES,
        LAST,
        "-n",
        "3",
        "--times",
        zone,
        "-c",
        "sip_timestamp,price",
        "-f",
        "csv",
      );
      assert.equal(csv.code, 0, csv.err);
      const rows = parseCsv(csv.out.trimEnd());
      assert.deepEqual(rows[0], ["sip_timestamp", "price"]);
      for (const r of rows.slice(1)) assert.match(r[0], re, zone);
    }

    const typo = cli("head", TRADES, LAST, "--columns", "ticker,pirce");
    assert.equal(typo.code, 1);
    assert.match(typo.err, /^flatfiles: This file has no column "pirce" \(did you mean price\?\)/m);
    const zone = cli("head", TRADES, LAST, "--times", "est");
    assert.equal(zone.code, 2);
    assert.match(zone.err, /^flatfiles: --times must be ny, utc or raw, not "est"/);
  });

  it("JSON writes null for every missing value: an unset timestamp as an unset condition", () => {
    const r = cli("head", TRADES, LAST, "-n", "2000", "--format", "json");
    assert.equal(r.code, 0, r.err);
    const rows = JSON.parse(r.out) as Record<string, unknown>[];
    const empty = rows.flatMap((row) => Object.entries(row).filter(([, v]) => v === ""));
    assert.deepEqual(empty, [], "no empty strings");
    assert.ok(
      rows.some((row) => row.trf_timestamp === null),
      "an exchange print's trf_timestamp is unset: null",
    );
  });

  it("an unknown ticker gets the closest the day has; a mistyped option gets the option, in one line", () => {
    const zzzz = cli("head", TRADES, LAST, "--ticker", "AAPLL");
    assert.equal(zzzz.code, 1, zzzz.out);
    assert.match(
      zzzz.err,
      /^flatfiles: "AAPLL" is not a ticker in us_stocks_sip\/trades_v1 on 2026-11-20 .*the closest: AAPL/m,
    );
    assert.match(zzzz.err, /^[^\n]*\n(flatfiles: [^\n]*\n)$/, "the day's cached line, then one line");
    const zz = cli("head", TRADES, LAST, "--ticker", "ZZZZ");
    assert.equal(zz.code, 1);
    assert.match(zz.err, /flatfiles: "ZZZZ" is not a ticker .*; the closest: /);
    assert.doesNotMatch(zz.out + zz.err, /0 rows/);
    const lower = cli("head", TRADES, LAST, "--ticker", "aapl", "-n", "2", "-c", "ticker", "-f", "csv");
    assert.equal(lower.code, 0, lower.err);
    assert.deepEqual(parseCsv(lower.out.trimEnd()).slice(1), [["AAPL"], ["AAPL"]]);

    const tickr = cli("head", TRADES, LAST, "--tickr", "AAPL");
    assert.equal(tickr.code, 2);
    assert.equal(
      tickr.err,
      "flatfiles: Unknown option '--tickr' (did you mean --ticker?). (\"flatfiles --help\" shows every command and option.)\n",
    );
    const command = cli("haed", TRADES, LAST);
    assert.equal(command.code, 2);
    assert.match(command.err, /^flatfiles: Unknown command "haed" \(did you mean "head"\?\)/);
    assert.equal(command.err.split("\n").length, 2, "one line, not the whole help");
  });

  it("suggests the same days around a closed day offline (dayKey) as after listing (get, head)", () => {
    const today = todayInNewYork();
    // Holidays and weekends, at a month's edge too, all inside the sandbox's data.
    for (const day of ["2026-01-01", "2025-12-25", "2026-07-03", "2026-10-31", "2025-11-27", "2026-05-30"]) {
      let offline = "";
      try {
        dayKey(DAY_AGGS, day, today);
      } catch (e) {
        offline = (e as Error).message;
      }
      const listed = cli("get", DAY_AGGS, day);
      assert.equal(listed.code, 1, listed.out);
      const suggested = (text: string) =>
        (text.split(/has no file/)[1] ?? "").match(/\d{4}-\d\d-\d\d/g) ?? [];
      assert.equal(suggested(offline).length, 2, offline);
      assert.deepEqual(suggested(listed.err), suggested(offline), `${day}\n${offline}\n${listed.err}`);
    }
  });
});
