/**
 * The hashing that checks a download, off the thread that moves its bytes. Pieces are written to
 * `<file>.part` as they arrive, in any order; each segment of the check (the whole object, or
 * one upload part: etag.ts) is hashed in byte order from the file, a piece as soon as it and the
 * pieces before it in its segment are on disk. The reads come from the page cache the writes
 * just filled, so hashing costs a memory copy and the MD5 itself, and for a large file it runs on
 * a worker thread while the main thread keeps reading sockets and writing: the two overlap on
 * two cores instead of adding up on one (the MD5 of a GiB is about 1.5 s of CPU).
 *
 * Hashing the bytes on disk, not the bytes received, also checks what was written, and a piece
 * retried after a broken body needs no undoing: only finished pieces are ever hashed.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import { Worker } from "node:worker_threads";
import { type Check, combinedEtag } from "../etag";
import type { Piece } from "./types";

/** Files at least this large are hashed on the worker thread; smaller ones inline (a thread's start costs more). */
export const WORKER_FROM = 32 << 20;

/** One segment's hash, fed stretches of an open file in order. */
interface HashStream {
  /** Hash `length` bytes from `start`; with `final`, resolve with the digest. */
  update(fd: number, start: number, length: number, final: boolean): Promise<Buffer | null>;
  /** Forget it (an abandoned download). */
  drop(): void;
}

/** Read buffer for hashing: 1 MiB, so a read is one page-cache copy of a size the CPU caches like. */
const READ = 1 << 20;

