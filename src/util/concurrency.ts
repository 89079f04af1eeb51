/**
 * The one way the kit runs work concurrently: listings (fan-out, catalog), the files of a batch
 * or a range, and the pieces of one file. A batch owns what it starts: each task gets the
 * batch's signal, and when the batch fails (a task rejects), is aborted (the caller's signal),
 * or is left (a consumer stops iterating `mapOrdered`), no task starts any more, every task's
 * signal fires, and every started task is awaited before the call settles. Nothing the batch
 * started runs on after it (no request in flight, no file written late).
 */
import { setMaxListeners } from "node:events";
import { wholeNumber } from "./validate";

/** Started tasks and the signal that stops them. */
class Batch {
  readonly stop = new AbortController();
  private readonly running = new Set<Promise<unknown>>();
  private readonly onOuter: () => void;

  constructor(private readonly outer: AbortSignal | undefined) {
    // Every task listens on it several times (its requests, its deadlines, its body): many
    // listeners are expected, not a leak.
    setMaxListeners(1000, this.stop.signal);
    this.onOuter = () => this.stop.abort(outer?.reason);
    // A signal that fired before this point fires no event: stop at once, or nothing would.
    if (outer?.aborted) this.onOuter();
    else outer?.addEventListener("abort", this.onOuter, { once: true });
  }

  get stopped(): boolean {
    return this.stop.signal.aborted;
  }

  get size(): number {
    return this.running.size;
  }

  start<T>(task: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const p = Promise.resolve().then(() => task(this.stop.signal));
    this.running.add(p);
    const forget = () => this.running.delete(p);
    p.then(forget, forget);
    return p;
  }

  /** Stop everything started (with `reason`) and wait until all of it has ended. */
  async close(reason?: unknown): Promise<void> {
    if (reason !== undefined && !this.stopped) this.stop.abort(reason);
    this.outer?.removeEventListener("abort", this.onOuter);
    await Promise.allSettled([...this.running]);
  }
}

export interface RunOptions {
  /** The caller's signal: it stops the batch as a failure would. */
  signal?: AbortSignal;
}

/**
 * Run `work` over `inputs`, started in input order, at most `limit` at once (a number, or a
 * function asked at each start so a limit that grows is used at once). Resolves with the
 * results in input order once all are done. The first failure stops the batch: no new starts,
 * the running tasks' signal fires, and the failure is thrown once they have all ended. An
 * aborted `options.signal` does the same, throwing its reason.
 */
export async function runAll<I, O>(
  inputs: readonly I[],
  limit: number | (() => number),
  work: (input: I, signal: AbortSignal, index: number) => Promise<O>,
  options: RunOptions = {},
): Promise<O[]> {
  if (typeof limit === "number") wholeNumber("concurrency", limit, 1);
  const max = typeof limit === "number" ? () => limit : limit;
  const batch = new Batch(options.signal);
  const results: O[] = new Array(inputs.length);
  let failure: { error: unknown } | null = null;
  let next = 0;
  try {
    await new Promise<void>((resolve) => {
      const pump = () => {
        if (batch.stopped && !failure) failure = { error: batch.stop.signal.reason };
        while (!failure && next < inputs.length && batch.size < max()) {
          const i = next++;
          batch
            .start((signal) => work(inputs[i], signal, i))
            .then(
              (r) => {
                results[i] = r;
                pump();
              },
              (e) => {
                if (!failure) failure = { error: e };
                batch.stop.abort(e);
                pump();
              },
            );
        }
        if (!failure && batch.size === 0 && next < inputs.length)
          failure = { error: new Error("internal: the batch's limit let nothing start") };
        if (batch.size === 0 && (failure || next === inputs.length)) resolve();
      };
      batch.stop.signal.addEventListener("abort", () => pump(), { once: true });
      pump();
    });
  } finally {
    await batch.close(failure ? (failure as { error: unknown }).error : undefined);
  }
  if (failure) throw (failure as { error: unknown }).error;
  return results;
}

/**
 * Run `work` over `inputs` with at most `limit` in flight, yielding results in input order.
 * Later results wait in memory for earlier ones, so memory is bounded by `limit` results. A
 * failure, or a consumer that stops iterating, stops the batch: the tasks still running get
 * their signal and are awaited before the failure is thrown (or the loop is left).
 */
export async function* mapOrdered<I, O>(
  inputs: readonly I[],
  limit: number,
  work: (input: I, signal: AbortSignal) => Promise<O>,
  options: { signal?: AbortSignal } = {},
): AsyncGenerator<O> {
  wholeNumber("concurrency", limit, 1);
  const batch = new Batch(options.signal);
  const queue: Promise<O>[] = [];
  let next = 0;
  const start = () => {
    const input = inputs[next++];
    const p = batch.start((signal) => work(input, signal));
    p.catch(() => {}); // reported when its turn comes; not an unhandled rejection meanwhile
    queue.push(p);
  };
  let finished = false;
  try {
    while (next < inputs.length && queue.length < limit) start();
    while (queue.length) {
      if (batch.stopped) throw batch.stop.signal.reason;
      const result = await queue.shift()!;
      if (next < inputs.length && !batch.stopped) start();
      yield result;
    }
    finished = true;
  } finally {
    await batch.close(finished ? undefined : new Error("the batch was stopped"));
  }
}
