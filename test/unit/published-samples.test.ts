/**
 * Files we did not write: vendor documentation samples, heads of real files and rows from other
 * projects' tests (test/fixtures/published/, provenance in SOURCES.md). Each must load with every
 * value equal to the text of the file, read here by a small reader of its own (not polars), and
 * the sandbox must write the headers and value shapes these files have.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { gzipSync } from "node:zlib";
import { describe, it } from "node:test";
import { loadDay } from "../../src/flatfiles/load";
import { sandboxDataset } from "../../src/sandbox/description";
import { PriceModel, dayFileCsv } from "../../src/sandbox/synthetic";
import { PACKAGE_ROOT } from "../../src/util/paths";
import { csvFields } from "../helpers/published";

const DIR = path.join(PACKAGE_ROOT, "test", "fixtures", "published");
interface Entry {
  file: string;
  dataset: string;
  kind: "real-head" | "docs-sample" | "test-rows" | "outdated";
}
const ENTRIES: Entry[] = JSON.parse(fs.readFileSync(path.join(DIR, "fixtures.json"), "utf8")).files;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kit-published-"));

function readText(file: string): { header: string[]; rows: string[][] } {
  const lines = fs
    .readFileSync(path.join(DIR, file), "utf8")
    .replace(/^\uFEFF/, "")
    .split(/\r?\n/)
    .filter((l) => l !== "");
  return { header: csvFields(lines[0]).map((h) => h.toLowerCase()), rows: lines.slice(1).map(csvFields) };
}

/** The value polars should hold for a text cell, given the column's type. */
function expected(text: string, dtype: string): unknown {
  if (text === "") return null;
  if (dtype.includes("UInt64")) return BigInt(text);
  if (dtype.includes("Float64") || dtype.includes("Int64")) return Number(text);
  return text;
}

function gz(file: string): string {
  const out = path.join(tmp, `${file}.csv.gz`);
  fs.writeFileSync(out, gzipSync(fs.readFileSync(path.join(DIR, file))));
  return out;
}

describe("published samples", () => {
  it("lists every file of the folder in fixtures.json, and SOURCES.md names each", () => {
    const onDisk = fs
      .readdirSync(DIR)
      .filter((f) => f.endsWith(".csv"))
      .sort();
    assert.deepEqual(ENTRIES.map((e) => e.file).sort(), onDisk);
    const sources = fs.readFileSync(path.join(DIR, "SOURCES.md"), "utf8");
    for (const f of onDisk) assert.ok(sources.includes(f), `SOURCES.md says nothing of ${f}`);
  });

  for (const e of ENTRIES.filter((x) => x.kind !== "outdated")) {
    it(`${e.file}: loads as ${e.dataset} with every value equal to the file's text`, () => {
      const warnings: string[] = [];
      const file = gz(e.file);
      const { header, rows } = readText(e.file);
      for (const parquet of [false, true]) {
        const df = loadDay(file, e.dataset, {
          parquet,
          datetimes: false,
          onWarning: (w) => warnings.push(w),
        });
        assert.deepEqual(df.columns, header);
        assert.equal(df.height, rows.length);
        header.forEach((name, c) => {
          const dtype = String(df.dtypes[c]);
          const values = df.getColumn(name).toArray();
          rows.forEach((row, r) => {
            assert.deepEqual(
              values[r],
              expected(row[c], dtype),
              `${e.file} line ${r + 2} ${name}: "${row[c]}" as ${dtype}`,
            );
          });
        });
      }
      assert.deepEqual(warnings, []);
    });
  }

  it("refuses the outdated futures sample (float millisecond timestamps), naming the value", () => {
    for (const e of ENTRIES.filter((x) => x.kind === "outdated")) {
      const warnings: string[] = [];
      assert.throws(
        () => loadDay(gz(e.file), e.dataset, { parquet: false, onWarning: (w) => warnings.push(w) }),
        (err: Error & { code?: string }) => {
          assert.equal(err.code, "load.value");
          assert.match(
            err.message,
            /line 2, column "timestamp": "1754843586948\.6707" is not a Unix timestamp in nanoseconds/,
          );
          return true;
        },
      );
      assert.match(
        warnings.join("\n"),
        /column "conditions" is not in any known layout of us_futures_cme\/trades_v1/,
      );
    }
  });
});

describe("the sandbox against the published samples", () => {
  const real = ENTRIES.filter((e) => e.kind === "real-head" || e.kind === "test-rows");

  it("writes the header that real files have, for every dataset with a real head or test rows", () => {
    for (const e of real) {
      assert.deepEqual(sandboxDataset(e.dataset).header, readText(e.file).header, `${e.file}`);
    }
  });

  /** Coarse shape of a value: what a reader must cope with. */
  const shape = (v: string) =>
    v === ""
      ? "empty"
      : /^-?\d+$/.test(v)
        ? "integer"
        : /^-?\d+\.\d{6}$/.test(v)
          ? "6 decimals"
          : /^-?\d*\.\d+$/.test(v)
            ? "decimal"
            : /,/.test(v)
              ? "list"
              : "text";

  it("writes values in the shapes the 2026 file heads have (6-decimal volumes, sizes and stock prices; quoted lists)", () => {
    for (const e of real.filter((x) => x.file.includes(".2026-05-22."))) {
      const s = sandboxDataset(e.dataset);
      const { header, rows } = readText(e.file);
      const csv = dayFileCsv({ dataset: s, date: "2026-05-22", size: 400, liquidity: 1 }, new PriceModel(s));
      const lines = csv.trim().split("\n").slice(1).map(csvFields);
      header.forEach((name, c) => {
        const seen = new Set(lines.map((l) => shape(l[c])));
        const want = shape(rows[0][c]);
        assert.ok(
          seen.has(want),
          `${e.dataset} ${name}: the real head has ${want} ("${rows[0][c]}"), the sandbox writes ${[...seen].join(", ")}`,
        );
      });
    }
  });
});
