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
 *   settingsOf → prepareTarget (cache-path.ts) → lookUp (look-up.ts: HEAD; offline fallback) →
 *   cachedCopy → withFileLock (lock.ts) → transfer (transfer.ts): planDownload (plan.ts) →
 *   openResumeState → reuseSavedPieces (resume.ts) → fetchMissing (pieces.ts: runPieces in
 *   run-pieces.ts; fetchPiece: requestRange + saveBody in save-body.ts, retried by
 *   retryTransient) → verifyBytes (verify.ts) → publish (publish.ts)
 *
 * and `stopped` (failures.ts) turns any failure after an abort into `download.aborted`.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { mapOrdered } from "../../util/concurrency";
import { KitError } from "../../util/errors";
import { wholeNumber } from "../../util/validate";
import { type Timeouts, timeoutsOf } from "../../aws/timeouts";
import { cacheDirOf, prepareTarget } from "./cache-path";
import { stopped } from "./failures";
import { withFileLock } from "./lock";
import { FixedSlots, linkFor } from "./link";
import { cachedCopy, lookUp } from "./look-up";
import { transfer } from "./transfer";
import type { DownloadOptions, Downloaded, Job } from "./types";

export { cachePath, cacheRootReady, defaultCacheDir } from "./cache-path";
export type { DownloadOptions, Downloaded, Progress } from "./types";

/** Download one object into the cache (or find it there), resuming any earlier partial download. */
export async function downloadFile(
  client: S3Client,
  bucket: string,
  key: string,
  options: DownloadOptions = {},
): Promise<Downloaded> {
  const { cacheDir, partSize, concurrency, timeouts } = settingsOf(options);
  const target = prepareTarget(cacheDir, bucket, key);
  const { signal, onProgress } = options;
  try {
    const remote = await lookUp({ client, bucket, key, target, signal, timeouts });
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
    };
    // Another process (or call) may be writing this file: wait for it, then it is probably cached.
    return cachedCopy(job) ?? (await withFileLock(job, async () => cachedCopy(job) ?? transfer(job)));
  } catch (e) {
    throw stopped(e, key, signal);
  }
}

/**
 * The options, checked before anything touches the network or the disk. At least 64 KiB a
 * piece: a GB file in 1-byte pieces would need a billion requests (and as many entries in memory).
 */
export function settingsOf(options: DownloadOptions): {
  cacheDir: string;
  partSize: number;
  concurrency: number | undefined;
  timeouts: Required<Timeouts>;
} {
  const { signal, onProgress } = options as { signal?: unknown; onProgress?: unknown };
  // Checked here, not where they are first used: by then a request is out and a lock is held.
  if (signal !== undefined && !isSignal(signal))
    throw new KitError(
      "options.signal",
      `signal is ${kindOf(signal)}, not an AbortSignal: pass controller.signal (const controller = new AbortController()), or leave signal out.`,
    );
  if (onProgress !== undefined && typeof onProgress !== "function")
    throw new KitError(
      "options.callback",
      `onProgress is ${kindOf(onProgress)}: pass a function, or leave onProgress out.`,
    );
  return {
    cacheDir: cacheDirOf(options.cacheDir),
    timeouts: timeoutsOf(options.timeouts),
    partSize: wholeNumber("partSize", options.partSize ?? 8 << 20, 64 << 10, 5 * 1024 ** 3),
    concurrency:
      options.concurrency === undefined ? undefined : wholeNumber("concurrency", options.concurrency, 1, 64),
  };
}

/** What a wrong argument was, for a message: its type, never its content. */
function kindOf(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "an array" : typeof value;
}

/** An AbortSignal, from this realm or another (a notebook's, a test runner's): by its shape. */
function isSignal(value: unknown): value is AbortSignal {
  const s = value as AbortSignal | null;
  return (
    typeof s === "object" &&
    s !== null &&
    typeof s.aborted === "boolean" &&
    typeof s.addEventListener === "function"
  );
}

/**
 * Download many objects, `files` at a time (default 16: their GETs share the endpoint's
 * adaptive link, so more files at once mostly overlaps their HEADs and latencies), results in
 * the order of `keys`.
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
  const files = wholeNumber("files", options.files ?? 16, 1, 64);
  // The same key twice is downloaded once (two writers of one file would trip over each other).
  const unique = [...new Set(keys)];
  const done = new Map<string, Downloaded>();
  for await (const d of mapOrdered(unique, files, (k) => downloadFile(client, bucket, k, options)))
    done.set(d.key, d);
  return keys.map((k) => done.get(k)!);
}
