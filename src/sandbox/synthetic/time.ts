/**
 * Calendar and clock: New York midnight, each asset class's session, nanosecond stamps, and the
 * grids of days on which prices move (weekdays for exchange markets, every day for crypto), so a
 * weekend is not a step of the walk (no Monday jump).
 */
import { NYSE_EARLY_CLOSES } from "../closures";
import type { SandboxDataset as Dataset } from "../description";

/** Midnight in New York, in UTC milliseconds, for a `YYYY-MM-DD` date (DST handled by Intl). */
export function newYorkMidnightMs(date: string): number {
  let ms = midnightCache.get(date);
  if (ms === undefined) {
    ms = computeNewYorkMidnight(date);
    midnightCache.set(date, ms);
  }
  return ms;
}
const midnightCache = new Map<string, number>();

function computeNewYorkMidnight(date: string): number {
  const utcMidnight = Date.parse(`${date}T00:00:00Z`);
  const nyHour = Number(NY_HOUR.format(new Date(utcMidnight + 5 * 3600_000)));
  // 05:00Z is midnight in New York in winter (EST) and 01:00 in summer (EDT).
  return utcMidnight + (nyHour === 0 ? 5 : 4) * 3600_000;
}
const NY_HOUR = new Intl.DateTimeFormat("en-US", {
  timeZone: "America/New_York",
  hour: "2-digit",
  hourCycle: "h23",
});

/** Unix nanoseconds as text from milliseconds plus a sub-millisecond part, with no precision lost. */
export function ns(ms: number, subMs = 0): string {
  return subMs === 0 ? `${Math.floor(ms)}000000` : `${Math.floor(ms)}${String(subMs).padStart(6, "0")}`;
}

/** Where a day's rows fall: from `start` (UTC ms) for `minutes` minutes. */
export function sessionOf(dataset: Dataset, date: string): { start: number; minutes: number } {
  const midnight = newYorkMidnightMs(date);
  const hour = 3600_000;
  if (dataset.calendar === "cme") return { start: midnight - 6 * hour, minutes: 23 * 60 }; // 18:00 the evening before to 17:00
  if (dataset.calendar === "sunday-friday") {
    const wd = new Date(Date.parse(`${date}T00:00:00Z`)).getUTCDay();
    // The forex week opens on Sunday at 17:00 New York time and closes on Friday at 17:00.
    if (wd === 0) return { start: midnight + 17 * hour, minutes: 7 * 60 };
    if (wd === 5) return { start: midnight, minutes: 17 * 60 };
    return { start: midnight, minutes: 1440 };
  }
  // Crypto days are cut at UTC midnight, as sessions.ts assumes (uncertain for the real files).
  if (dataset.calendar === "daily") return { start: Date.parse(`${date}T00:00:00Z`), minutes: 1440 };
  // 09:30 to 16:00; to 13:00 on an NYSE early close (stocks and options).
  const early = dataset.calendar === "nyse" && isEarlyClose(date);
  return { start: midnight + 570 * 60_000, minutes: early ? EARLY_SESSION_MINUTES : 390 };
}

/** The regular session's minutes on an NYSE early close: 09:30 to 13:00. */
export const EARLY_SESSION_MINUTES = 210;

/** Whether NYSE closes early (13:00) on a date, by the published list (closures.ts). */
export const isEarlyClose = (date: string) => NYSE_EARLY_CLOSES.has(date);

const DAY_MS = 86_400_000;
/** The first day of the price grids: before every dataset's first file. */
export const GRID_START = "2002-12-31";
const GRID_START_MS = Date.parse(`${GRID_START}T00:00:00Z`);

export type Grid = "weekday" | "daily";

/**
 * A date's step on a grid: every day for crypto; weekdays for the rest (a Saturday or Sunday
 * maps to the Friday before, so a weekend adds no step). 2002-12-31 is a Tuesday, step 0.
 */
export function gridIndex(date: string, grid: Grid): number {
  const days = Math.round((Date.parse(`${date}T00:00:00Z`) - GRID_START_MS) / DAY_MS);
  if (grid === "daily") return days;
  // Days since the Monday of 2002-12-30, in weeks and weekdays.
  const fromMonday = days + 1;
  const weeks = Math.floor(fromMonday / 7);
  const wd = Math.min(fromMonday % 7, 4);
  return weeks * 5 + wd - 1;
}

/** Years from one date to another (calendar days over 365). */
export const yearsBetween = (from: string, to: string) =>
  (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS / 365;
