/**
 * Bad input, loading a day: one row each, a KitError (or a one-line CLI message) with a specific
 * code and a message naming the problem and the fix. docs/reliability.md lists the same table.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { loadDay } from "../../../src/flatfiles/load";
import { type Row, badInputTable, tmp, gz, failure } from "./helpers";

const ROWS: Row[] = [
  [
    "a value that is not a number (abc as a price)",
    () =>
      failure(() =>
        loadDay(
          gz(
            "ticker,volume,open,close,high,low,window_start,transactions\nAAPL,1,abc,2,3,1,1700000000000000000,4\n",
          ),
          "us_stocks_sip/day_aggs_v1",
          { parquet: false },
        ),
      ),
    /load\.value: .*line 2, column "open": "abc" is not a number/,
  ],
  [
    "a timestamp above 2^64",
    () =>
      failure(() =>
        loadDay(
          gz(
            "ticker,price,sip_timestamp,size,conditions,correction,exchange\nO:X,1,18446744073709551616,1,,0,300\n",
          ),
          "us_options_opra/trades_v1",
          { parquet: false },
        ),
      ),
    /load\.value: .*column "sip_timestamp": "18446744073709551616" is not a Unix timestamp in nanoseconds/,
  ],
  [
    "a row with a field too many",
    () =>
      failure(() =>
        loadDay(gz("ticker,value,timestamp\nI:SPX,1,2\nI:SPX,1,2,3\n"), "us_indices/values_v1", {
          parquet: false,
        }),
      ),
    /load\.shape: .*line 3: 4 fields where the header has 3/,
  ],
  [
    "a file of another dataset",
    () =>
      failure(() =>
        loadDay(gz("ticker,value,timestamp\nI:SPX,1,2\n"), "us_stocks_sip/day_aggs_v1", { parquet: false }),
      ),
    /load\.columns: .*does not look like us_stocks_sip\/day_aggs_v1.*looks like us_indices\/values_v1/,
  ],
  [
    "corrupted cached file",
    () => {
      const file = path.join(tmp(), "2024-03-15.csv.gz");
      fs.writeFileSync(file, "not gzip at all");
      return failure(() => loadDay(file, "us_stocks_sip/day_aggs_v1"));
    },
    /load\.corrupt: .*download it again/,
  ],
  [
    "batchBytes 0 or NaN when loading",
    async () => {
      const file = gz("ticker,value,timestamp\nI:SPX,1,2\n");
      return `${await failure(() => loadDay(file, "us_indices/values_v1", { parquet: false, batchBytes: 0 }))}\n${await failure(() => loadDay(file, "us_indices/values_v1", { batchBytes: Number.NaN }))}`;
    },
    /options\.number: batchBytes is 0: it must be a whole number, from 1024 to 1073741824[\s\S]*batchBytes is NaN/,
  ],
];

badInputTable("load", ROWS);
