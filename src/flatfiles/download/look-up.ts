/** What the bucket says about the object (HEAD), and the cached copy it makes current or not. */
import { HeadObjectCommand, type HeadObjectCommandOutput } from "@aws-sdk/client-s3";
import * as fs from "node:fs";
import { clientEndpoint, explainAwsError, httpStatus } from "../../aws/explain";
import { KitError } from "../../util/errors";
import { firstByte } from "./deadlines";
import { readJson } from "./state-files";
import type { Downloaded, Job } from "./types";

const META = "the description of a finished download";

/** The largest object S3 stores: 5 TiB. */
export const MAX_OBJECT_BYTES = 5 * 1024 ** 4;

/**
 * The object's size and ETag (a HEAD), which decide everything after: whether the cached copy
 * is current, and how to cut and check the download. With no answer at all (not an HTTP
 * error, and not an abort), a cached copy is still good to work with, offline: it is returned
 * instead. The HEAD has a first-byte deadline of its own (deadlines.ts), whatever the client.
 */
export async function lookUp(
  job: Pick<Job, "client" | "bucket" | "key" | "target" | "signal" | "timeouts" | "cacheDir" | "via">,
): Promise<{ size: number; etag: string } | Downloaded> {
  const { client, bucket, key, target, signal } = job;
  let head: HeadObjectCommandOutput;
  try {
    head = await firstByte(job, `looking up ${key}`, (s) =>
      client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: s }),
    );
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
  if (
    typeof head.ContentLength !== "number" ||
    !Number.isSafeInteger(head.ContentLength) ||
    head.ContentLength < 0
  ) {
    throw new KitError(
      "download.size",
      `The server did not say how large ${key} is (its answer to HEAD has no Content-Length), so it cannot be downloaded in pieces and checked. ` +
        `S3 always sends it: check that FLATFILES_ENDPOINT (${await clientEndpoint(client)}) is an S3 endpoint and not a proxy or web server that drops it.`,
    );
  }
  // A size no S3 object has is the server's mistake: said before a plan of pieces is made for it.
  if (head.ContentLength > MAX_OBJECT_BYTES)
    throw new KitError(
      "download.size",
      `The server says ${key} is ${head.ContentLength} bytes, more than the largest object S3 stores (5 TiB), so its answer is wrong; nothing was downloaded. ` +
        `Check that FLATFILES_ENDPOINT (${await clientEndpoint(client)}) is an S3 endpoint.`,
    );
  return { size: head.ContentLength, etag: (head.ETag ?? "").replace(/"/g, "") };
}

/** A finished download's description, when it is one (an object with a string ETag and a size). */
function metaOf(
  target: string,
): { etag: string; size: number; verified?: Downloaded["verified"]; downloadedAt?: string } | null {
  const m = readJson(`${target}.meta.json`, META) as Record<string, unknown> | null;
  if (!m || typeof m !== "object" || typeof m.etag !== "string" || typeof m.size !== "number") return null;
  const verified = ["md5", "multipart-etag", "size"].includes(m.verified as string)
    ? (m.verified as Downloaded["verified"])
    : undefined;
  return {
    etag: m.etag,
    size: m.size,
    verified,
    downloadedAt: typeof m.downloadedAt === "string" ? m.downloadedAt : undefined,
  };
}

/** Whether `target` is a plain file (not a link: a link planted in the cache is never handed out) of `size` bytes. */
function wholeFile(target: string, size: number): boolean {
  try {
    const st = fs.lstatSync(target);
    return st.isFile() && st.size === size;
  } catch {
    return false;
  }
}

/**
 * The cached file, when its record names this ETag and size and the file is whole: a current
 * copy is never downloaded again. Null otherwise (none, older, or republished since).
 */
export function cachedCopy(job: Job): Downloaded | null {
  const { key, target, size, etag } = job;
  const meta = metaOf(target);
  if (!meta || meta.etag !== etag || meta.size !== size || !wholeFile(target, size)) return null;
  job.onProgress?.({ key, bytes: size, total: size });
  return { key, path: target, size, etag, cached: true, fetched: 0, verified: meta.verified };
}

/** Whether the cache holds a whole copy of this ETag and size (a listing's), without asking the server. */
export function holdsCopy(target: string, etag: string, size: number): boolean {
  const meta = metaOf(target);
  return (
    meta !== null && meta.etag === etag.replace(/"/g, "") && meta.size === size && wholeFile(target, size)
  );
}

/** The cached copy of a key, for use while the endpoint cannot be reached, or null. */
export function offlineCopy(target: string, key: string): Downloaded | null {
  const meta = metaOf(target);
  if (!meta || !wholeFile(target, meta.size)) return null;
  console.warn(
    `flatfiles-kit: the endpoint cannot be reached; using the cached copy of ${key} ` +
      `(downloaded ${meta.downloadedAt ?? "earlier"}), which may be out of date if it was republished since.`,
  );
  return { key, path: target, size: meta.size, etag: meta.etag, cached: true, fetched: 0, offline: true };
}
