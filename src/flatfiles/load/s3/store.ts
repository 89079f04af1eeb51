/**
 * The object-storage side of a lake: one object per day, `…/date=YYYY-MM-DD/part-00000.parquet`,
 * which a listing shows whole or not at all. Small days go up in one PutObject; larger ones in a
 * multipart upload, which S3 makes visible only when it completes (an upload stopped midway
 * shows nothing to a reader, and the next run aborts it). Writing the same key again replaces
 * the object in one step: a reader sees the old day or the new one, never neither nor both.
 * The day's record (which download it was made from, as which dataset, in which format) is the
 * object's own metadata, so it can never disagree with the data beside it.
 */
import * as fs from "node:fs";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  type ListMultipartUploadsCommandOutput,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { KitError } from "../../../util/errors";
import { type S3Lake, keyOf, urlOf } from "./target";

/** The user-metadata name of a day's record (S3 sends it as `x-amz-meta-flatfiles-kit`). */
const META = "flatfiles-kit";
/** Bytes per uploaded part (S3's floor is 5 MiB for every part but the last). */
export const PART_BYTES = 16 << 20;

export interface DayRecord {
  format: number;
  /** The day's place in the lake (`bucket/asset=…/dataset=…/date=…`) or its file's name. */
  source: string;
  size: number;
  dataset: string;
  rows: number;
}

export function lakeClient(l: S3Lake): S3Client {
  const aws = /amazonaws\.com$/.test(new URL(l.endpoint).hostname);
  return new S3Client({
    endpoint: aws ? undefined : l.endpoint,
    region: l.region,
    forcePathStyle: !aws,
    credentials: { accessKeyId: l.accessKeyId.reveal(), secretAccessKey: l.secretAccessKey.reveal() },
    maxAttempts: 5,
  });
}

/** An S3 failure as a KitError naming the lake and what to check (never the keys). */
function explain(l: S3Lake, what: string, e: unknown): Error {
  if (e instanceof KitError || (e as Error)?.name === "AbortError") return e as Error;
  const name = (e as { name?: string }).name ?? "Error";
  const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const advice =
    name === "InvalidAccessKeyId" || name === "SignatureDoesNotMatch" || status === 403
      ? "check FLATFILES_LAKE_ACCESS_KEY_ID and FLATFILES_LAKE_SECRET_ACCESS_KEY (the lake's own keys) and that they may write to the bucket"
      : name === "NoSuchBucket"
        ? "create the bucket first (aws s3 mb), or check the lake's address"
        : "check FLATFILES_LAKE_ENDPOINT and that the endpoint is reachable; the same command resumes";
  return new KitError(
    "lake.s3",
    `${what} in the lake ${urlOf(l)} failed (${name}${status ? `, HTTP ${status}` : ""}): ${advice}.`,
    { cause: e },
  );
}

/** Check the bucket exists (the sandbox's is made when missing). */
export async function ensureBucket(c: S3Client, l: S3Lake): Promise<void> {
  try {
    await c.send(new HeadBucketCommand({ Bucket: l.bucket }));
  } catch (e) {
    const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 404 && l.sandbox) {
      await c.send(new CreateBucketCommand({ Bucket: l.bucket })).catch((err) => {
        throw explain(l, "Creating the bucket", err);
      });
      return;
    }
    throw explain(l, status === 404 ? "Finding the bucket" : "Reaching the bucket", e);
  }
}

/** The record of the day at `rel`, or null when the lake has no such day (or not one the kit wrote). */
export async function readRecord(c: S3Client, l: S3Lake, rel: string): Promise<DayRecord | null> {
  let meta: Record<string, string> | undefined;
  try {
    meta = (await c.send(new HeadObjectCommand({ Bucket: l.bucket, Key: keyOf(l, rel) }))).Metadata;
  } catch (e) {
    const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 404) return null;
    throw explain(l, "Looking up a day", e);
  }
  try {
    return JSON.parse(decodeURIComponent(meta?.[META] ?? "")) as DayRecord;
  } catch {
    return null;
  }
}

/**
 * Put a finished local Parquet file at `rel`: one PutObject up to `partBytes`, else a multipart
 * upload, aborted when anything fails (or the signal fires) so it leaves nothing behind.
 */
