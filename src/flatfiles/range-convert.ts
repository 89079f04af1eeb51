/**
 * The conversion stage of a range: the downloaded days into the lake, several at once, each on a
 * worker thread of its own (so they use every core, and an abort reaches them: the thread ends,
 * the day is left for the next run, which resumes with the days not yet made).
 */
import * as os from "node:os";
import type { LakeOption } from "./load/s3/target";

/** A conversion's peak memory, measured on the generated 2.2 GB-of-CSV trades day (docs/benchmarks.md). */
export const CONVERSION_BYTES = 600e6;

/** One conversion per core, as many as free memory holds. */
export function conversionSlots(): number {
  const cores = typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, Math.min(cores, Math.floor(os.freemem() / CONVERSION_BYTES)));
}

export interface ConvertOptions {
  lake?: LakeOption;
  conversions: number;
  signal?: AbortSignal;
  onWarning: (message: string) => void;
}

/** Convert each day (oldest first, `conversions` at once); the days that failed come back with their errors. */
export async function convertDays<D extends { path: string; date: string; parquet?: string }>(
  days: D[],
  dataset: string,
  options: ConvertOptions,
): Promise<{ failed: { day: D; error: unknown }[]; aborted: boolean }> {
  const { ensureParquetAsync } = await import("./load");
  const { signal } = options;
  const queue = [...days].sort((a, b) => (a.date < b.date ? -1 : 1));
  const failed: { day: D; error: unknown }[] = [];
  let next = 0;
  const worker = async () => {
    while (next < queue.length && !signal?.aborted) {
      const day = queue[next++];
      try {
        day.parquet = await ensureParquetAsync(day.path, dataset, options.onWarning, {
          lake: options.lake,
          signal,
          // Several at once: each on its own thread, or they would share this one.
          worker: options.conversions > 1 ? true : undefined,
        });
      } catch (e) {
        if (signal?.aborted) return;
        failed.push({ day, error: e });
      }
    }
  };
  await Promise.allSettled(Array.from({ length: Math.min(options.conversions, queue.length) }, worker));
  return { failed, aborted: signal?.aborted === true };
}
