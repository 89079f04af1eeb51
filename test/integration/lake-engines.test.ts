/**
 * Engines the kit did not write read its lake: a lake built from the sandbox (stock day and
 * minute aggregates and trades, options day aggregates and trades) is read by DuckDB and by
 * pyarrow, per dataset and as the whole lake root, and both agree with polars (the kit's own
 * reads) on row counts, sums, first and last times, and a daily VWAP per ticker. pyarrow casts
 * the time columns to timestamps. Every DuckDB query in docs/scale.md runs here too.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { duck as withDuck } from "../helpers/real-shaped";
import pl from "nodejs-polars";
import { listDays } from "../../src/flatfiles/catalog";
import { findDataset } from "../../src/flatfiles/datasets";
import { downloadFiles } from "../../src/flatfiles/download";
import { ensureParquet, loadDay, timeColumn } from "../../src/flatfiles/load";
import { PACKAGE_ROOT } from "../../src/util/paths";
import { runPython } from "../helpers/pyarrow";
import { sandboxS3 } from "../helpers/sandbox";

const s3 = sandboxS3();
const bucket = "flatfiles";
const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "kit-engines-"));
const lake = path.join(cacheDir, "parquet");
after(() => {
  s3.destroy();
  fs.rmSync(cacheDir, { recursive: true, force: true });
});

/** The lake of the Parquet issue: the datasets a user of other engines tried. */
const DATASETS = [
  "us_stocks_sip/day_aggs_v1",
  "us_stocks_sip/minute_aggs_v1",
  "us_stocks_sip/trades_v1",
  "us_options_opra/day_aggs_v1",
  "us_options_opra/trades_v1",
];
const FROM = "2026-11-19";
const TO = "2026-11-20";

/** The price and quantity columns of a dataset: close/volume for bars, price/size for trades. */
function weights(dataset: string): { price: string; qty: string } {
  return findDataset(dataset).kind === "trades"
    ? { price: "price", qty: "size" }
    : { price: "close", qty: "volume" };
}

interface DayStats {
  rows: number;
  qty: number;
  first: string;
  last: string;
}
/** Per dataset: per date, the day's figures; per "date|ticker", the VWAP. */
interface Stats {
  days: Record<string, DayStats>;
  vwap: Record<string, number>;
}

function tableOf(dataset: string): string {
  const d = findDataset(dataset);
  return path.join(lake, bucket, `asset=${d.asset}`, `dataset=${d.name}`);
}

function polarsStats(dataset: string, files: string[]): Stats {
  const { price, qty } = weights(dataset);
  const t = timeColumn(dataset);
  const out: Stats = { days: {}, vwap: {} };
  for (const f of files) {
    const date = path.basename(f, ".csv.gz");
    const df = loadDay(f, dataset, { datetimes: false });
    const times = df.getColumn(t).toArray() as bigint[];
    out.days[date] = {
      rows: df.height,
      qty: Number(df.getColumn(qty).sum()),
      first: String(times.reduce((a, b) => (b < a ? b : a))),
      last: String(times.reduce((a, b) => (b > a ? b : a))),
    };
    const v = df
      .groupBy("ticker")
      .agg(pl.col(price).mul(pl.col(qty)).sum().alias("pq"), pl.col(qty).sum().alias("q"))
      .filter(pl.col("q").gt(0));
    for (const r of v.toRecords()) out.vwap[`${date}|${r.ticker}`] = Number(r.pq) / Number(r.q);
  }
  return out;
}

