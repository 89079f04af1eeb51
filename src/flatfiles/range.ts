/**
 * A dataset's days between two dates, into the cache (and optionally the Parquet lake): the
 * first job of most research. The bucket decides which days there are (its listing, not the
 * calendar); the calendar only explains the gaps. Each file goes through `downloadFile`
 * (verified, resumable, reused when current), several files at once; a day that fails is
 * recorded with its reason and the others go on; an abort stops everything resumable.
 */
import { closedReason, openDays } from "./calendar";
import { type BucketRef, type DayFile, listDays } from "./catalog";
import { type Dataset, findDataset } from "./datasets";
import {
  DOWNLOAD_DEFAULTS,
  type DownloadOptions,
  type Downloaded,
  cachePath,
  cacheRootReady,
  downloadWith,
  resolveDownloadOptions,
} from "./download";
import { holdsCopy } from "./download/look-up";
import { runAll } from "../util/concurrency";
import { KitError } from "../util/errors";
import { wholeNumber } from "../util/validate";
import type { LakeOption } from "./load/s3/target";
import { conversionSlots, convertDays } from "./range-convert";

export interface RangePlan {
  dataset: string;
  /**
   * The range's first day: the date asked for, or the dataset's first day when the range asked
   * for earlier (its believed first date, or an earlier file the bucket lists).
   */
  from: string;
  to: string;
  /** The files the bucket lists in the range, oldest first. */
  days: DayFile[];
  totalBytes: number;
  /**
   * Days the dataset's calendar calls open that the bucket lists no file for (not yet
   * published, missing, or a calendar the kit is unsure of). Closed days are not gaps, and
   * neither are days before the dataset's first day.
   */
  gaps: string[];
}

/**
 * The dataset's first day as far as a plan is concerned: its believed first date, or its first
 * listed file when the bucket has an earlier one (the bucket has the last word). Nothing before
 * it is a gap: planning from 1924 is not 25,000 missing days.
 */
function firstDayOf(d: Dataset, days: DayFile[]): string {
  const listed = days[0]?.date;
  return listed && listed < d.since.value ? listed : d.since.value;
}

/** The files a range holds, as the bucket lists them, with the open days it has no file for. */
export async function planRange(
  ref: BucketRef,
  dataset: string | Dataset,
  from: string,
  to: string = from,
): Promise<RangePlan> {
  checkRef(ref, "planRange");
  const d = findDataset(dataset);
  const days = await listDays(ref, d, from, to);
  const first = firstDayOf(d, days);
  // listDays checked both dates: from here on they compare as text.
  const start = first > from ? (first > to ? to : first) : from;
  const listed = new Set(days.map((f) => f.date));
  const last = days.at(-1)?.date ?? start;
  // Gaps only up to the last listed day: later days may simply not be published yet.
  const gaps =
    days.length && start <= last
      ? openDays(start, last, d.calendar).filter((day) => !listed.has(day) && !closedReason(day, d.calendar))
      : [];
  return {
    dataset: d.id,
    from: start,
    to,
    days,
    totalBytes: days.reduce((n, f) => n + f.size, 0),
    gaps,
  };
}

export interface RangeProgress {
  filesDone: number;
  filesFailed: number;
  filesTotal: number;
  /** Bytes of the range that are in the cache now (cached days count whole). */
  bytes: number;
  totalBytes: number;
  /** Bytes per second arriving in this call (days found in the cache excluded), 0 before any arrived. */
  rate: number;
  /** Seconds until the rest is fetched at that rate, or null while unknown. */
  secondsLeft: number | null;
}

export interface RangeDay extends Downloaded {
  dataset: string;
  date: string;
  /** The day's Parquet copy (with `parquet: true`). */
  parquet?: string;
}

export interface RangeFailure {
  date: string;
  key: string;
  /** The one-line reason (a KitError's message). */
  reason: string;
  code: string;
}

export interface RangeResult {
  plan: RangePlan;
  done: RangeDay[];
  failed: RangeFailure[];
  /** True when the signal stopped it: the days not done resume on the next call. */
  aborted: boolean;
  /** Bytes fetched by this call. */
  fetched: number;
  seconds: number;
}

/** Options downloadRange takes besides a download's. */
const RANGE_ONLY = ["parquet", "lake", "conversions", "onDay", "onWarning"];

