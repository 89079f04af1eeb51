/**
 * Careless and hostile input to the loading functions (issue 20): each gets a one-line KitError
 * that names the value and the fix, quickly, and no name from a file reaches a lookup that
 * could find an inherited property.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe, it } from "node:test";
import { gzipSync } from "node:zlib";
import { findDataset } from "../../src/flatfiles/datasets";
import { ensureParquet, loadDay, parseCsv, scanDays } from "../../src/flatfiles/load";
import { convertOnWorker } from "../../src/flatfiles/load/worker";
import { parseOptionTicker } from "../../src/flatfiles/options";
import type { KitError } from "../../src/util/errors";

const MINUTE = "us_stocks_sip/minute_aggs_v1";
const HEADER = "ticker,volume,open,close,high,low,window_start,transactions";
const ROW = "AAPL,100,1.5,2.5,3,1,1763650800000000000,4";
const root = fs.mkdtempSync(path.join(os.tmpdir(), "kit-input-"));
process.env.FLATFILES_CACHE_DIR = path.join(root, "cache");
after(() => fs.rmSync(root, { recursive: true, force: true }));
let n = 0;

function gz(content: string | Buffer, name = `day-${++n}.csv.gz`): string {
  const file = path.join(root, name);
  fs.writeFileSync(file, gzipSync(content));
  return file;
}

function refuses(run: () => unknown, code: string, message: RegExp, max = 600): void {
  assert.throws(run, (e: KitError) => {
    assert.equal(e.name, "KitError", String(e));
    assert.equal(e.code, code, e.message);
    assert.match(e.message, message);
    assert.ok(!e.message.includes("\n"), "one line");
    assert.ok(e.message.length < max, `short: ${e.message.length} characters`);
    return true;
  });
}

describe("the header line is bounded like data lines", () => {
  it("a header line of 40 MB is refused after its first 64 KiB, from a file and from memory", () => {
    const line = "a".repeat(40 << 20);
    const file = gz(`${line}\n${ROW}\n`);
    refuses(() => loadDay(file, MINUTE), "load.header", /the header line is longer than 65,536 bytes/);
    refuses(() => loadDay(gz(line), MINUTE, { parquet: false }), "load.header", /header line is longer/);
    refuses(() => parseCsv(Buffer.from(`${line}\n`), MINUTE), "load.header", /header line is longer/);
  });
});

describe("names from a file are never looked up as inherited properties", () => {
  // Every name Object.prototype has, as a column of its own: the next such lookup is caught too.
  for (const name of Object.getOwnPropertyNames(Object.prototype)) {
    it(`a column named "${name}" is kept as text, with a warning`, () => {
      const csv = `${HEADER},${name}\n${ROW},x\n${ROW},y\n`;
      const warnings: string[] = [];
      const df = parseCsv(Buffer.from(csv), MINUTE, "f.csv", (w) => warnings.push(w));
      assert.deepEqual(df.getColumn(name.toLowerCase()).toArray(), ["x", "y"]);
      assert.equal(warnings.length, 1);
      assert.match(warnings[0], /is not in any known layout.*kept as text/);
      const loaded = loadDay(gz(csv), MINUTE, { onWarning: () => {} });
      assert.deepEqual(loaded.getColumn(name.toLowerCase()).toArray(), ["x", "y"]);
    });
  }
  it("a dataset or column asked for by such a name is refused, not found", () => {
    refuses(() => findDataset("constructor"), "catalog.dataset", /Unknown dataset "constructor"/, 2000);
    const file = gz(`${HEADER}\n${ROW}\n`);
    refuses(
      () => scanDays([file], MINUTE, { columns: ["__proto__"] }),
      "load.option",
      /"__proto__" is not a column/,
    );
  });
});

describe("scanDays options", () => {
  const file = gz(`${HEADER}\n${ROW}\n`);
  it("refuses time bounds outside what the files hold (1970 to 2262)", () => {
    for (const [k, v] of [
      ["from", 2n ** 64n],
      ["to", 2n ** 64n],
      ["from", 2n ** 63n],
      ["to", -1n],
      ["from", "1960-01-01T00:00:00Z"],
    ] as const)
      refuses(
        () => scanDays([file], MINUTE, { [k]: v }),
        "load.time",
        new RegExp(`^${k} .* is outside the times the files hold`),
      );
    assert.equal(scanDays([file], MINUTE, { from: 0n, to: 2n ** 63n - 1n }).collectSync().height, 1);
  });
  it("refuses tickers or columns given as a string, and unknown columns", () => {
    refuses(
      () => scanDays([file], MINUTE, { tickers: "AAPL" as unknown as string[] }),
      "load.option",
      /tickers must be a list of strings, such as \["AAPL", "MSFT"\]; it is the string "AAPL"/,
    );
    refuses(
      () => scanDays([file], MINUTE, { columns: "close" as unknown as string[] }),
      "load.option",
      /columns must be a list/,
    );
    refuses(
      () => scanDays([file], MINUTE, { columns: ["ticker", "prise"] }),
      "load.option",
      /columns: "prise" is not a column of these days; they have ticker, volume/,
    );
  });
});

describe("files that are not what they should be", () => {
  it("invalid UTF-8 names the file and the line", () => {
    const bad = Buffer.concat([
      Buffer.from(`${HEADER}\n${ROW}\n${ROW}\nAA`),
      Buffer.from([0xff, 0xfe]),
      Buffer.from(`PL,100,1.5,2.5,3,1,1763650800000000000,4\n${ROW}\n`),
    ]);
    const file = gz(bad);
    refuses(
      () => loadDay(file, MINUTE),
      "load.encoding",
      new RegExp(`${path.basename(file)}, line 4 is not valid UTF-8 \\(byte 0xff\\)`),
    );
    refuses(() => parseCsv(bad, MINUTE, "mem.csv"), "load.encoding", /mem\.csv, line 4 is not valid UTF-8/);
    const header = Buffer.concat([
      Buffer.from("ticker,vol"),
      Buffer.from([0xc3, 0x28]),
      Buffer.from(`ume\n${ROW}\n`),
    ]);
    refuses(() => loadDay(gz(header), MINUTE), "load.encoding", /, line 1 is not valid UTF-8 \(byte 0xc3\)/);
  });
  it("a folder passed as a day says so", () => {
    const dir = path.join(root, "2026-11-20.csv.gz");
    fs.mkdirSync(dir);
    refuses(
      () => loadDay(dir, MINUTE),
      "load.file",
      /is a folder, not a day's file: pass the path of a \.csv\.gz file/,
    );
    refuses(() => loadDay(dir, MINUTE, { parquet: false }), "load.file", /is a folder/);
    refuses(() => ensureParquet(dir, MINUTE), "load.file", /is a folder/);
  });
  it("CR-only line endings are named as such, not as a repeated column", () => {
    const csv = `${HEADER}\r${ROW}\r${ROW}\r`;
    refuses(
      () => loadDay(gz(csv), MINUTE),
      "load.header",
      /ends its lines with CR alone.*Convert the line endings/,
    );
    refuses(() => parseCsv(Buffer.from(csv), MINUTE), "load.header", /CR alone/);
    // Large enough that the header search hits the bound first.
    const big = `${HEADER}\r${`${ROW}\r`.repeat(5000)}`;
    refuses(() => loadDay(gz(big), MINUTE), "load.header", /CR alone/);
  });
  it("a timestamp from 2^63 to 2^64-1 is refused with its line (it does not fit the files' signed INT64)", () => {
    const csv = `${HEADER}\n${ROW}\nAAPL,100,1.5,2.5,3,1,9223372036854775808,4\n`;
    refuses(
      () => parseCsv(Buffer.from(csv), MINUTE, "f.csv"),
      "load.value",
      /f\.csv, line 3, column "window_start": "9223372036854775808" is not a Unix timestamp/,
    );
    refuses(() => loadDay(gz(csv), MINUTE), "load.value", /line 3, column "window_start"/);
    const max = `${HEADER}\nAAPL,100,1.5,2.5,3,1,9223372036854775807,4\n`;
    assert.equal(loadDay(gz(max), MINUTE).getColumn("window_start").toArray()[0], 2n ** 63n - 1n);
  });
});

describe("option tickers", () => {
  it("a strike of 7 or 9 digits is blamed on the strike, not the expiration", () => {
    for (const t of ["O:SPY251112C0067500", "O:SPY251112C006750000", "O:A251112P1"])
      assert.throws(
        () => parseOptionTicker(t),
        /its strike "\d+" has \d digits?, where an option symbol has 8/,
        t,
      );
  });
});

describe("the conversion's worker thread", () => {
  const d = findDataset(MINUTE);
  const file = gz(`${HEADER}\n${ROW}\n`);
  const script = (name: string, body: string) => {
    const p = path.join(root, name);
    fs.writeFileSync(p, body);
    return p;
  };
  const run = (s: string) => () => convertOnWorker(file, d, path.join(root, "out"), () => {}, {}, s);
  it("a worker that cannot load is reported at once, with the reason", { timeout: 30_000 }, () => {
    assert.throws(
      run(script("throws.js", "throw new Error('no native module');")),
      /could not start \(no native module\)/,
    );
  });
  it("a worker that exits without an answer is reported at once", { timeout: 30_000 }, () => {
    assert.throws(run(script("exits.js", "process.exit(3);")), /stopped without finishing/);
  });
  it("a worker that fails later (an uncaught error) is reported at once", { timeout: 30_000 }, () => {
    assert.throws(
      run(script("later.js", "setTimeout(() => { throw new Error('later'); }, 50);")),
      /its thread failed: later/,
    );
  });
});
