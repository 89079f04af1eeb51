/**
 * The sandbox stands in for the real bucket, so it is described on its own (headers from the
 * published samples, calendars from published session lists) and may disagree with the
 * library's registry. These tests are where such a disagreement shows up.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { closedReason, isNyseEarlyClose } from "../../src/flatfiles/calendar";
import { DATASETS, findDataset } from "../../src/flatfiles/datasets";
import { parseCsv } from "../../src/flatfiles/load";
import { ROUND_LOT_TIERS, TIERED_ROUND_LOTS_SINCE } from "../../src/flatfiles/round-lots";
import { ROUND_LOTS, SANDBOX_DATASETS, sandboxDays } from "../../src/sandbox/description";
import { SANDBOX_END } from "../../src/sandbox/seed";
import { PriceModel, dayFileCsv } from "../../src/sandbox/synthetic";
import { NYSE_EARLY_CLOSES } from "../../src/sandbox/closures";
import { PACKAGE_ROOT } from "../../src/util/paths";

/** Every file of the generator (the sandbox's folder and its `synthetic/` parts), except the download proxy. */
const GENERATOR = fs
  .readdirSync(path.join(PACKAGE_ROOT, "src", "sandbox"), { recursive: true, encoding: "utf8" })
  .filter((f) => f.endsWith(".ts") && f !== "proxy.ts");

describe("the sandbox's description against the library's registry", () => {
  it("the generator imports nothing from the library's flat-files code", () => {
    assert.ok(
      GENERATOR.includes(path.join("synthetic", "index.ts")) && GENERATOR.length > 15,
      GENERATOR.join(" "),
    );
    for (const f of GENERATOR) {
      const text = fs.readFileSync(path.join(PACKAGE_ROOT, "src", "sandbox", f), "utf8");
      const imports = [...text.matchAll(/from\s+"([^"]+)"/g)].map((m) => m[1]);
      assert.deepEqual(
        imports.filter((i) => i.includes("flatfiles")),
        [],
        `${f} imports the library's registry`,
      );
    }
  });

  it("has the same round-lot tiers, from the same day", () => {
    assert.equal(ROUND_LOTS.since, TIERED_ROUND_LOTS_SINCE);
    assert.deepEqual(
      ROUND_LOTS.tiers.map(([upTo, shares]) => ({ upTo, shares })),
      ROUND_LOT_TIERS.map(({ upTo, shares }) => ({ upTo, shares })),
    );
  });

  it("has the same datasets", () => {
    assert.deepEqual(SANDBOX_DATASETS.map((d) => d.id).sort(), DATASETS.map((d) => d.id).sort());
  });

  it("writes only headers the library knows", () => {
    for (const s of SANDBOX_DATASETS) {
      const layouts = findDataset(s.id).layouts.map((l) => l.columns.join(","));
      assert.ok(
        layouts.includes(s.header.join(",")),
        `${s.id}: the sandbox writes "${s.header}", the library knows ${layouts.join(" | ")}`,
      );
    }
  });

  it("has a file on exactly the days the library's calendar expects, for every dataset", () => {
    for (const s of SANDBOX_DATASETS) {
      const lib = findDataset(s.id);
      const from = s.start < "2003-01-01" ? "2003-01-01" : s.start;
      const sandbox = new Set(sandboxDays(from, SANDBOX_END, s.calendar));
      for (
        let t = Date.parse(`${from}T00:00:00Z`);
        t <= Date.parse(`${SANDBOX_END}T00:00:00Z`);
        t += 86_400_000
      ) {
        const day = new Date(t).toISOString().slice(0, 10);
        const libOpen = closedReason(day, lib.calendar) === null;
        assert.equal(
          sandbox.has(day),
          libOpen,
          `${s.id} on ${day}: sandbox ${sandbox.has(day)}, library ${libOpen}`,
        );
      }
    }
  });

  it("closes early (13:00) on exactly the days the library's rule says, every weekday 2003-2026", () => {
    const wrong: string[] = [];
    for (
      let t = Date.parse("2003-01-01T00:00:00Z");
      t <= Date.parse("2026-12-31T00:00:00Z");
      t += 86_400_000
    ) {
      const day = new Date(t).toISOString().slice(0, 10);
      if (NYSE_EARLY_CLOSES.has(day) !== isNyseEarlyClose(day)) wrong.push(day);
    }
    assert.deepEqual(wrong, []);
  });

  it("generates days the library loads without a warning, for every dataset, first and last day", () => {
    for (const s of SANDBOX_DATASETS) {
      const days = sandboxDays(s.start, SANDBOX_END, s.calendar);
      for (const date of [days[0], days.at(-1)!]) {
        const csv = dayFileCsv({ dataset: s, date, size: 50, liquidity: 0.2 }, new PriceModel(s));
        const warnings: string[] = [];
        const df = parseCsv(Buffer.from(csv), s.id, `${s.id}/${date}`, (w) => warnings.push(w));
        assert.deepEqual(warnings, [], `${s.id} ${date}`);
        assert.deepEqual(df.columns, s.header);
        assert.ok(df.height > 0, `${s.id} ${date} has rows`);
      }
    }
  });
});
