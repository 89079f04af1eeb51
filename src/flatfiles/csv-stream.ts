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
import { MessageChannel, Worker, receiveMessageOnPort } from "node:worker_threads";
import { wholeNumber } from "../util/validate";

export interface ShapeState {
  /** Line number (1 = header) of the next line. */
  line: number;
  /** A blank line seen (tolerated only if nothing but blank lines follows). */
  blankAt: number;
}

export type ShapeProblem =
  | { kind: "fields"; line: number; fields: number; width: number; text: string }
  | { kind: "blank"; line: number }
  | { kind: "long"; line: number; bytes: number };

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
  // One line ended at `i` (a newline, or the end of the data): check it. Returns a problem or null.
  const endLine = (i: number): ShapeProblem | null => {
    const blank = i === lineStart || (i === lineStart + 1 && buf[lineStart] === 13);
    if (blank) {
      if (!state.blankAt) state.blankAt = state.line;
    } else {
      if (state.blankAt) return { kind: "blank", line: state.blankAt };
      if (fields !== width)
        return { kind: "fields", line: state.line, fields, width, text: text(lineStart, i) };
      lines++;
      dataEnd = i < to ? i + 1 : to;
    }
    state.line++;
    fields = 1;
    quoted = false;
    lineStart = i + 1;
    return null;
  };
  for (let i = from; i < to; i++) {
    const b = buf[i];
    // Digits, letters, '.', '-' are all above ','; only newline, CR, quote and comma (and rarer
    // bytes) need a look. This keeps the loop near a nanosecond a byte.
    if (b > 44) continue;
    if (b === 44) {
      if (!quoted) fields++;
    } else if (b === 34) quoted = !quoted;
    else if (b === 10 && !quoted) {
      const problem = endLine(i);
      if (problem) return { end: dataEnd, lines, problem };
    }
  }
  if (lineStart < to) {
    const problem = endLine(to); // a last line without a newline
    if (problem) return { end: dataEnd, lines, problem };
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
  constructor(readonly problem: ShapeProblem | { kind: "gzip" | "io"; message: string }) {
    super(problem.kind);
  }
}

/**
 * The worker's side: plain JavaScript, given `checkLines` as source. Batches are written into
 * `slots` fixed buffers of one SharedArrayBuffer, allocated once: fresh 32 MiB allocations per
 * batch cost more in page faults than the gunzip itself (measured: 3 ns a byte on this VM).
 */
