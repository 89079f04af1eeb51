/**
 * `flatfiles get <dataset> <date> [<to>]`: one day, or every day the bucket lists in a range,
 * into the cache (verified, resumable; `--parquet` also into the lake). A range prints one
 * progress line, then the days; the days that failed are listed last with their reasons, and
 * the exit code is 1. Ctrl-C stops it resumable: the same command continues.
 */
import { downloadDay } from "../../flatfiles/catalog";
import { findDataset } from "../../flatfiles/datasets";
import { type RangeResult, downloadRange, planRange } from "../../flatfiles/range";
import { KitError } from "../../util/errors";
import { durationText, rangeCost } from "../../flatfiles/lake-plan";
import { resolveS3Lake } from "../../flatfiles/load/s3/target";
import { type Values, formatOf, usage, wholeOption } from "../args";
import { sizeText, render, safe } from "../output";
import { fileProgress, rangeProgress } from "../progress";
import { inCache, unlistedDays, unlistedNote } from "../range-notes";
import { type Io, withSession } from "../session";

const DAY_COLUMNS = ["date", "status", "bytes", "path"];
const PLAN_COLUMNS = ["date", "bytes", "cached", "key"];
/** Failed days named in the closing message; the output's rows list them all. */
export const LISTED_FAILURES = 10;

export async function get(args: string[], values: Values, io: Io): Promise<void> {
  const format = formatOf(values);
  const files = wholeOption("jobs", values.jobs, 4, 64);
  const lake = lakeOf(values);
  const dataset = findDataset(args[0]);
  const [from, to] = [args[1], args[2]];
  await withSession(async (s) => {
    // One day: the catalog explains a missing day (closed, not yet published, before the data).
    if (to === undefined && !values["dry-run"]) {
      const progress = fileProgress(io);
      const file = await downloadDay(s.ref, dataset, from, {
        onProgress: progress.onProgress,
        signal: io.signal,
      }).finally(progress.stop);
      progress.finish(file);
      let parquet: string | undefined;
      if (values.parquet) {
        const { ensureParquetAsync } = await import("../../flatfiles/load");
        try {
          parquet = await ensureParquetAsync(file.path, dataset, (m) => io.err(`${safe(m)}\n`), {
            lake,
            signal: io.signal,
          });
        } catch (e) {
          if (io.signal?.aborted)
            throw new KitError(
              "cli.interrupted",
              "Stopped during the Parquet conversion: the download is in the cache; run the same command again to convert it.",
            );
          throw e;
        }
      }
      const row = {
        date: file.date,
        status: file.cached ? "cached" : "downloaded",
        bytes: file.size,
        path: file.path,
      };
      io.out(render([parquet ? { ...row, parquet } : row], format));
      return;
    }
    const plan = await planRange(s.ref, dataset, from, to ?? from);
    const unlisted = unlistedNote(unlistedDays(plan));
    if (values["dry-run"]) {
      // A day the cache holds costs nothing: counted apart, so the size is what would be fetched.
      const cached = inCache(plan.days, s.ref.bucket);
      const toGet = plan.days.filter((_, i) => !cached[i]);
      io.out(
        render(
          plan.days.map((d, i) => ({ date: d.date, bytes: d.size, cached: cached[i], key: d.key })),
          format,
          PLAN_COLUMNS,
        ),
      );
      io.err(
        `${plan.days.length} files for ${dataset.id} ${from} → ${to ?? from}: ${plan.days.length - toGet.length} cached, ` +
          `${toGet.length} to get, ${sizeText(toGet.reduce((n, d) => n + d.size, 0))}${unlisted}\n`,
      );
      // The second line: what the files still to get need, in disk and time.
      io.err(
        costNote(
          toGet.map((d) => d.size),
          values,
          lake,
        ),
      );
      return;
    }
    if (!plan.days.length)
      throw new KitError(
        "cli.empty",
        `The bucket lists no files for ${dataset.id} between ${from} and ${to ?? from}${unlisted}.`,
      );
    const progress = rangeProgress(io);
    let result: RangeResult;
    try {
      result = await downloadRange(s.ref, plan, {
        files,
        parquet: values.parquet === true,
        lake,
        // -j sets the conversions at once too; without it, one per core as memory allows.
        conversions: values.jobs === undefined ? undefined : files,
        signal: io.signal,
        onProgress: progress.onProgress,
        onWarning: (m) => io.err(`${safe(m)}\n`),
      });
    } finally {
      progress.stop();
    }
    const rows = [
      ...result.done.map((d) => ({
        date: d.date,
        status: d.cached ? "cached" : "downloaded",
        bytes: d.size,
        path: d.path,
        ...(d.parquet ? { parquet: d.parquet } : {}),
      })),
      ...result.failed.map((f) => ({
        date: f.date,
        status: "failed",
        bytes: null,
        path: null,
        reason: f.reason,
      })),
    ].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
    const columns = [
      ...DAY_COLUMNS,
      ...(values.parquet ? ["parquet"] : []),
      ...(result.failed.length ? ["reason"] : []),
    ];
    io.out(render(rows, format, columns));
    const cached = result.done.filter((d) => d.cached).length;
    io.err(
      `${result.done.length} of ${plan.days.length} files in the cache (${cached} already there), ` +
        `${sizeText(result.fetched)} fetched in ${result.seconds.toFixed(1)} s${unlisted}\n`,
    );
    if (result.aborted)
      throw new KitError(
        "cli.interrupted",
        `Stopped: ${result.done.length} of ${plan.days.length} files are done; the rest resume where they stopped when you run the same command again.`,
      );
    if (result.failed.length) {
      // Every failed day is a row of the output above, with its reason; the summary shows the
      // first few (ten years of a dataset outside the plan is 2,700 identical reasons).
      const lines = result.failed.slice(0, LISTED_FAILURES).map((f) => `  ${f.date}: ${safe(f.reason)}`);
      const more = result.failed.length - lines.length;
      if (more > 0) lines.push(`  … and ${more} more (each is a row of the output above, with its reason)`);
      throw new KitError(
        "cli.failed-days",
        `${result.failed.length} of ${plan.days.length} days failed (${result.done.length ? "the others are in the cache; " : ""}run the same command again to retry them):\n${lines.join("\n")}`,
      );
    }
  });
}

