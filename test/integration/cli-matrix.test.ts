/**
 * Every command × every dataset the sandbox serves × every option the command takes, generated
 * from the registries (`DATASETS` in src/flatfiles/datasets.ts, `COMMANDS` in src/cli/args.ts),
 * so a new dataset or a new option is tested the day it is added: the last test fails when a
 * command has an option no case below exercised. Small days (two weeks before the sandbox's
 * last week), run in-process against the real sandbox.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import * as zlib from "node:zlib";
import { COMMANDS, FORMATS, OPTIONS, type OptionName } from "../../src/cli/args";
import { DATASETS, type Dataset, columnOf, keyFor } from "../../src/flatfiles/datasets";
import { parquetPath } from "../../src/flatfiles/load";
import { type CliRun, parseCsv, runCli } from "../helpers/cli-run";
import { sandboxState } from "../helpers/sandbox";

const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "kit-cli-matrix-"));
// Set once for the file: the runs overlap, so no run may set and restore it around itself.
process.env.FLATFILES_CACHE_DIR = cacheDir;
// Wednesday to Friday: three small days in every calendar (the last week's days are large).
const FROM = "2026-11-04";
const TO = "2026-11-06";
/** Options each command was run with, per dataset: checked against COMMANDS at the end. */
const used = new Map<string, Set<string>>();

async function cli(...argv: string[]): Promise<CliRun> {
  const [command] = argv;
  const dataset = argv[1] ?? "";
  for (const a of argv) {
    const m = /^--([a-z-]+)$/.exec(a) ?? /^-([a-z])$/.exec(a);
    if (!m) continue;
    const name = (Object.keys(OPTIONS) as OptionName[]).find(
      (o) => o === m[1] || (OPTIONS[o] as { short?: string }).short === m[1],
    );
    const k = `${command} ${dataset}`;
    if (!used.has(k)) used.set(k, new Set());
    used.get(k)!.add(name ?? m[1]);
  }
  const t = performance.now();
  const r = await runCli(argv);
  if (process.env.KIT_MATRIX_TIMES) console.log(`${(performance.now() - t).toFixed(0)} ms ${argv.join(" ")}`);
  return r;
}

function ok(r: CliRun, what: string): CliRun {
  assert.equal(r.code, 0, `${what}: exit ${r.code}\n${r.err}`);
  return r;
}

/**
 * A command's JSON, checked for the one missing-value convention: null, never an empty string
 * (every command × every dataset passes through here).
 */
function json<T>(r: CliRun): T {
  const value = JSON.parse(r.out) as T;
  const empty: string[] = [];
  const walk = (v: unknown, at: string) => {
    if (v === "") empty.push(at);
    else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(x, `${at}.${k}`);
  };
  walk(value, "");
  assert.deepEqual(empty, [], 'missing values are null in JSON, not ""');
  return value;
}

/** The header of a downloaded day, as the file has it. */
function headerOf(file: string): string[] {
  const text = zlib.gunzipSync(fs.readFileSync(file)).toString("utf8");
  return text.slice(0, text.indexOf("\n")).split(",");
}

const RFC3339_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3,9})?Z$/;
const RFC3339_NY = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3,9})?-0[45]:00$/;

const served: Dataset[] = [];
const denied: Dataset[] = [];
const t0 = performance.now();

