/**
 * The day-level methods on files shaped like Massive's (test/helpers/real-shaped.ts), each
 * against DuckDB reading the same gzipped CSVs: returns dated by session (crypto bars stamped at
 * 00:00 UTC, futures sessions opening at 18:00 the evening before), returns at a common clock
 * time with the weekend compounded into Monday, day bars rebuilt from minute bars with a 04:00
 * print, round lots from the evaluation month, top movers from the previous close (an overnight
 * gap, a split, a penny stock, a thin stock), SPX and SPXW options together.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { after, before, describe, it } from "node:test";
import pl from "nodejs-polars";
import { dailyBarsFromMinutes, dailyReturns, returnsAtClock, topMovers } from "../../src/flatfiles/analysis";
import { roundLotsFromCloses, withOddLots } from "../../src/flatfiles/conditions";
import { loadDay } from "../../src/flatfiles/load";
import { chain, putCallRatio } from "../../src/flatfiles/options";
import { roundLotPeriod } from "../../src/flatfiles/round-lots";
import { bar, csv, duck, nyNs, tempRoot, utcNs, writeDay } from "../helpers/real-shaped";

const close = (a: unknown, b: unknown, what: string) =>
  assert.ok(Math.abs(Number(a) - Number(b)) < 1e-9, `${what}: ${String(a)} vs ${String(b)}`);

let root: string;
const files: Record<string, string[]> = {};
function add(key: string, file: string): void {
  files[key] ??= [];
  files[key].push(file);
}
const list = (key: string) => `[${files[key].map((f) => `'${f}'`).join(", ")}]`;
const csvs = (key: string) => `read_csv(${list(key)}, header = true, all_varchar = true, filename = true)`;

/** The date a file is named for: the truth a session date must match. */
const fileDate = "regexp_extract(filename, '(\\d{4}-\\d{2}-\\d{2})\\.csv\\.gz$', 1)";

const CRYPTO_DAYS = ["2026-11-19", "2026-11-20", "2026-11-21", "2026-11-22", "2026-11-23"];
const STOCK_DAYS = ["2026-11-19", "2026-11-20", "2026-11-23"];
const btc = [90_000, 91_000, 93_000, 89_000, 95_000];
const aapl = [250, 255, 252];
const es = [6800, 6820, 6790];

before(() => {
  root = tempRoot("days");
  CRYPTO_DAYS.forEach((d, i) => {
    add(
      "crypto",
      writeDay(root, "global_crypto/day_aggs_v1", d, [
        bar("X:BTC-USD", utcNs(d, "00:00:00"), btc[i], btc[i], btc[i], btc[i], 10),
      ]),
    );
    // Minute bars at 15:59 and 16:00 New York (20:59, 21:00 UTC), in the UTC day's file.
    add(
      "cryptoMinutes",
      writeDay(root, "global_crypto/minute_aggs_v1", d, [
        bar("X:BTC-USD", nyNs(d, "15:40:00"), 1, 1, 1, btc[i] - 500, 1),
        bar("X:BTC-USD", nyNs(d, "15:59:00"), 1, 1, 1, btc[i] + 7, 1),
        bar("X:BTC-USD", nyNs(d, "16:00:00"), 1, 1, 1, btc[i] + 900, 1),
      ]),
    );
  });
  STOCK_DAYS.forEach((d, i) => {
    add(
      "stocks",
      writeDay(root, "us_stocks_sip/day_aggs_v1", d, [
        bar("AAPL", nyNs(d, "00:00:00"), aapl[i], aapl[i], aapl[i], aapl[i], 1e6),
      ]),
    );
    add(
      "futures",
      writeDay(root, "us_futures_cme/session_aggs_v1", d, [
        {
          ...bar("ESZ6", nyNs(d, "00:00:00") - 6n * 3_600_000_000_000n, es[i], es[i], es[i], es[i], 1e5),
          session_end_date: d,
        },
      ]),
    );
    add(
      "stockMinutes",
      writeDay(root, "us_stocks_sip/minute_aggs_v1", d, [
        bar("AAPL", nyNs(d, "04:00:00"), 200, 200, 200, 200, 300), // a pre-market print
        bar("AAPL", nyNs(d, "09:30:00"), aapl[i] - 1, aapl[i] + 2, aapl[i] - 2, aapl[i] - 0.5, 1000),
        bar("AAPL", nyNs(d, "12:00:00"), aapl[i], aapl[i] + 3, aapl[i] - 1, aapl[i] + 1, 500),
        bar("AAPL", nyNs(d, "15:59:00"), aapl[i], aapl[i] + 1, aapl[i] - 1, aapl[i], 800),
        bar("AAPL", nyNs(d, "16:05:00"), aapl[i] + 9, aapl[i] + 9, aapl[i] + 9, aapl[i] + 9, 50), // after hours
      ]),
    );
  });
});
after(() => fs.rmSync(root, { recursive: true, force: true }));

