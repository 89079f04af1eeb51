/**
 * What `get <dataset> <from> <to>` says about a range besides its files: which listed days the
 * cache already holds (so a dry run counts only what it would fetch), and which open days have
 * no file, up to today, split into the ones that are missing and the ones not published yet.
 */
import {
  formatDate,
  isPublishedBy,
  newYorkClock,
  openDays,
  parseDate,
  publicationOf,
} from "../flatfiles/calendar";
import type { DayFile } from "../flatfiles/catalog";
import { findDataset } from "../flatfiles/datasets";
import { cachePath, settingsOf } from "../flatfiles/download";
import { cachedCopy } from "../flatfiles/download/look-up";
import type { Job } from "../flatfiles/download/types";
import type { RangePlan } from "../flatfiles/range";

/**
 * Whether the cache holds each listed day's current copy (its record names the ETag and size the
 * listing gives, the same test `downloadFile` makes after its HEAD), without a request.
 */
export function inCache(days: readonly DayFile[], bucket: string): boolean[] {
  const { cacheDir } = settingsOf({});
  return days.map((f) => {
    try {
      const target = cachePath(cacheDir, bucket, f.key);
      // cachedCopy reads only these fields of a download's job.
      return cachedCopy({ key: f.key, target, size: f.size, etag: f.etag } as Job) !== null;
    } catch {
      return false; // a key the cache cannot hold is not in it; the download says why
    }
  });
}

export interface UnlistedDays {
  /** Open days whose file should be out by now and is not listed. */
  missing: string[];
  /** Open days whose file is not due yet, with when it is expected (New York time). */
  pending: { date: string; expected: string }[];
  /** The last day asked for when the range runs past today, else null. */
  cutAt: string | null;
}

/**
 * Every open day of the range the bucket lists no file for, up to today: the plan's gaps (before
 * its last listed day) and the days after it, which the plan leaves out.
 */
export function unlistedDays(plan: RangePlan, now: Date = new Date()): UnlistedDays {
  const kind = findDataset(plan.dataset).calendar;
  const clock = newYorkClock(now);
  const today = clock.slice(0, 10);
  const end = plan.to < today ? plan.to : today;
  const last = plan.days.at(-1)?.date;
  const start = last ? formatDate(parseDate(last) + 1) : plan.from;
  const listed = new Set(plan.days.map((d) => d.date));
  const tail = start <= end ? openDays(start, end, kind).filter((d) => !listed.has(d)) : [];
  const out: UnlistedDays = { missing: [], pending: [], cutAt: plan.to > today ? today : null };
  for (const day of [...plan.gaps, ...tail]) {
    if (isPublishedBy(day, kind, clock)) out.missing.push(day);
    else {
      const p = publicationOf(day, kind);
      out.pending.push({ date: day, expected: `${p.date} ${p.time}` });
    }
  }
  return out;
}

function list(days: string[], n = 10): string {
  return days.slice(0, n).join(", ") + (days.length > n ? `, … (${days.length} in all)` : "");
}

/** The unlisted days as the end of a summary line ("" when every open day has its file). */
export function unlistedNote(u: UnlistedDays): string {
  const parts: string[] = [];
  if (u.missing.length) parts.push(`no file for these open days: ${list(u.missing)}`);
  if (u.pending.length)
    parts.push(
      `not published yet: ${list(
        u.pending.map((p) => `${p.date} (expected ${p.expected} ET)`),
        5,
      )}`,
    );
  if (u.cutAt) parts.push(`days after today (${u.cutAt} in New York) have no file yet`);
  return parts.map((p) => `; ${p}`).join("");
}
