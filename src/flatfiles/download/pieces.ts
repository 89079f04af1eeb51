/** Fetching the missing pieces: each a ranged GET written and hashed as it arrives, retried when cut off. */
import { GetObjectCommand, type GetObjectCommandOutput } from "@aws-sdk/client-s3";
import type { Readable } from "node:stream";
import { clientEndpoint, explainAwsError, fromServiceOrNetwork, httpStatus } from "../../aws/explain";
import { KitError } from "../../util/errors";
import { type FailureKind, failureKind, retryStrategy, retryTransient } from "../../util/retry";
import { writeFailure } from "./failures";
import { downloadTimeout, firstByte } from "./deadlines";
import { saveRecord, stateRecorder } from "./resume";
import { runAll } from "../../util/concurrency";
import { saveBody } from "./save-body";
import type { Job, Tally, Transfer } from "./types";

/** What a piece that stalled for good leaves: the others are kept. */
const RESUMABLE =
  "; it was tried again, then given up: the finished parts are kept and running again resumes";

/** Attempts per piece (the first included) when its body is cut off midway. */
export const PIECE_ATTEMPTS = 6;

/**
 * Fetch every piece not on disk. Pieces start in order, at most the link's limit (+2) at once;
 * each goes to disk as it arrives (memory holds about 2 MiB of a piece at most) and is handed
 * to the hashing (hashing.ts) once written. One retry strategy serves all pieces, so its retry
 * quota is the download's. Resolves with the bytes fetched.
 */
export async function fetchMissing(job: Job, t: Transfer): Promise<number> {
  const tally: Tally = { bytes: t.onDisk, fetched: 0 };
  job.onProgress?.({ key: job.key, bytes: tally.bytes, total: job.size });
  const reused = new Set(t.state.done);
  const todo = t.pieces.map((_, i) => i).filter((i) => !reused.has(i));
  const strategy = retryStrategy(PIECE_ATTEMPTS);
  const record = stateRecorder(job, t.stateFile, t.state);
  try {
    await runAll(
      todo,
      // Two more than the link's slots wait for one: the link sees that demand exceeds its
      // limit (what makes it try more), and a freed slot is taken at once.
      () => job.slots.limit + 2,
      async (i, signal) => {
        // A slot on the link (shared with the other downloads to this endpoint) for the GET.
        const release = await job.slots.acquire(signal);
        try {
          await fetchPiece(job, t, tally, i, signal, strategy);
        } finally {
          release();
        }
        t.hasher.finish(i);
        record(i);
      },
      { signal: job.signal },
    );
  } catch (e) {
    // The record of what finished is saved on the way out too; if that fails as well (the
    // disk that just filled up), the failure that brought us here stays the news.
    try {
      saveRecord(job, t.stateFile, t.state);
    } catch {
      /* the record on disk is the previous one: still valid, only shorter */
    }
    throw e;
  }
  saveRecord(job, t.stateFile, t.state);
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
          // A reset, a stall or throttling says the link has too many requests in flight.
          const kind = pieceFailure(e);
          if (!signal.aborted && (kind === "TRANSIENT" || kind === "THROTTLING")) job.slots.congested();
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
  if (e instanceof KitError)
    return e.code === "download.short" || e.code === "download.timeout" ? "TRANSIENT" : "CLIENT_ERROR";
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
  if (length === 0) return;
  const where = `part ${i + 1} of ${t.pieces.length} of ${job.key}`;
  const body = await requestRange(job, start, length, signal, where);
  const written = await saveBody(
    body,
    t.handle,
    start,
    length,
    signal,
    {
      ms: job.timeouts.idleMs,
      error: () =>
        downloadTimeout(job.via, "idleMs", job.timeouts.idleMs, `While downloading ${where}`, RESUMABLE),
    },
    (chunk) => job.slots.arrived(chunk.length),
    (n) => {
      tally.bytes += n;
      tally.fetched += n;
      attempt.written += n;
      job.onProgress?.({ key: job.key, bytes: tally.bytes, total: job.size });
    },
    (e) => writeFailure(job, e),
    where,
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
  where: string,
): Promise<Readable> {
  const { client, bucket, key, etag } = job;
  let answered: GetObjectCommandOutput;
  try {
    const out = await firstByte(
      job,
      `downloading ${where}`,
      (s) =>
        client.send(
          new GetObjectCommand({
            Bucket: bucket,
            Key: key,
            Range: `bytes=${start}-${start + length - 1}`,
            // A weak ETag never matches under If-Match (RFC 9110 compares strongly): it would fail every piece.
            IfMatch: etag.startsWith("W/") ? undefined : `"${etag}"`,
          }),
          { abortSignal: s },
        ),
      signal,
    );
    answered = out;
  } catch (err) {
    if (httpStatus(err) === 416)
      throw sizeContradiction(job, where, "answers that the range is past the object's end");
    throw explainAwsError(err, {
      endpoint: await clientEndpoint(client),
      bucket,
      key,
      action: `downloading ${key}`,
    });
  }
  return rangeAnswered(job, answered, start, length, where);
}

/**
 * The body of a ranged GET, once its headers show it is the range asked for, of the object the
 * HEAD described. A server that ignores Range (200 and the whole object) or whose GET
 * contradicts its HEAD (another total size) fails the same way on every attempt: that is said
 * now, naming the file, instead of retried and reported as a connection that ended early.
 */
function rangeAnswered(
  job: Job,
  out: GetObjectCommandOutput,
  start: number,
  length: number,
  where: string,
): Readable {
  const body = out.Body as Readable;
  const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(out.ContentRange ?? "");
  const whole = start === 0 && length === job.size;
  if (!m) {
    if (whole && (out.ContentLength === undefined || out.ContentLength === length)) return body;
    body.destroy();
    throw new KitError(
      "download.server-range",
      `The server ignored the byte range asked for while downloading ${where} (it answered with the whole object, or without saying which bytes it sent), so the file cannot be fetched in pieces. ` +
        `Check that FLATFILES_ENDPOINT is an S3 endpoint and not a proxy or web server that drops Range; nothing wrong was saved.`,
    );
  }
  const total = m[3] === "*" ? null : Number(m[3]);
  if (total !== null && total !== job.size) {
    body.destroy();
    throw sizeContradiction(job, where, `says ${total} bytes in its answer to a GET`);
  }
  if (Number(m[1]) !== start || Number(m[2]) !== start + length - 1) {
    body.destroy();
    throw new KitError(
      "download.server-range",
      `The server sent bytes ${m[1]}-${m[2]} when ${start}-${start + length - 1} were asked for, while downloading ${where}; nothing wrong was saved. Check that FLATFILES_ENDPOINT is an S3 endpoint.`,
    );
  }
  return body;
}

/** The server's HEAD and GET disagree on the object's size: running again fails the same way. */
function sizeContradiction(job: Job, where: string, got: string): KitError {
  return new KitError(
    "download.server-size",
    `The server's HEAD says ${job.key} is ${job.size} bytes, but it ${got} (while downloading ${where}): the server contradicts itself, so running again would fail the same way. ` +
      "If the object was being replaced, wait and run again; otherwise the server (FLATFILES_ENDPOINT) is at fault.",
  );
}
