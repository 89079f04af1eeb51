/**
 * What an object's ETag lets a download check, and the hashing that checks it as parts land.
 *
 * S3 gives an object uploaded in one PUT the MD5 of its bytes as ETag. An object uploaded in
 * parts (every large flat file) gets `<MD5 of the parts' binary MD5s>-<number of parts>`: to
 * check it, a client must hash each upload part on its own, so it must know where the parts
 * end. S3 tells that on request: a HEAD with `partNumber=1` answers with the first part's
 * length and the number of parts (`x-amz-mp-parts-count`). A server that ignores `partNumber`
 * leaves the client to guess the part size from the size and the number of parts; a guess
 * that does not reproduce the ETag proves nothing, so then only the size is vouched for.
 */
import { HeadObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { type Hash, createHash } from "node:crypto";
import * as fs from "node:fs";
import { runAll } from "../util/concurrency";

/** A stretch of the object hashed on its own: the whole object, or one upload part. */
export interface Segment {
  start: number;
  length: number;
}

export type Check =
  /** ETag = MD5 of the whole object. */
  | { kind: "md5"; etag: string; segments: Segment[] }
  /**
   * ETag = MD5 of the parts' MD5s. `partsFrom` says how the part boundaries were learnt: from
   * the server part by part ("server"), from the first and last parts with the middle ones
   * taken as equal ("assumed"), or guessed from the size alone ("guess").
   */
  | { kind: "multipart"; etag: string; segments: Segment[]; partsFrom: "server" | "assumed" | "guess" }
  /** Nothing but the size can be checked (ETag of an unknown form, part sizes unknown). */
  | { kind: "size"; etag: string; segments: Segment[]; reason: string };

const MIB = 1 << 20;

function uniform(size: number, parts: number, partSize: number): Segment[] {
  return Array.from({ length: parts }, (_, i) => ({
    start: i * partSize,
    length: Math.min(partSize, size - i * partSize),
  }));
}

/** Whether `parts` parts of `partSize` bytes (the last one shorter) make `size` bytes. */
function fits(size: number, parts: number, partSize: number): boolean {
  return partSize > 0 && (parts - 1) * partSize < size && size <= parts * partSize;
}

interface PartInfo {
  length: number;
  count?: number;
}

async function headPart(
  client: S3Client,
  bucket: string,
  key: string,
  n: number,
  signal?: AbortSignal,
): Promise<PartInfo> {
  const out = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key, PartNumber: n }), {
    abortSignal: signal,
  });
  return { length: out.ContentLength ?? -1, count: out.PartsCount };
}

/** Every part's boundaries, one HEAD per part (8 at a time); null if they do not add up. */
export async function exactSegments(
  client: S3Client,
  bucket: string,
  key: string,
  size: number,
  parts: number,
  signal?: AbortSignal,
): Promise<Segment[] | null> {
  // One HEAD per part, 8 at a time; a failure stops the others (util/concurrency.ts).
  const lengths = await runAll(
    Array.from({ length: parts }, (_, n) => n + 1),
    8,
    async (n, s) => (await headPart(client, bucket, key, n, s)).length,
    { signal },
  );
  if (!lengths.every((l) => l > 0) || lengths.reduce((a, b) => a + b, 0) !== size) return null;
  let end = 0;
  return lengths.map((length) => {
    end += length;
    return { start: end - length, length };
  });
}

/** The multipart ETag of stretches of an open file (a second pass, for when the parts were assumed wrongly). */
export function multipartEtagOf(fd: number, segments: Segment[]): string {
  return combinedEtag(segments.map((s) => hashRange(createHash("md5"), fd, s.start, s.length).digest()));
}

/** A multipart ETag from its parts' binary MD5s. */
export function combinedEtag(md5s: Buffer[]): string {
  return `${createHash("md5").update(Buffer.concat(md5s)).digest("hex")}-${md5s.length}`;
}

/**
 * How to check a download of an object of `size` bytes with this ETag. For a multipart ETag
 * the part boundaries are asked of the server (one HEAD, or one per part when the parts
 * differ in size); a server that does not say gets a guess, used only when exactly one whole
 * number of MiB fits.
 */
