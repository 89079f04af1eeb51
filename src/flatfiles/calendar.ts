/**
 * Trading calendars for flat files: which dates have a file.
 *
 * Dates are plain `YYYY-MM-DD` strings and all arithmetic is done on UTC day numbers, so the
 * machine's time zone can never shift a date by one.
 */

import { KitError, echo } from "../util/errors";
import type { Certainty, SourceId } from "./sources";

/** Which days a dataset publishes a file for. */
export type CalendarKind = "nyse" | "weekdays" | "sunday-friday" | "daily" | "cme";

export interface CalendarInfo {
  title: string;
  /** Which dates have a file, in words. */
  rule: string;
  source: SourceId;
  certainty: Certainty;
}

/** The calendars, as the registry of facts states them. */
export const CALENDARS: Readonly<Record<CalendarKind, CalendarInfo>> = {
  nyse: {
    title: "NYSE trading days",
    rule: "Monday to Friday except NYSE holidays and unscheduled closures",
    source: "nyse-calendar",
    certainty: "certain",
  },
  weekdays: {
    title: "weekdays, holidays included",
    rule: "Monday to Friday, NYSE holidays included (index values are still computed)",
    source: "bucket-listing",
    certainty: "evidence",
  },
  "sunday-friday": {
    title: "Sunday to Friday",
    rule: "Sunday to Friday, US holidays included: the forex week opens on Sunday evening",
    source: "bucket-listing",
    certainty: "evidence",
  },
  daily: { title: "every day", rule: "every calendar day", source: "massive-docs", certainty: "certain" },
  cme: {
    title: "CME Globex trade dates",
    rule:
      "Monday to Friday, dated by trade date (Sunday evening's trading belongs to Monday); " +
      "closed on New Year's Day, Good Friday (unless the jobs report comes out) and Christmas Day; " +
      "other holidays are shortened sessions",
    source: "cme-calendar",
    certainty: "uncertain",
  },
};

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/**
 * Parse a `YYYY-MM-DD` string; a malformed or impossible date is a KitError (`calendar.date`)
 * saying which (a date is a caller's input: not a RangeError, which reads as a bug).
 */
export function parseDate(text: string): number {
  const m = DATE_RE.exec(String(text).trim());
  if (!m) {
    throw new KitError(
      "calendar.date",
      `${echo(text, 40)} is not a date: write it as YYYY-MM-DD, for example 2024-03-15.`,
    );
  }
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y === 0) {
    // Year 0 would be 1 BC, and the day before it printed as "-000001-12-31".
    throw new KitError(
      "calendar.date",
      `"${text}" has the year 0000, which the calendar has not: years start at 0001.`,
    );
  }
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0-99 as 1900-1999 (0024 would be 1924).
  const ms = new Date(0).setUTCFullYear(y, mo - 1, d);
  if (
    new Date(ms).getUTCFullYear() !== y ||
    new Date(ms).getUTCMonth() !== mo - 1 ||
    new Date(ms).getUTCDate() !== d
  ) {
    throw new KitError("calendar.date", `"${text}" is not a real calendar date (check the month and day).`);
  }
  return ms / DAY_MS;
}

/** Day number (days since 1970-01-01) to `YYYY-MM-DD`. */
export function formatDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** 0 = Sunday ... 6 = Saturday. */
export function weekday(day: number): number {
  return new Date(day * DAY_MS).getUTCDay();
}

