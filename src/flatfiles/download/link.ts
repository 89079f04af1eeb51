/**
 * How many ranged GETs a link carries at once, learnt while downloading, and shared by every
 * download to the same endpoint in this process (the pieces of one file, and the files a range
 * download fetches side by side).
 *
 * A far server's single connections are slow (latency, per-connection limits), so a fixed few
 * cannot fill the link; too many only add queueing, memory and, on a congested link, errors. So
 * the limit climbs while more connections add throughput and steps back when they stop adding
 * (a hill climb on the bytes per second that arrive), and drops by a third when a request fails
 * in a way that says "too much" (a reset, a timeout, throttling). It starts at 8: enough to fill
 * a typical link from the first second, and what a fixed 4 could not.
 *
 * Slots are taken only for GETs of pieces (HEADs are small and not limited here). A download
 * given an explicit `concurrency` gets a fixed limit of its own instead, as before.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { clientEndpoint } from "../../aws/explain";

const START = 8;
const MIN = 2;
const MAX = 48;
/** Throughput is judged over windows this long (several piece-times on a far link). */
const WINDOW_MS = 600;
/** More connections must add at least this share of throughput to count as a gain. */
const GAIN = 1.08;
/** After settling, try one step more after this long (the link may have changed). */
const HOLD_MS = 4_000;

export interface Slots {
  /** Wait for a slot (or reject with the signal's reason); resolves with its release. */
  acquire(signal: AbortSignal): Promise<() => void>;
  /** Bytes that arrived. */
  arrived(bytes: number): void;
  /** A request failed in a way that is retried (reset, timeout, throttling). */
  congested(): void;
  /** GETs allowed in flight now. */
  readonly limit: number;
}

export class AdaptiveLink implements Slots {
  limit: number;
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private windowStart = performance.now();
  private windowBytes = 0;
  /** Whether every slot was busy with someone waiting during this window (else more slots tell nothing). */
  private saturated = false;
  private best = { rate: 0, limit: START };
  private growing = true;
  private holdUntil = 0;
  /** Limits chosen over time, for the benchmark's notes and for tests. */
  readonly history: number[] = [];

  constructor(start = START) {
    this.limit = start;
    this.best.limit = start;
    this.history.push(start);
  }

  acquire(signal: AbortSignal): Promise<() => void> {
    return new Promise((resolve, reject) => {
      const grant = () => {
        signal.removeEventListener("abort", onAbort);
        this.active++;
        let released = false;
        resolve(() => {
          if (released) return;
          released = true;
          this.active--;
          this.pump();
        });
      };
      const onAbort = () => {
        const at = this.waiting.indexOf(grant);
        if (at >= 0) this.waiting.splice(at, 1);
        reject(signal.reason);
      };
      if (signal.aborted) return reject(signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
      this.waiting.push(grant);
      this.pump();
    });
  }

  private pump(): void {
    while (this.active < this.limit && this.waiting.length) this.waiting.shift()!();
    if (this.waiting.length) this.saturated = true;
  }

  arrived(bytes: number): void {
    this.windowBytes += bytes;
    const now = performance.now();
    const elapsed = now - this.windowStart;
    if (elapsed < WINDOW_MS) return;
    const rate = this.windowBytes / elapsed;
    const saturated = this.saturated;
    this.windowStart = now;
    this.windowBytes = 0;
    this.saturated = this.waiting.length > 0;
    if (saturated) this.judge(rate, now);
  }

  /** One step of the hill climb, on a window in which demand exceeded the limit. */
  private judge(rate: number, now: number): void {
    if (this.growing) {
      if (rate > this.best.rate * GAIN) {
        this.best = { rate, limit: this.limit };
        this.set(Math.min(MAX, Math.ceil(this.limit * 1.5)));
      } else {
        // The last step added nothing: go back to the best limit and stay there a while.
        this.set(this.best.limit);
        this.growing = false;
        this.holdUntil = now + HOLD_MS;
      }
    } else if (now >= this.holdUntil) {
      this.best = { rate, limit: this.limit };
      this.growing = true;
      this.set(Math.min(MAX, this.limit + 2));
    } else {
      this.best.rate = Math.max(this.best.rate * 0.98, rate);
    }
  }

  congested(): void {
    const lower = Math.max(MIN, Math.floor((this.limit * 2) / 3));
    this.best = { rate: 0, limit: lower };
    this.growing = false;
    this.holdUntil = performance.now() + HOLD_MS;
    this.set(lower);
  }

  private set(limit: number): void {
    if (limit === this.limit) return;
    this.limit = limit;
    this.history.push(limit);
    this.pump();
  }
}

/** A fixed number of slots (a download given an explicit `concurrency`). */
export class FixedSlots implements Slots {
  private readonly inner: AdaptiveLink;
  constructor(readonly limit: number) {
    this.inner = new AdaptiveLink(limit);
  }
  acquire(signal: AbortSignal) {
    return this.inner.acquire(signal);
  }
  arrived(): void {}
  congested(): void {}
}

const links = new Map<string, AdaptiveLink>();

/** The shared link to the client's endpoint (one per endpoint in this process). */
export async function linkFor(client: S3Client): Promise<AdaptiveLink> {
  const endpoint = (await clientEndpoint(client)) ?? "aws";
  let link = links.get(endpoint);
  if (!link) {
    link = new AdaptiveLink();
    links.set(endpoint, link);
  }
  return link;
}
