/**
 * The kit's one way to show a number of bytes to a person: decimal units (1 kB = 1,000 bytes,
 * 1 MB = 10^6, 1 GB = 10^9), as S3 consoles and disk makers count. The CLI, the notebook
 * progress bars and every message use it, so a file has the same size wherever it is shown
 * (`test/unit/byte-units.test.ts` fails on a formatter of its own elsewhere in src/).
 */

/** 512 B, 3.4 kB, 31.4 MB, 2.15 GB, 1.20 TB. */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return `${n} B`;
  const a = Math.abs(n);
  if (a < 1e3) return `${n} B`;
  // Rounding may carry into the next unit (999,999 bytes is 1.0 MB, not 1000.0 kB).
  if (Number((a / 1e3).toFixed(1)) < 1e3) return `${(n / 1e3).toFixed(1)} kB`;
  if (Number((a / 1e6).toFixed(1)) < 1e3) return `${(n / 1e6).toFixed(1)} MB`;
  if (Number((a / 1e9).toFixed(2)) < 1e3) return `${(n / 1e9).toFixed(2)} GB`;
  return `${(n / 1e12).toFixed(2)} TB`;
}

/** A transfer rate in the same units: 12.3 MB/s. */
export function formatRate(bytesPerSecond: number): string {
  return `${formatBytes(Math.round(bytesPerSecond))}/s`;
}
