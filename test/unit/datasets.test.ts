import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  ASSET_CLASSES,
  COLUMN_TYPES,
  DATASETS,
  findDataset,
  keyFor,
  parseKey,
} from "../../src/flatfiles/datasets";
import { SOURCES } from "../../src/flatfiles/sources";

describe("dataset catalog", () => {
  it("has the nine asset prefixes and thirty-three datasets of the real bucket", () => {
    assert.deepEqual(
      ASSET_CLASSES.map((a) => a.prefix),
      [
        "us_stocks_sip",
        "us_options_opra",
        "us_indices",
        "global_forex",
        "global_crypto",
        "us_futures_cme",
        "us_futures_cbot",
        "us_futures_comex",
        "us_futures_nymex",
      ],
    );
    assert.equal(DATASETS.length, 33);
    for (const ex of ["cme", "cbot", "comex", "nymex"]) {
      assert.deepEqual(
        DATASETS.filter((d) => d.asset === `us_futures_${ex}`).map((d) => d.name),
        ["session_aggs_v1", "minute_aggs_v1", "trades_v1", "quotes_v1"],
      );
    }
  });

  it("knows both options trades layouts: 7 columns now, 8 in the older published sample", () => {
    const d = findDataset("us_options_opra/trades_v1");
    assert.deepEqual(
      d.layouts.map((l) => l.columns.length),
      [7, 8],
    );
    assert.ok(!d.columns.some((c) => c.name === "participant_timestamp"));
    assert.ok(d.layouts[1].columns.includes("participant_timestamp"));
  });

  it("gives every fact a source that exists and a certainty", () => {
    for (const d of DATASETS) {
      for (const f of [d.since, ...d.layouts]) {
        assert.ok(f.source in SOURCES, `${d.id}: unknown source ${f.source}`);
        assert.ok(["certain", "evidence", "uncertain"].includes(f.certainty));
      }
      for (const c of d.layouts.flatMap((l) => l.columns))
        assert.ok(COLUMN_TYPES[c], `${d.id}: column ${c} has no type`);
    }
  });

  it("puts every asset class on the calendar the public evidence gives", () => {
    const cal = Object.fromEntries(ASSET_CLASSES.map((a) => [a.prefix, a.calendar]));
    assert.equal(cal.us_stocks_sip, "nyse");
    assert.equal(cal.us_options_opra, "nyse");
    assert.equal(cal.us_indices, "weekdays");
    assert.equal(cal.global_forex, "sunday-friday");
    assert.equal(cal.global_crypto, "daily");
    assert.equal(cal.us_futures_cme, "cme");
  });

  it("maps a dataset and date to the documented key and back", () => {
    const d = findDataset("us_stocks_sip/day_aggs_v1");
    assert.equal(keyFor(d, "2024-03-15"), "us_stocks_sip/day_aggs_v1/2024/03/2024-03-15.csv.gz");
    assert.deepEqual(parseKey("us_stocks_sip/day_aggs_v1/2024/03/2024-03-15.csv.gz"), {
      dataset: "us_stocks_sip/day_aggs_v1",
      date: "2024-03-15",
    });
    assert.equal(parseKey("us_stocks_sip/README.txt"), null);
  });

  it("accepts a name without _v1 and rejects unknown names listing close matches", () => {
    assert.equal(findDataset("us_stocks_sip/trades").id, "us_stocks_sip/trades_v1");
    assert.throws(
      () => findDataset("us_stocks_sip/bars"),
      /Unknown dataset "us_stocks_sip\/bars".*us_stocks_sip\/day_aggs_v1/,
    );
  });

  it("types timestamps as nanoseconds and volumes as floats", () => {
    const cols = Object.fromEntries(
      findDataset("us_stocks_sip/minute_aggs_v1").columns.map((c) => [c.name, c.type]),
    );
    assert.equal(cols.window_start, "ns");
    assert.equal(cols.volume, "float");
    assert.equal(cols.ticker, "string");
  });
});
