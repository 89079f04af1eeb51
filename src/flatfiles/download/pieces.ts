/** Fetching the missing pieces: each a ranged GET written and hashed as it arrives, retried when cut off. */
import { GetObjectCommand } from "@aws-sdk/client-s3";
import type { Readable } from "node:stream";
import { clientEndpoint, explainAwsError, fromServiceOrNetwork } from "../../aws/explain";
import { KitError } from "../../util/errors";
import { type FailureKind, failureKind, retryStrategy, retryTransient } from "../../util/retry";
import { writeFailure } from "./failures";
import { stateRecorder } from "./resume";
import { runPieces } from "./run-pieces";
import { saveBody } from "./save-body";
import { writeJsonAtomic } from "./state-files";
import type { Job, Tally, Transfer } from "./types";

/** Attempts per piece (the first included) when its body is cut off midway. */
export const PIECE_ATTEMPTS = 6;

/**
 * Fetch every piece not on disk. Pieces start in order, at most `concurrency` at once, and
 * fewer while pieces that arrived before their turn wait in memory to be hashed: that bounds
 * memory by (concurrency + 2) pieces. One retry strategy serves all pieces, so its retry quota
 * is the download's. Resolves with the bytes fetched.
 */
export async function fetchMissing(job: Job, t: Transfer): Promise<number> {
  const tally: Tally = { bytes: t.onDisk, fetched: 0 };
  job.onProgress?.({ key: job.key, bytes: tally.bytes, total: job.size });
  const reused = new Set(t.state.done);
  const todo = t.pieces.map((_, i) => i).filter((i) => !reused.has(i));
  const strategy = retryStrategy(PIECE_ATTEMPTS);
  const record = stateRecorder(t.stateFile, t.state);
  try {
    await runPieces(
      todo,
      job.concurrency,
      job.concurrency + 2,
      () => t.hasher.held,
      job.signal,
      async (i, signal) => {
        await fetchPiece(job, t, tally, i, signal, strategy);
        t.hasher.finish(i);
        record(i);
      },
    );
  } finally {
    writeJsonAtomic(t.stateFile, t.state);
  }
  return tally.fetched;
}

/**
 * One piece, tried again when its body breaks off midway. The SDK retries a request that fails
 * before its answer arrives (with the client's strategy); a body cut off after that (a reset,
 * a short body) it cannot see, so that is retried here, from the start of the piece, with the
 * SDK's strategy and classification (util/retry.ts). Nothing else is retried: not an error the
 * SDK already retried, not a full disk, not a bug, not after an abort. A network failure that
 * outlasts the attempts is explained like any other.
 */
export async function fetchPiece(
  job: Job,
  t: Transfer,
  tally: Tally,
  i: number,
  signal: AbortSignal,
  strategy: ReturnType<typeof retryStrategy>,
): Promise<void> {
  try {
    await retryTransient(
      async () => {
        const attempt = { written: 0 };
        try {
          await fetchPieceOnce(job, t, tally, i, signal, attempt);
        } catch (e) {
          // What this attempt counted is fetched again by the next one.
          tally.bytes -= attempt.written;
          tally.fetched -= attempt.written;
          throw e;
        }
      },
      { strategy, classify: pieceFailure, signal },
    );
  } catch (e) {
    const { client, bucket, key } = job;
    throw fromServiceOrNetwork(e)
      ? explainAwsError(e, {
          endpoint: await clientEndpoint(client),
          bucket,
          key,
          action: `downloading ${key}`,
        })
      : e;
  }
}

/**
 * Whether a failed piece is worth another attempt: a short body is (the connection ended
 * early), a KitError otherwise is not (an answer the SDK already retried and explained, a full
 * disk), and any other error is judged as the SDK judges errors (a reset or timeout mid-body
 * is transient; a bug never is).
 */
export function pieceFailure(e: unknown): FailureKind {
  if (e instanceof KitError) return e.code === "download.short" ? "TRANSIENT" : "CLIENT_ERROR";
  return failureKind(e);
}

/** One attempt at one piece: request its range, write and hash its bytes as they arrive. */
export async function fetchPieceOnce(
  job: Job,
  t: Transfer,
  tally: Tally,
  i: number,
  signal: AbortSignal,
  attempt: { written: number },
): Promise<void> {
  const { start, length } = t.pieces[i];
  t.hasher.begin(i);
  if (length === 0) return;
  const body = await requestRange(job, start, length, signal);
  const written = await saveBody(
    body,
    t.handle,
    start,
    length,
    signal,
    (chunk) => t.hasher.feed(i, chunk),
    (n) => {
      tally.bytes += n;
      tally.fetched += n;
      attempt.written += n;
      job.onProgress?.({ key: job.key, bytes: tally.bytes, total: job.size });
    },
    (e) => writeFailure(job, e),
  );
  if (written !== length) {
    throw new KitError(
      "download.short",
      `The connection ended early while downloading ${job.key} (part ${i + 1} of ${t.pieces.length}); run again to resume.`,
    );
  }
}

/**
 * A ranged GET of the object as the HEAD saw it (If-Match: a republished object fails with
 * 412 instead of mixing two versions). Its failures have been through the SDK's retries
 * already, so they are explained here, once.
 */
export async function requestRange(
  job: Job,
  start: number,
  length: number,
  signal: AbortSignal,
): Promise<Readable> {
  const { client, bucket, key, etag } = job;
  try {
    const out = await client.send(
      new GetObjectCommand({
        Bucket: bucket,
        Key: key,
        Range: `bytes=${start}-${start + length - 1}`,
        IfMatch: `"${etag}"`,
      }),
      { abortSignal: signal },
    );
    return out.Body as Readable;
  } catch (err) {
    throw explainAwsError(err, {
      endpoint: await clientEndpoint(client),
      bucket,
      key,
      action: `downloading ${key}`,
    });
  }
}
