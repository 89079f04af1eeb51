/**
 * The sandbox's datasets tell one story, as real flat files do (issue #13: AAPL's day bar said
 * 15.9 M shares, its minute bars 3.8 M). For a ticker and date:
 *
 * - the day bar (futures: the session bar) is the aggregate of that day's minute bars: first
 *   open, last close, highest high, lowest low, summed volume, transactions and dollar volume;
 * - the minute bars of the tickers in the trades file (index values for indices) are the
 *   aggregates of those trades, minute by minute;
 * - quotes bracket trades (roughly: the latest quote before a trade).
 *
 * The files are generated as the build generates them (`sandboxDayFile` gives each file the
 * sizes of the date's other files) and read here with a reader of our own, from the printed
 * text: what a user sums is what the file says.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SANDBOX_DATASETS, type SandboxDataset } from "../../src/sandbox/description";
import { sandboxDayFile } from "../../src/sandbox/seed";
import { dayFileCsv } from "../../src/sandbox/synthetic";

/** One CSV line's fields; a field may be a quoted list ("12,37"). */
function fields(line: string): string[] {
  if (!line.includes('"')) return line.split(",");
  return [...line.matchAll(/("[^"]*"|[^,]*)(,|$)/g)].slice(0, -1).map((m) => m[1]);
}

/** A decimal text as an exact integer count of 10^-places. */
function units(text: string, places: number): bigint {
  const [int, frac = ""] = text.split(".");
  assert.ok(frac.length <= places, `${text} has more than ${places} decimals`);
  return BigInt(int + frac.padEnd(places, "0"));
}

/** The minute (since 1970) of a nanosecond timestamp, without a BigInt per row. */
const minuteOf = (ns: string) => Math.floor(Number(ns.slice(0, -9)) / 60);
const MINUTE_NS = 60_000_000_000n;

/** What a user computes from bars or trades, read from the printed values. */
interface Sum {
  open: number;
  close: number;
  high: number;
  low: number;
  /** In 10^-8 units (shares, contracts, coins), exact however large. */
  volume?: bigint;
  /** Summed (bars with the column), or counted (trades). */
  transactions?: number;
  /** In cents (bars), or in 10^-9 dollars (trades: price times size). */
  dollars?: bigint;
  /** The minute of the first and the last row (window_start, or a trade's time). */
  first: number;
  last: number;
  n: number;
}

/**
 * Rows of a file summed by key (the ticker, or the ticker and minute), in one pass without
 * keeping the rows: the biggest minute file has 1.6 million.
 */
function sums(csv: string, key: (f: string[]) => string, only?: Set<string>): Map<string, Sum> {
  const lines = csv.split("\n");
  const header = lines[0].split(",");
  const col = (...names: string[]) => names.map((n) => header.indexOf(n)).find((i) => i >= 0) ?? -1;
  const [o, c, h, l] = [
    col("open", "price", "value"),
    col("close", "price", "value"),
    col("high", "price", "value"),
    col("low", "price", "value"),
  ];
  const [vol, tx, dv] = [col("volume", "size"), col("transactions"), col("dollar_volume")];
  const bar = header.includes("open");
  const time = col("window_start", "sip_timestamp", "timestamp", "participant_timestamp");
  const out = new Map<string, Sum>();
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (line === "") continue;
    if (only && !only.has(line.slice(0, line.indexOf(",")))) continue;
    const f = fields(line);
    assert.equal(f.length, header.length, `a row of ${f.length} fields: ${line}`);
    const k = key(f);
    const t = minuteOf(f[time]);
    let s = out.get(k);
    if (!s) {
      s = { open: Number(f[o]), close: 0, high: -Infinity, low: Infinity, first: t, last: t, n: 0 };
      if (tx >= 0 || !bar) s.transactions = 0;
      if (vol >= 0) s.volume = 0n;
      if (dv >= 0 || (!bar && vol >= 0 && !f[vol].includes("."))) s.dollars = 0n;
      out.set(k, s);
    }
    s.close = Number(f[c]);
    s.high = Math.max(s.high, Number(f[h]));
    s.low = Math.min(s.low, Number(f[l]));
    if (vol >= 0) s.volume! += units(f[vol], 8);
    if (s.transactions !== undefined) s.transactions += tx >= 0 ? Number(f[tx]) : 1;
    if (dv >= 0) s.dollars! += units(f[dv], 2);
    else if (s.dollars !== undefined) s.dollars += units(f[o], 9) * BigInt(f[vol]); // whole contracts
    assert.ok(t >= s.last, `${k}: rows out of time order`);
    s.last = t;
    s.n++;
  }
  return out;
}

const ticker = (f: string[]) => f[0];

interface Family {
  day: SandboxDataset;
  minute: SandboxDataset;
  ticks?: SandboxDataset;
  quotes?: SandboxDataset;
}

function family(asset: string): Family {
  const of = (f: (d: SandboxDataset) => boolean) => SANDBOX_DATASETS.find((d) => d.asset === asset && f(d));
  return {
    day: of((d) => d.interval === "day" || d.interval === "session")!,
    minute: of((d) => d.interval === "minute")!,
    ticks: of((d) => d.kind === "trades" || d.kind === "values"),
    quotes: of((d) => d.kind === "quotes"),
  };
}

/** The files of the case under test, generated once as the build does (`sandboxDayFile`). */
const generated = new Map<string, string>();
function csvOf(d: SandboxDataset, date: string): string {
  const key = `${d.id}/${date}`;
  if (!generated.has(key)) {
    for (const k of generated.keys()) if (!k.endsWith(date) || !k.startsWith(d.asset)) generated.delete(k);
    generated.set(key, dayFileCsv(sandboxDayFile(d, date)));
  }
  return generated.get(key)!;
}

/** Asset classes and dates: the last day (the biggest files), a few recent days and old thin days. */
const CASES: [string, string][] = [
  ["us_stocks_sip", "2026-11-20"], // 450,000 trades, 10,000 tickers of minute bars
  ["us_stocks_sip", "2026-11-18"], // 5,000 trades, minute bars of 500 of the day's 10,000 tickers
  ["us_stocks_sip", "2009-06-25"], // an old thin day, before decimal volumes
  ["us_stocks_sip", "2024-06-07"], // the last day before NVDA's 10-for-1 split: unadjusted prices
  ["us_stocks_sip", "2024-06-10"], // the first day after it
  ["us_stocks_sip", "2025-11-28"], // an NYSE early close: the session ends at 13:00
  ["us_options_opra", "2025-11-28"],
  ["us_options_opra", "2026-11-20"], // contracts expiring that day among the 2,000
  ["us_options_opra", "2026-11-19"],
  ["us_indices", "2026-11-20"],
  ["us_indices", "2024-03-15"],
  ["global_forex", "2026-11-15"], // a Sunday: the week opens at 17:00 New York time
  ["global_forex", "2026-11-18"],
  ["global_crypto", "2026-11-20"],
  ["global_crypto", "2020-02-29"],
  ["us_futures_cme", "2026-11-20"], // sessions from 18:00 the evening before
  ["us_futures_nymex", "2025-03-10"],
];

/** The aggregate columns a file has, compared one by one. */
function assertSame(at: string, want: Sum, got: Sum): void {
  assert.equal(got.open, want.open, `${at}: open`);
  assert.equal(got.close, want.close, `${at}: close`);
  assert.equal(got.high, want.high, `${at}: high`);
  assert.equal(got.low, want.low, `${at}: low`);
  if (got.volume !== undefined) assert.equal(got.volume, want.volume, `${at}: volume`);
  if (got.transactions !== undefined)
    assert.equal(got.transactions, want.transactions, `${at}: transactions`);
}

describe("the sandbox's datasets agree with each other", () => {
  for (const [asset, date] of CASES) {
    const f = family(asset);

    it(`${asset} ${date}: each ${f.day.name.replace("_v1", "")} bar is the aggregate of the ticker's minute bars`, () => {
      const day = sums(csvOf(f.day, date), ticker);
      const minutes = sums(csvOf(f.minute, date), ticker);
      for (const t of minutes.keys()) assert.ok(day.has(t), `${t} has minute bars but no ${f.day.name} row`);
      // A day file may list more tickers than the minute file (the sandbox keeps most minute
      // files small), never fewer.
      if (day.size !== minutes.size)
        assert.ok(day.size > minutes.size, `${day.size} day tickers, ${minutes.size} in the minute file`);
      for (const [t, m] of minutes) {
        const d = day.get(t)!;
        const at = `${asset} ${date} ${t}`;
        assertSame(at, m, d);
        if (d.dollars !== undefined) assert.equal(d.dollars, m.dollars, `${at}: dollar_volume`);
        // The bars fall in the day (futures: the 23-hour session) the bar stands for.
        assert.ok(
          m.first >= d.first && m.last < d.first + 24 * 60,
          `${at}: bars from ${m.first} to ${m.last}, day at ${d.first}`,
        );
      }
      assert.ok(minutes.size >= Math.min(4, day.size), `${minutes.size} tickers checked`);
    });

    if (!f.ticks) continue;
    const ticks = f.ticks;
    it(`${asset} ${date}: the minute bars of the ${ticks.name.replace("_v1", "")} tickers are those ${ticks.kind} minute by minute`, () => {
      const tape = sums(csvOf(ticks, date), (r) => `${r[0]} ${minuteOf(r[time(ticks)])}`);
      const tickers = new Set([...tape.keys()].map((k) => k.split(" ")[0]));
      assert.equal(tickers.size, 4);
      const bars = sums(
        csvOf(f.minute, date),
        (r) => `${r[0]} ${minuteOf(r[f.minute.header.indexOf("window_start")])}`,
        tickers,
      );
      assert.deepEqual(
        [...bars.keys()].sort(byTickerThenTime),
        [...tape.keys()].sort(byTickerThenTime),
        `${asset} ${date}: one bar for each minute with ${ticks.kind}`,
      );
      for (const [k, b] of bars) {
        const t = tape.get(k)!;
        assertSame(`${asset} ${date} ${k}`, t, b);
        // Futures bars carry the dollar volume: the trades' prices times sizes, to the cent.
        if (b.dollars !== undefined)
          assert.equal(
            b.dollars,
            (t.dollars! + 5_000_000n) / 10_000_000n,
            `${asset} ${date} ${k}: dollar_volume`,
          );
      }
    });

    if (!f.quotes) continue;
    const quotes = f.quotes;
    it(`${asset} ${date}: the latest quote a minute or less before a trade brackets its price, mostly`, () => {
      const q = quoteBook(csvOf(quotes, date));
      const lines = csvOf(ticks, date)
        .split("\n")
        .slice(1)
        .filter((l) => l !== "");
      const [at, price] = [time(ticks), ticks.header.indexOf("price")];
      let inside = 0;
      let near = 0;
      const seen = new Map<string, number>();
      for (const line of lines) {
        const r = fields(line);
        const book = q.get(r[0])!;
        const ns = BigInt(r[at]);
        let i = seen.get(r[0]) ?? 0;
        while (i + 1 < book.length && book[i + 1].ns <= ns) i++;
        seen.set(r[0], i);
        if (book[i].ns > ns || ns - book[i].ns > MINUTE_NS) continue;
        near++;
        const p = Number(r[price]);
        if (book[i].bid <= p && p <= book[i].ask) inside++;
      }
      assert.ok(near > 0 && inside >= 0.9 * near, `${inside} of ${near} trades inside the quote`);
    });
  }
});

/** The column that dates a trade: the SIP's time where there is one. */
function time(d: SandboxDataset): number {
  return ["sip_timestamp", "timestamp", "participant_timestamp"]
    .map((c) => d.header.indexOf(c))
    .find((i) => i >= 0)!;
}

function byTickerThenTime(a: string, b: string): number {
  const [ta, na] = a.split(" ");
  const [tb, nb] = b.split(" ");
  return ta < tb ? -1 : ta > tb ? 1 : Number(na) - Number(nb);
}

/** Two-sided quotes by ticker, in time order. */
function quoteBook(csv: string): Map<string, { ns: bigint; bid: number; ask: number }[]> {
  const lines = csv.split("\n");
  const header = lines[0].split(",");
  const [at, bid, ask] = [
    ["sip_timestamp", "timestamp", "participant_timestamp"]
      .map((c) => header.indexOf(c))
      .find((i) => i >= 0)!,
    header.indexOf("bid_price"),
    header.indexOf("ask_price"),
  ];
  const out = new Map<string, { ns: bigint; bid: number; ask: number }[]>();
  for (const line of lines.slice(1)) {
    if (line === "") continue;
    const r = fields(line);
    if (!(Number(r[bid]) > 0 && Number(r[ask]) > 0)) continue;
    const list = out.get(r[0]) ?? [];
    list.push({ ns: BigInt(r[at]), bid: Number(r[bid]), ask: Number(r[ask]) });
    out.set(r[0], list);
  }
  return out;
}
