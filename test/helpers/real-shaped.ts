/**
 * Small day files in the real flat-files layout and columns (gzipped CSV, nanosecond stamps,
 * quoted condition lists), holding the cases where a naive method and the right one disagree:
 * Form T and pre-market prints, prints that add no volume or print away from the market,
 * cancelled trades, one-sided and crossed quotes, quotes at a trade's own nanosecond, irregular
 * quote spacing, crypto and futures bars dated across midnight, a split, a penny stock.
 * Written by hand so each case is known; each test reads them back with loadDay / scanDays and
 * checks the kit against DuckDB reading the same files.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { DuckDBInstance } from "@duckdb/node-api";
import { findDataset } from "../../src/flatfiles/datasets";

/** Nanoseconds of a New York wall time on a date in November 2026 (EST, UTC-5, after 1 November). */
export function nyNs(date: string, hhmmss: string, extraNs = 0n): bigint {
  const ms = Date.parse(`${date}T${hhmmss}-05:00`);
  return BigInt(ms) * 1_000_000n + extraNs;
}
export function utcNs(date: string, hhmmss: string): bigint {
  return BigInt(Date.parse(`${date}T${hhmmss}Z`)) * 1_000_000n;
}

type Row = Record<string, string | number | bigint | null>;

function cell(v: Row[string]): string {
  if (v === null || v === undefined) return "";
  const text = String(v);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Write rows as the dataset's gzipped CSV under root/<asset>/<dataset>/YYYY/MM/DATE.csv.gz, columns in the file's order. */
export function writeDay(root: string, dataset: string, date: string, rows: Row[]): string {
  const columns = findDataset(dataset).columns.map((c) => c.name);
  const lines = [
    columns.join(","),
    ...rows.map((r) => columns.map((c) => cell(r[c] ?? defaults[c] ?? null)).join(",")),
  ];
  const file = path.join(root, dataset, date.slice(0, 4), date.slice(5, 7), `${date}.csv.gz`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, zlib.gzipSync(`${lines.join("\n")}\n`));
  return file;
}

const defaults: Row = {
  correction: 0,
  exchange: 4,
  tape: 3,
  trf_id: 0,
  trf_timestamp: 0,
  ask_exchange: 11,
  bid_exchange: 12,
  ask_size: 100,
  bid_size: 100,
  indicators: "",
  transactions: 1,
};

let seq = 0;
/** One stock trade. */
export function trade(
  ticker: string,
  ns: bigint,
  price: number,
  size: number,
  conditions = "",
  correction = 0,
): Row {
  seq++;
  return {
    ticker,
    conditions,
    correction,
    id: seq,
    participant_timestamp: ns - 1000n,
    price,
    sequence_number: seq,
    sip_timestamp: ns,
    size,
  };
}

/** One stock quote (a side of 0 is no quote on that side). */
export function quote(ticker: string, ns: bigint, bid: number, ask: number): Row {
  seq++;
  return {
    ticker,
    bid_price: bid,
    ask_price: ask,
    conditions: "",
    participant_timestamp: ns - 1000n,
    sequence_number: seq,
    sip_timestamp: ns,
  };
}

export function bar(
  ticker: string,
  windowStart: bigint,
  o: number,
  h: number,
  l: number,
  c: number,
  volume: number,
): Row {
  return { ticker, volume, open: o, close: c, high: h, low: l, window_start: windowStart };
}

export function tempRoot(name: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `kit-${name}-`));
}

/** Run SQL in a fresh in-memory DuckDB. */
export async function duck<T>(
  run: (sql: (q: string) => Promise<Record<string, unknown>[]>) => Promise<T>,
): Promise<T> {
  const db = await DuckDBInstance.create(":memory:");
  const con = await db.connect();
  try {
    return await run(async (q) => (await con.runAndReadAll(q)).getRowObjects() as Record<string, unknown>[]);
  } finally {
    con.closeSync();
    db.closeSync();
  }
}

/** DuckDB's read_csv of a kit day file, every column as text first, so the SQL states its own types. */
export function csv(file: string): string {
  return `read_csv('${file.replace(/'/g, "''")}', header = true, all_varchar = true)`;
}