export interface RangeOptions extends Omit<DownloadOptions, "onProgress"> {
  /** Files downloaded at once (default 4). Connections per file are downloadFile's business. */
  files?: number;
  /** Also build each day's Parquet copy (the lake), after the downloads. */
  parquet?: boolean;
  /** Where the copies go: a folder or `s3://bucket/prefix` (see `ensureParquet`); default `<cache>/parquet`. */
  lake?: LakeOption;
  /**
   * Conversions at once (default: one per core, as many as memory allows at ~600 MB each).
   * Each runs on a worker thread of its own, so the days are converted on every core.
   */
  conversions?: number;
  onProgress?: (p: RangeProgress) => void;
  /** Called once per day as it finishes or fails. */
  onDay?: (day: RangeDay | RangeFailure) => void;
  /** Where conversion warnings go (default console.warn). */
  onWarning?: (message: string) => void;
}

/** What a wrong argument was, for a message: its type, never its content. */
function kindOf(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "an array" : typeof value;
}

/** `{ client, bucket }`, checked before a listing turns a mistake into a TypeError. */
function checkRef(ref: unknown, fn: string): asserts ref is BucketRef {
  const r = ref as Partial<BucketRef> | null;
  if (typeof r !== "object" || r === null || typeof r.client !== "object" || typeof r.bucket !== "string")
    throw new KitError(
      "range.ref",
      `${fn} needs the bucket as { client, bucket } (for example { client: flatFilesClient(config), bucket: config.bucket }), not ${kindOf(ref)}.`,
    );
}

/** A day of a plan as planRange makes it: a key, a date and a size at least. */
function isDay(d: unknown): d is DayFile {
  const x = d as Partial<DayFile> | null;
  return (
    typeof x === "object" &&
    x !== null &&
    typeof x.key === "string" &&
    x.key !== "" &&
    typeof x.date === "string" &&
    Number.isSafeInteger(x.size)
  );
}

/** A plan from planRange, or { dataset, from, to }: anything else is the caller's mistake, said so. */
function checkRange(range: unknown): void {
  const r = range as Partial<RangePlan> | null;
  const plan = typeof r === "object" && r !== null && "days" in r;
  if (plan && Array.isArray(r.days)) {
    // A plan's dataset is checked now, not at its first conversion (a typo edited into a plan).
    findDataset(r.dataset as string);
    const bad = r.days.findIndex((d) => !isDay(d));
    if (bad < 0) return;
    throw new KitError(
      "range.input",
      `downloadRange's plan has a day ${bad + 1} that is ${kindOf(r.days[bad])}, not a file of the bucket ({ key, date, size }): pass the plan planRange returned, unchanged (filter its days, do not rebuild them).`,
    );
  }
  if (!plan && typeof r === "object" && r !== null && "dataset" in r) return;
  throw new KitError(
    "range.input",
    plan
      ? `downloadRange's plan has days that are ${kindOf(r.days)}, not a list: pass the plan planRange returned, unchanged.`
      : `downloadRange needs a plan from planRange, or { dataset, from, to }, for example { dataset: "us_stocks_sip/day_aggs_v1", from: "2024-03-01", to: "2024-03-29" }, not ${kindOf(range)}.`,
  );
}

/** A callback option is a function or absent: a wrong one would fail mid-download as a TypeError. */
function callback(name: string, value: unknown): void {
  if (value !== undefined && typeof value !== "function")
    throw new KitError(
      "options.callback",
      `${name} is ${kindOf(value)}: pass a function, or leave ${name} out.`,
    );
}

function failureOf(day: { date: string; key: string }, e: unknown, context = ""): RangeFailure {
  const code = e instanceof KitError ? e.code : "unexpected";
  const reason = e instanceof Error ? e.message : String(e);
  return { date: day.date, key: day.key, reason: context + reason.split("\n")[0], code };
}

/**
 * Download every file of a range (a plan from `planRange`, or the dataset and dates) into the
 * cache, `files` at a time. Resolves with what was done and what failed; it rejects only when
 * the range itself cannot be listed, an argument is wrong, or the cache folder cannot be used.
 */
