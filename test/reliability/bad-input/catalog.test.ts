/**
 * Bad input, datasets and dates: one row each, a KitError (or a one-line CLI message) with a specific
 * code and a message naming the problem and the fix. docs/reliability.md lists the same table.
 */
import { dayKey, findDay } from "../../../src/flatfiles/catalog";
import { after } from "node:test";
import { sandboxS3 } from "../../helpers/sandbox";
import { type Row, badInputTable, today, failure } from "./helpers";

const s3 = sandboxS3();
after(() => s3.destroy());
const bucketRef = { client: s3, bucket: "flatfiles" };

const ROWS: Row[] = [
  [
    "unknown dataset",
    () => failure(() => dayKey("us_stocks_sip/bars", "2024-03-15", today)),
    /catalog\.dataset: Unknown dataset "us_stocks_sip\/bars".*day_aggs_v1/,
  ],
  [
    "malformed date",
    () => failure(() => dayKey("us_stocks_sip/day_aggs_v1", "03/15/2024", today)),
    /catalog\.date: .*YYYY-MM-DD/,
  ],
  [
    "impossible date",
    () => failure(() => dayKey("us_stocks_sip/day_aggs_v1", "2024-02-30", today)),
    /catalog\.date: .*not a real calendar date/,
  ],
  [
    "weekend date",
    () => failure(() => dayKey("us_stocks_sip/day_aggs_v1", "2024-03-16", today)),
    /catalog\.closed: .*a Saturday.*2024-03-15 and 2024-03-18/,
  ],
  [
    "holiday date",
    () => failure(() => dayKey("us_stocks_sip/day_aggs_v1", "2024-07-04", today)),
    /catalog\.closed: .*Independence Day/,
  ],
  [
    "future date",
    () => failure(() => dayKey("us_stocks_sip/day_aggs_v1", "2026-12-01", today)),
    /catalog\.future: .*next trading day/,
  ],
  [
    "date before the dataset's believed start (asked of the bucket)",
    () => failure(() => findDay(bucketRef, "us_options_opra/trades_v1", "2010-03-15")),
    /catalog\.before: Not listed: .*believed to start on 2014-06-02.*Nothing is listed for 2010-03/,
  ],
  [
    "a day not published yet (09:00 ET the next morning)",
    () =>
      failure(() =>
        findDay(bucketRef, "us_stocks_sip/day_aggs_v1", "2026-11-23", {
          now: new Date("2026-11-24T14:00:00Z"),
        }),
      ),
    /catalog\.unpublished: .*not published yet.*2026-11-24 11:00 ET/,
  ],
  [
    "a day missing after its publication time",
    () =>
      failure(() =>
        findDay(bucketRef, "us_stocks_sip/day_aggs_v1", "2026-11-23", {
          now: new Date("2026-11-24T20:00:00Z"),
        }),
      ),
    /catalog\.missing: Not listed: .*2026-11-23.*Nearest listed days: 2026-11-20/,
  ],
];

badInputTable("catalog", ROWS);