const loadAll = (key: string, dataset: string, cols: string[]) =>
  pl.concat(
    files[key].map((f) => loadDay(f, dataset).select(...cols)),
    { how: "diagonal" },
  );

describe("dailyReturns dates each asset by its session", () => {
  it("labels crypto, futures and stock days with the date of their file, as DuckDB reads it from the file names", async () => {
    const frame = pl.concat(
      [
        loadAll("crypto", "global_crypto/day_aggs_v1", ["ticker", "close", "window_start"]),
        loadAll("stocks", "us_stocks_sip/day_aggs_v1", ["ticker", "close", "window_start"]),
        loadAll("futures", "us_futures_cme/session_aggs_v1", [
          "ticker",
          "close",
          "window_start",
          "session_end_date",
        ]),
      ],
      { how: "diagonal" },
    );
    const names = ["AAPL", "X:BTC-USD", "ESZ6"];
    const wide = dailyReturns(frame, names);
    const sql = await duck(async (sql) => [
      ...(await sql(
        `SELECT ticker, ${fileDate} AS date, CAST(close AS DOUBLE) AS close FROM ${csvs("crypto")}`,
      )),
      ...(await sql(
        `SELECT ticker, ${fileDate} AS date, CAST(close AS DOUBLE) AS close FROM ${csvs("stocks")}`,
      )),
      ...(await sql(
        `SELECT ticker, ${fileDate} AS date, CAST(close AS DOUBLE) AS close FROM ${csvs("futures")}`,
      )),
    ]);
    for (const t of names) {
      const rows = sql
        .filter((r) => r.ticker === t)
        .sort((a, b) => String(a.date).localeCompare(String(b.date)));
      rows.slice(1).forEach((r, i) => {
        const [got] = wide
          .filter(pl.col("date").eq(pl.lit(String(r.date))))
          .select(t)
          .toRecords() as Record<string, number>[];
        assert.ok(got, `${t} has a return on ${String(r.date)}`);
        close(got[t], Number(r.close) / Number(rows[i].close) - 1, `${t} on ${String(r.date)}`);
      });
    }
    // The naive date (New York date of window_start) puts crypto and futures a day early.
    const naive = frame.select(
      pl
        .col("window_start")
        .cast(pl.Datetime("ns", "UTC"))
        .dt.convertTimeZone("America/New_York")
        .dt.strftime("%Y-%m-%d")
        .alias("d"),
      "ticker",
    );
    assert.equal(
      naive
        .filter(pl.col("ticker").eq(pl.lit("X:BTC-USD")))
        .getColumn("d")
        .get(0),
      "2026-11-18",
    );
    assert.equal(
      naive
        .filter(pl.col("ticker").eq(pl.lit("ESZ6")))
        .getColumn("d")
        .get(0),
      "2026-11-18",
    );
  });

  it("on the stock calendar, compounds the weekend into Monday's return", () => {
    const crypto = loadAll("crypto", "global_crypto/day_aggs_v1", ["ticker", "close", "window_start"]);
    const wide = dailyReturns(crypto, ["X:BTC-USD"], { calendar: "stocks" });
    assert.deepEqual(wide.getColumn("date").toArray(), ["2026-11-20", "2026-11-23"]);
    close(wide.getColumn("X:BTC-USD").get(1), 95_000 / 91_000 - 1, "Monday");
  });
});

