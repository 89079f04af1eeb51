/**
 * The flat-files catalog against a live bucket: what it holds, which dates a dataset has between
 * two dates (listing only the months in range, not the whole dataset), and which key a
 * (dataset, date) pair means, with a clear message for dates that can have no file.
 */
import type { S3Client, _Object } from "@aws-sdk/client-s3";
import { KitError, echo } from "../util/errors";
import { getPaginator } from "../paginator/engine";
import { mapOrdered } from "../util/concurrency";
import {
  CALENDARS,
  PUBLISHED_BY,
  SUGGESTION_REACH,
  closedReason,
  formatDate,
  futureDayNote,
  nearestDaysNote,
  nearestDaysWithFiles,
  newYorkClock,
  parseDate,
  publicationOf,
  todayInNewYork,
} from "./calendar";
import { type Dataset, findDataset, keyFor, parseKey } from "./datasets";
import { type DownloadOptions, type Downloaded, downloadFile } from "./download";

export interface BucketRef {
  client: S3Client;
  bucket: string;
}

/** Asset classes and their datasets as the bucket actually lists them (two Delimiter levels). */
export async function discoverDatasets({
  client,
  bucket,
}: BucketRef): Promise<{ asset: string; datasets: string[] }[]> {
  const paginator = getPaginator(client, "list_objects_v2");
  // A bucket holds a dozen asset classes of a few datasets each, one page; pages are bounded as
  // listDays bounds them, so a server handing out fresh tokens forever is stopped.
  const folders = async (prefix: string) => {
    const out: string[] = [];
    let pages = 0;
    for await (const page of paginator.paginate({ Bucket: bucket, Prefix: prefix, Delimiter: "/" })) {
      if (++pages > MAX_PAGES_PER_PREFIX)
        throw tooMany(
          prefix || "the bucket's top level",
          `${MAX_PAGES_PER_PREFIX} pages of folders`,
          "a flat-files bucket has a dozen asset classes of a few datasets each",
        );
      for (const p of page.CommonPrefixes ?? []) if (typeof p.Prefix === "string") out.push(p.Prefix);
    }
    return out;
  };
  const assets = await folders("");
  const out: { asset: string; datasets: string[] }[] = [];
  for await (const datasets of mapOrdered(assets, 8, folders)) {
    const asset = assets[out.length];
    out.push({
      asset: asset.replace(/\/$/, ""),
      datasets: datasets.map((d) => d.slice(asset.length).replace(/\/$/, "")),
    });
  }
  return out;
}

/** The months (`YYYY/MM`) that a date range touches, or null when there are `limit` or more. */
function monthsBetween(from: string, to: string, limit: number): string[] | null {
  const out: string[] = [];
  let [y, m] = [Number(from.slice(0, 4)), Number(from.slice(5, 7))];
  const [ey, em] = [Number(to.slice(0, 4)), Number(to.slice(5, 7))];
  while (y < ey || (y === ey && m <= em)) {
    if (out.length >= limit - 1) return null;
    out.push(`${String(y).padStart(4, "0")}/${String(m).padStart(2, "0")}`);
    if (++m > 12) [y, m] = [y + 1, 1];
  }
  return out;
}

export interface DayFile {
  dataset: string;
  date: string;
  key: string;
  size: number;
  etag: string;
}

/** Ranges up to this many months are listed month by month; longer ones year by year. */
const MONTHS_LISTED_ONE_BY_ONE = 3;

/**
 * The files a dataset has between two dates (both included), found by listing only the
 * prefixes in range, side by side: the months of a short range, or, for a long one, the
 * dataset's year folders that exist (asked of the bucket first), so `1000-01-01 → 9999-12-31`
 * costs a request per real year, not one per month of nine thousand years. A range reaching
 * past today stops at today.
 */
