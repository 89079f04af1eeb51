import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ASSET_CLASSES, DATASETS, findDataset, keyFor, parseKey } from "../../src/flatfiles/datasets";

describe("dataset catalog", () => {
  it("has the five asset classes and seventeen datasets of the real bucket", () => {
    assert.deepEqual(
      ASSET_CLASSES.map((a) => a.prefix),
      ["us_stocks_sip", "us_options_opra", "us_indices", "global_forex", "global_crypto"],
    );
    assert.equal(DATASETS.length, 17);
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
    assert.throws(() => findDataset("us_stocks_sip/bars"), /Unknown dataset "us_stocks_sip\/bars".*us_stocks_sip\/day_aggs_v1/);
  });

  it("types timestamps as nanoseconds and volumes as floats", () => {
    const cols = Object.fromEntries(findDataset("us_stocks_sip/minute_aggs_v1").columns.map((c) => [c.name, c.type]));
    assert.equal(cols.window_start, "ns");
    assert.equal(cols.volume, "float");
    assert.equal(cols.ticker, "string");
  });
});