describe("returnsAtClock prices every asset at one New York time", () => {
  it("agrees with DuckDB's last bar before 16:00 on NYSE days, weekend compounded", async () => {
    const frame = pl.concat(
      [
        loadAll("cryptoMinutes", "global_crypto/minute_aggs_v1", ["ticker", "close", "window_start"]),
        loadAll("stockMinutes", "us_stocks_sip/minute_aggs_v1", ["ticker", "close", "window_start"]),
      ],
      { how: "diagonal" },
    );
    const wide = returnsAtClock(frame, ["AAPL", "X:BTC-USD"]).toRecords() as Record<string, unknown>[];
    const sql = await duck((sql) =>
      sql(`WITH b AS (SELECT ticker, CAST(close AS DOUBLE) AS close, timezone('America/New_York', to_timestamp(CAST(window_start AS BIGINT) // 1000000000)) AS ny
                      FROM read_csv(${list("cryptoMinutes")}, header = true, all_varchar = true)
                      UNION ALL
                      SELECT ticker, CAST(close AS DOUBLE), timezone('America/New_York', to_timestamp(CAST(window_start AS BIGINT) // 1000000000))
                      FROM read_csv(${list("stockMinutes")}, header = true, all_varchar = true)),
                p AS (SELECT ticker, CAST(ny AS DATE) AS d, arg_max(close, ny) AS price FROM b
                      WHERE CAST(ny AS TIME) < TIME '16:00' AND CAST(ny AS TIME) >= TIME '15:44' AND dayofweek(ny) BETWEEN 1 AND 5
                      GROUP BY ALL)
           SELECT ticker, strftime(d, '%Y-%m-%d') AS date, price / lag(price) OVER (PARTITION BY ticker ORDER BY d) - 1 AS r
           FROM p QUALIFY r IS NOT NULL ORDER BY ticker, date`),
    );
    assert.equal(sql.length, 4, "AAPL and BTC on Friday and Monday");
    for (const r of sql) {
      const row = wide.find((w) => w.date === r.date)!;
      close(row[String(r.ticker)], r.r, `${String(r.ticker)} ${String(r.date)}`);
    }
    close(
      wide.find((w) => w.date === "2026-11-23")!["X:BTC-USD"],
      95_007 / 91_007 - 1,
      "Monday's BTC return",
    );
  });
});

describe("dailyBarsFromMinutes opens at 09:30", () => {
  it("agrees with DuckDB over the regular session, volume over the whole day", async () => {
    const minutes = loadDay(files.stockMinutes[1], "us_stocks_sip/minute_aggs_v1");
    const [kit] = dailyBarsFromMinutes(minutes).toRecords() as Record<string, unknown>[];
    const [sql] = await duck((sql) =>
      sql(`WITH b AS (SELECT CAST(open AS DOUBLE) AS o, CAST(high AS DOUBLE) AS h, CAST(low AS DOUBLE) AS l, CAST(close AS DOUBLE) AS c,
                             CAST(volume AS DOUBLE) AS v, CAST(window_start AS BIGINT) AS ws,
                             CAST(timezone('America/New_York', to_timestamp(CAST(window_start AS BIGINT) // 1000000000)) AS TIME) AS t
                      FROM ${csv(files.stockMinutes[1])})
           SELECT arg_min(o, ws) FILTER (WHERE t >= TIME '09:30' AND t < TIME '16:00') AS open,
                  max(h) FILTER (WHERE t >= TIME '09:30' AND t < TIME '16:00') AS high,
                  min(l) FILTER (WHERE t >= TIME '09:30' AND t < TIME '16:00') AS low,
                  arg_max(c, ws) FILTER (WHERE t >= TIME '09:30' AND t < TIME '16:00') AS close,
                  sum(v) AS volume FROM b`),
    );
    for (const k of ["open", "high", "low", "close", "volume"]) close(kit[k], sql[k], k);
    assert.equal(kit.date, "2026-11-20");
    assert.notEqual(kit.open, 200, "not the 04:00 print");
  });
});