export async function listDays(
  { client, bucket }: BucketRef,
  dataset: string | Dataset,
  from: string,
  to: string,
): Promise<DayFile[]> {
  const d = findDataset(dataset);
  const [a, asked] = [validDay(from), validDay(to)];
  if (a > asked)
    throw new KitError(
      "catalog.range",
      `The range ${a} → ${asked} is backwards: the first date must not be after the second.`,
    );
  const today = todayInNewYork();
  const b = asked > today ? today : asked;
  if (a > b) return [];
  const paginator = getPaginator(client, "list_objects_v2");
  const out: DayFile[] = [];
  const months = monthsBetween(a, b, MONTHS_LISTED_ONE_BY_ONE + 1);
  let prefixes: string[];
  if (months) {
    prefixes = months.map((m) => `${d.id}/${m}/`);
  } else {
    // The dataset's year folders: a few dozen, so a server listing pages of them without end is stopped too.
    const folders: string[] = [];
    let pages = 0;
    for await (const page of paginator.paginate({ Bucket: bucket, Prefix: `${d.id}/`, Delimiter: "/" })) {
      if (++pages > MAX_PAGES_PER_PREFIX)
        throw tooMany(`${d.id}/`, `${MAX_PAGES_PER_PREFIX} pages of year folders`);
      for (const p of page.CommonPrefixes ?? []) if (typeof p.Prefix === "string") folders.push(p.Prefix);
    }
    const years = folders.map((p) => p.slice(d.id.length + 1, -1));
    prefixes = years
      .filter((y) => /^\d{4}$/.test(y) && y >= a.slice(0, 4) && y <= b.slice(0, 4))
      .map((y) => `${d.id}/${y}/`);
  }
  const listPrefix = async (prefix: string) => {
    const objects: _Object[] = [];
    let pages = 0;
    for await (const page of paginator.paginate({ Bucket: bucket, Prefix: prefix })) {
      // Pages are bounded too: a server can hand out fresh tokens for empty pages forever.
      if (++pages > MAX_PAGES_PER_PREFIX) throw tooMany(prefix, `${MAX_PAGES_PER_PREFIX} pages`);
      for (const o of page.Contents ?? []) {
        if (objects.length >= MAX_LISTED_PER_PREFIX)
          throw tooMany(prefix, `${MAX_LISTED_PER_PREFIX.toLocaleString("en-US")} keys`);
        objects.push(o);
      }
    }
    return objects;
  };
  const dates = new Set<string>();
  for await (const objects of mapOrdered(prefixes, 8, listPrefix)) {
    for (const o of objects) {
      const day = dayOf(o, d, a, b);
      // One file per date: a key listed twice (a server repeating itself) is one day, once.
      if (day && !dates.has(day.date)) {
        dates.add(day.date);
        out.push(day);
      }
    }
  }
  return out.sort((x, y) => (x.date < y.date ? -1 : x.date > y.date ? 1 : 0));
}

/**
 * A listing holds at most this many keys under one month or year of a dataset (a year has at
 * most 366 days): a server listing more is not describing flat files, and the keys would be held
 * in memory. Stray files under a prefix (a README) are skipped, never this many.
 */
export const MAX_LISTED_PER_PREFIX = 5_000;
/** The largest object S3 stores (5 TiB): a listed size beyond it, negative or fractional is not one. */
export const MAX_OBJECT_SIZE = 5 * 1024 ** 4;
/** An ETag is an MD5 in hex, with `-<parts>` for a multipart upload; a longer one is not S3's. */
const ETAG = /^[0-9A-Za-z+/=_-]{1,64}$/;

/** A month or year of a dataset fits in one page of 1,000 keys; a few more pages for stray files. */
export const MAX_PAGES_PER_PREFIX = 20;

function tooMany(
  prefix: string,
  what: string,
  usual = "a dataset's month or year holds at most 366 files",
): KitError {
  return new KitError(
    "catalog.listing",
    `The bucket listed more than ${what} under ${prefix}, where ${usual}: the server is not answering as S3 does. Check FLATFILES_ENDPOINT.`,
  );
}

function strange(d: Dataset, what: string): KitError {
  return new KitError(
    "catalog.listing",
    `The bucket's listing of ${d.id} holds ${what}: the server is not answering as S3 does (a proxy or server that ignores Prefix?). Nothing was downloaded; check FLATFILES_ENDPOINT.`,
  );
}

