/** Stock trade conditions (src/flatfiles/conditions.ts): the table against its sources, names on the published trades. */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import pl from "nodejs-polars";
import {
  STOCK_TRADE_CONDITIONS,
  conditionName,
  explodeConditions,
  tradeCondition,
  withConditionNames,
  withOddLots,
} from "../../src/flatfiles/conditions";
import { loadDay } from "../../src/flatfiles/load";
import { roundLotOf } from "../../src/flatfiles/round-lots";
import { PACKAGE_ROOT } from "../../src/util/paths";
import { gzPublished, publishedFiles, publishedRows } from "../helpers/published";

/**
 * Rows of /v3/reference/conditions as quoted verbatim: id 2 by Polygon's knowledge-base article,
 * the others by the two copies of the endpoint's answer named in conditions.ts (name, then
 * consolidated updates_high_low, updates_open_close, updates_volume; null where the row has no rules).
 */
const QUOTED: Record<number, [string, boolean | null, boolean | null, boolean | null]> = {
  1: ["Acquisition", true, true, true],
  2: ["Average Price Trade", false, false, true],
  6: ["CAP Election", true, true, true],
  7: ["Cash Sale", false, false, true],
  10: ["Derivatively Priced", true, false, true],
  12: ["Form T/Extended Hours", false, false, true],
  14: ["Intermarket Sweep", true, true, true],
  16: ["Market Center Official Open", false, false, false],
  32: ["Sold (Out Of Sequence)", true, false, true],
  37: ["Odd Lot Trade", false, false, true],
  38: ["Corrected Consolidated Close (per listing market)", true, true, false],
  41: ["Trade Thru Exempt", true, true, true],
  60: ["Short Sale Restriction In Effect", null, null, null],
};

const STOCK_TRADES = publishedFiles("us_stocks_sip/trades_v1");

/** What the names of a `conditions` text should be, computed one code at a time in JavaScript. */
function namesOf(text: string): string | null {
  return text.trim() === ""
    ? null
    : text
        .split(",")
        .map((c) => conditionName(c))
        .join("; ");
}

describe("conditionName", () => {
  it("names the common codes", () => {
    assert.equal(conditionName(0), "Regular Sale");
    assert.equal(conditionName(12), "Form T/Extended Hours");
    assert.equal(conditionName(14), "Intermarket Sweep");
    assert.equal(conditionName(37), "Odd Lot Trade");
    assert.equal(conditionName("37"), "Odd Lot Trade");
    assert.equal(conditionName(" 2 "), "Average Price Trade");
  });

  it("says unknown for an id the sources do not name, and refuses what is not a code", () => {
    assert.equal(conditionName(56), "unknown (56)");
    assert.equal(tradeCondition(56), undefined);
    for (const bad of ["1a", "-1", "", "12,37", "3.5"]) {
      assert.throws(
        () => conditionName(bad),
        (e: Error & { code?: string }) => e.code === "conditions.code" && e.message.includes("whole numbers"),
        bad,
      );
    }
  });
});

describe("the condition table", () => {
  it("has each id once, in order, and says how each row was checked", () => {
    const ids = STOCK_TRADE_CONDITIONS.map((c) => c.id);
    assert.deepEqual(
      ids,
      [...new Set(ids)].sort((a, b) => a - b),
    );
    for (const c of STOCK_TRADE_CONDITIONS)
      assert.ok(["vendor", "api-copy", "transcription"].includes(c.checked), `${c.id}`);
  });

  it("holds the quoted rows exactly, and marks as checked those and only those", () => {
    for (const [id, [name, hl, oc, vol]] of Object.entries(QUOTED)) {
      const c = tradeCondition(id)!;
      assert.deepEqual(
        [c.name, c.updatesHighLow, c.updatesOpenClose, c.updatesVolume],
        [name, hl, oc, vol],
        `id ${id}`,
      );
    }
    const checked = STOCK_TRADE_CONDITIONS.filter((c) => c.checked !== "transcription").map((c) => c.id);
    assert.deepEqual(checked, Object.keys(QUOTED).map(Number));
    assert.deepEqual(
      STOCK_TRADE_CONDITIONS.filter((c) => c.checked === "vendor").map((c) => c.id),
      [2],
    );
  });

  it("lists in its doc comment exactly the codes the table excludes from high/low and from volume", () => {
    const noHighLow = STOCK_TRADE_CONDITIONS.filter((c) => c.updatesHighLow === false).map((c) => c.id);
    const noVolume = STOCK_TRADE_CONDITIONS.filter((c) => c.updatesVolume === false).map((c) => c.id);
    const doc = fs
      .readFileSync(path.join(PACKAGE_ROOT, "src", "flatfiles", "conditions.ts"), "utf8")
      .replace(/\n \* /g, " ");
    const numbers = (from: string, to: string) =>
      [...doc.slice(doc.indexOf(from), doc.indexOf(to)).matchAll(/\b\d+\b/g)].map((m) => Number(m[0]));
    assert.deepEqual(
      numbers("do not update the high and low:", "these do not count toward volume:"),
      noHighLow,
    );
    assert.deepEqual(numbers("these do not count toward volume:", "(Open/close"), noVolume);
    assert.deepEqual(noVolume, [15, 16, 38]);
  });
});