/** The worker's code, evaluated as CommonJS so it runs the same from the sources and from dist. */
const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const { createHash } = require("node:crypto");
const fs = require("node:fs");
const hashes = new Map();
const buf = Buffer.allocUnsafe(${READ});
parentPort.on("message", (m) => {
  if (m.drop) return void hashes.delete(m.id);
  try {
    let h = hashes.get(m.id);
    if (!h) hashes.set(m.id, (h = createHash("md5")));
    for (let at = m.start, end = m.start + m.length; at < end; ) {
      const n = fs.readSync(m.fd, buf, 0, Math.min(buf.length, end - at), at);
      if (n <= 0) break; // a short file: the final size check reports it
      h.update(buf.subarray(0, n));
      at += n;
    }
    let digest = null;
    if (m.final) {
      digest = h.digest();
      hashes.delete(m.id);
    }
    parentPort.postMessage({ seq: m.seq, digest });
  } catch (e) {
    hashes.delete(m.id);
    parentPort.postMessage({ seq: m.seq, error: String((e && e.message) || e), code: e && e.code });
  }
});
`;

type Pending = { resolve: (d: Buffer | null) => void; reject: (e: Error) => void };

/** The process's one hashing thread (two cores: one moves bytes, one hashes), started on first use. */
class HashThread {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private seq = 0;
  private ids = 0;

  private start(): Worker {
    const w = new Worker(WORKER_SOURCE, { eval: true });
    w.on("message", (m: { seq: number; digest: Uint8Array | null; error?: string; code?: string }) => {
      const p = this.pending.get(m.seq);
      this.pending.delete(m.seq);
      if (!this.pending.size) w.unref(); // idle: never what keeps the process alive
      if (!p) return;
      if (m.error) p.reject(Object.assign(new Error(m.error), { code: m.code }));
      else p.resolve(m.digest ? Buffer.from(m.digest) : null);
    });
    w.on("error", (e) => this.fail(e));
    w.on("exit", () => this.fail(new Error("the hashing thread stopped")));
    w.unref();
    return w;
  }

  private fail(e: Error): void {
    this.worker = null;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  stream(): HashStream {
    const id = ++this.ids;
    return {
      update: (fd, start, length, final) =>
        new Promise((resolve, reject) => {
          this.worker ??= this.start();
          const seq = ++this.seq;
          if (!this.pending.size) this.worker.ref();
          this.pending.set(seq, { resolve, reject });
          this.worker.postMessage({ id, seq, fd, start, length, final });
        }),
      drop: () => this.worker?.postMessage({ id, drop: true }),
    };
  }
}

const thread = new HashThread();

/** The same on this thread, for small files. */
function inlineStream(): HashStream {
  let h = createHash("md5");
  const buf = Buffer.allocUnsafe(READ);
  return {
    update: async (fd, start, length, final) => {
      for (let at = start, end = start + length; at < end; ) {
        const n = fs.readSync(fd, buf, 0, Math.min(buf.length, end - at), at);
        if (n <= 0) break;
        h.update(buf.subarray(0, n));
        at += n;
      }
      if (!final) return null;
      const d = h.digest();
      h = createHash("md5");
      return d;
    },
    drop: () => {},
  };
}

/**
 * Hashes each segment of a check in byte order as its pieces reach the disk (`finish`), in any
 * order, and gives the ETag they make once `settled`. `onSegment` hears each segment's digest
 * (a resume record keeps those of a multipart object's finished parts).
 */
export class DiskHasher {
  private readonly streams: (HashStream | null)[];
  private readonly next: number[]; // per segment: position in bySegment of the next piece to hash
  private readonly bySegment: number[][];
  private readonly complete = new Set<number>();
  private readonly work = new Set<Promise<unknown>>();
  private failure: unknown = null;
  readonly digests: (Buffer | null)[];

  constructor(
    private readonly check: Check,
    private readonly pieces: Piece[],
    private readonly fd: number,
    size: number,
    private readonly onSegment: (segment: number, digest: Buffer) => void = () => {},
  ) {
    const n = check.segments.length;
    const hashing = check.kind !== "size";
    const onThread = size >= WORKER_FROM;
    this.streams = Array.from({ length: n }, () =>
      hashing ? (onThread ? thread.stream() : inlineStream()) : null,
    );
    this.digests = Array.from({ length: n }, () => null);
    this.next = Array.from({ length: n }, () => 0);
    this.bySegment = Array.from({ length: n }, () => [] as number[]);
    pieces.forEach((p, i) => {
      this.bySegment[p.segment].push(i);
    });
  }

  /**
   * A segment whose every piece is on disk and whose MD5 was just checked against the bytes
   * there: its digest is taken as is, not computed a second time from the same bytes.
   */
  known(segment: number, digest: Buffer): void {
    this.digests[segment] = digest;
    this.next[segment] = this.bySegment[segment].length;
    this.streams[segment]?.drop();
    this.streams[segment] = null;
  }

  /** A piece is on disk in full (written now, or kept from an earlier run). */
  finish(piece: number): void {
    this.complete.add(piece);
    const seg = this.pieces[piece].segment;
    const order = this.bySegment[seg];
    const stream = this.streams[seg];
    while (this.next[seg] < order.length && this.complete.has(order[this.next[seg]])) {
      const { start, length } = this.pieces[order[this.next[seg]]];
      this.next[seg]++;
      if (!stream) continue;
      const final = this.next[seg] === order.length;
      const p = stream.update(this.fd, start, length, final).then(
        (digest) => {
          if (digest) {
            this.digests[seg] = digest;
            this.onSegment(seg, digest);
          }
        },
        (e) => {
          this.failure ??= e;
        },
      );
      this.work.add(p);
      p.then(() => this.work.delete(p));
    }
  }

  /** Wait until everything handed over so far is hashed (and the file may be closed). */
  async settled(): Promise<void> {
    while (this.work.size) await Promise.all([...this.work]);
    if (this.failure) throw this.failure;
  }

  /** Stop: hashing in flight ends, the rest is forgotten (the file is about to be closed). */
  async close(): Promise<void> {
    while (this.work.size) await Promise.all([...this.work]);
    for (const s of this.streams) s?.drop();
  }

  /** The ETag the bytes hashed so far give, to compare with the object's; null if unchecked. */
  result(): string | null {
    if (this.check.kind === "size") return null;
    if (this.digests.some((d) => !d)) return null;
    if (this.check.kind === "md5") return this.digests[0]!.toString("hex");
    return combinedEtag(this.digests as Buffer[]);
  }
}
