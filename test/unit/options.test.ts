/** Option tickers (src/flatfiles/options.ts): the published samples, Polygon's own parsed contracts, edge cases, chains. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import pl from "nodejs-polars";
import { loadDay } from "../../src/flatfiles/load";
import {
  type OptionContract,
  chain,
  parseOptionTicker,
  putCallRatio,
  withOptionColumns,
} from "../../src/flatfiles/options";
import { gzPublished, publishedFiles, publishedRows } from "../helpers/published";

/** Every option ticker in test/fixtures/published, read by eye from its text. */
const PUBLISHED: Record<string, OptionContract> = {
  "O:SPY230327P00390000": {
    underlying: "SPY",
    root: "SPY",
    expiration: "2023-03-27",
    type: "put",
    strike: 390,
  },
  "O:IWM230327C00137000": {
    underlying: "IWM",
    root: "IWM",
    expiration: "2023-03-27",
    type: "call",
    strike: 137,
  },
  "O:NANOS230327C00400000": {
    underlying: "NANOS",
    root: "NANOS",
    expiration: "2023-03-27",
    type: "call",
    strike: 400,
  },
  "O:A260618C00100000": { underlying: "A", root: "A", expiration: "2026-06-18", type: "call", strike: 100 },
  "O:SPY241220P00720000": {
    underlying: "SPY",
    root: "SPY",
    expiration: "2024-12-20",
    type: "put",
    strike: 720,
  },
  "O:A260717C00060000": { underlying: "A", root: "A", expiration: "2026-07-17", type: "call", strike: 60 },
  "O:A150220C00042500": { underlying: "A", root: "A", expiration: "2015-02-20", type: "call", strike: 42.5 },
};

const OPTION_FILES = publishedFiles("us_options_opra/");

/** A Date column's value as YYYY-MM-DD. */
const day = (d: unknown) => (d instanceof Date ? d.toISOString().slice(0, 10) : d);

describe("parseOptionTicker", () => {
  it("parses every option ticker of the published samples to the fields its text spells", () => {
    const seen = new Set(OPTION_FILES.flatMap((e) => publishedRows(e.file).map((r) => r.ticker)));
    // A new sample with a ticker not in the table above must be read and added, not skipped.
    assert.deepEqual([...seen].sort(), Object.keys(PUBLISHED).sort());
    for (const t of seen) assert.deepEqual(parseOptionTicker(t), PUBLISHED[t], t);
  });

  it("agrees with Polygon's own parse of its tickers (client-python's mocks of /v3/reference/options/contracts)", () => {
    // polygon-io/client-python test_rest/mocks/v3/reference/options/: ticker, underlying_ticker,
    // expiration_date, contract_type, strike_price as the API answered them.
    assert.deepEqual(parseOptionTicker("O:EVRI240119C00002500"), {
      underlying: "EVRI",
      root: "EVRI",
      expiration: "2024-01-19",
      type: "call",
      strike: 2.5,
    });
    assert.deepEqual(parseOptionTicker("O:A220520C00065000"), {
      underlying: "A",
      root: "A",
      expiration: "2022-05-20",
      type: "call",
      strike: 65,
    });
  });

  it("reads roots of 1 to 6 letters or digits and strikes with decimals", () => {
    const cases: [string, OptionContract][] = [
      [
        "O:SPY251112C00675000",
        { underlying: "SPY", root: "SPY", expiration: "2025-11-12", type: "call", strike: 675 },
      ],
      [
        "O:F260116P00002500",
        { underlying: "F", root: "F", expiration: "2026-01-16", type: "put", strike: 2.5 },
      ],
      [
        "O:BRKB250117P00400000",
        { underlying: "BRKB", root: "BRKB", expiration: "2025-01-17", type: "put", strike: 400 },
      ],
      [
        "O:SPXW251112C06750000",
        { underlying: "SPX", root: "SPXW", expiration: "2025-11-12", type: "call", strike: 6750 },
      ],
      [
        "O:AAPL1260116C00150000",
        { underlying: "AAPL1", root: "AAPL1", expiration: "2026-01-16", type: "call", strike: 150 },
      ],
      [
        "O:GOOGL1260116P00012345",
        { underlying: "GOOGL1", root: "GOOGL1", expiration: "2026-01-16", type: "put", strike: 12.345 },
      ],
      [
        "O:X240229C99999999",
        { underlying: "X", root: "X", expiration: "2024-02-29", type: "call", strike: 99999.999 },
      ],
    ];
    for (const [t, want] of cases) assert.deepEqual(parseOptionTicker(t), want, t);
  });

  it("says what is wrong with a malformed ticker", () => {
    const cases: [string, RegExp][] = [
      ["SPY251112C00675000", /does not start with O:/],
      ["AAPL", /does not start with O:/],
      ["O:251112C00675000", /15 characters after O:/],
      ["O:TOOLONG7251112C00675000", /23 characters after O:/],
      ["O:spy251112C00675000", /root "spy"/],
      ["O:SP.Y251112C00675000", /root "SP\.Y"/],
      ["O:SPY251340C00675000", /expiration "251340"/],
      ["O:SPY250230C00675000", /expiration "250230"/],
      ["O:SPY251112X00675000", /type letter "X"/],
      ["O:SPY251112C0067500A", /strike "0067500A"/],
    ];
    for (const [t, message] of cases) {
      assert.throws(
        () => parseOptionTicker(t),
        (e: Error & { code?: string }) => {
          assert.equal(e.code, "options.ticker", t);
          assert.match(e.message, message, t);
          return true;
        },
      );
    }
  });
});