/** The dry run's second line: disk needed and time, at the measured rates (lake-plan.ts). */
function costNote(sizes: number[], values: Values, lake: string | undefined): string {
  const objectStorage = lake !== undefined && /^s3:\/\//i.test(lake);
  const conversions = values.jobs === undefined ? undefined : Number(values.jobs);
  const c = rangeCost(sizes, { parquet: values.parquet === true, objectStorage, conversions });
  const convert = values.parquet
    ? `, about ${durationText(c.convertSeconds)} to convert (${conversions ?? 2} at once)`
    : " (add --parquet for the lake's share)";
  return `needs about ${sizeText(c.diskBytes)} of disk; about ${durationText(c.downloadSeconds)} to download at 110 MB/s (a 1 Gbit/s line)${convert}\n`;
}

/** `--lake`: a folder or an s3:// address, only with --parquet (checked before anything is fetched). */
function lakeOf(values: Values): string | undefined {
  const lake = values.lake;
  if (lake === undefined) return undefined;
  if (!values.parquet)
    usage("--lake says where --parquet puts the Parquet copies: add --parquet, or leave --lake out.");
  if (!lake.trim()) usage("--lake needs a folder or an s3://bucket/prefix address.");
  if (/^s3:\/\//i.test(lake)) {
    // The address and the lake's settings (FLATFILES_LAKE_*) are checked now, not after the downloads.
    resolveS3Lake(lake);
  }
  return lake;
}
