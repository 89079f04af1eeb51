/** The CLI's output forms and its times, without a sandbox. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseCommandLine } from "../../src/cli/args";
import { fitColumns, render, safe, wrap } from "../../src/cli/output";
import { newYorkTime, shortTime, timeIn, utcTime, zoneLabel } from "../../src/cli/times";
import { parseCsv } from "../helpers/cli-run";

describe("CLI times", () => {
  it("shows nanoseconds as UTC and New York times, EST or EDT as on that day, to the precision the value has", () => {
    const at = (iso: string, frac = 0n) => BigInt(Date.parse(iso)) * 1_000_000n + frac;
    assert.equal(utcTime(at("2026-11-20T14:30:00Z")), "2026-11-20T14:30:00Z");
    assert.equal(newYorkTime(at("2026-11-20T14:30:00Z")), "2026-11-20T09:30:00-05:00");
    assert.equal(newYorkTime(at("2026-07-01T13:30:00Z")), "2026-07-01T09:30:00-04:00");
    // The night the clocks go forward: 06:59 UTC is 01:59 EST, 07:00 UTC is 03:00 EDT.
    assert.equal(newYorkTime(at("2026-03-08T06:59:00Z")), "2026-03-08T01:59:00-05:00");
    assert.equal(newYorkTime(at("2026-03-08T07:00:00Z")), "2026-03-08T03:00:00-04:00");
    assert.equal(utcTime(at("2026-11-20T14:30:00Z", 60_740n)), "2026-11-20T14:30:00.000060740Z");
    assert.equal(utcTime(at("2026-11-20T14:30:00.5Z")), "2026-11-20T14:30:00.500Z");
    assert.equal(utcTime(at("2026-11-20T14:30:00Z", 7_000n)), "2026-11-20T14:30:00.000007Z");
    assert.equal(
      utcTime(1794321000000100906n),
      "2026-11-10T14:30:00.000100906Z",
      "exact: no rounding through a Date",
    );
    assert.equal(utcTime(0n), null, "zero is an unset timestamp: null, the one missing value");
    assert.equal(newYorkTime(null), null);
    assert.equal(newYorkTime(0n), null);
    assert.equal(utcTime(2n ** 64n - 1n), "2554-07-21T23:34:33.709551615Z", "the largest UInt64");
  });
});

describe("CLI output", () => {
  const rows = [
    { name: "a\u001b[31mb", size: 3, big: 1794321000000100906n },
    { name: 'quote " and, comma\nnewline', size: null, big: null },
  ];

  it("writes every control character out, and nothing else", () => {
    assert.equal(
      safe("a\u001b[2Jb\u0007c\u009b\u202ed\r\n\t\u2028\u200e\u0000"),
      "a\\e[2Jb\\x07c\\x9b\\u202ed\\r\\n\\t\\u2028\\u200e\\x00",
    );
    assert.equal(safe("AAPL é 東京 📈 \\x"), "AAPL é 東京 📈 \\x");
  });

  it("renders a table, CSV (RFC 4180) and JSON (exact integers) from the same rows", () => {
    const table = render(rows, "table");
    assert.equal(table.split("\n").length, 4, "header, rule, one line a row");
    assert.match(table, /^a\\e\[31mb +3 +1794321000000100906$/m);
    const csv = render(rows, "csv");
    assert.deepEqual(parseCsv(csv), [
      ["name", "size", "big"],
      ["a\\e[31mb", "3", "1794321000000100906"],
      ['quote " and, comma\\nnewline', "", ""],
    ]);
    const json = render(rows, "json");
    assert.match(json, /"big":1794321000000100906\}/, "the exact digits");
    assert.deepEqual(
      JSON.parse(json).map((r: { name: string }) => r.name),
      rows.map((r) => r.name),
    );
    assert.equal(render([], "json"), "[]");
    assert.match(render([{ t: null, u: undefined }], "json"), /^\[\n\{"t":null,"u":null\}\n\]$/);
    assert.equal(render([], "csv", ["date", "bytes"]), "date,bytes");
  });
});

describe("CLI CSV and spreadsheets", () => {
  it("neutralises text a spreadsheet would run as a formula (=, +, -, @, tab, CR first), not numbers", () => {
    const hostile = [
      '=HYPERLINK("http://x","y")',
      "+1+cmd|' /C calc'!A0",
      "-2+3",
      "@SUM(A1:A9)",
      "\t=1",
      "\r=1",
    ];
    const csv = parseCsv(
      render(
        hostile.map((key) => ({ key, price: -1.5, n: -3n })),
        "csv",
      ),
    );
    assert.deepEqual(csv[0], ["key", "price", "n"]);
    for (const [i, row] of csv.slice(1).entries()) {
      assert.equal(row[0][0], "'", `${JSON.stringify(hostile[i])} starts with a quote: ${row[0]}`);
      assert.deepEqual(row.slice(1), ["-1.5", "-3"], "numbers stay numbers");
    }
    // A header from a hostile file is text too; plain keys and dates are left alone.
    assert.deepEqual(parseCsv(render([{ "=x": "us_stocks_sip/a.csv.gz", d: "2026-11-20" }], "csv")), [
      ["'=x", "d"],
      ["us_stocks_sip/a.csv.gz", "2026-11-20"],
    ]);
    // JSON and tables are not spreadsheet input: the value is kept as it is.
    assert.equal(JSON.parse(render([{ key: "=1+1" }], "json"))[0].key, "=1+1");
  });
});

describe("head's table", () => {
  it("keeps the columns a reader looks at first that fit the width, in the file's order", () => {
    const rows = [
      { ticker: "AAPL", id: "x".repeat(30), price: 1.5, sip_timestamp: "09:30:00.000979513", size: 100 },
    ];
    const cols = Object.keys(rows[0]);
    const fit = fitColumns(rows, cols, 40, ["ticker", "sip_timestamp", "price", "size"]);
    assert.deepEqual(fit.shown, ["ticker", "price", "sip_timestamp", "size"]);
    assert.deepEqual(fit.hidden, ["id"]);
    for (const line of render(rows, "table", fit.shown).split("\n")) assert.ok(line.length <= 40, line);
    assert.deepEqual(fitColumns(rows, cols, 5, ["ticker"]).shown, ["ticker"], "one column at least");
  });

  it("shows a time in one zone, the time of day alone on the file's date", () => {
    const ns = BigInt(Date.parse("2026-11-20T14:30:00Z")) * 1_000_000n + 979_513n;
    assert.equal(timeIn(ns, "ny"), "2026-11-20T09:30:00.000979513-05:00");
    assert.equal(timeIn(ns, "utc"), "2026-11-20T14:30:00.000979513Z");
    assert.equal(timeIn(ns, "raw"), ns);
    assert.equal(timeIn(0n, "ny"), null);
    assert.equal(shortTime(timeIn(ns, "ny"), "2026-11-20"), "09:30:00.000979513");
    assert.equal(shortTime(timeIn(ns, "utc"), "2026-11-20"), "14:30:00.000979513");
    assert.equal(shortTime(timeIn(ns, "ny"), "2026-11-19"), "2026-11-20T09:30:00.000979513-05:00");
    assert.equal(zoneLabel("ny", "2026-11-20"), "New York time (UTC-05:00)");
    assert.equal(zoneLabel("ny", "2026-07-01"), "New York time (UTC-04:00)");
  });
});

describe("CLI usage mistakes", () => {
  const message = (argv: string[]) => {
    try {
      parseCommandLine(argv);
    } catch (e) {
      return (e as Error).message;
    }
    return "";
  };

  it("names the closest option or command in one line, never the whole help", () => {
    for (const [argv, hint] of [
      [["head", "a/b", "2026-11-20", "--tickr", "X"], "(did you mean --ticker?)"],
      [["head", "a/b", "2026-11-20", "--colums", "x"], "(did you mean --columns?)"],
      [["ls", "--fromat", "csv"], "(did you mean --format?)"],
      [["get", "a/b", "2026-11-20", "--dryrun"], "(did you mean --dry-run?)"],
      [["haed", "a/b"], '(did you mean "head"?)'],
      [["dtaes"], '(did you mean "dates"?)'],
    ] as const) {
      const m = message([...argv]);
      assert.ok(m.includes(hint), `${argv.join(" ")}: ${m}`);
      assert.ok(!m.includes("\n"), `one line: ${m}`);
    }
    assert.doesNotMatch(message(["ls", "--zzzzzzzz"]), /did you mean/, "nothing close, nothing offered");
  });

  it("wraps a note at spaces to a width", () => {
    const text = "(3 more columns, left out to fit 30 characters: a_long_name, another_one, third)";
    for (const line of wrap(text, 30).split("\n")) assert.ok(line.length <= 30, line);
    assert.equal(wrap(text, 30).replace(/\n/g, " "), text);
  });
});