export async function downloadRange(
  ref: BucketRef,
  range: RangePlan | { dataset: string | Dataset; from: string; to?: string },
  options: RangeOptions = {},
): Promise<RangeResult> {
  checkRef(ref, "downloadRange");
  checkRange(range);
  if (typeof options !== "object" || options === null || Array.isArray(options))
    throw new KitError(
      "options.type",
      `downloadRange's options are ${kindOf(options)}: pass an object, or leave them out.`,
    );
  for (const name of ["onProgress", "onDay", "onWarning"] as const) callback(name, options[name]);
  // The download options once, here, into the settings every file gets whole: wrong, they
  // would fail every day of the range the same way.
  const { onProgress, onDay, onWarning, parquet, lake, conversions, ...downloadOptions } = options;
  const settings = resolveDownloadOptions(
    downloadOptions,
    { files: DOWNLOAD_DEFAULTS.rangeFiles },
    RANGE_ONLY,
    "downloadRange",
  );
  const asked = "days" in range ? range : await planRange(ref, range.dataset, range.from, range.to);
  // A key listed twice is one file: downloaded once, reported once.
  const days = [...new Map(asked.days.map((d) => [d.key, d])).values()];
  const plan =
    days.length === asked.days.length
      ? asked
      : { ...asked, days, totalBytes: days.reduce((n, f) => n + f.size, 0) };
  const { cacheDir, signal } = settings;
  // A cache folder that is a file or read-only: one error, not one per day; but only when a
  // day must be fetched (a read-only cache still serves the days it holds).
  if (days.some((d) => !holdsCopy(cachePath(cacheDir, ref.bucket, d.key), d.etag ?? "", d.size)))
    cacheRootReady(cacheDir);
  const started = performance.now();
  const onDisk = new Map<string, number>();
  let fetched = 0;
  // Bytes of days found complete in the cache: on disk, but not speed.
  let cachedBytes = 0;
  const done: RangeDay[] = [];
  const failed: RangeFailure[] = [];
  const report = () => {
    if (!onProgress) return;
    const bytes = [...onDisk.values()].reduce((a, b) => a + b, 0);
    const seconds = (performance.now() - started) / 1000;
    const rate = seconds > 0 ? Math.max(0, bytes - cachedBytes) / seconds : 0;
    const rest = plan.totalBytes - bytes;
    onProgress({
      filesDone: done.length,
      filesFailed: failed.length,
      filesTotal: days.length,
      bytes,
      totalBytes: plan.totalBytes,
      rate,
      secondsLeft: rest <= 0 ? 0 : rate > 0 ? rest / rate : null,
    });
  };

  const one = async (day: DayFile, batch: AbortSignal) => {
    try {
      const file = await downloadWith(ref.client, ref.bucket, day.key, {
        ...settings,
        signal: batch,
        onProgress: (p) => {
          onDisk.set(day.key, p.bytes);
          report();
        },
      });
      onDisk.set(day.key, file.size);
      fetched += file.fetched;
      if (file.cached) cachedBytes += file.size;
      const r: RangeDay = { ...file, dataset: plan.dataset, date: day.date };
      done.push(r);
      onDay?.(r);
    } catch (e) {
      if (batch.aborted) throw e;
      onDisk.delete(day.key);
      const f = failureOf(day, e);
      failed.push(f);
      onDay?.(f);
    }
    report();
  };

  let aborted = false;
  // A day's failure is recorded and the others go on; an abort (or a bug) stops the batch,
  // and every file's requests have ended before the result is given.
  try {
    await runAll(days, settings.files, one, { signal });
  } catch (e) {
    if (!signal?.aborted) throw e;
  }
  if (signal?.aborted) aborted = true;

  if (parquet && !aborted && done.length) {
    // After the downloads, not between them: conversions want every core.
    const slots = conversions ?? conversionSlots();
    wholeNumber("conversions", slots, 1, 64);
    const r = await convertDays(done, plan.dataset, {
      lake: lake,
      conversions: slots,
      signal,
      onWarning: onWarning ?? console.warn,
    });
    for (const f of r.failed) {
      done.splice(done.indexOf(f.day), 1);
      failed.push(failureOf(f.day, f.error, "downloaded, but its Parquet copy failed: "));
    }
    if (r.aborted) aborted = true;
  }
  done.sort((a, b) => (a.date < b.date ? -1 : 1));
  failed.sort((a, b) => (a.date < b.date ? -1 : 1));
  return { plan, done, failed, aborted, fetched, seconds: (performance.now() - started) / 1000 };
}
