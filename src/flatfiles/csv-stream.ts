/**
 * A gzipped CSV read in batches of whole lines, in bounded memory, behind a synchronous
 * iterator: a worker thread reads, gunzips, cuts at line ends and checks every line's field
 * count, while the caller parses the previous batch (nodejs-polars parsing is synchronous, so
 * the two overlap on two cores). The caller blocks with Atomics.wait between batches; at most
 * `ahead` batches wait in memory, so a 20 GB day needs no more memory than a 200 MB one.
 *
 * The shape check is one function (`checkLines`), run by the worker for files and by the
 * caller for text already in memory: polars pads short rows and cuts long ones silently.
 */
import { Worker, receiveMessageOnPort, MessageChannel } from "node:worker_threads";

export interface ShapeState {
  /** Line number (1 = header) of the next line. */
  line: number;
  /** A blank line seen (tolerated only if nothing but blank lines follows). */
  blankAt: number;
}

export type ShapeProblem =
  | { kind: "fields"; line: number; fields: number; width: number; text: string }
  | { kind: "blank"; line: number };

/**
 * Check the lines of `buf` from `from` to `to` (whole lines: `to` is just past a newline, or
 * the end of the file): each must have `width` fields (commas outside double quotes, plus
 * one). Returns where the data lines end (blank lines at the end left out) and how many there
 * were, or the first problem. Self-contained, for it also runs inside the worker.
 */
export function checkLines(
  buf: Uint8Array,
  from: number,
  to: number,
  width: number,
  state: ShapeState,
): { end: number; lines: number; problem?: ShapeProblem } {
  let fields = 1;
  let quoted = false;
  let lineStart = from;
  let dataEnd = from;
  let lines = 0;
  const text = (a: number, b: number) => {
    let s = "";
    for (let i = a; i < Math.min(b, a + 200); i++) s += String.fromCharCode(buf[i]);
    return s.replace(/\r$/, "");
  };
  for (let i = from; i <= to; i++) {
    const atEnd = i === to;
    const b = atEnd ? 10 : buf[i];
    if (atEnd && lineStart === to) break; // nothing after the last newline
    if (b === 34) quoted = !quoted;
    else if (quoted && !atEnd) continue;
    else if (b === 44) fields++;
    else if (b === 10) {
      const blank = i === lineStart || (i === lineStart + 1 && buf[lineStart] === 13);
      if (blank) {
        if (!state.blankAt) state.blankAt = state.line;
      } else {
        if (state.blankAt) return { end: dataEnd, lines, problem: { kind: "blank", line: state.blankAt } };
        if (fields !== width) {
          return { end: dataEnd, lines, problem: { kind: "fields", line: state.line, fields, width, text: text(lineStart, i) } };
        }
        lines++;
        dataEnd = Math.min(i + 1, to);
      }
      state.line++;
      fields = 1;
      quoted = false;
      lineStart = i + 1;
    }
  }
  return { end: dataEnd, lines };
}

/** One batch of data lines (the header is not in any batch). */
export interface CsvBatch {
  bytes: Buffer;
  /** Line number of the batch's first line (the header is line 1). */
  firstLine: number;
  lines: number;
}

export class CsvStreamError extends Error {
  constructor(
    readonly problem: ShapeProblem | { kind: "gzip" | "io"; message: string },
  ) {
    super(problem.kind);
  }
}

