/**
 * A download's own network deadlines, whatever client it was given (a client built with
 * `new S3Client(...)` has no timeouts at all): the wait for an answer's first byte, per
 * request, here; the wait between two bytes of a body is in save-body.ts. Both end in
 * `download.timeout`, naming the wait that ran out and the option that allows longer.
 */
import { type TimeoutPhase, timeoutError } from "../../aws/timeouts";
import type { Job } from "./types";

/**
 * The error for a download's wait that ran out (`after` adds what happens next), naming the
 * function the caller called (`via`) as the place to allow longer.
 */
export function downloadTimeout(via: string, phase: TimeoutPhase, ms: number, what: string, after = "") {
  return timeoutError("download.timeout", phase, ms, what, `${via}(…, {})`, after);
}

/**
 * `send(signal)`, given a signal that also fires when no answer has come within the
 * first-byte timeout; that case rejects with `download.timeout`. `outer` (the caller's, or the
 * piece's) stops it as before.
 */
export async function firstByte<T>(
  job: Pick<Job, "timeouts" | "signal" | "via">,
  what: string,
  send: (signal: AbortSignal) => Promise<T>,
  outer: AbortSignal | undefined = job.signal,
): Promise<T> {
  const ms = job.timeouts.firstByteMs;
  const stop = new AbortController();
  let late = false;
  const onAbort = () => stop.abort(outer?.reason);
  if (outer?.aborted) onAbort();
  else outer?.addEventListener("abort", onAbort, { once: true });
  const timer = setTimeout(() => {
    late = true;
    stop.abort(new Error("first-byte timeout"));
  }, ms);
  try {
    return await send(stop.signal);
  } catch (e) {
    if (late && !outer?.aborted) throw downloadTimeout(job.via, "firstByteMs", ms, `While ${what}`);
    throw e;
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener("abort", onAbort);
  }
}
