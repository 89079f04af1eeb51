/**
 * Progress on stderr: one line redrawn in place on a terminal, nothing but the outcome in a log.
 * A day found in the cache says "cached" (it was checked against the bucket, not fetched again).
 */
import type { Downloaded, Progress } from "../flatfiles/download";
import type { RangeProgress } from "../flatfiles/range";
import { formatRate } from "../util/bytes";
import { sizeText, safe } from "./output";
import type { Io } from "./session";

const EVERY_MS = 200;

function clock(seconds: number): string {
  const s = Math.round(seconds);
  const [h, m] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60)];
  const ss = String(s % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

function rate(bytesPerSecond: number): string {
  return formatRate(bytesPerSecond);
}

/** A live line that is redrawn, throttled; `done()` clears it before the outcome is printed. */
function liveLine(io: Io) {
  let last = 0;
  let shown = false;
  return {
    draw(text: string, force = false) {
      if (!io.live) return;
      const now = performance.now();
      if (!force && now - last < EVERY_MS) return;
      last = now;
      shown = true;
      io.err(`\r\u001b[K${text}`);
    },
    done() {
      if (shown) io.err("\r\u001b[K");
      shown = false;
    },
  };
}

export interface FileProgress {
  onProgress(p: Progress): void;
  /** The outcome line: "cached …" or "downloaded …". */
  finish(file: Downloaded): void;
  stop(): void;
}

/** One file: a live line while bytes arrive, then what happened to it. */
export function fileProgress(io: Io): FileProgress {
  const line = liveLine(io);
  const start = performance.now();
  return {
    onProgress(p) {
      // A cached copy reports itself complete at once: no bar for it.
      if (p.bytes >= p.total) return;
      const s = (performance.now() - start) / 1000;
      const pct = p.total ? (100 * p.bytes) / p.total : 100;
      line.draw(
        `get ${safe(p.key.split("/").pop() ?? p.key)}: ${sizeText(p.bytes)} / ${sizeText(p.total)} (${pct.toFixed(0)}%), ${rate(p.bytes / Math.max(s, 0.001))}`,
      );
    },
    finish(file) {
      line.done();
      const s = (performance.now() - start) / 1000;
      io.err(
        file.cached
          ? `cached ${safe(file.key)} (${sizeText(file.size)}${file.offline ? ", offline: not checked against the bucket" : ""})\n`
          : `downloaded ${safe(file.key)}: ${sizeText(file.fetched)} in ${s.toFixed(1)} s${file.verified ? `, verified (${file.verified})` : ""}\n`,
      );
    },
    stop: () => line.done(),
  };
}

/** A range: files done, bytes, rate and time left, on one line. */
export function rangeProgress(io: Io) {
  const line = liveLine(io);
  return {
    onProgress(p: RangeProgress) {
      const left = p.secondsLeft === null ? "" : `, ${clock(p.secondsLeft)} left`;
      const failed = p.filesFailed ? `, ${p.filesFailed} failed` : "";
      line.draw(
        `get: ${p.filesDone}/${p.filesTotal} files${failed}, ${sizeText(p.bytes)} / ${sizeText(p.totalBytes)}, ${rate(p.rate)}${left}`,
        p.filesDone + p.filesFailed === p.filesTotal,
      );
    },
    stop: () => line.done(),
  };
}
