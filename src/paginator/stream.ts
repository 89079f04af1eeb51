/**
 * An async sequence that also works in a tslab cell, where a top-level `for await` is a syntax
 * error: `await stream.forEach(fn)` and `await stream.toArray()` do the looping.
 */
export class AsyncStream<T> implements AsyncIterable<T> {
  constructor(private readonly source: () => AsyncIterator<T>) {}

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return this.source();
  }

  /** Call `fn` for each value in order; an async `fn` is awaited before the next value. */
  async forEach(fn: (value: T, index: number) => unknown): Promise<void> {
    let i = 0;
    for await (const v of this) await fn(v, i++);
  }

  /** Every value, or the first `limit` (and then no further requests are made). */
  async toArray(limit = Infinity): Promise<T[]> {
    const out: T[] = [];
    if (limit <= 0) return out;
    for await (const v of this) {
      out.push(v);
      if (out.length >= limit) break;
    }
    return out;
  }
}
