/** Bytes gathered before one write. */
import type * as fs from "node:fs";
import type { Readable } from "node:stream";
import { phaseOfSdkTimeout, timeoutError } from "../../aws/timeouts";
import { KitError } from "../../util/errors";

export const WRITE_BATCH = 1 << 20;

/**
 * The client's own idle timeout (smithy's socket timeout, `flatFilesClient`'s `idleMs`) cutting
 * a body off, as a `download.timeout` that names it; null for any other error.
 */
function clientIdle(e: unknown): KitError | null {
  if (phaseOfSdkTimeout(e) !== "idleMs") return null;
  const ms = Number(/after (\d+) ms/.exec((e as Error).message)?.[1] ?? 0);
  return timeoutError("download.timeout", "idleMs", ms, "While downloading", "flatFilesClient(config, {})");
}

/**
 * Write a response body to `handle` from `start`, at most `limit` bytes, calling `each` with
 * every chunk as it arrives (the hashing) and `saved` as bytes reach the file. Chunks go out in
 * batches of about 1 MiB, one writev each (one system call per MiB, not per 64 kB socket
 * read); the body is paused while two batches are being written. Resolves with the bytes
 * written, which is less than `limit` when the body ended early. Rejects when `signal` fires
 * (at once: the body is dropped; the SDK's Node handler ends it too, this does not rely on
 * that) and when a callback throws (the caller's error, as it is, instead of an exception
 * escaping from a stream event or a promise callback).
 */
export function saveBody(
  body: Readable,
  handle: fs.promises.FileHandle,
  start: number,
  limit: number,
  signal: AbortSignal,
  idle: { ms: number; error: () => Error },
  each: (chunk: Buffer) => void,
  saved: (bytes: number) => void,
  writeError: (e: unknown) => Error,
  where = "a file",
): Promise<number> {
  return new Promise((resolve, reject) => {
    let received = 0;
    let queued = 0; // bytes handed to writev
    let batch: Buffer[] = [];
    let batched = 0;
    let writing = 0;
    let ended = false;
    let failed = false;
    const onAbort = () => fail(signal.reason);
    // No byte for idle.ms while the body is flowing (not while it is paused for the disk): a stall.
    // One timer, re-armed in place for each chunk (`refresh`), not a new one per 64 kB: at a GiB
    // that was 16,000 timers for the garbage collector (bench/realsize.ts, download profile).
    let idleTimer: NodeJS.Timeout | undefined;
    let armed = false;
    const watch = () => {
      if (ended || failed || body.isPaused()) {
        clearTimeout(idleTimer);
        armed = false;
      } else if (armed) idleTimer!.refresh();
      else {
        idleTimer = setTimeout(() => fail(idle.error()), idle.ms);
        armed = true;
      }
    };
    const fail = (e: unknown) => {
      if (failed) return;
      failed = true;
      clearTimeout(idleTimer);
      signal.removeEventListener("abort", onAbort);
      body.destroy();
      reject(e);
    };
    const settle = () => {
      if (ended && writing === 0 && !failed) {
        clearTimeout(idleTimer);
        signal.removeEventListener("abort", onAbort);
        resolve(queued);
      }
    };
    const flush = () => {
      if (!batched) return;
      const bufs = batch;
      const n = batched;
      const at = start + queued;
      batch = [];
      batched = 0;
      queued += n;
      writing++;
      if (writing >= 2) {
        body.pause();
        clearTimeout(idleTimer);
        armed = false;
      }
      handle.writev(bufs, at).then(
        () => {
          writing--;
          if (failed) return;
          try {
            saved(n);
          } catch (e) {
            return fail(e);
          }
          if (!ended && body.isPaused()) {
            body.resume();
            watch();
          }
          settle();
        },
        (e) => fail(writeError(e)),
      );
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    body.on("data", (chunk: Buffer) => {
      if (failed) return;
      watch();
      received += chunk.length;
      if (received > limit)
        return fail(
          new KitError(
            "download.server-long",
            `The server sent more than the ${limit} bytes asked for while downloading ${where} (a body that does not end, or a server that ignores Range); nothing past them was saved. ` +
              "Check that FLATFILES_ENDPOINT is an S3 endpoint and not a proxy or web server in front of one.",
          ),
        );
      try {
        each(chunk);
      } catch (e) {
        return fail(e);
      }
      batch.push(chunk);
      batched += chunk.length;
      if (batched >= WRITE_BATCH) flush();
    });
    body.on("end", () => {
      ended = true;
      clearTimeout(idleTimer);
      flush();
      settle();
    });
    body.on("error", (e) => fail(clientIdle(e) ?? e));
    watch();
    body.on("close", () => {
      // Closed without "end": the connection broke; what arrived is written, the caller retries.
      if (!ended && !failed) {
        ended = true;
        flush();
        settle();
      }
    });
  });
}
