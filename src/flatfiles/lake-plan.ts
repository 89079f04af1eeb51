/**
 * What a range will cost before it is fetched: the disk it needs and the time it takes, from the
 * rates measured in `npm run bench -- lakemonth` and `bigday` (docs/benchmarks.md, docs/scale.md).
 * Estimates for planning a year, not promises: the line and the machine decide.
 */

/** A 1 Gbit/s line's useful rate: downloads over the internet are limited by it, not by the kit. */
export const LINE_BYTES_PER_S = 110e6;
/**
 * Gzipped bytes one conversion turns into Parquet per second on a quiet 2-core machine: 43 MB/s
 * for the generated 2.2 GB-of-CSV trades day (0.53 GB gzipped in 12.3 s, `bench -- lake`) and for
 * a month of 0.25 GB days one at a time (`bench -- lakemonth`), both 2026-12-08.
 */
export const CONVERT_GZ_BYTES_PER_S = 40e6;
/**
 * How much faster two conversions at once finish a month than one (`bench -- lakemonth`, 21 days
 * of 0.25 GB, quiet 2-core machine, 2026-12-08: 28.9 s against 35.3 s, at 1.0 GB of peak memory
 * against 0.75 GB). On a machine with no idle core it gains nothing (docs/benchmarks.md).
 */
export const TWO_AT_ONCE_SPEEDUP = 1.2;

export interface RangeCost {
  /** Bytes on disk: the downloads, plus the local lake (or, for an object-storage lake, the staging of the days converted at once). */
  diskBytes: number;
  downloadSeconds: number;
  /** 0 without conversions. */
  convertSeconds: number;
}

export function rangeCost(
  sizes: number[],
  options: { parquet?: boolean; objectStorage?: boolean; conversions?: number } = {},
): RangeCost {
  const total = sizes.reduce((a, b) => a + b, 0);
  const at = Math.max(1, options.conversions ?? 2);
  const largest = [...sizes].sort((a, b) => b - a).slice(0, at);
  // Parquet (zstd) is assumed no larger than the gzipped CSV (docs/scale.md, "How big a year is").
  const lake = !options.parquet ? 0 : options.objectStorage ? 2 * largest.reduce((a, b) => a + b, 0) : total;
  const speedup = at >= 2 ? TWO_AT_ONCE_SPEEDUP : 1;
  return {
    diskBytes: total + lake,
    downloadSeconds: total / LINE_BYTES_PER_S,
    convertSeconds: options.parquet ? total / CONVERT_GZ_BYTES_PER_S / speedup : 0,
  };
}

export function durationText(s: number): string {
  if (s < 90) return `${Math.round(s)} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}