/**
 * One listed object as a day of `d`, checked against what the listing was asked for: its key lies
 * under the dataset's folder, and is exactly the dataset's layout for its date (`<id>/YYYY/MM/
 * <date>.csv.gz`, month folder included); its size and ETag are ones S3 could give. A key
 * outside the dataset's folder means the server ignored Prefix, which is refused; a stray
 * file inside it (a README, a `.csv`) is not a day and is skipped.
 */
function dayOf(o: _Object, d: Dataset, from: string, to: string): DayFile | null {
  const key = o.Key;
  if (typeof key !== "string" || !key.startsWith(`${d.id}/`))
    throw strange(d, `the key ${echo(key, 120)}, outside the ${d.id}/ folder it asked for`);
  const parsed = parseKey(key);
  if (!parsed || keyFor(d, parsed.date) !== key || parsed.date < from || parsed.date > to) return null;
  const size = o.Size ?? 0;
  if (!Number.isSafeInteger(size) || size < 0 || size > MAX_OBJECT_SIZE)
    throw strange(d, `${key} with a size of ${echo(size, 40)} bytes, which no S3 object has (0 to 5 TiB)`);
  const etag = (o.ETag ?? "").replace(/"/g, "");
  if (etag !== "" && !ETAG.test(etag))
    throw strange(d, `${key} with the ETag ${echo(etag, 60)}, which is not S3's`);
  return { dataset: d.id, date: parsed.date, key, size, etag };
}

function validDay(date: string): string {
  try {
    return formatDate(parseDate(date));
  } catch (e) {
    throw new KitError("catalog.date", (e as Error).message);
  }
}

function refuseFuture(d: Dataset, day: string, today: string): void {
  // The calendar says more than "not yet": a closed day never gets a file, an open one has a date.
  if (day >= today) throw new KitError("catalog.future", futureDayNote(day, d.calendar, today));
}

function closedError(d: Dataset, day: string, closed: string, today: string): KitError {
  return new KitError(
    "catalog.closed",
    `${day} is ${closed}: ${d.id} has no file for it (${CALENDARS[d.calendar].rule}).` +
      nearestDaysNote(nearestDaysWithFiles(day, d.calendar, today)),
  );
}

/**
 * The key of one day's file, or a KitError that says why that day can have none: malformed, in
 * the future, or closed under a calendar we are sure enough of (a weekend or an NYSE holiday for
 * stocks, with the nearest open days). A date before a dataset's believed first day is not
 * refused: first dates are beliefs, and `findDay` asks the bucket.
 */
export function dayKey(dataset: string | Dataset, date: string, today: string = todayInNewYork()): string {
  const d = findDataset(dataset);
  const day = validDay(date);
  refuseFuture(d, day, today);
  const closed = closedReason(day, d.calendar);
  if (closed && CALENDARS[d.calendar].certainty !== "uncertain") throw closedError(d, day, closed, today);
  return keyFor(d, day);
}

/** When a day's file is expected: about 11:00 New York time on the next day the dataset trades. */
export function expectedPublication(dataset: string | Dataset, date: string): { date: string; time: string } {
  const d = findDataset(dataset);
  return publicationOf(validDay(date), d.calendar);
}

export interface FindDayOptions {
  /** The moment to judge "not published yet" against (default now). */
  now?: Date;
}

/**
 * One day's file as the bucket lists it. The bucket has the last word over the kit's beliefs
 * (calendars, first dates): the day's month is listed, and a file that is there is returned
 * whatever the calendar says. When it is not there, the error says why as precisely as the kit
 * can: not published yet (with when to expect it), a closed day, before the dataset's believed
 * first date, or simply not listed, with the nearest days that are.
 */
export async function findDay(
  ref: BucketRef,
  dataset: string | Dataset,
  date: string,
  options: FindDayOptions = {},
): Promise<DayFile> {
  const d = findDataset(dataset);
  const now = options.now ?? new Date();
  const today = todayInNewYork(now);
  const day = validDay(date);
  refuseFuture(d, day, today);
  const closed = closedReason(day, d.calendar);
  const [first, last] = [`${day.slice(0, 7)}-01`, monthEnd(day)];
  const month = await listDays(ref, d, first, last);
  const hit = month.find((f) => f.date === day);
  if (hit) return hit;
  // No file: the days the suggestion rule reaches beyond the month are listed too, so a holiday
  // at a month's edge is answered as dayKey answers it (2026-01-01: 2025-12-31 and 2026-01-02).
  const [from, to] = [shiftDay(day, -SUGGESTION_REACH), shiftDay(day, SUGGESTION_REACH)];
  const [before, after] = await Promise.all([
    from < first ? listDays(ref, d, from, shiftDay(first, -1)) : [],
    to > last ? listDays(ref, d, shiftDay(last, 1), to) : [],
  ]);
  const listed = [...before, ...month, ...after];
  const listedDays = new Set(listed.map((f) => f.date));
  const earlier = listed.filter((f) => f.date < day).at(-1)?.date;
  const later = listed.find((f) => f.date > day)?.date;
  const near =
    earlier || later
      ? ` Nearest listed days: ${[earlier, later].filter(Boolean).join(" and ")}.`
      : ` Nothing is listed for ${day.slice(0, 7)} or within ${SUGGESTION_REACH} days of ${day}.`;
  // A certain calendar (NYSE weekends and holidays) explains the gap. The days suggested follow
  // dayKey's rule (the calendar's nearest open days with a file by now), kept to the ones the
  // bucket lists: a sandbox or a plan may lack some, and suggesting those sends one to an error.
  if (closed && CALENDARS[d.calendar].certainty === "certain")
    throw new KitError(
      "catalog.closed",
      `${day} is ${closed}: ${d.id} has no file for it (${CALENDARS[d.calendar].rule}).` +
        nearestDaysNote(nearestDaysWithFiles(day, d.calendar, newYorkClock(now), listedDays)),
    );

  const publication = expectedPublication(d, day);
  const clock = newYorkClock(now);
  // An hour's grace after the usual time before "not published yet" turns into "missing".
  if (clock < `${publication.date} ${PUBLISHED_BY}`) {
    throw new KitError(
      "catalog.unpublished",
      `${d.id} for ${day} is not published yet: files appear at about ${publication.time} New York time on the next ` +
        `trading day, so expect it around ${publication.date} ${publication.time} ET (it is ${clock} in New York now).`,
    );
  }
  if (closed)
    throw new KitError(
      "catalog.closed",
      `${day} is ${closed}, and the bucket lists no file for it in ${d.id}.` +
        nearestDaysNote(nearestDaysWithFiles(day, d.calendar, clock, listedDays)),
    );
  if (day < d.since.value) {
    throw new KitError(
      "catalog.before",
      `Not listed: ${d.id} has no file for ${day}. Its files are believed to start on ${d.since.value} ` +
        `(${d.since.certainty}: the bucket decides).${near}`,
    );
  }
  throw new KitError("catalog.missing", `Not listed: the bucket has no file for ${day} in ${d.id}.${near}`);
}

function monthEnd(day: string): string {
  const [y, m] = [Number(day.slice(0, 4)), Number(day.slice(5, 7))];
  return formatDate(Date.UTC(y, m, 0) / 86_400_000);
}

function shiftDay(day: string, days: number): string {
  return formatDate(Math.max(parseDate("0001-01-01"), parseDate(day) + days));
}

/**
 * One day of a dataset, found in the bucket (`findDay`: a missing day says why) and downloaded
 * into the cache (`downloadFile`, verified, reused when unchanged): the step most cells start with.
 */
export async function downloadDay(
  ref: BucketRef,
  dataset: string | Dataset,
  date: string,
  options: DownloadOptions = {},
): Promise<Downloaded & { dataset: string; date: string }> {
  const day = await findDay(ref, dataset, date);
  const file = await downloadFile(ref.client, ref.bucket, day.key, options);
  return { ...file, dataset: day.dataset, date: day.date };
}
