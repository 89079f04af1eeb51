/**
 * How much memory iterating pages holds, measured the honest way: a full garbage collection
 * before each reading, so only live data counts. A full collection in a notebook kernel costs
 * a few hundred milliseconds (the TypeScript compiler lives in the same heap), so readings are
 * taken every few pages, not after each one.
 */
import * as v8 from "node:v8";
import * as vm from "node:vm";

let collect: (() => void) | undefined;

function fullGc(): void {
  if (!collect) {
    v8.setFlagsFromString("--expose-gc");
    collect = vm.runInNewContext("gc") as () => void;
  }
  collect();
}

export interface HeldReading {
  /** Pages iterated when the reading was taken. */
  pages: number;
  /** Heap still in use, above where it was before the first page, in MiB (never below 0). */
  mbHeld: number;
}

/**
 * Iterate `pages`, keeping each page (`keep: true`) or letting it go, and read the heap held
 * every `every` pages and at the end.
 */
export async function memoryHeldWhilePaging(
  pages: AsyncIterable<unknown>,
  options: { keep?: boolean; every?: number } = {},
): Promise<HeldReading[]> {
  const every = options.every ?? 15;
  const kept: unknown[] = [];
  const readings: HeldReading[] = [];
  fullGc();
  const start = process.memoryUsage().heapUsed;
  // The heap can end below where it started (the collection freed older garbage): nothing held.
  const read = (n: number) => {
    fullGc();
    readings.push({
      pages: n,
      mbHeld: Math.max(0, Math.round((process.memoryUsage().heapUsed - start) / 2 ** 20)),
    });
  };
  let n = 0;
  for await (const page of pages) {
    if (options.keep) kept.push(page);
    if (++n % every === 0) read(n);
  }
  if (n % every !== 0 || n === 0) read(n);
  kept.length = 0;
  return readings;
}
