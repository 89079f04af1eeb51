/**
 * Retrying what is worth retrying, judged and paced as the AWS SDK does it.
 *
 * The S3 client already retries a request that fails before its answer arrives. Some failures
 * come later, where the SDK cannot see them (a download's body cut off midway): those are
 * retried with this, using the SDK's own classification (`@smithy/core/retry`: network resets
 * and timeouts, 5xx, throttling) and its standard strategy (exponential backoff with full
 * jitter, a longer base for throttling, and a retry quota that stops a storm of retries).
 *
 * Never retried: a programming error (TypeError and the like: another attempt runs the same
 * code and hides the bug), an error no classification calls transient, and anything once the
 * caller's AbortSignal has fired. The wait between attempts ends as soon as the signal fires.
 */
import {
  StandardRetryStrategy,
  isServerError,
  isThrottlingError,
  isTransientError,
} from "@smithy/core/retry";
import { isBug } from "./errors";

/** How the SDK sorts failures; only the first two are retried. */
export type FailureKind = "TRANSIENT" | "THROTTLING" | "SERVER_ERROR" | "CLIENT_ERROR";

type Classified = Parameters<typeof isTransientError>[0];

/** The SDK's judgement of an error, except that a bug or an abort is never worth retrying. */
export function failureKind(error: unknown): FailureKind {
  if (typeof error !== "object" || error === null || isBug(error)) return "CLIENT_ERROR";
  const e = error as Classified;
  if (e.name === "AbortError") return "CLIENT_ERROR";
  if (isThrottlingError(e)) return "THROTTLING";
  if (isTransientError(e)) return "TRANSIENT";
  if (isServerError(e)) return "SERVER_ERROR";
  return "CLIENT_ERROR";
}

/**
 * The SDK's standard strategy allowing `maxAttempts` attempts (the first included). Share one
 * between the calls of one job (the pieces of one download) so its retry quota spans them.
 */
export function retryStrategy(maxAttempts: number): StandardRetryStrategy {
  return new StandardRetryStrategy(maxAttempts);
}

export interface RetryOptions {
  strategy: StandardRetryStrategy;
  /** Sorts a failure (default `failureKind`); a caller may know more, e.g. its own error codes. */
  classify?: (error: unknown) => FailureKind;
  /** Stops retrying: no attempt starts after it fires, and a wait between attempts ends at once. */
  signal?: AbortSignal;
}

/**
 * Run `work` until it succeeds, retrying transient and throttling failures as the strategy
 * allows. Throws the last failure when it is not retried (its kind, the attempts or the quota),
 * or the signal's reason when the signal fires during a wait.
 */
export async function retryTransient<T>(work: () => Promise<T>, options: RetryOptions): Promise<T> {
  const { strategy, classify = failureKind, signal } = options;
  let token = await strategy.acquireInitialRetryToken("flatfiles-kit");
  for (;;) {
    try {
      const result = await work();
      strategy.recordSuccess(token);
      return result;
    } catch (error) {
      const errorType = classify(error);
      if (signal?.aborted || (errorType !== "TRANSIENT" && errorType !== "THROTTLING")) throw error;
      try {
        // The strategy decides and waits (its backoff); the wait is cut short by the signal.
        token = await untilAborted(
          strategy.refreshRetryTokenForRetry(token, { errorType, error: error as never }),
          signal,
        );
      } catch (refused) {
        if (signal?.aborted) throw refused;
        throw error; // attempts or quota used up: the failure itself is the news
      }
    }
  }
}

/**
 * `promise`, or a rejection with the signal's reason as soon as it fires. (The strategy's own
 * timer cannot be cancelled; it runs out unobserved, within the backoff's cap.)
 */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  promise.catch(() => {}); // abandoned when the signal wins: not an unhandled rejection
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (e) => {
        signal.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
  });
}
