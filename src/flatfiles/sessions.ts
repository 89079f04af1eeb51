/**
 * Trading sessions: when, on a date with a file, each asset class trades, in UTC and New York
 * time. calendar.ts says which dates have a file (and is reused here for closed days); this says
 * which hours of such a date count.
 *
 * - stocks: regular 09:30-16:00 New York, extended (pre- and post-market) 04:00-20:00. On an
 *   NYSE early close (calendar.ts: the day after Thanksgiving, the eves of a weekday Independence
 *   Day and Christmas) the regular session ends at 13:00 and the post-market at 17:00 (NYSE Group's
 *   holiday and early-closings releases; test/fixtures/calendars/SOURCES.md).
 * - options: regular 09:30-16:00 New York, 13:00 on an NYSE early close (equity options; the few
 *   that trade to 16:15 stop at 13:15 then, not modelled, as their 16:15 is not); no extended window
 *   (evidence: the registry's options samples; late index-option sessions are not modelled).
 * - forex: the week opens on Sunday at 17:00 New York time and closes on Friday at 17:00, so a
 *   Sunday is 17:00-24:00, Monday to Thursday whole New York days, Friday 00:00-17:00 (how the
 *   sandbox cuts forex days; uncertain for the real files, whose day cut is not documented).
 * - crypto: 24 hours, 00:00-24:00 UTC (uncertain: Massive does not document where a crypto file's
 *   day starts; the sandbox cuts its crypto files here too, and notebook 07 checks one against this).
 * - futures (CME Globex and its CBOT, COMEX and NYMEX): a trade date's session runs from 18:00
 *   New York time the evening before to 17:00 (test/fixtures/calendars/SOURCES.md: 17:00 CT
 *   the evening before to 16:00 CT); shortened holiday sessions are not modelled.
 */
import { KitError } from "../util/errors";
import {
  type CalendarKind,
  EARLY_CLOSE_MINUTES,
  closedReason,
  formatDate,
  isNyseEarlyClose,
  newYorkClock,
  parseDate,
  weekday,
} from "./calendar";
import type { Certainty } from "./sources";
import { ASSET_CLASSES, type Dataset, assetOf, findDataset } from "./datasets";

export interface SessionWindow {
  start: Date;
  end: Date;
  /** The same instants as Unix nanoseconds, to compare with a file's UInt64 timestamps. */
  startNs: bigint;
  endNs: bigint;
  /** `YYYY-MM-DD HH:MM` in New York. */
  startNy: string;
  endNy: string;
}

export interface Session {
  asset: string;
  date: string;
  calendar: CalendarKind;
  /** Why the date has no session (a Saturday, an NYSE holiday...), or null when it has one. */
  closed: string | null;
  /** The main session; null on a closed date. */
  regular: SessionWindow | null;
  /** Stocks' pre- and post-market hours around it; null for other assets and on closed dates. */
  extended: SessionWindow | null;
  certainty: Certainty;
}

const MINUTE = 60_000;

/** The stock market's regular session in minutes after New York midnight: 09:30 to 16:00 (the trade rule of eligibility.ts uses it too). */
export const STOCK_REGULAR_MINUTES = { from: 570, to: 960 } as const;
const { from: OPEN, to: CLOSE } = STOCK_REGULAR_MINUTES;
/** Where stocks' extended hours end on an NYSE early close: 17:00 New York. */
const EARLY_CLOSE_LATE_END = 1020;
const NY_OFFSET = new Intl.DateTimeFormat("en-US", {
  timeZone: "America/New_York",
  timeZoneName: "longOffset",
});