describe("round lots from the evaluation month's average close", () => {
  it("names the period in force on a date, from the first business day of May or November", () => {
    assert.deepEqual(roundLotPeriod("2026-11-20"), {
      evaluationMonth: "2026-09",
      effective: "2026-11-02",
      until: "2027-05-03",
    });
    assert.deepEqual(roundLotPeriod("2026-11-01"), {
      evaluationMonth: "2026-03",
      effective: "2026-05-01",
      until: "2026-11-02",
    });
    assert.equal(roundLotPeriod("2026-02-10")!.evaluationMonth, "2025-09");
    assert.equal(roundLotPeriod("2025-11-03")!.effective, "2025-11-03");
    assert.equal(roundLotPeriod("2025-10-31"), null);
  });

  it("takes the tier from September's average close (DuckDB's), not from the day's first trade", async () => {
    const sept = ["2026-09-14", "2026-09-15", "2026-09-16"].map((d, i) =>
      writeDay(root, "us_stocks_sip/day_aggs_v1", d, [
        bar("AAPL", nyNs(d, "00:00:00"), 1, 1, 1, [255, 262, 258][i], 1e6),
        bar("MSFT", nyNs(d, "00:00:00"), 1, 1, 1, [240, 246, 249][i], 1e6),
      ]),
    );
    const bars = pl.concat(sept.map((f) => loadDay(f, "us_stocks_sip/day_aggs_v1")));
    const table = roundLotsFromCloses(bars, "2026-11-20");
    const sql = await duck((sql) =>
      sql(
        `SELECT ticker, avg(CAST(close AS DOUBLE)) AS a FROM read_csv([${sept.map((f) => `'${f}'`).join(", ")}], header = true, all_varchar = true) GROUP BY ALL ORDER BY ticker`,
      ),
    );
    const rows = table.toRecords() as { ticker: string; average_close: number; round_lot: number }[];
    rows.forEach((r, i) => {
      close(r.average_close, sql[i].a, r.ticker);
    });
    assert.deepEqual(
      rows.map((r) => [r.ticker, r.round_lot]),
      [
        ["AAPL", 40],
        ["MSFT", 100],
      ],
    );
    // AAPL trades at 240 on the day: the old first-trade rule would give it 100; the rule in force says 40.
    const day = pl.DataFrame({
      ticker: ["AAPL", "AAPL", "MSFT"],
      price: [240, 240, 245],
      size: [39, 40, 99],
    });
    const lots = withOddLots(day, "2026-11-20", table);
    assert.deepEqual(lots.getColumn("odd_lot").toArray(), [true, false, true]);
    assert.throws(
      () => roundLotsFromCloses(loadDay(files.stocks[0], "us_stocks_sip/day_aggs_v1"), "2026-11-20"),
      /average closes of 2026-09/,
    );
  });

  it("without conditions or a table, asks for one instead of guessing a tier", () => {
    const day = pl.DataFrame({ ticker: ["AAPL"], price: [240], size: [39] });
    assert.throws(
      () => withOddLots(day, "2026-11-20"),
      (e: Error & { code?: string }) => e.code === "roundlots.source",
    );
    const [marked] = withOddLots(
      pl.DataFrame({ ticker: ["AAPL"], size: [5], conditions: ["37"] }),
      "2026-11-20",
    ).toRecords();
    assert.equal(marked.odd_lot, true);
  });
});

describe("topMovers from the split-adjusted previous close, with floors", () => {
  it("ranks as DuckDB does, an overnight gap counted, a split adjusted, penny and thin stocks left out", async () => {
    const prevRows = [
      ["GAP", 100, 1e6],
      ["NVDA", 1000, 1e6],
      ["PENNY", 1, 1e8],
      ["THIN", 50, 1000],
      ["DOWN", 80, 1e6],
      ["FLAT", 60, 1e6],
      ["UP", 40, 1e6],
    ] as const;
    const dayRows: Record<string, [number, number, number]> = {
      // [open, close, volume]: GAP opens where it closes, +10 % from the previous close.
      GAP: [110, 110, 1e6],
      NVDA: [104, 105, 5e6],
      PENNY: [1.5, 2, 1e8],
      THIN: [60, 80, 1000],
      DOWN: [78, 72, 1e6],
      FLAT: [59, 60, 1e6],
      UP: [40, 43, 1e6],
    };
    const prevFile = writeDay(
      root,
      "us_stocks_sip/day_aggs_v1",
      "2026-12-03",
      prevRows.map(([t, c, v]) => bar(t, nyNs("2026-12-03", "00:00:00"), c, c, c, c, v)),
    );
    const dayFile = writeDay(
      root,
      "us_stocks_sip/day_aggs_v1",
      "2026-12-04",
      Object.entries(dayRows).map(([t, [o, c, v]]) =>
        bar(t, nyNs("2026-12-04", "00:00:00"), o, Math.max(o, c), Math.min(o, c), c, v),
      ),
    );
    const moves = topMovers(
      loadDay(dayFile, "us_stocks_sip/day_aggs_v1"),
      loadDay(prevFile, "us_stocks_sip/day_aggs_v1"),
      {
        n: 2,
        splits: [{ ticker: "NVDA", ratio: 10 }],
      },
    );
    const sql = await duck((sql) =>
      sql(`WITH d AS (SELECT ticker, CAST(close AS DOUBLE) AS c, CAST(volume AS DOUBLE) AS v FROM ${csv(dayFile)}),
                p AS (SELECT ticker, CAST(close AS DOUBLE) / coalesce(s.ratio, 1) AS pc FROM ${csv(prevFile)} LEFT JOIN (VALUES ('NVDA', 10.0)) s(t, ratio) ON s.t = ticker),
                m AS (SELECT ticker, (c / pc - 1) * 100 AS pct FROM d JOIN p USING (ticker) WHERE c >= 5 AND c * v >= 10000000)
           (SELECT ticker, pct FROM m ORDER BY pct DESC LIMIT 2) UNION ALL (SELECT ticker, pct FROM (SELECT * FROM m ORDER BY pct ASC LIMIT 2) ORDER BY pct DESC)`),
    );
    assert.deepEqual(
      moves.map((m) => m.ticker),
      sql.map((r) => r.ticker),
    );
    moves.forEach((m, i) => {
      close(m.change_pct, sql[i].pct, m.ticker);
    });
    assert.deepEqual(
      moves.map((m) => m.ticker),
      ["GAP", "UP", "FLAT", "DOWN"],
    );
    // Without the split, NVDA's 10-for-1 shows as the day's worst loss.
    const unadjusted = topMovers(
      loadDay(dayFile, "us_stocks_sip/day_aggs_v1"),
      loadDay(prevFile, "us_stocks_sip/day_aggs_v1"),
      { n: 2 },
    );
    assert.equal(unadjusted.at(-1)!.ticker, "NVDA");
    assert.throws(
      () => topMovers(loadDay(dayFile, "us_stocks_sip/day_aggs_v1"), 5 as never),
      /previous trading day/,
    );
  });
});

