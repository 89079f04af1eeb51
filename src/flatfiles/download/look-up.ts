/** What the bucket says about the object (HEAD), and the cached copy it makes current or not. */
import { HeadObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import * as fs from "node:fs";
import { clientEndpoint, explainAwsError, httpStatus } from "../../aws/explain";
import { readJson } from "./state-files";
import type { Downloaded, Job } from "./types";

/**
 * The object's size and ETag (a HEAD), which decide everything after: whether the cached copy
 * is current, and how to cut and check the download. With no answer at all (not an HTTP
 * error, and not an abort), a cached copy is still good to work with, offline: it is returned
 * instead.
 */
export async function lookUp(
  client: S3Client,
  bucket: string,
  key: string,
  target: string,
  signal: AbortSignal | undefined,
): Promise<{ size: number; etag: string } | Downloaded> {
  try {
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }), {
      abortSignal: signal,
    });
    return { size: head.ContentLength ?? 0, etag: (head.ETag ?? "").replace(/"/g, "") };
  } catch (err) {
    const copy = httpStatus(err) === undefined && !signal?.aborted ? offlineCopy(target, key) : null;
    if (copy) return copy;
    throw explainAwsError(err, {
      endpoint: await clientEndpoint(client),
      bucket,
      key,
      action: `looking up ${key}`,
    });
  }
}

/**
 * The cached file, when its record names this ETag and size and the file is whole: a current
 * copy is never downloaded again. Null otherwise (none, older, or republished since).
 */
export function cachedCopy(job: Job): Downloaded | null {
  const { key, target, size, etag } = job;
  const meta = readJson<{ etag: string; size: number; verified?: Downloaded["verified"] }>(
    `${target}.meta.json`,
  );
  if (
    !meta ||
    meta.etag !== etag ||
    meta.size !== size ||
    !fs.existsSync(target) ||
    fs.statSync(target).size !== size
  )
    return null;
  job.onProgress?.({ key, bytes: size, total: size });
  return { key, path: target, size, etag, cached: true, fetched: 0, verified: meta.verified };
}

/** The cached copy of a key, for use while the endpoint cannot be reached, or null. */
export function offlineCopy(target: string, key: string): Downloaded | null {
  const meta = readJson<{ etag: string; size: number; downloadedAt?: string }>(`${target}.meta.json`);
  if (!meta || !fs.existsSync(target) || fs.statSync(target).size !== meta.size) return null;
  console.warn(
    `flatfiles-kit: the endpoint cannot be reached; using the cached copy of ${key} ` +
      `(downloaded ${meta.downloadedAt ?? "earlier"}), which may be out of date if it was republished since.`,
  );
  return { key, path: target, size: meta.size, etag: meta.etag, cached: true, fetched: 0, offline: true };
}