/** New York's offset from UTC at an instant, in minutes (-240 in summer, -300 in winter). */
function newYorkOffset(ms: number): number {
  const name = NY_OFFSET.formatToParts(new Date(ms)).find((p) => p.type === "timeZoneName")!.value; // "GMT-04:00"
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name)!;
  return (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

/**
 * The instant `minutes` after midnight of `date` on New York's clock (negative: the evening
 * before). The offset is read twice, at the guess and again at the result, which is exact for
 * every time used here (none falls in the 02:00-03:00 hour that daylight saving skips or repeats).
 */
function newYorkTime(date: string, minutes: number): number {
  const wall = parseDate(date) * 86_400_000 + minutes * MINUTE;
  const guess = wall - newYorkOffset(wall) * MINUTE;
  return wall - newYorkOffset(guess) * MINUTE;
}

function utcTime(date: string, minutes: number): number {
  return parseDate(date) * 86_400_000 + minutes * MINUTE;
}

function windowOf(startMs: number, endMs: number): SessionWindow {
  return {
    start: new Date(startMs),
    end: new Date(endMs),
    startNs: BigInt(startMs) * 1_000_000n,
    endNs: BigInt(endMs) * 1_000_000n,
    startNy: newYorkClock(new Date(startMs)),
    endNy: newYorkClock(new Date(endMs)),
  };
}

/** A window from `from` to `to` minutes after New York midnight of `date`. */
function newYork(date: string, from: number, to: number): SessionWindow {
  return windowOf(newYorkTime(date, from), newYorkTime(date, to));
}

type Hours = Pick<Session, "regular" | "extended" | "certainty">;

/** The hours of an open date, by asset class. */
function hoursOf(asset: string, date: string): Hours {
  const early = isNyseEarlyClose(date);
  const close = early ? EARLY_CLOSE_MINUTES : CLOSE;
  if (asset === "us_stocks_sip") {
    // The exchanges' late sessions end at 17:00 on an early close, not 20:00 (NYSE Group's releases).
    const extended = newYork(date, 240, early ? EARLY_CLOSE_LATE_END : 1200);
    return { regular: newYork(date, OPEN, close), extended, certainty: "evidence" };
  }
  if (asset === "us_options_opra")
    return { regular: newYork(date, OPEN, close), extended: null, certainty: "evidence" };
  if (asset.startsWith("us_futures_"))
    return { regular: newYork(date, -360, 1020), extended: null, certainty: "uncertain" };
  if (asset === "global_crypto")
    return {
      regular: windowOf(utcTime(date, 0), utcTime(date, 1440)),
      extended: null,
      certainty: "uncertain",
    };
  if (asset === "global_forex") {
    const wd = weekday(parseDate(date));
    const [from, to] = wd === 0 ? [1020, 1440] : wd === 5 ? [0, 1020] : [0, 1440];
    return { regular: newYork(date, from, to), extended: null, certainty: "uncertain" };
  }
  throw new KitError(
    "sessions.asset",
    `Sessions of ${asset} are not modelled (index values follow each index's own schedule); ` +
      "the kit knows stocks, options, forex, crypto and futures.",
  );
}

/** An asset prefix (`us_stocks_sip`) or a dataset (`us_stocks_sip/trades_v1`) as its asset's prefix and calendar. */
function assetFor(datasetOrAsset: string | Dataset): { prefix: string; calendar: CalendarKind } {
  const a =
    typeof datasetOrAsset === "string"
      ? ASSET_CLASSES.find((x) => x.prefix === datasetOrAsset.trim())
      : undefined;
  return a ?? assetOf(findDataset(datasetOrAsset));
}

/**
 * The trading session of a date for an asset class or dataset, in UTC and New York time: the
 * regular window, stocks' extended window, or why the date is closed (calendar.ts's reasons).
 */
export function sessionOf(datasetOrAsset: string | Dataset, date: string): Session {
  const { prefix, calendar } = assetFor(datasetOrAsset);
  const day = formatDate(parseDate(date));
  const closed = closedReason(day, calendar);
  const hours: Hours = closed
    ? { regular: null, extended: null, certainty: hoursOf(prefix, day).certainty }
    : hoursOf(prefix, day);
  return { asset: prefix, date: day, calendar, closed, ...hours };
}
