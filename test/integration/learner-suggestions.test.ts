/**
 * The days a "no file" message suggests come from what the bucket lists, not from the calendar:
 * on an NYSE holiday the sandbox (like a plan with gaps) may lack the calendar's neighbouring
 * open days, and suggesting those sends the learner to another error.
 */
import assert from "node:assert/strict";
import { it } from "node:test";
import { findDay, listDays } from "../../src/flatfiles/catalog";
import type { KitError } from "../../src/util/errors";
import { sandboxS3 } from "../helpers/sandbox";

const ref = { client: sandboxS3(), bucket: "flatfiles" };
const DATASET = "us_stocks_sip/day_aggs_v1";

for (const day of ["2026-11-26", "2026-11-14"]) {
  it(`findDay on a closed day (${day}) suggests only days the bucket lists`, async () => {
    const listed = new Set((await listDays(ref, DATASET, "2026-11-01", "2026-11-30")).map((f) => f.date));
    await assert.rejects(
      findDay(ref, DATASET, day, { now: new Date("2026-12-02T20:00:00Z") }),
      (e: KitError) => {
        assert.equal(e.code, "catalog.closed");
        const suggested = (e.message.split(/has no file/)[1] ?? "").match(/\d{4}-\d\d-\d\d/g) ?? [];
        assert.ok(suggested.length > 0, e.message);
        for (const d of suggested)
          assert.ok(listed.has(d), `suggests ${d}, which the bucket does not list: ${e.message}`);
        return true;
      },
    );
  });
}
