/**
 * Network timeouts: every phase of a request has one by default, so a server that never answers
 * or stalls midway ends in an error that says which wait ran out and how to allow longer,
 * instead of a call that hangs until the caller gives up.
 *
 * - connect: no connection to the server;
 * - first byte: connected, request sent, no answer (headers) yet;
 * - idle: an answer's body stopped arriving (no byte for that long).
 */
import { KitError } from "../util/errors";
import { wholeNumber } from "../util/validate";

export interface Timeouts {
  /** Milliseconds to wait for a connection (default 10 s). */
  connectMs?: number;
  /** Milliseconds from sending a request to the first byte of its answer (default 30 s). */
  firstByteMs?: number;
  /** Milliseconds an answer's body may go without a byte (default 30 s). */
  idleMs?: number;
}

export type TimeoutPhase = keyof Timeouts;

export const TIMEOUT_PHASES: readonly TimeoutPhase[] = ["connectMs", "firstByteMs", "idleMs"];

export const DEFAULT_TIMEOUTS: Readonly<Required<Timeouts>> = Object.freeze({
  connectMs: 10_000,
  firstByteMs: 30_000,
  idleMs: 30_000,
});

/** The timeouts with defaults filled in, each checked (1 ms to 1 hour). */
export function timeoutsOf(given: Timeouts | undefined): Required<Timeouts> {
  const out = { ...DEFAULT_TIMEOUTS };
  for (const phase of TIMEOUT_PHASES) {
    const v = given?.[phase];
    if (v !== undefined) out[phase] = wholeNumber(`timeouts.${phase}`, v, 1, 3_600_000);
  }
  return out;
}

const WHAT: Record<TimeoutPhase, (s: string) => string> = {
  connectMs: (s) => `no connection within ${s} (the connect timeout)`,
  firstByteMs: (s) => `no first byte of an answer within ${s} (the first-byte timeout)`,
  idleMs: (s) => `no bytes for ${s} in the middle of an answer (the idle timeout)`,
};

const seconds = (ms: number) => (ms >= 1000 ? `${+(ms / 1000).toFixed(1)} s` : `${ms} ms`);

/**
 * The error for a timeout that fired: what was being done, which wait ran out, and the option
 * that raises it (`raise` names where it is set, e.g. `downloadFile(…, { timeouts: … })`).
 */
export function timeoutError(
  code: string,
  phase: TimeoutPhase,
  ms: number,
  what: string,
  raise: string,
  after = "",
): KitError {
  const more = Math.max(ms * 4, 60_000);
  return new KitError(
    code,
    `${what}: ${WHAT[phase](seconds(ms))}${after}. On a slow or far link allow longer: ${raise.replace("{}", `{ timeouts: { ${phase}: ${more} } }`)}.`,
  );
}

/**
 * Which of the client's timeouts a smithy `TimeoutError` reports, read from its message (the
 * handler's wording: "did not establish a connection", "requestTimeout", "of inactivity").
 */
export function phaseOfSdkTimeout(e: unknown): TimeoutPhase | null {
  if (!(e instanceof Error) || e.name !== "TimeoutError") return null;
  if (/did not establish a connection/.test(e.message)) return "connectMs";
  if (/requestTimeout/.test(e.message)) return "firstByteMs";
  if (/of inactivity/.test(e.message)) return "idleMs";
  return null;
}
