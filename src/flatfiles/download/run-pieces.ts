import { setMaxListeners } from "node:events";

/**
 * Run `work` over `todo` in order with at most `limit()` running, and at most `limit() + 2`
 * running or `held()` (done, waiting in memory). The limit is asked for at each start, so a
 * link that learns it can carry more (link.ts) is used at once. The first failure stops new starts, aborts the
 * running ones and is thrown once they have stopped.
 */
export async function runPieces(
  todo: number[],
  limit: () => number,
  held: () => number,
  outer: AbortSignal | undefined,
  work: (i: number, signal: AbortSignal) => Promise<void>,
): Promise<void> {
  const stop = new AbortController();
  // Every piece in flight listens on it several times (its slot, its deadline, the SDK, its body):
  // dozens of listeners are expected, not a leak.
  setMaxListeners(1000, stop.signal);
  const onAbort = () => stop.abort(outer?.reason);
  // A signal that fired before this point fires no event: stop at once, or nothing would.
  if (outer?.aborted) onAbort();
  else outer?.addEventListener("abort", onAbort, { once: true });
  let next = 0;
  let running = 0;
  let failure: unknown = null;
  try {
    await new Promise<void>((resolve) => {
      if (!todo.length) return resolve();
      let finished = 0;
      const pump = () => {
        while (!failure && next < todo.length && running < limit() && running + held() < limit() + 2) {
          const i = todo[next++];
          running++;
          work(i, stop.signal).then(
            () => {
              running--;
              finished++;
              if (failure ? running === 0 : finished === todo.length) resolve();
              else pump();
            },
            (e) => {
              running--;
              if (!failure) {
                failure = e;
                stop.abort(e);
              }
              if (running === 0) resolve();
            },
          );
        }
        if (!failure && running === 0 && next < todo.length) {
          failure = new Error("internal: the download window closed with nothing running");
          resolve();
        }
      };
      pump();
    });
  } finally {
    outer?.removeEventListener("abort", onAbort);
  }
  if (failure) throw failure;
}
