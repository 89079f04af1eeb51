import * as fs from "node:fs";
import { writeFailure } from "./failures";
import { writeJsonAtomic } from "./state-files";
import type { Downloaded, Job } from "./types";

/**
 * Move the checked file to its final path, then describe it (`.meta.json`: the ETag that makes
 * the next call a cache hit) and drop the resume record. Rename first: a crash between the two
 * leaves a file that is downloaded again, never a record vouching for a missing or partial file.
 */
export function publish(
  job: Job,
  verified: NonNullable<Downloaded["verified"]>,
  fetched: number,
  stateFile: string,
): Downloaded {
  const { key, bucket, target, size, etag } = job;
  fs.renameSync(`${target}.part`, target);
  writeJsonAtomic(
    `${target}.meta.json`,
    { etag, size, key, bucket, verified, downloadedAt: new Date().toISOString() },
    "the description of a finished download",
    (e) => writeFailure(job, e),
  );
  fs.rmSync(stateFile, { force: true });
  return { key, path: target, size, etag, cached: false, fetched, verified };
}