export async function putDay(
  c: S3Client,
  l: S3Lake,
  file: string,
  rel: string,
  record: DayRecord,
  signal?: AbortSignal,
  partBytes = PART_BYTES,
): Promise<void> {
  const Key = keyOf(l, rel);
  const Metadata = { [META]: encodeURIComponent(JSON.stringify(record)) };
  const size = fs.statSync(file).size;
  if (size <= partBytes) {
    await c
      .send(new PutObjectCommand({ Bucket: l.bucket, Key, Body: fs.readFileSync(file), Metadata }), {
        abortSignal: signal,
      })
      .catch((e) => {
        throw explain(l, "Writing a day", e);
      });
    return;
  }
  let UploadId: string | undefined;
  try {
    UploadId = (await c.send(new CreateMultipartUploadCommand({ Bucket: l.bucket, Key, Metadata }))).UploadId;
    const parts: { ETag: string; PartNumber: number }[] = [];
    const fd = fs.openSync(file, "r");
    try {
      for (let at = 0, n = 1; at < size; at += partBytes, n++) {
        signal?.throwIfAborted();
        const body = Buffer.alloc(Math.min(partBytes, size - at));
        fs.readSync(fd, body, 0, body.length, at);
        const r = await c.send(
          new UploadPartCommand({ Bucket: l.bucket, Key, UploadId, PartNumber: n, Body: body }),
          { abortSignal: signal },
        );
        parts.push({ ETag: r.ETag ?? "", PartNumber: n });
      }
    } finally {
      fs.closeSync(fd);
    }
    signal?.throwIfAborted();
    await c.send(
      new CompleteMultipartUploadCommand({
        Bucket: l.bucket,
        Key,
        UploadId,
        MultipartUpload: { Parts: parts },
      }),
    );
  } catch (e) {
    if (UploadId)
      await c
        .send(new AbortMultipartUploadCommand({ Bucket: l.bucket, Key, UploadId }))
        .catch(() => undefined);
    throw explain(l, "Writing a day", e);
  }
}

/**
 * Abort the incomplete multipart uploads under `relPrefix` that no live writer owns (`owned`
 * says which keys one does): what a killed run left, invisible to readers but billed.
 */
export async function abortLeftovers(
  c: S3Client,
  l: S3Lake,
  relPrefix: string,
  owned: (key: string) => boolean,
): Promise<number> {
  let aborted = 0;
  let KeyMarker: string | undefined;
  let UploadIdMarker: string | undefined;
  for (let page = 0; page < 10_000; page++) {
    let r: ListMultipartUploadsCommandOutput;
    try {
      r = await c.send(
        new ListMultipartUploadsCommand({
          Bucket: l.bucket,
          Prefix: keyOf(l, relPrefix),
          KeyMarker,
          UploadIdMarker,
        }),
      );
    } catch (e) {
      throw explain(l, "Listing unfinished uploads", e);
    }
    for (const u of r.Uploads ?? []) {
      if (!u.Key || !u.UploadId || owned(u.Key)) continue;
      await c.send(new AbortMultipartUploadCommand({ Bucket: l.bucket, Key: u.Key, UploadId: u.UploadId }));
      aborted++;
    }
    if (!r.IsTruncated || (r.NextKeyMarker === KeyMarker && r.NextUploadIdMarker === UploadIdMarker)) break;
    KeyMarker = r.NextKeyMarker;
    UploadIdMarker = r.NextUploadIdMarker;
  }
  return aborted;
}

/** The dates a table (`rel` = `bucket/asset=…/dataset=…`) holds, from one listing. */
export async function listDates(c: S3Client, l: S3Lake, rel: string): Promise<string[]> {
  const dates: string[] = [];
  const Prefix = `${keyOf(l, rel)}/date=`;
  let ContinuationToken: string | undefined;
  const seen = new Set<string>();
  for (;;) {
    let r: ListObjectsV2CommandOutput;
    try {
      r = await c.send(new ListObjectsV2Command({ Bucket: l.bucket, Prefix, ContinuationToken }));
    } catch (e) {
      throw explain(l, "Listing the days", e);
    }
    for (const o of r.Contents ?? []) {
      const m = /date=(\d{4}-\d{2}-\d{2})\/part-00000\.parquet$/.exec(o.Key ?? "");
      if (m) dates.push(m[1]);
    }
    if (!r.IsTruncated || !r.NextContinuationToken || seen.has(r.NextContinuationToken)) break;
    seen.add(r.NextContinuationToken);
    ContinuationToken = r.NextContinuationToken;
  }
  return dates.sort();
}