const sqlPath = (p: string) => p.replace(/'/g, "''");

async function duckStats(dataset: string): Promise<Stats> {
  const { price, qty } = weights(dataset);
  const t = timeColumn(dataset);
  const src = `read_parquet('${sqlPath(tableOf(dataset))}/*/*.parquet', hive_partitioning = true)`;
  return withDuck(async (sql) => {
    const out: Stats = { days: {}, vwap: {} };
    for (const r of await sql(
      `SELECT date::VARCHAR AS date, count(*) AS n, sum(${qty}) AS q, min(${t})::VARCHAR AS first, max(${t})::VARCHAR AS last FROM ${src} GROUP BY ALL`,
    ))
      out.days[String(r.date)] = {
        rows: Number(r.n),
        qty: Number(r.q),
        first: String(r.first),
        last: String(r.last),
      };
    for (const r of await sql(
      `SELECT date::VARCHAR AS date, ticker, sum(${price} * ${qty}) / sum(${qty}) AS vwap FROM ${src} GROUP BY ALL HAVING sum(${qty}) > 0`,
    ))
      out.vwap[`${r.date}|${r.ticker}`] = Number(r.vwap);
    return out;
  });
}

const PYARROW_STATS = `
import json, sys
import pyarrow as pa, pyarrow.compute as pc, pyarrow.dataset as ds
table_dir, t, price, qty = sys.argv[1:5]
tab = ds.dataset(table_dir, format="parquet", partitioning="hive").to_table()
# polars' files say their text columns are string_view (in the Arrow schema they carry), which
# pyarrow's group_by does not take as a key yet: plain strings for the grouping.
tab = pa.table([c.cast(pa.string()) if pa.types.is_string_view(c.type) else c for c in tab.columns], names=tab.column_names)
# Every time column casts to a timestamp (UINT_64 could not be cast).
for name in tab.schema.names:
    if name.endswith("timestamp") or name == "window_start":
        ts = tab[name].cast(pa.timestamp("ns", tz="UTC"))
        assert ts.type == pa.timestamp("ns", tz="UTC")
tab = tab.append_column("pq", pc.multiply(tab[price], tab[qty]))
days = {}
for r in tab.group_by("date").aggregate([("date", "count"), (qty, "sum"), (t, "min"), (t, "max")]).to_pylist():
    days[str(r["date"])] = {"rows": r["date_count"], "qty": r[qty + "_sum"], "first": str(r[t + "_min"]), "last": str(r[t + "_max"])}
vwap = {}
for r in tab.group_by(["date", "ticker"]).aggregate([("pq", "sum"), (qty, "sum")]).to_pylist():
    if r[qty + "_sum"] > 0:
        vwap[str(r["date"]) + "|" + r["ticker"]] = r["pq_sum"] / r[qty + "_sum"]
types = {f.name: str(f.type) for f in tab.schema}
print(json.dumps({"days": days, "vwap": vwap, "types": types}))
`;

function sameStats(engine: string, dataset: string, got: Stats, want: Stats): void {
  assert.deepEqual(
    Object.keys(got.days).sort(),
    Object.keys(want.days).sort(),
    `${engine} ${dataset}: dates`,
  );
  for (const [date, w] of Object.entries(want.days)) {
    const g = got.days[date];
    assert.equal(g.rows, w.rows, `${engine} ${dataset} ${date}: rows`);
    assert.equal(g.first, w.first, `${engine} ${dataset} ${date}: first time`);
    assert.equal(g.last, w.last, `${engine} ${dataset} ${date}: last time`);
    assert.ok(
      Math.abs(g.qty - w.qty) <= 1e-9 * Math.abs(w.qty),
      `${engine} ${dataset} ${date}: sum ${g.qty} vs ${w.qty}`,
    );
  }
  assert.deepEqual(
    Object.keys(got.vwap).sort(),
    Object.keys(want.vwap).sort(),
    `${engine} ${dataset}: tickers`,
  );
  for (const [k, w] of Object.entries(want.vwap))
    assert.ok(
      Math.abs(got.vwap[k] - w) <= 1e-9 * Math.abs(w),
      `${engine} ${dataset} ${k}: VWAP ${got.vwap[k]} vs ${w}`,
    );
}

describe("other engines read the kit's lake", () => {
  const files: Record<string, string[]> = {};
  before(async () => {
    for (const id of DATASETS) {
      const days = await listDays({ client: s3, bucket }, id, FROM, TO);
      files[id] = (
        await downloadFiles(
          s3,
          bucket,
          days.map((d) => d.key),
          { cacheDir },
        )
      ).map((f) => f.path);
      assert.equal(files[id].length, 2, id);
      for (const f of files[id]) ensureParquet(f, id);
    }
  });

  for (const id of DATASETS) {
    it(`${id}: DuckDB and pyarrow agree with polars (rows, sums, first and last times, VWAP per ticker)`, async () => {
      const want = polarsStats(id, files[id]);
      assert.ok(Object.keys(want.vwap).length > 2, "several tickers");
      sameStats("DuckDB", id, await duckStats(id), want);
      const { price, qty } = weights(id);
      const py = runPython<Stats & { types: Record<string, string> }>(PYARROW_STATS, [
        tableOf(id),
        timeColumn(id),
        price,
        qty,
      ]);
      sameStats("pyarrow", id, py, want);
      for (const c of findDataset(id).columns.filter((c) => c.type === "ns"))
        assert.equal(py.types[c.name], "int64", `pyarrow reads ${c.name} as int64`);
    });
  }

  it("the whole lake root: DuckDB (union_by_name) and pyarrow (unified schema) count what polars counts", async () => {
    const want: Record<string, number> = {};
    for (const id of DATASETS) {
      const d = findDataset(id);
      for (const f of files[id])
        want[`${d.asset}|${d.name}|${path.basename(f, ".csv.gz")}`] = loadDay(f, id, {
          datetimes: false,
        }).height;
    }
    const root = path.join(lake, bucket);
    const duck = await withDuck((sql) =>
      sql(
        `SELECT asset, dataset, date::VARCHAR AS date, count(*) AS n FROM read_parquet('${sqlPath(root)}/*/*/*/*.parquet', hive_partitioning = true, union_by_name = true) GROUP BY ALL`,
      ),
    );
    assert.deepEqual(
      Object.fromEntries(duck.map((r) => [`${r.asset}|${r.dataset}|${r.date}`, Number(r.n)])),
      want,
    );
    const py = runPython<Record<string, number>>(
      `
import json, sys
import pyarrow as pa, pyarrow.dataset as ds, pyarrow.parquet as pq
root = sys.argv[1]
files = ds.dataset(root, format="parquet", partitioning="hive").files
schema = pa.unify_schemas([pq.read_schema(f) for f in files])
tab = ds.dataset(root, format="parquet", partitioning="hive", schema=schema.append(pa.field("asset", pa.string())).append(pa.field("dataset", pa.string())).append(pa.field("date", pa.string()))).to_table()
out = {}
for r in tab.group_by(["asset", "dataset", "date"]).aggregate([("ticker", "count")]).to_pylist():
    out[r["asset"] + "|" + r["dataset"] + "|" + r["date"]] = r["ticker_count"]
print(json.dumps(out))
`,
      [root],
    );
    assert.deepEqual(py, want);
  });

  it("every DuckDB query in docs/scale.md runs on this lake", async () => {
    const doc = fs.readFileSync(path.join(PACKAGE_ROOT, "docs", "scale.md"), "utf8");
    const queries = [...doc.matchAll(/```sql\n([\s\S]*?)```/g)]
      .map((m) => m[1].replace(/^ {3}/gm, ""))
      .filter((q) => q.startsWith("-- DuckDB"));
    assert.ok(queries.length >= 3, `${queries.length} DuckDB queries found in scale.md`);
    await withDuck(async (sql) => {
      for (const q of queries) {
        const rows = await sql(q.replaceAll("~/.cache/flatfiles-kit/files", cacheDir));
        assert.ok(rows.length > 0, `no rows from:\n${q}`);
      }
    });
  });
});
