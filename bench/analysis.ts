/**
 * Analyses on real-size days, a part of the day read lazily against the day loaded whole:
 * - `vwap`: minute VWAP of 5 tickers from the generated stocks trades day (bench/realsize.ts,
 *   2.2 GB of CSV, ~6,100 tickers);
 * - `chain`: one underlying's option chain (SPY) from a generated options day (bench/options-day.ts,
 *   real sizes), from its day aggregates and from its trades.
 * Every side runs in its own process under /usr/bin/time (wall, CPU = user + system, peak RSS),
 * the sides alternated, with the day's Parquet copy made beforehand (its one-time cost measured
 * separately). Each run writes its result; all must equal the first "whole" result (the bench
 * fails loudly otherwise).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import pl from "nodejs-polars";
import { parquetPath } from "../src/flatfiles/load";
import type { BenchResult } from "./lib";
import { optionsDay } from "./options-day";
import { type Run, WORK, bigTradesDay, measured, summary, tradesDayTicker } from "./realsize";

const OUT = path.join(WORK, "results");

function child(task: string, args: object): Run & { info: Record<string, number> } {
  const r = measured(
    process.execPath,
    ["--import", "tsx", path.join(__dirname, "child.ts"), task, JSON.stringify(args)],
    process.env,
    true,
  );
  const line = (r.stdout ?? "").split("\n").find((l) => l.startsWith("{"));
  return { ...r, info: line ? JSON.parse(line) : {} };
}

/** Make a day's Parquet copy from scratch in a child process: the one-time cost the lazy side relies on. */
function convert(file: string, dataset: string): Run {
  fs.rmSync(parquetPath(file), { recursive: true, force: true });
  return child("to-parquet", { file, dataset });
}

function same(a: unknown, b: unknown, float: boolean): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
  if (float) return Math.abs((a as number) - (b as number)) <= 1e-9 * Math.max(1, Math.abs(a as number));
  const text = (v: unknown) => (v instanceof Date ? v.toISOString() : String(v));
  return text(a) === text(b);
}

/** Throw unless two result frames hold the same rows (floats within 1e-9 relative: sums may add in another order). */
function assertSameFrame(got: pl.DataFrame, want: pl.DataFrame, keys: string[], what: string): void {
  const fail = (why: string) => {
    throw new Error(`${what}: the result differs from the reference (${why}); the comparison is void.`);
  };
  if (got.columns.join() !== want.columns.join())
    fail(`columns ${got.columns.join()} vs ${want.columns.join()}`);
  if (got.height !== want.height) fail(`${got.height} rows vs ${want.height}`);
  const [g, w] = [got.sort(keys), want.sort(keys)];
  for (const c of want.columns) {
    const float = w.getColumn(c).dtype.equals(pl.Float64);
    const [gs, ws] = [g.getColumn(c).toArray(), w.getColumn(c).toArray()];
    const i = ws.findIndex((v, k) => !same(gs[k], v, float));
    if (i >= 0) fail(`column ${c}, row ${i}: ${String(gs[i])} vs ${String(ws[i])}`);
  }
}

interface Side {
  label: string;
  task: string;
  args: object;
  /** The side others are compared with (ratios), and whose first result is the reference. */
  whole?: boolean;
  /** No result to check (the start-up floor). */
  noResult?: boolean;
}

interface Measured {
  side: Side;
  runs: (Run & { info: Record<string, number> })[];
  out: string[];
}

/** Run every side `runs` times, alternated; check every result against the reference. */
function measureSides(name: string, sides: Side[], runs: number, keys: string[]): Measured[] {
  fs.mkdirSync(OUT, { recursive: true });
  const all: Measured[] = sides.map((side) => ({ side, runs: [], out: [] }));
  for (let i = 0; i < runs; i++) {
    all.forEach((m, k) => {
      const out = path.join(OUT, `${name}-${k}-${i}.parquet`);
      fs.rmSync(out, { force: true });
      const r = child(m.side.task, { ...m.side.args, out });
      m.runs.push(r);
      m.out.push(out);
      console.error(
        `  ${name} run ${i + 1}/${runs}: ${m.side.label}: ${(r.ms / 1000).toFixed(2)} s, ${r.rssMB.toFixed(0)} MB`,
      );
    });
  }
  const ref = all.find((m) => m.side.whole)!;
  const want = pl.readParquet(ref.out[0]);
  for (const m of all) {
    if (m.side.noResult) continue;
    m.out.forEach((o, i) => {
      assertSameFrame(pl.readParquet(o), want, keys, `${name}, ${m.side.label}, run ${i + 1}`);
    });
  }
  return all;
}

function rows(
  measuredSides: Measured[],
  extra: (m: Measured) => Record<string, string | number> = () => ({}),
): Record<string, string | number>[] {
  const whole = summary(measuredSides.find((m) => m.side.whole)!.runs);
  return measuredSides.map((m) => {
    const s = summary(m.runs);
    return {
      query: m.side.label,
      s: s.ms / 1000,
      "CPU s": s.cpuMs / 1000,
      "peak RSS MB": s.rssMB,
      "s vs whole": s.ms / whole.ms,
      "RSS vs whole": s.rssMB / whole.rssMB,
      ...extra(m),
    };
  });
}

const oneTime = (label: string, r: Run) => ({
  query: label,
  s: r.ms / 1000,
  "CPU s": r.cpuMs / 1000,
  "peak RSS MB": r.rssMB,
  "s vs whole": "",
  "RSS vs whole": "",
});

/** The five tickers: blocks spread over the file whose names occur once (the generator reuses some short names). */
const VWAP_TICKERS = [1500, 2700, 3900, 5100, 5900].map(tradesDayTicker);

