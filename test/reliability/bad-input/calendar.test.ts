/**
 * Bad input, calendars and dates (no sandbox needed): an unknown calendar is refused, naming the
 * known ones, instead of being answered as NYSE; a date the calendar cannot have is refused.
 */
import { dayKey } from "../../../src/flatfiles/catalog";
import {
  type CalendarKind,
  closedReason,
  isOpen,
  nextOpenDay,
  openDays,
} from "../../../src/flatfiles/calendar";
import { type Row, badInputTable, failure, today } from "./helpers";

const KNOWN = /the calendars are nyse, weekdays, sunday-friday, daily and cme/;
const kind = (k: string) => k as CalendarKind;

const ROWS: Row[] = [
  [
    'closedReason with the calendar "Daily" (answered as NYSE)',
    () => failure(() => closedReason("2024-03-16", kind("Daily"))),
    new RegExp(
      `^calendar\\.unknown: "Daily" is not a calendar \\(did you mean "daily"\\?\\); ${KNOWN.source}`,
    ),
  ],
  [
    'openDays with the calendar "weekday"',
    () => failure(() => openDays("2024-03-11", "2024-03-17", kind("weekday"))),
    new RegExp(
      `^calendar\\.unknown: "weekday" is not a calendar \\(did you mean "weekdays"\\?\\); ${KNOWN.source}`,
    ),
  ],
  [
    "isOpen and nextOpenDay with an unknown calendar, __proto__ included",
    async () =>
      `${await failure(() => isOpen("2024-03-15", kind("__proto__")))}\n${await failure(() => nextOpenDay("2024-03-15", kind("lse"), 1))}`,
    /^calendar\.unknown: "__proto__" is not a calendar; .*\ncalendar\.unknown: "lse" is not a calendar; /,
  ],
  [
    "year 0000 (it suggested -000001-12)",
    () => failure(() => dayKey("us_stocks_sip/day_aggs_v1", "0000-01-01", today)),
    /^catalog\.date: "0000-01-01" has the year 0000, which the calendar has not: years start at 0001/,
  ],
];

badInputTable("calendar", ROWS);
