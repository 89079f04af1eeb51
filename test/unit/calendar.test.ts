import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  type CalendarKind,
  closedReason,
  nextOpenDay,
  openDays,
  parseDate,
} from "../../src/flatfiles/calendar";
import { NYSE_CLOSURES } from "../../src/sandbox/closures";

describe("NYSE calendar", () => {
  it("lists the 2024 holidays exactly", () => {
    const weekdays = openDays("2024-01-01", "2024-12-31", "weekdays");
    const nyse = new Set(openDays("2024-01-01", "2024-12-31", "nyse"));
    const closed = weekdays.filter((d) => !nyse.has(d));
    assert.deepEqual(closed, [
      "2024-01-01",
      "2024-01-15",
      "2024-02-19",
      "2024-03-29",
      "2024-05-27",
      "2024-06-19",
      "2024-07-04",
      "2024-09-02",
      "2024-11-28",
      "2024-12-25",
    ]);
  });

  it("counts the published number of trading days per year", () => {
    // NYSE's own counts: 2022 had 251 sessions, 2023 had 250, 2024 had 252.
    assert.equal(openDays("2022-01-01", "2022-12-31", "nyse").length, 251);
    assert.equal(openDays("2023-01-01", "2023-12-31", "nyse").length, 250);
    assert.equal(openDays("2024-01-01", "2024-12-31", "nyse").length, 252);
  });

  it("observes weekend holidays on the right weekday, but not New Year's on a Friday", () => {
    assert.match(closedReason("2022-06-20", "nyse")!, /Juneteenth/); // 19 June 2022 was a Sunday
    assert.match(closedReason("2023-01-02", "nyse")!, /New Year/);
    assert.equal(closedReason("2021-12-31", "nyse"), null); // 1 Jan 2022 was a Saturday
    assert.match(closedReason("2020-07-03", "nyse")!, /Independence/);
  });

  it("knows unscheduled closures", () => {
    assert.match(closedReason("2012-10-29", "nyse")!, /special/);
    assert.match(closedReason("2025-01-09", "nyse")!, /special/);
  });

  it("treats weekends by calendar kind", () => {
    assert.equal(closedReason("2024-03-16", "nyse"), "a Saturday");
    assert.equal(closedReason("2024-03-16", "weekdays"), "a Saturday");
    assert.equal(closedReason("2024-03-16", "daily"), null);
    assert.equal(closedReason("2024-03-29", "weekdays"), null); // Good Friday: index values still computed
  });

  it("agrees with the published XNYS session list on every weekday from 2003 to 2026", () => {
    // NYSE_CLOSURES is data taken from exchange_calendars, not computed by our rules.
    const weekdays = openDays("2003-01-01", "2026-12-31", "weekdays");
    const nyse = new Set(openDays("2003-01-01", "2026-12-31", "nyse"));
    assert.deepEqual(
      weekdays.filter((d) => !nyse.has(d)),
      [...NYSE_CLOSURES],
    );
  });
});

describe("calendars per asset class (dates seen in the real bucket)", () => {
  const open = (d: string, kind: CalendarKind) => closedReason(d, kind) === null;

  it("forex: Sundays and US holidays have files, Saturdays do not", () => {
    for (const d of ["2024-10-27", "2025-08-31", "2024-07-04"]) assert.ok(open(d, "sunday-friday"), d);
    assert.equal(closedReason("2024-10-26", "sunday-friday"), "a Saturday");
    assert.equal(openDays("2024-10-20", "2024-10-26", "sunday-friday").length, 6);
  });

  it("indices: NYSE holidays on weekdays have files", () => {
    for (const d of ["2023-07-04", "2024-02-19", "2024-09-02", "2026-02-16", "2026-04-03"]) {
      assert.ok(open(d, "weekdays"), d);
      assert.ok(!open(d, "nyse"), `${d} is an NYSE holiday`);
    }
    assert.equal(closedReason("2024-09-07", "weekdays"), "a Saturday");
  });

  it("crypto: every day", () => {
    assert.equal(openDays("2024-01-01", "2024-12-31", "daily").length, 366);
  });

  it("futures: weekdays by trade date, closed on Christmas and New Year's Day", () => {
    assert.match(closedReason("2025-12-25", "cme")!, /Christmas/);
    assert.match(closedReason("2026-01-01", "cme")!, /New Year/);
    assert.equal(closedReason("2025-11-27", "cme"), null); // Thanksgiving: a shortened session
    assert.match(closedReason("2025-04-18", "cme")!, /Good Friday/);
    assert.equal(closedReason("2026-04-03", "cme"), null, "a jobs-report Good Friday: a short session");
    assert.equal(closedReason("2025-01-09", "cme"), null, "a day of mourning closed NYSE, not Globex");
    assert.equal(closedReason("2025-11-23", "cme"), "a Sunday"); // Sunday evening belongs to Monday
  });

  it("finds the neighbouring open days", () => {
    assert.equal(nextOpenDay("2024-03-29", "nyse", -1), "2024-03-28");
    assert.equal(nextOpenDay("2024-03-29", "nyse", 1), "2024-04-01");
  });

  it("rejects malformed and impossible dates with a message that says how to write one", () => {
    assert.throws(() => parseDate("2024/03/15"), /YYYY-MM-DD/);
    assert.throws(() => parseDate("2024-02-30"), /not a real calendar date/);
  });
});

describe("the one rule for the days suggested around a closed day", () => {
  it("takes the calendar's nearest open days whose files are out by then, across a month's edge", async () => {
    const { nearestDaysWithFiles, nearestDaysNote } = await import("../../src/flatfiles/calendar");
    assert.deepEqual(nearestDaysWithFiles("2026-01-01", "nyse", "2026-02-01"), {
      before: "2025-12-31",
      after: "2026-01-02",
    });
    // Thanksgiving 2026, judged the next morning: Wednesday's file is out at about 11:00 on Friday.
    assert.deepEqual(nearestDaysWithFiles("2026-11-26", "nyse", "2026-11-27 10:00"), {
      before: "2026-11-24",
      after: null,
    });
    assert.deepEqual(nearestDaysWithFiles("2026-11-26", "nyse", "2026-11-27 12:00"), {
      before: "2026-11-25",
      after: null,
    });
    // After a listing, only the days it has: a bucket (or sandbox) that lacks a day is not sent to.
    assert.deepEqual(nearestDaysWithFiles("2026-11-26", "nyse", "2026-12-07", new Set(["2026-11-20"])), {
      before: "2026-11-20",
      after: null,
    });
    assert.equal(
      nearestDaysNote({ before: "2026-11-20", after: null }),
      " The nearest day with a file is 2026-11-20 (none after it yet).",
    );
  });

  it("says of a future day when its file is due, or that none will be published", async () => {
    const { futureDayNote, isPublishedBy } = await import("../../src/flatfiles/calendar");
    assert.match(
      futureDayNote("2026-12-25", "nyse", "2026-12-07"),
      /^2026-12-25 is an NYSE holiday \(Christmas Day\): no file will be published for it/,
    );
    assert.match(futureDayNote("2026-12-24", "nyse", "2026-12-07"), /expect it around 2026-12-28 11:00 ET/);
    assert.match(futureDayNote("2026-12-07", "nyse", "2026-12-07"), /today's file .* 2026-12-08 11:00 ET/);
    assert.equal(isPublishedBy("2026-12-04", "nyse", "2026-12-07 11:59"), false);
    assert.equal(isPublishedBy("2026-12-04", "nyse", "2026-12-07 12:00"), true);
  });
});
