/**
 * The sandbox's data looks like the market, where the notebooks look (issue #15): a real option
 * chain on the last day (OCC symbols, strikes around the underlying's close, several expiries,
 * prices that fall or rise with the strike, volume near the money), stock spreads that are wide
 * at the open and the close, and a split in the unadjusted history. Read from the printed files,
 * generated as the build generates them.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type SandboxDataset, sandboxDataset, sandboxDays, sandboxOpen } from "../../src/sandbox/description";
import { SANDBOX_END, sandboxDayFile } from "../../src/sandbox/seed";
import { dayFileCsv } from "../../src/sandbox/synthetic";
import { roundLotOf } from "../../src/flatfiles/round-lots";
import { optionPrice } from "../../src/sandbox/options";

const UNDERLYINGS = ["AAPL", "MSFT", "NVDA", "SPY", "TSLA", "AMZN"];

/** One CSV line's fields; a field may be a quoted list ("12,37"). */
function fields(line: string): string[] {
  if (!line.includes('"')) return line.split(",");
  return [...line.matchAll(/("[^"]*"|[^,]*)(,|$)/g)].slice(0, -1).map((m) => m[1]);
}

/** A file's rows as records of text, by column name. */
function rows(d: SandboxDataset, date: string, size?: number): Record<string, string>[] {
  const file = sandboxDayFile(d, date);
  const lines = dayFileCsv(size ? { ...file, size } : file)
    .trim()
    .split("\n");
  const header = lines[0].split(",");
  return lines.slice(1).map((l) => {
    const f = fields(l);
    assert.equal(f.length, header.length, l);
    return Object.fromEntries(header.map((h, i) => [h, f[i]]));
  });
}

/** Day bars by ticker. A day file's first tickers are the same whatever its size: the stocks' first 30 are enough here. */
function dayBars(asset: string, date: string, size?: number): Map<string, Record<string, string>> {
  return new Map(rows(sandboxDataset(`${asset}/day_aggs_v1`), date, size).map((r) => [r.ticker, r]));
}

const OCC = /^O:([A-Z]{1,5})(\d{2})(\d{2})(\d{2})([CP])(\d{8})$/;
interface Option {
  ticker: string;
  underlying: string;
  expiry: string;
  call: boolean;
  strike: number;
  close: number;
  volume: number;
}

/** The last day's contracts, read once (in the first test that asks, so a bad symbol fails a test). */
let parsed: { chain: Option[]; series: Map<string, Option[]>; spot: (u: string) => number } | undefined;
function lastDay() {
  if (parsed) return parsed;
  const stocks = dayBars("us_stocks_sip", SANDBOX_END, 30);
  const chain: Option[] = [...dayBars("us_options_opra", SANDBOX_END).values()].map((r) => {
    const m = OCC.exec(r.ticker);
    assert.ok(m, `${r.ticker} is not an OCC symbol (O:, root, YYMMDD, C or P, strike x 1000 in 8 digits)`);
    const expiry = `20${m[2]}-${m[3]}-${m[4]}`;
    assert.equal(
      new Date(`${expiry}T00:00:00Z`).toISOString().slice(0, 10),
      expiry,
      `${r.ticker}: no such date`,
    );
    return {
      ticker: r.ticker,
      underlying: m[1],
      expiry,
      call: m[5] === "C",
      strike: Number(m[6]) / 1000,
      close: Number(r.close),
      volume: Number(r.volume),
    };
  });
  /** Contracts grouped by underlying and expiry. */
  const series = new Map<string, Option[]>();
  for (const o of chain) {
    const key = `${o.underlying} ${o.expiry}`;
    series.set(key, [...(series.get(key) ?? []), o]);
  }
  parsed = { chain, series, spot: (u: string) => Number(stocks.get(u)!.close) };
  return parsed;
}

describe("the sandbox's option chain on its last day", () => {
  it("lists about 2,000 OCC contracts of AAPL, MSFT, NVDA, SPY, TSLA and AMZN, unexpired, a call and a put at each strike", () => {
    const { chain } = lastDay();
    assert.ok(chain.length >= 1900 && chain.length <= 2100, `${chain.length} contracts`);
    for (const o of chain) assert.ok(o.expiry >= SANDBOX_END, `${o.ticker} expired before ${SANDBOX_END}`);
    assert.deepEqual([...new Set(chain.map((o) => o.underlying))].sort(), [...UNDERLYINGS].sort());
    const tickers = new Set(chain.map((o) => o.ticker));
    for (const o of chain)
      assert.ok(
        tickers.has(o.ticker.replace(/[CP](\d{8})$/, `${o.call ? "P" : "C"}$1`)),
        `${o.ticker} has no ${o.call ? "put" : "call"}`,
      );
  });

  it("expires on Fridays (Thursdays before a holiday) from the day on: weeklies, monthlies and a LEAPS", () => {
    const { chain } = lastDay();
    for (const u of UNDERLYINGS) {
      const expiries = [...new Set(chain.filter((o) => o.underlying === u).map((o) => o.expiry))].sort();
      assert.ok(expiries.length >= 6, `${u}: ${expiries.join(" ")}`);
      assert.ok(expiries[0] >= SANDBOX_END, `${u} lists ${expiries[0]}, before ${SANDBOX_END}`);
      const days = (e: string) => (Date.parse(e) - Date.parse(SANDBOX_END)) / 86_400_000;
      assert.ok(
        expiries.filter((e) => days(e) <= 28).length >= 4,
        `${u}: weekly expiries ${expiries.join(" ")}`,
      );
      assert.ok(
        expiries.some((e) => days(e) > 365),
        `${u}: no expiry beyond a year`,
      );
      for (const e of expiries) {
        const t = Date.parse(`${e}T00:00:00Z`);
        const wd = new Date(t).getUTCDay();
        const friday = new Date(t + 86_400_000).toISOString().slice(0, 10);
        assert.ok(
          wd === 5 || (wd === 4 && !sandboxOpen(friday, "nyse")),
          `${u} expires on ${e}, not a Friday`,
        );
      }
    }
  });

  it("has strikes on both sides of the underlying's close, for every expiry", () => {
    const { series, spot } = lastDay();
    for (const [key, list] of series) {
      const s = spot(key.split(" ")[0]);
      const strikes = list.map((o) => o.strike);
      assert.ok(
        Math.min(...strikes) < s && s < Math.max(...strikes),
        `${key}: strikes ${Math.min(...strikes)} to ${Math.max(...strikes)}, close ${s}`,
      );
    }
  });

  it("prices calls lower and puts higher as the strike rises, for every expiry (as printed)", () => {
    const { series } = lastDay();
    for (const [key, list] of series) {
      for (const call of [true, false]) {
        const side = list.filter((o) => o.call === call).sort((a, b) => a.strike - b.strike);
        for (let i = 1; i < side.length; i++) {
          const [lo, hi] = [side[i - 1], side[i]];
          assert.ok(
            call ? hi.close <= lo.close : hi.close >= lo.close,
            `${key}: ${lo.ticker} at ${lo.close}, ${hi.ticker} at ${hi.close}`,
          );
        }
      }
    }
  });

  it("trades most near the money and in the nearest expiry", () => {
    const { chain, spot } = lastDay();
    let near = 0;
    let far = 0;
    for (const u of UNDERLYINGS) {
      const s = spot(u);
      const mine = chain.filter((o) => o.underlying === u);
      const first = mine.reduce((a, o) => (o.expiry < a ? o.expiry : a), "9999");
      const top = mine.filter((o) => o.expiry === first).reduce((a, o) => (o.volume > a.volume ? o : a));
      // Within 3%: two strikes of a $400 stock listed $5 apart, where the volumes of the two
      // strikes either side of the money differ by less than the day's noise.
      assert.ok(
        Math.abs(top.strike / s - 1) < 0.03,
        `${u}: the most traded contract of ${first} is ${top.ticker} (${top.volume}), close ${s}`,
      );
      const byExpiry = new Map<string, number>();
      for (const o of mine) byExpiry.set(o.expiry, (byExpiry.get(o.expiry) ?? 0) + o.volume);
      assert.equal(
        [...byExpiry].sort((a, b) => b[1] - a[1])[0][0],
        first,
        `${u}: the nearest expiry trades most`,
      );
      for (const o of mine) {
        const away = Math.abs(o.strike / s - 1);
        if (away < 0.05) near += o.volume;
        else if (away > 0.1) far += o.volume;
      }
    }
    assert.ok(near > 5 * far, `${near} contracts within 5% of the money, ${far} beyond 10%`);
  });

  it("has a put/call volume ratio between 0.5 and 2, not 1: above 1 for SPY (hedges), below for the stocks", () => {
    const { chain } = lastDay();
    const ratio = (of: Option[]) => {
      const sum = (call: boolean) => of.filter((o) => o.call === call).reduce((a, o) => a + o.volume, 0);
      return sum(false) / sum(true);
    };
    const all = ratio(chain);
    assert.ok(all > 0.5 && all < 2 && Math.abs(all - 1) > 0.02, `put/call ${all.toFixed(3)}`);
    for (const u of UNDERLYINGS) {
      const r = ratio(chain.filter((o) => o.underlying === u));
      assert.ok(u === "SPY" ? r > 1 : r < 1, `${u}: put/call ${r.toFixed(3)}`);
    }
  });
});

describe("the sandbox's option prices", () => {
  it("are never below intrinsic value (American exercise), calls nor puts, deep in the money included", () => {
    for (const underlying of UNDERLYINGS)
      for (const call of [true, false])
        for (const strike of [50, 90, 100, 110, 200])
          for (const years of [0.001, 0.1, 1, 2]) {
            const spot = 100;
            const p = optionPrice({ underlying, expiry: "2027-01-15", call, strike }, spot, years);
            const intrinsic = Math.max(0, call ? spot - strike : strike - spot);
            assert.ok(
              p >= intrinsic,
              `${underlying} ${call ? "call" : "put"} ${strike} at ${years} y: ${p} < ${intrinsic}`,
            );
          }
  });
});

describe("the sandbox's stock quotes on its last day", () => {
  it("have spreads (in basis points) wider in the first and last 15 minutes than at midday", () => {
    const hm = new Intl.DateTimeFormat("en-GB", {
      timeZone: "America/New_York",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    });
    const windows = { open: [] as number[], midday: [] as number[], close: [] as number[] };
    for (const q of rows(sandboxDataset("us_stocks_sip/quotes_v1"), SANDBOX_END)) {
      const [bid, ask] = [Number(q.bid_price), Number(q.ask_price)];
      if (!(bid > 0 && ask > 0)) continue;
      const t = hm.format(new Date(Number(q.sip_timestamp.slice(0, -6))));
      const bps = ((ask - bid) / ((ask + bid) / 2)) * 1e4;
      if (t < "09:45") windows.open.push(bps);
      else if (t >= "12:00" && t < "14:00") windows.midday.push(bps);
      else if (t >= "15:45") windows.close.push(bps);
    }
    const mean = (x: number[]) => {
      assert.ok(x.length > 20, `${x.length} quotes`);
      return x.reduce((a, b) => a + b, 0) / x.length;
    };
    const [open, midday, close] = [mean(windows.open), mean(windows.midday), mean(windows.close)];
    const shown = `open ${open.toFixed(1)} bps, midday ${midday.toFixed(1)}, close ${close.toFixed(1)}`;
    assert.ok(open > 1.5 * midday && close > 1.5 * midday, shown);
  });
});

describe("the sandbox's stock history is unadjusted for splits", () => {
  const day = sandboxDataset("us_stocks_sip/day_aggs_v1");
  /** A ticker's day bars around a split: the five sessions before and the five from its date. */
  function around(ticker: string, split: string, from: string, to: string) {
    const bars = sandboxDays(from, to, "nyse").map(
      (date): Record<string, string> => ({ ...dayBars("us_stocks_sip", date).get(ticker)!, date }),
    );
    const [before, after] = [
      bars.filter((b) => b.date < split).slice(-5),
      bars.filter((b) => b.date >= split).slice(0, 5),
    ];
    assert.equal(before.length + after.length, 10);
    const volume = (list: typeof bars) => list.reduce((a, b) => a + Number(b.volume), 0) / list.length;
    return {
      price: Number(before.at(-1)!.close) / Number(after[0].close),
      volume: volume(before) / volume(after),
      shown: bars.map((b) => `${b.date} ${b.close} ${b.volume}`).join(", "),
    };
  }

  it("NVDA closes ~10 times higher on 2024-06-07 than on 2024-06-10 (10-for-1), on ~1/10 the volume", () => {
    assert.ok(day.start < "2024-06-07");
    const { price, volume, shown } = around("NVDA", "2024-06-10", "2024-05-31", "2024-06-14");
    assert.ok(price > 8 && price < 12, `close ratio ${price.toFixed(2)}: ${shown}`);
    // Averaged over five sessions a side: an old day's volume is a handful of trades.
    assert.ok(volume > 1 / 20 && volume < 1 / 5, `volume ratio ${volume.toFixed(3)}: ${shown}`);
  });

  it("AAPL closes ~4 times higher on 2020-08-28 than on 2020-08-31 (4-for-1), on ~1/4 the volume", () => {
    const { price, volume, shown } = around("AAPL", "2020-08-31", "2020-08-21", "2020-09-04");
    assert.ok(price > 3.2 && price < 4.8, `close ratio ${price.toFixed(2)}: ${shown}`);
    assert.ok(volume > 1 / 8 && volume < 1 / 2, `volume ratio ${volume.toFixed(3)}: ${shown}`);
  });
});

/** Minutes since midnight in New York of a nanosecond timestamp. */
const NY_HM = new Intl.DateTimeFormat("en-GB", {
  timeZone: "America/New_York",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});
function nyMinute(ns: string): number {
  const [h, m] = NY_HM.format(new Date(Number(ns.slice(0, -6))))
    .split(":")
    .map(Number);
  return 60 * h + m;
}

describe("the sandbox's stock trade conditions say what each trade was", () => {
  it("37 (odd lot) exactly on trades below the ticker's round lot (tiered by price since 2025-11-03), sweeps as 14 with 41 or 37, 12 (Form T) exactly outside the regular session", () => {
    const trades = rows(sandboxDataset("us_stocks_sip/trades_v1"), SANDBOX_END, 20_000);
    const codes = (t: Record<string, string>) => t.conditions.replace(/"/g, "").split(",").filter(Boolean);
    const lots = new Map<string, number>();
    for (const t of trades) {
      if (!lots.has(t.ticker)) lots.set(t.ticker, roundLotOf(Number(t.price), SANDBOX_END));
      const c = codes(t);
      const lot = lots.get(t.ticker)!;
      assert.equal(
        c.includes("37"),
        Number(t.size) < lot,
        `${t.ticker} size ${t.size} (round lot ${lot}) with ${t.conditions}`,
      );
      // Form T (12) exactly on trades outside 09:30-16:00 New York time, but for the closing
      // auction's print (8), which the SIPs report just after 16:00.
      const regular = nyMinute(t.sip_timestamp) >= 570 && nyMinute(t.sip_timestamp) < 960;
      assert.equal(
        c.includes("12"),
        !regular && !c.includes("8"),
        `${t.conditions} at ${nyMinute(t.sip_timestamp)}`,
      );
      if (c.includes("14")) assert.ok(c.includes("41") || c.includes("37"), t.conditions);
    }
    // AAPL (about $340) has a round lot of 40: its trades of 40 to 99 shares are round lots now.
    assert.equal(lots.get("AAPL"), 40);
    const midSized = trades.filter(
      (t) => t.ticker === "AAPL" && Number(t.size) >= 40 && Number(t.size) < 100,
    );
    assert.ok(
      midSized.length > 0 && midSized.every((t) => !codes(t).includes("37")),
      "AAPL 40-99 shares: no 37",
    );
    const share = (code: string) => trades.filter((t) => codes(t).includes(code)).length / trades.length;
    assert.ok(share("14") > 0.03 && share("14") < 0.2, `sweeps: ${share("14")}`);
    assert.ok(
      trades.some((t) => codes(t).length === 0),
      "regular sales carry no condition",
    );
  });
});
