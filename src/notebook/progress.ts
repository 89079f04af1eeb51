/**
 * Download progress: a bar updated in place in a notebook (tslab's updatable display), a
 * carriage-return bar in a terminal. Updates are throttled so fast chunks do not flood output.
 */
import type { Progress } from "../flatfiles/download";
import { formatBytes, formatRate } from "../util/bytes";
import { escapeHtml, tslab } from "./display";

/** An `onProgress` callback for downloads, shown where the code runs. */
export function progressReporter(label = "downloading", everyMs = 200): (p: Progress) => void {
  const t = tslab();
  const display = t ? t.newDisplay() : null;
  const start = performance.now();
  let last = 0;
  return (p: Progress) => {
    const now = performance.now();
    const done = p.bytes >= p.total;
    if (!done && now - last < everyMs) return;
    last = now;
    const pct = p.total ? Math.min(100, (100 * p.bytes) / p.total) : 100;
    const rate = p.bytes / Math.max(0.001, (now - start) / 1000);
    // The speed is for watching a download; the finished line is what a saved notebook keeps, so
    // it holds nothing that changes from run to run (a loopback sandbox reports GB/s anyway).
    const speed = done ? "done" : formatRate(rate);
    const text = `${label} ${p.key.split("/").pop()}: ${formatBytes(p.bytes)} / ${formatBytes(p.total)} (${pct.toFixed(0)}%), ${speed}`;
    if (display) {
      display.html(
        `<div><progress value="${pct.toFixed(1)}" max="100" style="width:40%"></progress> ${escapeHtml(text)}</div>`,
      );
    } else if (process.stderr.isTTY) {
      const width = 30;
      const filled = Math.round((pct / 100) * width);
      process.stderr.write(
        `\r[${"#".repeat(filled)}${".".repeat(width - filled)}] ${text}${done ? "\n" : ""}`,
      );
    } else if (done) {
      process.stderr.write(`${text}\n`);
    }
  };
}