describe("every command × every dataset × every option", () => {
  before(async () => {
    // The sandbox's datasets, as the bucket lists them (ls of each asset class, in JSON).
    const listed = new Set<string>();
    for (const asset of new Set(DATASETS.map((d) => d.asset))) {
      const r = ok(await cli("ls", asset, "--format", "json"), `ls ${asset}`);
      for (const row of json<{ name: string }[]>(r)) listed.add(row.name.replace(/\/$/, ""));
    }
    // A dataset outside the sandbox's plan (its files answer 403) is the denied case.
    const deniedPrefix = sandboxState().deniedPrefix ?? "\0";
    for (const d of DATASETS.filter((x) => listed.has(x.id)))
      (`${d.id}/`.startsWith(deniedPrefix) ? denied : served).push(d);
    assert.ok(served.length >= 30, `served: ${served.map((d) => d.id).join(" ")}`);
    served.sort((a, b) => (a.id < b.id ? -1 : 1));
  });

  after(() => {
    console.log(`matrix: ${served.length} datasets in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    fs.rmSync(cacheDir, { recursive: true, force: true });
  });

  it("runs ls, dates, get and head with each of their options on each dataset", async () => {
    // Four datasets at a time: the runs are in-process, their requests overlap.
    const queue = [...served];
    const failures: string[] = [];
    const worker = async () => {
      for (let d = queue.shift(); d; d = queue.shift()) {
        try {
          await oneDataset(d);
        } catch (e) {
          failures.push(`${d.id}: ${(e as Error).message}`);
        }
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    assert.deepEqual(failures, []);
  });

  it("answers a dataset outside the plan with one line (403), from each command that reads its files", async () => {
    assert.ok(denied.length > 0, "the sandbox denies one dataset");
    for (const d of denied) {
      for (const argv of [
        ["get", d.id, TO],
        ["head", d.id, TO],
      ]) {
        const r = await runCli(argv);
        assert.equal(r.code, 1, `${argv.join(" ")}: ${r.err}`);
        assert.match(r.err, /^flatfiles: .*Forbidden \(HTTP 403\)[^\n]*\n$/, argv.join(" "));
      }
      // A range lists every day that failed, with the reason, and exits 1.
      const r = await runCli(["get", d.id, FROM, TO]);
      assert.equal(r.code, 1, r.err);
      assert.match(r.err, /flatfiles: 3 of 3 days failed/);
      assert.equal(r.err.match(/^ {2}2026-11-0[456]: .*Forbidden \(HTTP 403\)/gm)?.length, 3, r.err);
    }
  });

  it("refuses, for each command, every option it does not take (exit 2, naming the option)", async () => {
    for (const [command, spec] of Object.entries(COMMANDS)) {
      const args = ["us_stocks_sip/day_aggs_v1", "2026-11-13", "2026-11-13"].slice(0, Math.max(spec.min, 0));
      for (const option of Object.keys(OPTIONS) as OptionName[]) {
        if (option === "help" || spec.options.includes(option)) continue;
        const flag = OPTIONS[option].type === "boolean" ? [`--${option}`] : [`--${option}`, "x"];
        const r = await runCli([command, ...args, ...flag]);
        assert.equal(r.code, 2, `${command} --${option}: ${r.err}`);
        assert.match(r.err, new RegExp(`--${option} is not an option of "flatfiles ${command}"`));
      }
    }
  });

  it("refuses bad option values with one line naming the option, before any request", async () => {
    for (const [argv, re] of [
      [["ls", "--format", "yaml"], /--format must be table, csv or json, not "yaml"/],
      [
        ["get", "us_stocks_sip/day_aggs_v1", FROM, TO, "--jobs", "0"],
        /--jobs must be a whole number from 1 to 64, not "0"/,
      ],
      [
        ["get", "us_stocks_sip/day_aggs_v1", FROM, TO, "-j", "65"],
        /--jobs must be a whole number from 1 to 64, not "65"/,
      ],
      [
        ["head", "us_stocks_sip/day_aggs_v1", FROM, "-n", "1e3"],
        /--rows must be a whole number from 1 to 1,000,000, not "1e3"/,
      ],
      [
        ["dates", "us_stocks_sip/day_aggs_v1", FROM, TO, "2026-11-07"],
        /takes at most 3 arguments; "2026-11-07" is one too many/,
      ],
    ] as const) {
      const r = await runCli([...argv]);
      assert.equal(r.code, 2, `${argv.join(" ")}: ${r.err}`);
      assert.match(r.err, re);
    }
    const weekend = await runCli(["get", "us_stocks_sip/day_aggs_v1", "2026-11-07", "2026-11-08"]);
    assert.equal(weekend.code, 1, weekend.err);
    assert.match(
      weekend.err,
      /^flatfiles: The bucket lists no files for us_stocks_sip\/day_aggs_v1 between 2026-11-07 and 2026-11-08\.\n$/,
    );
  });

  it("exercised every option of every command on every served dataset", async () => {
    const missing: string[] = [];
    for (const [command, spec] of Object.entries(COMMANDS)) {
      if (command === "config") continue;
      for (const d of served) {
        const got = used.get(`${command} ${d.id}`) ?? new Set();
        for (const o of spec.options) if (!got.has(o)) missing.push(`${command} ${d.id} --${o}`);
      }
    }
    assert.deepEqual(missing, [], "options a command takes that the matrix never ran");
    assert.match(
      ok(await runCli(["config"]), "config").out,
      /sandbox at http:\/\/127\.0\.0\.1:\d+, bucket flatfiles/,
    );
  });
});

async function oneDataset(d: Dataset): Promise<void> {
  // ls: the dataset's year folders, in each format.
  for (const format of FORMATS) {
    const r = ok(await cli("ls", d.id, "--format", format), `ls ${d.id} ${format}`);
    const names =
      format === "json"
        ? json<{ name: string; size: number | null }[]>(r).map((x) => x.name)
        : format === "csv"
          ? parseCsv(r.out.trimEnd())
              .slice(1)
              .map((row) => row[0])
          : [...r.out.matchAll(/^(\S+\/)\s*$/gm)].map((m) => m[1]);
    if (format === "csv") assert.deepEqual(parseCsv(r.out)[0], ["name", "size"]);
    assert.ok(names.includes(`${d.id}/2026/`), `ls ${d.id} --format ${format}: ${r.out}`);
  }

  // dates: the same days in each format, each with the key the registry makes for it.
  const days = json<{ date: string; bytes: number; key: string }[]>(
    ok(await cli("dates", d.id, FROM, TO, "--format", "json"), `dates ${d.id}`),
  );
  assert.ok(days.length >= 2, `${d.id} has days between ${FROM} and ${TO}`);
  for (const x of days) {
    assert.equal(x.key, keyFor(d, x.date));
    assert.ok(x.date >= FROM && x.date <= TO && x.bytes > 0);
  }
  const table = ok(await cli("dates", d.id, FROM, TO, "--format", "table"), "dates table");
  assert.deepEqual(
    [...table.out.matchAll(/^(\d{4}-\d\d-\d\d) /gm)].map((m) => m[1]),
    days.map((x) => x.date),
  );
  const csv = parseCsv(ok(await cli("dates", d.id, FROM, TO, "--format", "csv"), "dates csv").out.trimEnd());
  assert.deepEqual(csv[0], ["date", "bytes", "key"]);
  assert.deepEqual(
    csv.slice(1),
    days.map((x) => [x.date, String(x.bytes), x.key]),
  );

  // get: one day (downloaded, then "cached" without a second transfer), a dry run, a range.
  const [first, second, ...rest] = days.map((x) => x.date);
  const got = json<{ date: string; status: string; bytes: number; path: string }[]>(
    ok(await cli("get", d.id, first, "--format", "json"), "get one day"),
  );
  assert.equal(got.length, 1);
  assert.equal(got[0].status, "downloaded");
  assert.equal(fs.statSync(got[0].path).size, got[0].bytes);
  const again = ok(await cli("get", d.id, first, "--format", "table"), "get again");
  assert.match(again.out, new RegExp(`^${first} +cached +${got[0].bytes} +\\S+`, "m"));
  assert.match(again.err, new RegExp(`^cached ${d.id}/\\S+ \\(`, "m"));
  assert.doesNotMatch(again.err, /downloaded|%/);

  const last = rest.at(-1) ?? second;
  const dry = ok(await cli("get", d.id, second, last, "--dry-run", "--format", "csv"), "dry run");
  const planned = parseCsv(dry.out.trimEnd());
  assert.deepEqual(planned[0], ["date", "bytes", "cached", "key"]);
  assert.deepEqual(
    planned.slice(1).map((r) => r[0]),
    [second, ...rest],
  );
  assert.match(
    dry.err,
    new RegExp(`^${rest.length + 1} files for .*: 0 cached, ${rest.length + 1} to get, [\\d.]+ [kMG]?B`, "m"),
  );
  for (const r of planned.slice(1)) assert.ok(!fs.existsSync(path.join(cacheDir, "flatfiles", r[3])), r[3]);

  const range = json<{ date: string; status: string; path: string; parquet?: string }[]>(
    ok(await cli("get", d.id, first, last, "--jobs", "3", "--parquet", "--format", "json"), "get range"),
  );
  assert.deepEqual(
    range.map((r) => [r.date, r.status]),
    days.map((x) => [x.date, x.date === first ? "cached" : "downloaded"]),
  );
  for (const r of range) {
    assert.ok(fs.existsSync(r.path), r.path);
    assert.equal(r.parquet, parquetPath(r.path));
    assert.ok(fs.existsSync(path.join(r.parquet!, "_flatfiles-kit.json")), r.parquet);
  }
  // --lake: the same day's copy in another folder, laid out the same way.
  const elsewhere = path.join(cacheDir, "lakes", d.id.replace("/", "-"));
  const inLake = json<{ path: string; parquet?: string }[]>(
    ok(await cli("get", d.id, first, "--parquet", "--lake", elsewhere, "--format", "json"), "get --lake"),
  );
  assert.equal(inLake[0].parquet, parquetPath(inLake[0].path, { lake: elsewhere }));
  assert.ok(
    inLake[0].parquet!.startsWith(path.join(elsewhere, "flatfiles", `asset=${d.asset}`)),
    inLake[0].parquet,
  );

  // head: the file's own columns, times in one zone (or raw), -n, columns, one ticker, one underlying.
  const header = headerOf(got[0].path);
  const rawNs = header.filter((c) => columnOf(c).type === "ns");
  const shown = ok(await cli("head", d.id, first), "head table");
  const lines = shown.out.trimEnd().split("\n");
  // A table fits 120 characters (no terminal here): the columns left out are named below it.
  for (const line of lines) assert.ok(line.length <= 120, `${line.length} characters: ${line}`);
  // The notes below the table may be wrapped: read them as one text.
  const hidden = /\(\d+ more columns, left out to fit 120 characters: (.*?); --columns picks them\)/.exec(
    shown.out.replace(/\n/g, " "),
  );
  const tableColumns = lines[0].trim().split(/\s+/);
  assert.deepEqual(
    [...tableColumns, ...(hidden ? hidden[1].split(", ") : [])].sort(),
    [...header].sort(),
    "each of the file's columns shown once, or named as left out",
  );
  assert.deepEqual(
    tableColumns,
    header.filter((c) => tableColumns.includes(c)),
    "in the file's order",
  );
  const total = Number(/^\((\d[\d,]*) rows in all\)$/m.exec(shown.out)?.[1].replace(/,/g, ""));
  const counted = lines.findIndex((l) => /^\(\d[\d,]* rows in all\)$/.test(l));
  assert.equal(counted, 2 + Math.min(10, total), "header, rule, ten rows, count (then notes)");

  const utc = ok(
    await cli("head", d.id, first, "-n", "2", "--times", "utc", "--format", "csv"),
    "head csv utc",
  );
  const rows = parseCsv(utc.out.trimEnd());
  assert.deepEqual(rows[0], header, "CSV: every column, under the file's own names");
  assert.equal(rows.length - 1, Math.min(2, total));
  const ny = json<Record<string, unknown>[]>(
    ok(
      await cli(
        "head",
        d.id,
        first,
        "-n",
        "2",
        "--times",
        "ny",
        "--columns",
        [...header].reverse().join(","),
        "-f",
        "json",
      ),
      "head json ny --columns",
    ),
  );
  assert.deepEqual(Object.keys(ny[0] ?? {}), [...header].reverse(), "--columns: these, in this order");
  for (const c of rawNs) {
    const i = rows[0].indexOf(c);
    for (const [k, r] of rows.slice(1).entries()) {
      if (r[i] === "") {
        assert.equal(ny[k][c], null, `${c}: unset is null in JSON`);
        continue;
      }
      assert.match(r[i], RFC3339_UTC, `${c} --times utc`);
      assert.match(String(ny[k][c]), RFC3339_NY, `${c} --times ny`);
      assert.equal(Date.parse(r[i]), Date.parse(String(ny[k][c])), `${c}: the same instant`);
    }
  }
  assert.match(utc.err, /\(\d[\d,]* rows in all\)/, "the count goes to stderr when stdout is data");

  assert.equal(header[0], "ticker");
  const ticker = rows[1][0];
  const raw = json<Record<string, unknown>[]>(
    ok(
      await cli("head", d.id, first, "--ticker", ticker, "--raw-times", "-n", "1000", "--format", "json"),
      "head --ticker --raw-times",
    ),
  );
  assert.ok(raw.length > 0 && raw.every((r) => r.ticker === ticker), ticker);
  assert.deepEqual(Object.keys(raw[0]), header, "the file's own columns");
  for (const c of rawNs)
    assert.ok(
      raw.every((r) => typeof r[c] === "number"),
      `${c} as nanoseconds`,
    );
  const occ = /^O:([A-Z0-9]+?)\d{6}[CP]\d{8}$/.exec(ticker);
  const under = await cli("head", d.id, first, "--underlying", occ ? occ[1] : "SPY", "--format", "json");
  if (d.asset === "us_options_opra") {
    assert.ok(occ, `an OCC symbol: ${ticker}`);
    const contracts = json<{ ticker: string }[]>(ok(under, "head --underlying"));
    assert.ok(contracts.length > 0);
    for (const r of contracts) assert.match(r.ticker, new RegExp(`^O:${occ[1]}\\d{6}[CP]\\d{8}$`));
  } else {
    assert.equal(under.code, 2, under.err);
    assert.match(under.err, /--underlying is for options datasets/);
  }
}