function workerMain(): void {
  // This function's text runs as its own worker script (see below), so it loads its modules with
  // require inside the body: a top-level import would not be in the worker's text.
  const { workerData } = require("node:worker_threads");
  const fs = require("node:fs");
  const zlib = require("node:zlib");
  const { file, batchBytes, slots, slotBytes, shared, counters, port, headerLimit } = workerData as {
    file: string;
    headerLimit: number;
    batchBytes: number;
    slots: number;
    slotBytes: number;
    shared: SharedArrayBuffer;
    counters: Int32Array;
    port: import("node:worker_threads").MessagePort;
  };
  // counters[0]: messages posted; counters[1]: batches the reader is done with; counters[2]: 1 = stop.
  let posted = 0;
  let batches = 0;
  const post = (msg: unknown) => {
    port.postMessage(msg);
    posted++;
    Atomics.store(counters, 0, posted);
    Atomics.notify(counters, 0);
  };
  /** Wait until slot `n % slots` is free again (its previous batch released by the reader). */
  const claim = (n: number) => {
    while (n - Atomics.load(counters, 1) >= slots && !Atomics.load(counters, 2)) {
      Atomics.wait(counters, 1, Atomics.load(counters, 1), 1000);
    }
    return new Uint8Array(shared, (n % slots) * slotBytes, slotBytes);
  };
  const state = { line: 2, blankAt: 0 };
  let width = 0;
  let header: Buffer | null = null;
  let headerParts: Buffer[] = [];
  let slot = claim(0);
  let filled = 0;
  /** Send what the slot holds up to its last newline (all of it at the end); keep the rest for the next slot. */
  const send = (last: boolean) => {
    const cut = last ? filled : slot.lastIndexOf(10, filled - 1) + 1;
    if (cut <= 0 && !last) {
      if (filled >= slotBytes - (1 << 20)) {
        post({ problem: { kind: "long", line: state.line, bytes: slotBytes - (1 << 20) } });
        return "stop";
      }
      return; // keep filling
    }
    const firstLine = state.line;
    const r = checkLines(slot, 0, cut, width, state);
    if (r.problem) {
      post({ problem: r.problem });
      return "stop";
    }
    const rest = filled - cut;
    const n = batches;
    if (r.lines) {
      post({ slot: n % slots, length: r.end, firstLine, lines: r.lines });
      batches++;
    }
    if (last) return;
    const next = r.lines ? claim(batches) : slot;
    if (next !== slot) next.set(slot.subarray(cut, filled), 0);
    else slot.copyWithin(0, cut, filled);
    slot = next;
    filled = rest;
  };
  let headerBytes = 0;
  const take = (chunk: Buffer) => {
    if (!header) {
      // Only the new chunk is searched (no quadratic re-reading), and the header is bounded: past
      // `headerLimit` bytes without a newline, its start goes to the reader, which refuses it.
      const nl = chunk.indexOf(10);
      headerParts.push(nl < 0 ? chunk : chunk.subarray(0, nl));
      headerBytes += nl < 0 ? chunk.length : nl;
      if (headerBytes > headerLimit + 3) {
        post({ header: Buffer.concat(headerParts).subarray(0, headerLimit + 4) }); // + a byte-order mark
        return "stop";
      }
      if (nl < 0) return;
      header = Buffer.concat(headerParts);
      const start = header[0] === 0xef && header[1] === 0xbb && header[2] === 0xbf ? 3 : 0;
      width = 1;
      for (let i = start; i < header.length; i++) if (header[i] === 44) width++;
      post({ header });
      headerParts = [];
      chunk = chunk.subarray(nl + 1);
    }
    for (let at = 0; at < chunk.length; ) {
      // Up to the batch size; past it only while a line longer than a batch is still open.
      const n = Math.min(chunk.length - at, filled < batchBytes ? batchBytes - filled : slotBytes - filled);
      slot.set(chunk.subarray(at, at + n), filled);
      filled += n;
      at += n;
      if (filled >= batchBytes && send(false) === "stop") return "stop";
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
  // Anything unexpected is reported as a message: the reader is blocked and cannot see events.
  process.on("uncaughtException", (e: Error) => stop({ problem: { kind: "io", message: String(e?.stack) } }));
  input.on("error", (e: Error) => stop({ problem: { kind: "io", message: e.message } }));
  gunzip.on("error", (e: Error) => stop({ problem: { kind: "gzip", message: e.message } }));
  gunzip.on("data", (chunk: Buffer) => {
    if (stopped) return;
    if (Atomics.load(counters, 2) || take(chunk) === "stop") stop({ done: true });
  });
  gunzip.on("end", () => {
    if (stopped) return;
    if (!header) {
      // A file without a newline: its only line is the header.
      post({ header: Buffer.concat(headerParts) });
      return stop({ done: true });
    }
    send(true);
    stop({ done: true });
  });
  input.pipe(gunzip);
}

export interface StreamOptions {
  /** Bytes of CSV per batch (default 32 MiB). */
  batchBytes?: number;
  /** Batches the worker may have ready ahead of the one being read (default 2). */
  ahead?: number;
  /** Bytes of header line past which only its start is handed over (default 64 KiB): the reader refuses it. */
  headerLimit?: number;
}

/**
 * The header line and the data batches of a gzipped CSV file, checked for shape. Throws
 * CsvStreamError for a damaged gzip stream or a line of the wrong shape. Stopping early (a
 * `break`, or an exception in the loop) stops the worker. A batch's bytes live in a buffer
 * that is reused: they are valid until the next batch is asked for (copy them to keep them).
 */
export function* gzipCsvBatches(
  file: string,
  options: StreamOptions = {},
): Generator<{ header: Buffer } | CsvBatch> {
  const batchBytes = wholeNumber("batchBytes", options.batchBytes ?? 32 << 20, 1024, 1 << 30);
  const slots = wholeNumber("ahead", options.ahead ?? 2, 1, 8) + 1;
  // Room for a batch, the gunzip chunk that crossed the batch size, and the line cut at its end.
  const slotBytes = batchBytes + (2 << 20);
  const shared = new SharedArrayBuffer(slots * slotBytes);
  const counters = new Int32Array(new SharedArrayBuffer(16));
  const { port1, port2 } = new MessageChannel();
  // `__name`: a helper some TypeScript runners (esbuild's keepNames) insert into function bodies.
  const source = `var __name = (f) => f;\nconst checkLines = ${checkLines.toString()};\n(${workerMain.toString()})();`;
  const worker = new Worker(source, {
    eval: true,
    workerData: {
      file,
      batchBytes,
      slots,
      slotBytes,
      shared,
      counters,
      port: port2,
      headerLimit: options.headerLimit ?? 64 << 10,
    },
    transferList: [port2],
    // The worker's code is plain JavaScript: it needs none of the parent's loaders (tsx).
    execArgv: [],
  });
  let released = 0;
  let holding = false;
  try {
    for (;;) {
      // The previous batch is done with once the next one is asked for: its slot may be refilled.
      if (holding) {
        holding = false;
        Atomics.store(counters, 1, ++released);
        Atomics.notify(counters, 1);
      }
      let msg = receiveMessageOnPort(port1);
      const since = Date.now();
      while (!msg) {
        // Batches take well under a second; a minute of silence means the worker is gone.
        if (Date.now() - since > 60_000)
          throw new CsvStreamError({ kind: "io", message: "the reading thread stopped answering" });
        const posted = Atomics.load(counters, 0);
        msg = receiveMessageOnPort(port1);
        if (!msg) {
          Atomics.wait(counters, 0, posted, 100);
          msg = receiveMessageOnPort(port1);
        }
      }
      const m = msg.message as {
        header?: Uint8Array;
        slot?: number;
        length?: number;
        firstLine?: number;
        lines?: number;
        problem?: CsvStreamError["problem"];
        done?: boolean;
      };
      if (m.problem) throw new CsvStreamError(m.problem);
      if (m.done) return;
      if (m.header) yield { header: Buffer.from(m.header.buffer, m.header.byteOffset, m.header.byteLength) };
      else if (m.slot !== undefined) {
        holding = true;
        yield {
          bytes: Buffer.from(shared, m.slot * slotBytes, m.length!),
          firstLine: m.firstLine!,
          lines: m.lines!,
        };
      }
    }
  } finally {
    Atomics.store(counters, 2, 1);
    Atomics.notify(counters, 1);
    port1.close();
    void worker.terminate();
  }
}
