/**
 * Downloads into a local cache that never holds a half-written file at its final path.
 *
 * A file is fetched in ranged pieces (several at once) into `<file>.part`, with the finished
 * pieces recorded in `<file>.part.json`, so an interrupted download resumes where it stopped.
 * Every byte is checked against the object's ETag while it arrives (etag.ts): the MD5 of a
 * single upload, or the MD5s of the upload parts of a multipart one. Reused bytes of a resumed
 * download are checked too. A complete file is renamed into place and described in
 * `<file>.meta.json`; a cached file whose ETag still matches the bucket's is not downloaded
 * again, a republished one (new ETag) is.
 *
 * `downloadFile` is a sequence of steps, each in a module of this folder named for it:
 *
 *   resolveDownloadOptions (settings.ts) → prepareTarget (cache-path.ts) → lookUp (look-up.ts: HEAD; offline fallback) →
 *   cachedCopy → withFileLock (lock.ts) → transfer (transfer.ts): planDownload (plan.ts) →
 *   openResumeState → reuseSavedPieces (resume.ts) → fetchMissing (pieces.ts: runAll in
 *   util/concurrency.ts; fetchPiece: requestRange + saveBody in save-body.ts, retried by
 *   retryTransient) → verifyBytes (verify.ts) → publish (publish.ts)
 *
 * and `stopped` (failures.ts) turns any failure after an abort into `download.aborted`.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { runAll } from "../../util/concurrency";
import { KitError } from "../../util/errors";
import { prepareTarget, targetOf } from "./cache-path";
import { stopped } from "./failures";
import { withFileLock } from "./lock";
import { FixedSlots, linkFor } from "./link";
import { cachedCopy, lookUp } from "./look-up";
import { type DownloadSettings, kindOf, resolveDownloadOptions } from "./settings";
import { transfer } from "./transfer";
import type { DownloadOptions, Downloaded, Job } from "./types";

export { cachePath, cacheRootReady, defaultCacheDir } from "./cache-path";
export {
  DOWNLOAD_DEFAULTS,
  DOWNLOAD_OPTION_NAMES,
  type DownloadSettings,
  defaultsTable,
  resolveDownloadOptions,
} from "./settings";
export type { DownloadOptions, Downloaded, Progress } from "./types";

/** Download one object into the cache (or find it there), resuming any earlier partial download. */
export async function downloadFile(
  client: S3Client,
  bucket: string,
  key: string,
  options: DownloadOptions = {},
): Promise<Downloaded> {
  return downloadWith(client, bucket, key, resolveDownloadOptions(options));
}

/**
 * `downloadFile` with its options already resolved: what downloadFiles and downloadRange call
 * for each file, passing their settings on whole (a per-file signal or progress replaced).
 */
export async function downloadWith(
  client: S3Client,
  bucket: string,
  key: string,
  settings: DownloadSettings,
): Promise<Downloaded> {
  const { cacheDir, partSize, concurrency, timeouts, signal, onProgress, via } = settings;
  try {
    // Where the file goes, checked without writing: a read-only cache still serves its copies.
    const target = targetOf(cacheDir, bucket, key);
    const remote = await lookUp({ client, bucket, key, target, signal, timeouts, cacheDir, via });
    if ("path" in remote) return remote; // offline: the cached copy
    const job: Job = {
      client,
      bucket,
      key,
      cacheDir,
      partSize,
      slots: concurrency === undefined ? await linkFor(client) : new FixedSlots(concurrency),
      target,
      ...remote,
      signal,
      onProgress,
      timeouts,
      via,
    };
    const cached = cachedCopy(job);
    if (cached) return cached;
    prepareTarget(cacheDir, bucket, key);
    // Another process (or call) may be writing this file: wait for it, then it is probably cached.
    return await withFileLock(job, async () => cachedCopy(job) ?? transfer(job));
  } catch (e) {
    throw stopped(e, key, signal);
  }
}

/** @deprecated the options resolved: use resolveDownloadOptions (kept for callers of 0.x). */
export function settingsOf(options: DownloadOptions): DownloadSettings {
  return resolveDownloadOptions(options);
}

/**
 * Download many objects, `files` at a time (default 16: their GETs share the endpoint's
 * adaptive link, so more files at once mostly overlaps their HEADs and latencies), results in
 * the order of `keys`. One that fails stops the others (their finished parts are kept) and the
 * call rejects with its error once they have all stopped: nothing is written after it settles.
 */
export async function downloadFiles(
  client: S3Client,
  bucket: string,
  keys: string[],
  options: DownloadOptions & { files?: number } = {},
): Promise<Downloaded[]> {
  // A string would be iterated as its characters: one download per letter.
  if (!Array.isArray(keys))
    throw new KitError(
      "download.keys",
      `downloadFiles takes a list of keys, not ${kindOf(keys)}: for one file use downloadFile, or wrap it: [key].`,
    );
  const settings = resolveDownloadOptions(options, undefined, [], "downloadFiles");
  // The same key twice is downloaded once (two writers of one file would trip over each other).
  const unique = [...new Set(keys)];
  const got = await runAll(
    unique,
    settings.files,
    (k, signal) => downloadWith(client, bucket, k, { ...settings, signal }),
    { signal: settings.signal },
  ).catch((e) => {
    // Stopped before any file began: the signal's own reason is news in the kit's form too.
    if (settings.signal?.aborted && !(e instanceof KitError))
      throw new KitError(
        "download.aborted",
        `The downloads of ${unique.length} file${unique.length === 1 ? "" : "s"} were stopped before they began; downloading them again starts them.`,
        { cause: e },
      );
    throw e;
  });
  const byKey = new Map(got.map((d) => [d.key, d]));
  return keys.map((k) => byKey.get(k)!);
}