const NY_CLOCK = new Intl.DateTimeFormat("en-CA", {
  timeZone: "America/New_York",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

/** `YYYY-MM-DD HH:MM` in New York, where flat files are dated and published. */
export function newYorkClock(now: Date = new Date()): string {
  const p = Object.fromEntries(NY_CLOCK.formatToParts(now).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** Today's date in New York, where flat files are dated. */
export function todayInNewYork(now: Date = new Date()): string {
  return newYorkClock(now).slice(0, 10);
}

function ymd(y: number, month: number, d: number): number {
  return Date.UTC(y, month - 1, d) / DAY_MS;
}

/** The n-th given weekday of a month (n = -1 for the last one). */
function nthWeekday(y: number, month: number, wd: number, n: number): number {
  if (n > 0) {
    const first = ymd(y, month, 1);
    return first + ((wd - weekday(first) + 7) % 7) + (n - 1) * 7;
  }
  const last = ymd(y, month + 1, 1) - 1;
  return last - ((weekday(last) - wd + 7) % 7);
}

/** Western Easter Sunday (anonymous Gregorian algorithm). */
function easter(y: number): number {
  const a = y % 19;
  const b = Math.floor(y / 100);
  const c = y % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return ymd(y, month, day);
}

/** A fixed-date holiday moved to Friday when on Saturday and Monday when on Sunday. */
function observed(day: number): number {
  const wd = weekday(day);
  return wd === 6 ? day - 1 : wd === 0 ? day + 1 : day;
}

/** Closures that no rule predicts (national days of mourning, Hurricane Sandy). */
const SPECIAL_CLOSURES = ["2004-06-11", "2007-01-02", "2012-10-29", "2012-10-30", "2018-12-05", "2025-01-09"];

const holidayCache = new Map<number, Map<number, string>>();

/** NYSE full-day holidays of a year, as day number -> name. */
export function nyseHolidays(year: number): Map<number, string> {
  const cached = holidayCache.get(year);
  if (cached) return cached;
  const h = new Map<number, string>();
  // NYSE does not close on Friday 31 December when New Year's Day is a Saturday.
  const newYear = ymd(year, 1, 1);
  if (weekday(newYear) !== 6) h.set(observed(newYear), "New Year's Day");
  h.set(nthWeekday(year, 1, 1, 3), "Martin Luther King Jr. Day");
  h.set(nthWeekday(year, 2, 1, 3), "Washington's Birthday");
  h.set(easter(year) - 2, "Good Friday");
  h.set(nthWeekday(year, 5, 1, -1), "Memorial Day");
  if (year >= 2022) h.set(observed(ymd(year, 6, 19)), "Juneteenth");
  h.set(observed(ymd(year, 7, 4)), "Independence Day");
  h.set(nthWeekday(year, 9, 1, 1), "Labor Day");
  h.set(nthWeekday(year, 11, 4, 4), "Thanksgiving Day");
  h.set(observed(ymd(year, 12, 25)), "Christmas Day");
  for (const s of SPECIAL_CLOSURES) if (s.startsWith(`${year}-`)) h.set(parseDate(s), "special closure");
  holidayCache.set(year, h);
  return h;
}

/** The regular session's end on an NYSE early close, in minutes after New York midnight (13:00). */
export const EARLY_CLOSE_MINUTES = 780;

/** Early closes no rule predicts: Friday 26 December 2003, the day after Christmas. */
const SPECIAL_EARLY_CLOSES = ["2003-12-26"];

const earlyCache = new Map<number, Set<number>>();

/**
 * NYSE early closes of a year (day numbers), when the regular session ends at 13:00: the day
 * after Thanksgiving, and 3 July and 24 December when they fall on Monday to Thursday (the eve of
 * an Independence Day or Christmas kept on its own date), and one day no rule predicts. A rule
 * like the holidays', checked date for date against published lists over 2003-2026
 * (test/fixtures/calendars/nyse-early-closes.json, its sources in SOURCES.md there).
 */
export function nyseEarlyCloses(year: number): Set<number> {
  const cached = earlyCache.get(year);
  if (cached) return cached;
  const out = new Set<number>([nthWeekday(year, 11, 4, 4) + 1]);
  for (const eve of [ymd(year, 7, 3), ymd(year, 12, 24)])
    if (weekday(eve) >= 1 && weekday(eve) <= 4) out.add(eve);
  for (const s of SPECIAL_EARLY_CLOSES) if (s.startsWith(`${year}-`)) out.add(parseDate(s));
  earlyCache.set(year, out);
  return out;
}

/** Whether NYSE's regular session ends early (13:00 New York) on a date. */
export function isNyseEarlyClose(date: string | number): boolean {
  const day = typeof date === "number" ? date : parseDate(date);
  return nyseEarlyCloses(new Date(day * DAY_MS).getUTCFullYear()).has(day);
}

/**
 * Good Fridays on which CME equity and interest-rate futures traded a short session because the
 * US jobs report came out that morning (CME notices; pandas_market_calendars' and Lean's tables).
 */
const CME_GOOD_FRIDAY_SESSIONS = [
  "2010-04-02",
  "2012-04-06",
  "2015-04-03",
  "2021-04-02",
  "2023-04-07",
  "2026-04-03",
];

/** Days CME Globex is closed for the whole day (other holidays are shortened sessions). */
function cmeClosure(day: number): string | null {
  const y = new Date(day * DAY_MS).getUTCFullYear();
  if (day === observed(ymd(y, 12, 25))) return "a CME holiday (Christmas Day)";
  if (day === easter(y) - 2 && !CME_GOOD_FRIDAY_SESSIONS.includes(formatDate(day)))
    return "a CME holiday (Good Friday)";
  // As at NYSE, a New Year's Day on a Saturday closes nothing on the Friday before.
  const newYear = ymd(y, 1, 1);
  if (weekday(newYear) !== 6 && day === observed(newYear)) return "a CME holiday (New Year's Day)";
  return null;
}

/**
 * `kind` when it is one of CALENDARS (own keys only: "__proto__" is not a calendar); otherwise a
 * KitError naming the known ones. Before, an unknown name ("Daily", "weekday") was answered as NYSE.
 */
export function checkCalendar(kind: unknown): CalendarKind {
  if (typeof kind === "string" && Object.hasOwn(CALENDARS, kind)) return kind as CalendarKind;
  const names = Object.keys(CALENDARS);
  const folded = typeof kind === "string" ? kind.toLowerCase().replace(/[\s_]/g, "-") : "";
  const close = names.find((n) => n === folded || n === `${folded}s` || n.startsWith(folded.slice(0, 4)));
  throw new KitError(
    "calendar.unknown",
    `${echo(kind, 40)} is not a calendar${folded && close ? ` (did you mean "${close}"?)` : ""}; the calendars are ${names.slice(0, -1).join(", ")} and ${names.at(-1)}.`,
  );
}

/** Why a date has no file under a calendar, or null when it should have one. */
export function closedReason(date: string | number, kind: CalendarKind): string | null {
  checkCalendar(kind);
  const day = typeof date === "number" ? date : parseDate(date);
  if (kind === "daily") return null;
  const wd = weekday(day);
  if (wd === 6) return "a Saturday";
  if (wd === 0) return kind === "sunday-friday" ? null : "a Sunday";
  if (kind === "weekdays" || kind === "sunday-friday") return null;
  if (kind === "cme") return cmeClosure(day);
  const name = nyseHolidays(new Date(day * DAY_MS).getUTCFullYear()).get(day);
  return name ? `an NYSE holiday (${name})` : null;
}

export function isOpen(date: string | number, kind: CalendarKind): boolean {
  return closedReason(date, kind) === null;
}

/** Every date with a file between two dates, both included, in order. */
export function openDays(from: string, to: string, kind: CalendarKind): string[] {
  checkCalendar(kind);
  const out: string[] = [];
  for (let d = parseDate(from), end = parseDate(to); d <= end; d++) {
    if (isOpen(d, kind)) out.push(formatDate(d));
  }
  return out;
}

/** The nearest open date strictly before (step -1) or after (step +1) a date. */
export function nextOpenDay(date: string, kind: CalendarKind, step: 1 | -1): string {
  checkCalendar(kind);
  let d = parseDate(date) + step;
  while (!isOpen(d, kind)) d += step;
  return formatDate(d);
}

/** About when a day's file is published: New York time on the next day the calendar opens. */
export const PUBLISHED_AT = "11:00";
/** An hour's grace after PUBLISHED_AT before a file that is not there counts as missing. */
export const PUBLISHED_BY = "12:00";

/** When a day's file is expected: about 11:00 New York time on the next day the calendar opens. */
export function publicationOf(date: string, kind: CalendarKind): { date: string; time: string } {
  return { date: nextOpenDay(formatDate(parseDate(date)), kind, 1), time: PUBLISHED_AT };
}

/**
 * Whether a day's file should be out by `now`: a New York clock (`YYYY-MM-DD HH:MM`, as
 * `newYorkClock` gives) or a bare date, read as its first minute.
 */
export function isPublishedBy(date: string, kind: CalendarKind, now: string): boolean {
  const clock = now.length === 10 ? `${now} 00:00` : now;
  return clock >= `${publicationOf(date, kind).date} ${PUBLISHED_BY}`;
}

/** How far the suggestion rule looks on each side of a closed day (the longest closures are days). */
export const SUGGESTION_REACH = 10;

/**
 * The one rule for "the nearest days with files" around a day that has none, used by `dayKey`
 * (offline) and `findDay` (after listing): on each side, the nearest day the calendar opens
 * whose file is out by `now`, and, when the bucket was listed, that the listing has. Null on a
 * side with none within SUGGESTION_REACH days (or, when the listing is given, within it).
 */
export function nearestDaysWithFiles(
  date: string,
  kind: CalendarKind,
  now: string,
  listed?: ReadonlySet<string>,
): { before: string | null; after: string | null } {
  checkCalendar(kind);
  const day = parseDate(date);
  const find = (step: 1 | -1): string | null => {
    for (let d = day + step, n = 1; n <= SUGGESTION_REACH; d += step, n++) {
      const text = formatDate(d);
      if (!isOpen(d, kind) || !isPublishedBy(text, kind, now)) continue;
      if (listed && !listed.has(text)) continue;
      return text;
    }
    return null;
  };
  return { before: find(-1), after: find(1) };
}

/** The rule's answer as the end of a message: " The nearest days with files are A and B." */
export function nearestDaysNote(near: { before: string | null; after: string | null }): string {
  const { before, after } = near;
  if (before && after) return ` The nearest days with files are ${before} and ${after}.`;
  if (before) return ` The nearest day with a file is ${before} (none after it yet).`;
  if (after) return ` The nearest day with a file is ${after}.`;
  return ` No day within ${SUGGESTION_REACH} days of it has a file.`;
}

/**
 * Why a day on or after today has no file, beyond "not yet": a closed day never will (with
 * why), an open day's file is expected on the next open day at about 11:00 New York time.
 */
export function futureDayNote(date: string, kind: CalendarKind, today: string): string {
  const closed = closedReason(date, kind);
  if (closed && CALENDARS[kind].certainty !== "uncertain")
    return `${date} is ${closed}: no file will be published for it (${CALENDARS[kind].rule}).`;
  const when = publicationOf(date, kind);
  return (
    `${date} has no file yet: ${date === today ? "today's" : "a day's"} file appears around ${when.time} New York time on the next ` +
    `${kind === "daily" ? "day" : "trading day"}, so expect it around ${when.date} ${when.time} ET (today in New York is ${today}).` +
    (closed ? ` The calendar (${CALENDARS[kind].title}, not certain) says it may be ${closed}.` : "")
  );
}
