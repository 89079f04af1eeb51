/**
 * Header-driven loading: the file's own header decides the columns, the registry types them by
 * name, and a value that does not fit its type is an error naming file, line, column and value.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseCsv } from "../../src/flatfiles/load";

const AGGS = "ticker,volume,open,close,high,low,window_start,transactions";
const ROW = "AAPL,100.000000,1.5,2,3,0.5,1700000000000000001,5";

function load(csv: string, dataset = "us_stocks_sip/day_aggs_v1") {
  const warnings: string[] = [];
  const df = parseCsv(Buffer.from(csv), dataset, "day.csv.gz", (w) => warnings.push(w));
  const types = Object.fromEntries(
    df.columns.map((c, i) => [c, String(df.dtypes[i]).replace(/DataType\((.*)\)/, "$1")]),
  );
  return { df, types, warnings, rows: df.toRecords() as Record<string, unknown>[] };
}

function fails(csv: string, pattern: RegExp, dataset?: string) {
  assert.throws(
    () => load(csv, dataset),
    (e: Error & { code?: string }) => {
      assert.equal(e.name, "KitError");
      assert.match(`${e.code}: ${e.message}`, pattern);
      return true;
    },
  );
}

describe("header-driven loading", () => {
  it("types the newest layout by name and keeps nanoseconds exact", () => {
    const { types, rows } = load(`${AGGS}\n${ROW}\n`);
    assert.deepEqual(types, {
      ticker: "String",
      volume: "Float64",
      open: "Float64",
      close: "Float64",
      high: "Float64",
      low: "Float64",
      window_start: "UInt64",
      transactions: "Int64",
    });
    assert.equal(rows[0].window_start, 1700000000000000001n);
    assert.equal(rows[0].volume, 100);
  });

  it("reads a UTF-8 BOM, CRLF line ends and capitalised names", () => {
    const { df, rows } = load(
      `\uFEFF${AGGS.replace("ticker", "Ticker").replace("open", "OPEN")}\r\n${ROW}\r\n`,
    );
    assert.deepEqual(df.columns, AGGS.split(","));
    assert.equal(rows[0].ticker, "AAPL");
    assert.equal(rows[0].transactions, 5, "no \\r left on the last field");
  });

  it("takes columns in any order and any subset", () => {
    const { df, types, rows } = load("close,ticker,window_start\n2,AAPL,1700000000000000001\n");
    assert.deepEqual(df.columns, ["close", "ticker", "window_start"]);
    assert.equal(types.window_start, "UInt64");
    assert.deepEqual(rows[0], { close: 2, ticker: "AAPL", window_start: 1700000000000000001n });
  });

  it("keeps an unknown extra column as text, with a warning", () => {
    const { types, warnings, rows } = load(`${AGGS},vwap_note\n${ROW},x1\n`);
    assert.equal(types.vwap_note, "String");
    assert.equal(rows[0].vwap_note, "x1");
    assert.equal(warnings.length, 1);
    assert.match(
      warnings[0],
      /column "vwap_note" is not in any known layout of us_stocks_sip\/day_aggs_v1; kept as text/,
    );
  });

  it("loads both options trades layouts (7 columns now, 8 in the older sample)", () => {
    const now = load(
      'ticker,conditions,correction,exchange,price,sip_timestamp,size\nO:SPY251219C00650000,"209,219",0,312,1.25,1760000000000000001,3\n',
      "us_options_opra/trades_v1",
    );
    assert.equal(now.rows[0].conditions, "209,219");
    assert.equal(now.rows[0].exchange, 312);
    const old = load(
      "ticker,conditions,correction,exchange,participant_timestamp,price,sip_timestamp,size\nO:A,209,0,312,1,1.25,2,3\n",
      "us_options_opra/trades_v1",
    );
    assert.equal(old.types.participant_timestamp, "UInt64");
    assert.deepEqual(old.warnings, []);
  });

  it("keeps empty and 0 TRF fields apart (older files: empty; current: 0)", () => {
    const head =
      "ticker,conditions,correction,exchange,id,participant_timestamp,price,sequence_number,sip_timestamp,size,tape,trf_id,trf_timestamp";
    const { rows } = load(
      `${head}\nA,,0,11,1,5,1.5,9,6,100.000000,1,,\nA,,0,11,2,5,1.5,9,6,100,1,0,0\n`,
      "us_stocks_sip/trades_v1",
    );
    assert.equal(rows[0].trf_id, null);
    assert.equal(rows[1].trf_id, 0);
    assert.equal(rows[1].trf_timestamp, 0n);
  });

  it("loads a header-only file as an empty, typed frame", () => {
    const { df, types } = load(`${AGGS}\n`);
    assert.equal(df.height, 0);
    assert.equal(types.window_start, "UInt64");
  });

  it("keeps an uncertain type's column as text, with a warning, when the values say otherwise", () => {
    const head =
      "ticker,timestamp,sequence_number,report_sequence,price,size,correction,exchange,session_end_date";
    const { types, warnings } = load(
      `${head}\nESZ6,1,2,x7,5800.25,1,0,4,2026-11-20\n`,
      "us_futures_cme/trades_v1",
    );
    assert.equal(types.report_sequence, "String");
    assert.match(
      warnings.join("\n"),
      /column "report_sequence" holds "x7" \(line 2\), not a whole number; kept as text/,
    );
  });

  it("names file, line, column and value for a value that does not fit", () => {
    fails(
      `${AGGS}\n${ROW}\nMSFT,1,abc,2,3,1,1700000000000000000,4\n`,
      /load\.value: day\.csv\.gz, line 3, column "open": "abc" is not a number/,
    );
    fails(
      `${AGGS}\nMSFT,1,1,2,3,1,1700000000000000000,5.5\n`,
      /line 2, column "transactions": "5\.5" is not a whole number/,
    );
    fails(
      `${AGGS}\nMSFT,1,1,2,3,1,18446744073709551616,5\n`,
      /column "window_start": "18446744073709551616" is not a Unix timestamp in nanoseconds/,
    );
    fails(`${AGGS}\nMSFT,1,1,2,3,1,-1,5\n`, /column "window_start": "-1" is not a Unix timestamp/);
  });

  it("refuses rows with too few or too many fields instead of padding or cutting them", () => {
    fails(
      `${AGGS}\n${ROW}\nAAPL,1,2\n`,
      /load\.shape: day\.csv\.gz, line 3: 3 fields where the header has 8/,
    );
    fails(`${AGGS}\n${ROW},9\n`, /line 2: 9 fields where the header has 8/);
    fails(`${AGGS}\n${ROW}\n\n${ROW}\n`, /load\.shape: day\.csv\.gz, line 3 is blank, with data after it/);
  });

  it("refuses empty files, nameless or repeated columns, and another dataset's file", () => {
    fails("", /load\.header: .*no header line/);
    fails("ticker,,open\nA,1,2\n", /load\.header: .*column 2 of the header has no name/);
    fails("ticker,open,Open\nA,1,2\n", /load\.header: .*names the column "open" twice/);
    fails(
      "ticker,value,timestamp\nI:SPX,1,2\n",
      /load\.columns: .*does not look like us_stocks_sip\/day_aggs_v1.*looks like us_indices\/values_v1/,
    );
  });
});