export async function benchVwap(runs = 3): Promise<BenchResult[]> {
  const { keep, file } = await bigTradesDay();
  if (!fs.existsSync(file) || fs.statSync(file).size !== fs.statSync(keep).size) fs.copyFileSync(keep, file);
  const dataset = "us_stocks_sip/trades_v1";
  const conversion = convert(file, dataset);
  const base = { file, dataset, tickers: VWAP_TICKERS };
  const sides: Side[] = [
    {
      label: "start-up floor: Node, tsx, polars and the kit loaded, nothing read",
      task: "startup",
      args: {},
      noResult: true,
    },
    {
      label: "lazy: `scanDays` (5 tickers, 4 columns) on the Parquet copy, then `vwapByMinute`",
      task: "vwap-lazy",
      args: base,
    },
    {
      label: "whole: `loadDay` (from the Parquet copy), then `vwapByMinute(day, tickers)`",
      task: "vwap-whole",
      args: { ...base, parquet: true },
      whole: true,
    },
    {
      label: "whole from the CSV: `loadDay(…, { parquet: false })`, then `vwapByMinute`",
      task: "vwap-whole",
      args: { ...base, parquet: false },
    },
  ];
  const m = measureSides("vwap", sides, runs, ["ticker", "minute"]);
  // The five tickers must each have a full session of minutes, or the check above proves little.
  const result = pl.readParquet(m[2].out[0]);
  const perTicker = result.groupBy("ticker").agg(pl.len().alias("n"), pl.col("trades").sum().alias("trades"));
  if (
    perTicker.height !== 5 ||
    perTicker
      .getColumn("n")
      .toArray()
      .some((n) => (n as number) < 300)
  ) {
    throw new Error(
      `vwap: expected 5 tickers with a session of minutes each, got ${JSON.stringify(perTicker.toRecords())}`,
    );
  }
  const dayRows = m[2].runs[0].info.dayRows;
  const tickerTrades = (perTicker.getColumn("trades").toArray() as number[]).reduce(
    (a, b) => a + Number(b),
    0,
  );
  return [
    {
      name: `minute VWAP of 5 tickers from a trades day of ${(dayRows / 1e6).toFixed(1)} M trades (generated, ${(fs.statSync(file).size / 1e9).toFixed(2)} GB gzipped)`,
      rows: [
        oneTime("one-time `ensureParquet` of the day (before the others; not in their figures)", conversion),
        ...rows(m, (x) => ({ "result rows": x.runs[0].info.rows ?? "" })),
      ],
      notes:
        `median of ${runs}, sides alternated; peak RSS is the highest of the runs. Tickers ${VWAP_TICKERS.join(", ")}: ` +
        `${tickerTrades.toLocaleString("en-US")} trades, ${((100 * tickerTrades) / dayRows).toFixed(3)} % of the day. Every run's VWAP rows equal the first whole run's (checked).`,
    },
  ];
}

export async function benchChain(runs = 3, underlying = "SPY"): Promise<BenchResult[]> {
  const day = await optionsDay(path.join(WORK, "cache"));
  const results: BenchResult[] = [];
  const reference: pl.DataFrame[] = [];
  for (const [kind, file] of [
    ["day_aggs_v1", day.aggs],
    ["trades_v1", day.trades],
  ] as const) {
    const dataset = `us_options_opra/${kind}`;
    const conversion = convert(file, dataset);
    const base = { file, dataset, underlying };
    const what =
      kind === "trades_v1" ? "trades, one bar per contract (volume, last price), then `chain`" : "`chain`";
    const sides: Side[] = [
      {
        label: "start-up floor: Node, tsx, polars and the kit loaded, nothing read",
        task: "startup",
        args: {},
        noResult: true,
      },
      {
        label: `lazy: \`scanDays\` with the root filter, needed columns, then ${what}`,
        task: "chain-lazy",
        args: base,
      },
      {
        label: `whole: \`loadDay\` (from the Parquet copy), then ${what}`,
        task: "chain-whole",
        args: { ...base, parquet: true },
        whole: true,
      },
      {
        label: `whole from the CSV: \`loadDay(…, { parquet: false })\`, then ${what}`,
        task: "chain-whole",
        args: { ...base, parquet: false },
      },
    ];
    const m = measureSides(`chain-${kind}`, sides, runs, ["expiration", "strike"]);
    const result = pl.readParquet(m[2].out[0]);
    if (result.height < 100) throw new Error(`chain: only ${result.height} rows for ${underlying}`);
    reference.push(result);
    const dayRows = m[2].runs[0].info.dayRows;
    results.push({
      name: `${underlying} chain from an options ${kind === "trades_v1" ? "trades" : "day aggregates"} day of ${dayRows.toLocaleString("en-US")} rows (generated, ${(fs.statSync(file).size / 1e6).toFixed(1)} MB gzipped)`,
      rows: [
        oneTime("one-time `ensureParquet` of the day (before the others; not in their figures)", conversion),
        ...rows(m, (x) => ({ "result rows": x.runs[0].info.rows ?? "" })),
      ],
      notes: `median of ${runs}, sides alternated; peak RSS is the highest of the runs. ${m[1].runs[0].info.contracts} ${underlying} contracts of the day. Every run's chain equals the first whole run's (checked).`,
    });
  }
  // The day aggregates are made from the trades, so both files must give the same chain.
  assertSameFrame(
    reference[1],
    reference[0],
    ["expiration", "strike"],
    "chain from trades vs chain from day aggregates",
  );
  return results;
}
