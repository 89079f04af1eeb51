/**
 * How long each unit test file took in the last `npm run check`, so the next run starts the
 * slowest first: with a few files at once, a slow file started last is the whole run's tail.
 * test-times-reporter.mjs, a node:test reporter, writes the seconds of each file's top-level tests
 * to the cache (plain JavaScript: Node loads reporters itself).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { PACKAGE_ROOT } from "../../src/util/paths";

export const TIMES_FILE = path.join(
  PACKAGE_ROOT,
  "node_modules",
  ".cache",
  "flatfiles-kit",
  "unit-test-seconds.json",
);

/** Seconds per test file (absolute path) from the last run; empty when there was none. */
export function lastTimes(): Record<string, number> {
  try {
    return JSON.parse(fs.readFileSync(TIMES_FILE, "utf8")) as Record<string, number>;
  } catch {
    return {};
  }
}

/** The files, slowest in the last run first; files it did not see (new ones) first of all. */
export function slowestFirst(files: string[]): string[] {
  const last = lastTimes();
  return [...files].sort(
    (a, b) => (last[b] ?? Number.POSITIVE_INFINITY) - (last[a] ?? Number.POSITIVE_INFINITY),
  );
}

/** A unit test file slower than this is named after the check: the loop's budget is 30 s in all. */
export const SLOW_UNIT_SECONDS = 8;

/** The files of this run slower than SLOW_UNIT_SECONDS, slowest first, with their seconds. */
export function slowUnitFiles(files: string[]): { file: string; seconds: number }[] {
  const last = lastTimes();
  return files
    .map((file) => ({ file, seconds: last[file] ?? 0 }))
    .filter((f) => f.seconds > SLOW_UNIT_SECONDS)
    .sort((a, b) => b.seconds - a.seconds);
}