describe("withOptionColumns", () => {
  it("gives every published options file the columns parseOptionTicker gives each row", () => {
    assert.ok(OPTION_FILES.length >= 8);
    for (const e of OPTION_FILES) {
      const df = withOptionColumns(loadDay(gzPublished(e.file), e.dataset, { onWarning: () => {} }));
      assert.deepEqual(
        df.select("underlying", "root", "expiration", "type", "strike").dtypes.map(String),
        ["DataType(String)", "DataType(String)", "DataType(Date)", "DataType(String)", "DataType(Float64)"],
        e.file,
      );
      const got = df.select("ticker", "underlying", "root", "expiration", "type", "strike").toRecords();
      for (const r of got) {
        const { ticker, ...parsed } = r;
        assert.deepEqual(
          { ...parsed, expiration: day(parsed.expiration) },
          parseOptionTicker(ticker as string),
          `${e.file}: ${ticker}`,
        );
      }
    }
  });

  it("leaves all five columns null on rows that are not option symbols, and groups SPXW under SPX", () => {
    const df = withOptionColumns(
      pl.DataFrame({
        ticker: ["AAPL", "O:SPY251340C00675000", "O:SPY251112X00675000", "O:SPXW251112C06750000"],
      }),
    );
    const rows = df.toRecords().map((r) => ({ ...r, expiration: day(r.expiration) }));
    const none = { underlying: null, root: null, expiration: null, type: null, strike: null };
    assert.deepEqual(rows, [
      { ticker: "AAPL", ...none },
      { ticker: "O:SPY251340C00675000", ...none },
      { ticker: "O:SPY251112X00675000", ...none },
      {
        ticker: "O:SPXW251112C06750000",
        underlying: "SPX",
        root: "SPXW",
        expiration: "2025-11-12",
        type: "call",
        strike: 6750,
      },
    ]);
  });
});

/** A small day of option aggregates: SPY at two expirations, an adjusted SPY1, QQQ and a stock row. */
function dayAggs(): pl.DataFrame {
  return pl.DataFrame({
    ticker: [
      "O:SPY251112C00675000",
      "O:SPY251112P00675000",
      "O:SPY251112C00680000",
      "O:SPY251219P00650000",
      "O:SPY1251112C00675000",
      "O:QQQ251112C00500000",
      "AAPL",
    ],
    volume: [10, 30, 4, 5, 7, 2, 1000],
    close: [1.5, 2.5, 0.75, 3, 4, 5, 190],
  });
}

describe("chain and putCallRatio", () => {
  it("lays one underlying's contracts out by expiration and strike, calls beside puts", () => {
    const rows = chain(dayAggs(), "SPY")
      .toRecords()
      .map((r) => ({ ...r, expiration: day(r.expiration) }));
    assert.deepEqual(rows, [
      {
        expiration: "2025-11-12",
        root: "SPY",
        strike: 675,
        call_volume: 10,
        call_close: 1.5,
        put_volume: 30,
        put_close: 2.5,
      },
      {
        expiration: "2025-11-12",
        root: "SPY",
        strike: 680,
        call_volume: 4,
        call_close: 0.75,
        put_volume: null,
        put_close: null,
      },
      {
        expiration: "2025-12-19",
        root: "SPY",
        strike: 650,
        call_volume: null,
        call_close: null,
        put_volume: 5,
        put_close: 3,
      },
    ]);
  });

  it("builds the chain of the documentation's day-aggregates example", () => {
    const e = OPTION_FILES.find((x) => x.file.includes("day_aggs_v1.2023-03.docs-example"))!;
    const rows = chain(loadDay(gzPublished(e.file), e.dataset), "SPY")
      .toRecords()
      .map((r) => ({ ...r, expiration: day(r.expiration) }));
    // O:SPY230327P00390000,200,11.82,9.83,...: volume 200, close 9.83; no SPY call in the file.
    assert.deepEqual(rows, [
      {
        expiration: "2023-03-27",
        root: "SPY",
        strike: 390,
        call_volume: null,
        call_close: null,
        put_volume: 200,
        put_close: 9.83,
      },
    ]);
  });

  it("names the busiest underlyings when asked for one the frame does not hold", () => {
    assert.throws(
      () => chain(dayAggs(), "spy"),
      (e: Error & { code?: string }) => {
        assert.equal(e.code, "options.underlying");
        assert.match(e.message, /"spy".*busiest here: SPY, SPY1, QQQ\./);
        return true;
      },
    );
  });

  it("divides put volume by call volume per underlying, busiest first", () => {
    const withPutsOnly = pl.concat([
      dayAggs(),
      pl.DataFrame({ ticker: ["O:IWM251112P00200000"], volume: [8], close: [1] }),
    ]);
    assert.deepEqual(putCallRatio(withPutsOnly).toRecords(), [
      { underlying: "SPY", call_volume: 14, put_volume: 35, put_call_ratio: 2.5 },
      { underlying: "IWM", call_volume: 0, put_volume: 8, put_call_ratio: null },
      { underlying: "SPY1", call_volume: 7, put_volume: 0, put_call_ratio: 0 },
      { underlying: "QQQ", call_volume: 2, put_volume: 0, put_call_ratio: 0 },
    ]);
  });
});
