/**
 * Ordered concurrency: the one pattern the listings (fan-out, catalog) and the batch downloads
 * share, kept here rather than in any one of them so none imports another only to borrow it.
 */
import { wholeNumber } from "./validate";

/**
 * Run `work` over `inputs` with at most `limit` in flight, yielding results in input order.
 * Later results wait in memory for earlier ones, so memory is bounded by `limit` results.
 */
export async function* mapOrdered<I, O>(
  inputs: I[],
  limit: number,
  work: (input: I) => Promise<O>,
): AsyncGenerator<O> {
  wholeNumber("concurrency", limit, 1);
  const running: Promise<O>[] = [];
  let next = 0;
  const start = () => {
    const p = work(inputs[next++]);
    p.catch(() => {}); // reported when its turn comes; not an unhandled rejection meanwhile
    running.push(p);
  };
  while (next < inputs.length && running.length < limit) start();
  while (running.length) {
    const result = await running.shift()!;
    if (next < inputs.length) start();
    yield result;
  }
}
