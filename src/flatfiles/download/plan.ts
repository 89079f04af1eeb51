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
  const plan = `${check.kind}:${check.segments.length}:${check.segments[0]?.length ?? 0}:${partSize}`;
  return { check, pieces: piecesOf(check, partSize), plan };
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
