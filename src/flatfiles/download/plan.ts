import { clientEndpoint, explainAwsError } from "../../aws/explain";
import { type Check, planCheck } from "../etag";
import type { Job, Piece } from "./types";

/**
 * How the download is checked (etag.ts: MD5, or multipart ETag with the server's part
 * boundaries) and cut: pieces of at most `partSize` that never straddle two upload parts, so
 * each upload part's MD5 can be computed as its pieces land. `plan` names the cut, because a
 * resume must reuse pieces cut the same way.
 */
export async function planDownload(job: Job): Promise<{ check: Check; pieces: Piece[]; plan: string }> {
  const { client, bucket, key, size, etag, partSize, signal } = job;
  const check = await planCheck(client, bucket, key, size, etag, signal).catch(async (err) => {
    throw explainAwsError(err, {
      endpoint: await clientEndpoint(client),
      bucket,
      key,
      action: `looking up the parts of ${key}`,
    });
  });
  const cut = pieceSize(size, partSize);
  const plan = `${check.kind}:${check.segments.length}:${check.segments[0]?.length ?? 0}:${cut}`;
  return { check, pieces: piecesOf(check, cut), plan };
}

/** At most this many pieces in a plan (one small object each, in memory for the whole download). */
export const MAX_PIECES = 100_000;

/**
 * `partSize`, or larger when the object would need more than MAX_PIECES pieces of it (a 5 TiB
 * object in 64 KiB pieces would be 80 million): whole MiB, so the cut is the same on a resume.
 */
export function pieceSize(size: number, partSize: number): number {
  if (Math.ceil(size / partSize) <= MAX_PIECES) return partSize;
  return Math.ceil(size / MAX_PIECES / (1 << 20)) * (1 << 20);
}

/** Ranged GETs of at most `partSize` bytes that never straddle two upload parts. */
export function piecesOf(check: Check, partSize: number): Piece[] {
  const pieces: Piece[] = [];
  check.segments.forEach((s, segment) => {
    if (s.length === 0) pieces.push({ start: s.start, length: 0, segment });
    for (let at = 0; at < s.length; at += partSize)
      pieces.push({ start: s.start + at, length: Math.min(partSize, s.length - at), segment });
  });
  return pieces;
}