describe("chain and putCallRatio group SPX with SPXW", () => {
  it("counts SPXW's contracts under SPX, as DuckDB's family sum does, and keeps the roots apart in the chain", async () => {
    const d = "2026-11-20";
    const file = writeDay(root, "us_options_opra/day_aggs_v1", d, [
      bar("O:SPX261120C06800000", nyNs(d, "00:00:00"), 5, 5, 5, 5, 100),
      bar("O:SPXW261120C06800000", nyNs(d, "00:00:00"), 6, 6, 6, 6, 300),
      bar("O:SPXW261120P06800000", nyNs(d, "00:00:00"), 7, 7, 7, 7, 250),
      bar("O:SPY261120P00680000", nyNs(d, "00:00:00"), 1, 1, 1, 1, 40),
      bar("O:AAPL1261120C00100000", nyNs(d, "00:00:00"), 1, 1, 1, 1, 9),
    ]);
    const day = loadDay(file, "us_options_opra/day_aggs_v1");
    const ratio = putCallRatio(day).toRecords() as Record<string, unknown>[];
    const sql = await duck((sql) =>
      sql(`SELECT CASE WHEN root = 'SPXW' THEN 'SPX' ELSE root END AS u,
                  sum(CAST(volume AS DOUBLE)) FILTER (WHERE kind = 'C') AS calls, sum(CAST(volume AS DOUBLE)) FILTER (WHERE kind = 'P') AS puts
           FROM (SELECT *, regexp_extract(ticker, '^O:([A-Z0-9]+)\\d{6}([CP])', 1) AS root, regexp_extract(ticker, '^O:([A-Z0-9]+)\\d{6}([CP])', 2) AS kind FROM ${csv(file)})
           GROUP BY ALL ORDER BY u`),
    );
    for (const r of sql) {
      const k = ratio.find((x) => x.underlying === r.u)!;
      assert.ok(k, `${String(r.u)} in putCallRatio`);
      assert.equal(Number(k.call_volume), Number(r.calls ?? 0));
      assert.equal(Number(k.put_volume), Number(r.puts ?? 0));
    }
    assert.equal(ratio.length, 3, "SPX, SPY and AAPL1 (an adjusted root stays apart)");
    const spx = chain(day, "SPX").toRecords() as Record<string, unknown>[];
    assert.deepEqual(
      spx.map((r) => [r.root, r.call_volume, r.put_volume]),
      [
        ["SPX", 100, null],
        ["SPXW", 300, 250],
      ],
    );
    assert.equal(chain(day, "SPXW").height, 2, "asking for SPXW gives the family too");
  });
});
