/**
 * For teaching only (notebook 02): a loopback proxy in front of the sandbox that refuses a share
 * of requests with S3's `503 SlowDown`, so a reader can watch the SDK back off and retry. The
 * fault-injection proxy it is built on, with its other faults, is test tooling
 * (`flatfiles-kit/testing`).
 */
import { SLOW_DOWN, startProxy } from "../sandbox/proxy";
import type { LoopbackServer } from "../util/loopback";

/** A running teaching throttler: its `endpoint`, the `requests` it has answered, and `close()`. */
export type TeachingThrottler = LoopbackServer;

/**
 * Start a throttling proxy in front of `endpoint`: each request is answered 503 SlowDown with
 * probability `rate` (a fixed pseudo-random sequence from `seed`, so every run refuses the same
 * requests); the rest are forwarded untouched, signatures included.
 */
export function startTeachingThrottler(endpoint: string, rate: number, seed = 1): Promise<TeachingThrottler> {
  let x = seed >>> 0 || 1;
  const next = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
  return startProxy(endpoint, { respond: () => (next() < rate ? SLOW_DOWN : null) });
}

/** @deprecated The old name of {@link startTeachingThrottler} (notebook 02 still uses it). */
export const startThrottlingProxy = startTeachingThrottler;