const clipped = (s: string) => JSON.stringify(s.length > 60 ? `${s.slice(0, 60)}…` : s);

export async function planCheck(
  client: S3Client,
  bucket: string,
  key: string,
  size: number,
  etag: string,
  signal?: AbortSignal,
): Promise<Check> {
  const whole = [{ start: 0, length: size }];
  if (etag.startsWith("W/")) {
    return {
      kind: "size",
      etag,
      segments: whole,
      reason: `its ETag ${clipped(etag)} is a weak ETag (W/: a version tag the server made up, not a hash of the bytes), so there is nothing to check the bytes against; and a copy republished during the download cannot be detected`,
    };
  }
  // Hex digits are hex digits in either case: an uppercase MD5 is still an MD5 (S3 writes lowercase).
  etag = etag.toLowerCase();
  if (/^[0-9a-f]{32}$/.test(etag)) return { kind: "md5", etag, segments: whole };
  const m = /^[0-9a-f]{32}-(\d+)$/.exec(etag);
  const parts = m ? Number(m[1]) : 0;
  if (!m || parts < 1 || parts > 10_000 || size < parts) {
    return {
      kind: "size",
      etag,
      segments: whole,
      reason: `the ETag ${clipped(etag)} is neither an MD5 (32 hex digits) nor a multipart ETag (32 hex digits, "-", the number of parts)`,
    };
  }
  if (parts === 1) return { kind: "multipart", etag, segments: whole, partsFrom: "server" };

  let first: PartInfo | null = null;
  try {
    first = await headPart(client, bucket, key, 1, signal);
  } catch {
    first = null; // some S3-compatible servers refuse partNumber: guess below
  }
  if (first && first.count === parts && first.length > 0) {
    // Two parts: the first one's length fixes both. More: if the last one is what equal parts
    // would leave, the middle ones are taken to be equal too (as every upload tool makes them);
    // should the ETag then not match, `exactSegments` asks for every part before judging.
    const last = parts === 2 ? null : await headPart(client, bucket, key, parts, signal);
    if (fits(size, parts, first.length) && (!last || last.length === size - (parts - 1) * first.length)) {
      return {
        kind: "multipart",
        etag,
        segments: uniform(size, parts, first.length),
        partsFrom: parts === 2 ? "server" : "assumed",
      };
    }
    const segments = await exactSegments(client, bucket, key, size, parts, signal);
    if (segments) return { kind: "multipart", etag, segments, partsFrom: "server" };
    return {
      kind: "size",
      etag,
      segments: whole,
      reason: "the server's part sizes do not add up to the object's size",
    };
  }
  const candidates: number[] = [];
  for (
    let p = Math.ceil(size / parts / MIB) * MIB;
    p * (parts - 1) < size && candidates.length < 2;
    p += MIB
  ) {
    if (fits(size, parts, p)) candidates.push(p);
  }
  if (candidates.length === 1)
    return { kind: "multipart", etag, segments: uniform(size, parts, candidates[0]), partsFrom: "guess" };
  return {
    kind: "size",
    etag,
    segments: whole,
    reason: `the server does not tell the part size of this ${parts}-part object and it cannot be worked out from its size`,
  };
}

/** Describe what a check establishes, for messages and the download's result. */
export function checkName(check: Check): "md5" | "multipart-etag" | "size" {
  return check.kind === "md5" ? "md5" : check.kind === "multipart" ? "multipart-etag" : "size";
}

/** MD5 of a stretch of an open file (a reused upload part, checked against its recorded digest). */
export function md5OfRange(fd: number, start: number, length: number): string {
  return hashRange(createHash("md5"), fd, start, length).digest("hex");
}

/** Feed `length` bytes of an open file from `start` into `hash` (stops early at the end of a short file). */
function hashRange(hash: Hash, fd: number, start: number, length: number): Hash {
  const buf = Buffer.allocUnsafe(Math.min(Math.max(length, 1), 4 * MIB));
  for (let at = start, end = start + length; at < end; ) {
    const n = fs.readSync(fd, buf, 0, Math.min(buf.length, end - at), at);
    if (n <= 0) break; // a short file: the final size check reports it
    hash.update(buf.subarray(0, n));
    at += n;
  }
  return hash;
}