/** The worker's side: plain JavaScript, given `checkLines` as source. */
function workerMain(): void {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { workerData } = require("node:worker_threads");
  const fs = require("node:fs");
  const zlib = require("node:zlib");
  const { file, batchBytes, ahead, counters, port } = workerData as {
    file: string;
    batchBytes: number;
    ahead: number;
    counters: Int32Array;
    port: import("node:worker_threads").MessagePort;
  };
  // counters[0]: messages posted; counters[1]: messages taken by the reader; counters[2]: 1 = stop.
  const post = (msg: unknown, transfer: ArrayBuffer[] = []) => {
    // Wait while the reader has `ahead` batches it has not taken yet.
    while (Atomics.load(counters, 0) - Atomics.load(counters, 1) >= ahead && !Atomics.load(counters, 2)) {
      Atomics.wait(counters, 1, Atomics.load(counters, 1), 1000);
    }
    port.postMessage(msg, transfer);
    Atomics.add(counters, 0, 1);
    Atomics.notify(counters, 0);
  };
  const state = { line: 2, blankAt: 0 };
  let width = 0;
  let header: Buffer | null = null;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const emit = (last: boolean) => {
    let all = pending.length === 1 ? pending[0] : Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    if (!header) {
      const nl = all.indexOf(10);
      if (nl < 0 && !last) {
        pending = [all];
        pendingBytes = all.length;
        return;
      }
      header = Buffer.from(all.subarray(0, nl < 0 ? all.length : nl));
      const start = header[0] === 0xef && header[1] === 0xbb && header[2] === 0xbf ? 3 : 0;
      width = 1;
      for (let i = start; i < header.length; i++) if (header[i] === 44) width++;
      post({ header });
      all = all.subarray(nl < 0 ? all.length : nl + 1);
    }
    // Whole lines, about `batchBytes` at a time; what follows the last newline waits for more.
    let at = 0;
    while (at < all.length) {
      let cut = all.length - at > batchBytes ? all.lastIndexOf(10, at + batchBytes - 1) + 1 : last ? all.length : all.lastIndexOf(10) + 1;
      if (cut <= at) {
        const nl = all.indexOf(10, at + batchBytes); // a line longer than a batch
        cut = nl >= 0 ? nl + 1 : last ? all.length : at;
      }
      if (cut <= at) break;
      const firstLine = state.line;
      const r = checkLines(all, at, cut, width, state);
      if (r.problem) {
        post({ problem: r.problem });
        return "stop";
      }
      if (r.lines) {
        // A copy of exactly the data lines, so the transfer hands over no more than that.
        const out = new Uint8Array(r.end - at);
        out.set(all.subarray(at, r.end));
        post({ batch: out, firstLine, lines: r.lines }, [out.buffer]);
      }
      at = cut;
      if (!last && all.length - at < batchBytes) break;
    }
    if (at < all.length) {
      pending = [all.subarray(at)];
      pendingBytes = all.length - at;
    }
  };
  const gunzip = zlib.createGunzip({ chunkSize: 1 << 20 });
  const input = fs.createReadStream(file, { highWaterMark: 1 << 20 });
  let stopped = false;
  const stop = (msg: unknown) => {
    if (stopped) return;
    stopped = true;
    input.destroy();
    gunzip.destroy();
    post(msg);
  };
  input.on("error", (e: Error) => stop({ problem: { kind: "io", message: e.message } }));
  gunzip.on("error", (e: Error) => stop({ problem: { kind: "gzip", message: e.message } }));
  gunzip.on("data", (chunk: Buffer) => {
    if (stopped || Atomics.load(counters, 2)) return stop({ done: true });
    pending.push(chunk);
    pendingBytes += chunk.length;
    if (pendingBytes >= batchBytes && emit(false) === "stop") stop({ done: true });
  });
  gunzip.on("end", () => {
    if (stopped) return;
    if (emit(true) !== "stop") {
      if (!header) post({ header: Buffer.alloc(0) });
      stop({ done: true });
    } else stop({ done: true });
  });
  input.pipe(gunzip);
}

export interface StreamOptions {
  /** Bytes of CSV per batch (default 32 MiB). */
  batchBytes?: number;
  /** Batches the worker may run ahead of the reader (default 2). */
  ahead?: number;
}

/**
 * The header line and the data batches of a gzipped CSV file, checked for shape. Throws
 * CsvStreamError for a damaged gzip stream or a line of the wrong shape. Stopping early (a
 * `break`, or an exception in the loop) stops the worker.
 */
export function* gzipCsvBatches(file: string, options: StreamOptions = {}): Generator<{ header: Buffer } | CsvBatch> {
  const counters = new Int32Array(new SharedArrayBuffer(16));
  const { port1, port2 } = new MessageChannel();
  // `__name`: a helper some TypeScript runners (esbuild's keepNames) insert into function bodies.
  const source = `var __name = (f) => f;\nconst checkLines = ${checkLines.toString()};\n(${workerMain.toString()})();`;
  const worker = new Worker(source, {
    eval: true,
    workerData: { file, batchBytes: options.batchBytes ?? 32 << 20, ahead: options.ahead ?? 2, counters, port: port2 },
    transferList: [port2],
    // The worker's code is plain JavaScript: it needs none of the parent's loaders (tsx).
    execArgv: [],
  });
  let failure: Error | null = null;
  worker.on("error", (e) => (failure = e));
  try {
    for (;;) {
      let msg = receiveMessageOnPort(port1);
      const since = Date.now();
      while (!msg) {
        if (failure) throw failure;
        // Batches take well under a second; a minute of silence means the worker is gone.
        if (Date.now() - since > 60_000) throw new CsvStreamError({ kind: "io", message: "the reading thread stopped answering" });
        const posted = Atomics.load(counters, 0);
        msg = receiveMessageOnPort(port1);
        if (!msg) {
          Atomics.wait(counters, 0, posted, 100);
          msg = receiveMessageOnPort(port1);
        }
      }
      Atomics.add(counters, 1, 1);
      Atomics.notify(counters, 1);
      const m = msg.message as {
        header?: Uint8Array;
        batch?: Uint8Array;
        firstLine?: number;
        lines?: number;
        problem?: CsvStreamError["problem"];
        done?: boolean;
      };
      if (m.problem) throw new CsvStreamError(m.problem);
      if (m.done) return;
      if (m.header) yield { header: Buffer.from(m.header.buffer, m.header.byteOffset, m.header.byteLength) };
      else if (m.batch) yield { bytes: Buffer.from(m.batch.buffer, m.batch.byteOffset, m.batch.byteLength), firstLine: m.firstLine!, lines: m.lines! };
    }
  } finally {
    Atomics.store(counters, 2, 1);
    Atomics.notify(counters, 1);
    port1.close();
    void worker.terminate();
  }
}