describe("withConditionNames and explodeConditions", () => {
  it("name every published stock trade's conditions as the table names each code", () => {
    assert.ok(STOCK_TRADES.length >= 5);
    for (const e of STOCK_TRADES) {
      const text = publishedRows(e.file).map((r) => r.conditions);
      const got = withConditionNames(loadDay(gzPublished(e.file), e.dataset))
        .getColumn("condition_names")
        .toArray();
      assert.deepEqual(got, text.map(namesOf), e.file);
    }
  });

  it("show the quoted multi-code value of the documentation sample as two names", () => {
    const e = STOCK_TRADES.find((x) => x.file.includes("2023-03-28.docs-sample"))!;
    const first = withConditionNames(loadDay(gzPublished(e.file), e.dataset)).row(0);
    assert.deepEqual(first.slice(0, 2), ["MSFT", "12,37"]);
    assert.equal(first.at(-1), "Form T/Extended Hours; Odd Lot Trade");
  });

  it("give one row per trade and code, a trade without conditions keeping one row", () => {
    const trades = pl.DataFrame({
      ticker: ["A", "A", "B", "C"],
      conditions: ["12,37", "", null, "56, 14"],
      size: [1, 2, 3, 4],
    });
    assert.deepEqual(explodeConditions(trades).toRecords(), [
      { ticker: "A", conditions: "12,37", size: 1, condition: 12, condition_name: "Form T/Extended Hours" },
      { ticker: "A", conditions: "12,37", size: 1, condition: 37, condition_name: "Odd Lot Trade" },
      { ticker: "A", conditions: "", size: 2, condition: null, condition_name: null },
      { ticker: "B", conditions: null, size: 3, condition: null, condition_name: null },
      { ticker: "C", conditions: "56, 14", size: 4, condition: 56, condition_name: "unknown (56)" },
      { ticker: "C", conditions: "56, 14", size: 4, condition: 14, condition_name: "Intermarket Sweep" },
    ]);
  });

  it("explode every published stock trade into as many rows as it lists codes", () => {
    for (const e of STOCK_TRADES) {
      const text = publishedRows(e.file).map((r) => r.conditions);
      const want = text.flatMap((t) => (t.trim() === "" ? [null] : t.split(",").map((c) => Number(c))));
      assert.deepEqual(
        explodeConditions(loadDay(gzPublished(e.file), e.dataset))
          .getColumn("condition")
          .toArray(),
        want,
        e.file,
      );
    }
  });

  it("refuse option trades, whose codes are OPRA's", () => {
    const e = publishedFiles("us_options_opra/trades_v1")[0];
    const options = loadDay(gzPublished(e.file), e.dataset, { onWarning: () => {} });
    for (const f of [withConditionNames, explodeConditions]) {
      assert.throws(
        () => f(options),
        (err: Error & { code?: string }) => err.code === "conditions.options",
      );
    }
    assert.throws(
      () => withConditionNames(pl.DataFrame({ ticker: ["A"] })),
      (err: Error & { code?: string }) => err.code === "conditions.columns",
    );
  });
});

describe("round lots and odd lots", () => {
  it("tiers the round lot by price from 2025-11-03, 100 shares before", () => {
    const at = (price: number, date = "2026-11-20") => roundLotOf(price, date);
    assert.deepEqual(
      [at(250), at(250.01), at(1000), at(1000.01), at(10_000), at(10_000.01)],
      [100, 40, 40, 10, 10, 1],
    );
    assert.equal(roundLotOf(342, "2025-10-31"), 100);
    assert.equal(roundLotOf(342, "2025-11-03"), 40);
    assert.throws(() => roundLotOf(342, "20251103"), /YYYY-MM-DD/);
    assert.throws(() => roundLotOf(-1, "2025-11-03"), /not a price/);
  });

  it("marks odd lots by a round-lot table of the period in force, or by condition 37, never by the day's first trade", () => {
    const trades = pl.DataFrame({
      ticker: ["AAPL", "F", "AAPL", "F", "BRK.A"],
      price: [240, 12, 341, 12.1, 700_000],
      size: [60, 60, 39, 100, 1],
      conditions: ["", "37", "37", "", ""],
    });
    // AAPL opens the day at 240 (first-trade tier: 100) but its tier in force is 40.
    const table = pl.DataFrame({ ticker: ["AAPL", "F", "BRK.A"], round_lot: [40, 100, 1] });
    const marked = withOddLots(trades, "2026-11-20", table);
    assert.deepEqual(marked.getColumn("round_lot").toArray(), [40, 100, 40, 100, 1]);
    assert.deepEqual(marked.getColumn("odd_lot").toArray(), [false, true, true, false, false]);
    const byMark = withOddLots(trades, "2026-11-20");
    assert.deepEqual(byMark.getColumn("odd_lot").toArray(), [false, true, true, false, false]);
    assert.equal(byMark.getColumn("odd_lot_rule").get(0), "condition 37");
    const before = withOddLots(trades, "2025-10-31").getColumn("odd_lot").toArray();
    assert.deepEqual(before, [true, true, true, false, true]);
    assert.throws(() => withOddLots(trades.drop("size"), "2026-11-20"), /lacks size/);
    assert.throws(
      () => withOddLots(trades.drop("conditions"), "2026-11-20"),
      /condition 37 .* or a round-lot table/,
    );
  });
});
