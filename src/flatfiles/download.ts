/**
 * Downloads into a local cache that never holds a half-written file at its final path.
 *
 * A file is fetched in ranged pieces (several at once) into `<file>.part`, with the finished
 * pieces recorded in `<file>.part.json`, so an interrupted download resumes where it stopped.
 * Every byte is checked against the object's ETag while it arrives (etag.ts): the MD5 of a
 * single upload, or the MD5s of the upload parts of a multipart one. Reused bytes of a resumed
 * download are checked too. A complete file is renamed into place and described in
 * `<file>.meta.json`; a cached file whose ETag still matches the bucket's is not downloaded
 * again, a republished one (new ETag) is.
 */
import { GetObjectCommand, HeadObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Readable } from "node:stream";
import { clientEndpoint, explainAwsError, httpStatus } from "../aws/explain";
import { kitEnv } from "../config/env";
import { mapOrdered } from "../util/concurrency";
import { type Check, type Segment, OrderedHasher, checkName, exactSegments, md5OfRange, multipartEtagOf, planCheck } from "./etag";
import { KitError } from "../util/errors";
import { userCacheDir } from "../util/paths";
import { alive } from "../util/process";
import { wholeNumber } from "../util/validate";

export interface DownloadOptions {
  /** Cache root (default FLATFILES_CACHE_DIR, else ~/.cache/flatfiles-kit/files). */
  cacheDir?: string;
  /** Bytes per ranged GET (default 8 MiB). */
  partSize?: number;
  /** Ranged GETs in flight for one file (default 4). */
  concurrency?: number;
  onProgress?: (p: Progress) => void;
  signal?: AbortSignal;
}

export interface Progress {
  key: string;
  bytes: number;
  total: number;
}

export interface Downloaded {
  key: string;
  path: string;
  size: number;
  etag: string;
  /** True when the cached copy was current and nothing was downloaded. */
  cached: boolean;
  /**
   * True when the endpoint could not be reached and the cached copy was used without checking
   * that it is still current (it may have been republished since).
   */
  offline?: boolean;
  /** Bytes fetched now (less than size after a resume). */
  fetched: number;
  /**
   * What vouches for the bytes: their MD5 equals the ETag ("md5"), the MD5s of the upload
   * parts reproduce a multipart ETag ("multipart-etag"), or only the size could be checked
   * ("size": the server did not say how the object was cut into parts). Absent for a cached
   * copy downloaded by an older version.
   */
  verified?: "md5" | "multipart-etag" | "size";
}

/** Attempts per part when its body is cut off midway. */
const PART_ATTEMPTS = 6;

interface PartState {
  etag: string;
  size: number;
  /** How the object was cut into pieces; a resume needs the same cut. */
  plan: string;
  done: number[];
  /** MD5 (hex) of each finished upload part of a multipart object, by part index. */
  digests: Record<string, string>;
}

/** Bytes gathered before one write. */
const WRITE_BATCH = 1 << 20;
const MIB = 1 << 20;

export function defaultCacheDir(env: NodeJS.ProcessEnv = kitEnv()): string {
  return env.FLATFILES_CACHE_DIR || path.join(userCacheDir(env), "files");
}

/** Endings of the cache's own files beside a download: a key with one would overwrite them. */
const SIDECARS = [".meta.json", ".part.json", ".part", ".parquet", ".tmp", ".lock"];
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

function clip(text: string, n = 80): string {
  return text.length > n ? `${text.slice(0, n)}…` : text;
}

/**
 * Where a key lives in the cache: always inside it, one file per key. Bucket names follow S3's
 * rules; a key may not climb out (`..`), hide a second spelling of another key (`a/./b`, `a//b`)
 * or end like one of the cache's own files.
 */
export function cachePath(cacheDir: string, bucket: string, key: string): string {
  if (typeof bucket !== "string" || !BUCKET_NAME.test(bucket) || bucket.includes("..")) {
    throw new KitError(
      "download.bucket",
      `"${clip(String(bucket))}" is not a bucket name (3-63 lowercase letters, digits, dots and hyphens): use flatfiles, or set FLATFILES_BUCKET to your bucket.`,
    );
  }
  if (bucket === "parquet") {
    // <cache>/parquet holds the Parquet copies of every bucket's days (load.ts).
    throw new KitError("download.bucket", `A bucket named "parquet" cannot be cached: the cache keeps its Parquet copies in a folder of that name.`);
  }
  const parts = typeof key === "string" ? key.split("/") : [];
  const bad = parts.find((p) => p === "" || p === "." || p === ".." || /[\\\0]/.test(p));
  if (!parts.length || bad !== undefined) {
    throw new KitError(
      "download.key",
      `"${clip(String(key))}" is not a flat-files key: keys are folder/…/file with no empty, "." or ".." parts, for example us_stocks_sip/day_aggs_v1/2024/03/2024-03-15.csv.gz.`,
    );
  }
  const sidecar = SIDECARS.find((s) => key.endsWith(s));
  if (sidecar) {
    throw new KitError("download.key", `"${clip(key)}" ends in ${sidecar}, which the cache uses for its own files beside each download; it cannot be cached.`);
  }
  const root = path.resolve(cacheDir, bucket);
  const file = path.resolve(root, ...parts);
  if (!file.startsWith(root + path.sep)) throw new KitError("download.key", `"${clip(key)}" would be stored outside the cache.`);
  return file;
}

function readJson<T>(file: string): T | null {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as T;
  } catch {
    return null;
  }
}

function writeJsonAtomic(file: string, value: unknown): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(value));
  fs.renameSync(tmp, file);
}

function writableDir(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.accessSync(dir, fs.constants.W_OK);
  } catch (e) {
    throw new KitError(
      "download.cache",
      `The cache folder ${dir} cannot be written (${(e as NodeJS.ErrnoException).code}). Set FLATFILES_CACHE_DIR to a folder you can write to.`,
    );
  }
}

/**
 * One file per key means a key and a "folder" of keys cannot share a name (`a` and `a/b`): S3
 * allows both, a file system does not. Say so, instead of a raw EISDIR or ENOTDIR.
 */
function noCollision(root: string, target: string, key: string): void {
  const clash = (at: string, other: string) =>
    new KitError(
      "download.key",
      `${key} cannot be cached: the cache already has ${other} at ${at} (the bucket has both a key and a "folder" of that name, which a file system cannot hold side by side). Download it into another cache folder (cacheDir, or FLATFILES_CACHE_DIR).`,
    );
  for (let dir = path.dirname(target); dir.length > root.length; dir = path.dirname(dir)) {
    if (fs.existsSync(dir) && !fs.statSync(dir).isDirectory()) throw clash(dir, "a file (another key)");
  }
  if (fs.existsSync(target) && fs.statSync(target).isDirectory()) throw clash(target, "a folder of other keys");
}

/** Download one object into the cache (or find it there), resuming any earlier partial download. */
export async function downloadFile(client: S3Client, bucket: string, key: string, options: DownloadOptions = {}): Promise<Downloaded> {
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  // At least 64 KiB: a GB file in 1-byte pieces would need a billion requests (and as many entries in memory).
  const partSize = wholeNumber("partSize", options.partSize ?? 8 << 20, 64 << 10, 5 * 1024 ** 3);
  const concurrency = wholeNumber("concurrency", options.concurrency ?? 4, 1, 64);
  const target = cachePath(cacheDir, bucket, key);
  noCollision(path.resolve(cacheDir, bucket), target, key);
  writableDir(path.dirname(target));

  let size: number;
  let etag: string;
  try {
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: options.signal });
    size = head.ContentLength ?? 0;
    etag = (head.ETag ?? "").replace(/"/g, "");
  } catch (err) {
    // No answer at all (not an HTTP error): a cached copy is still good to work with, offline.
    const copy = httpStatus(err) === undefined && !options.signal?.aborted ? offlineCopy(target, key) : null;
    if (copy) return copy;
    throw explainAwsError(err, { endpoint: await clientEndpoint(client), bucket, key, action: `looking up ${key}` });
  }

  const cached = (): Downloaded | null => {
    const meta = readJson<{ etag: string; size: number; verified?: Downloaded["verified"] }>(`${target}.meta.json`);
    if (!meta || meta.etag !== etag || meta.size !== size || !fs.existsSync(target) || fs.statSync(target).size !== size) return null;
    options.onProgress?.({ key, bytes: size, total: size });
    return { key, path: target, size, etag, cached: true, fetched: 0, verified: meta.verified };
  };
  // Another process (or call) may be writing this file: wait for it, then it is probably cached.
  return cached() ?? withFileLock(target, key, options.signal, async () => cached() ?? transfer());

  async function transfer(): Promise<Downloaded> {
    const check = await planCheck(client, bucket, key, size, etag, options.signal).catch(async (err) => {
      throw explainAwsError(err, { endpoint: await clientEndpoint(client), bucket, key, action: `looking up the parts of ${key}` });
    });
    const pieces = piecesOf(check, partSize);
    const plan = `${check.kind}:${check.segments.length}:${check.segments[0]?.length ?? 0}:${partSize}`;
    const partFile = `${target}.part`;
    const stateFile = `${target}.part.json`;
    let state = readJson<PartState>(stateFile);
    if (!state || state.etag !== etag || state.size !== size || state.plan !== plan || !Array.isArray(state.done) || !fs.existsSync(partFile)) {
      // Nothing to resume (or the object changed since): start over.
      state = { etag, size, plan, done: [], digests: {} };
      fs.rmSync(partFile, { force: true });
      fs.writeFileSync(partFile, "");
      writeJsonAtomic(stateFile, state);
    }
    const handle = await fs.promises.open(partFile, "r+");
    try {
      return await fetchInto(handle, check, pieces, state, stateFile, partFile);
    } finally {
      await handle.close();
    }
  }

  async function fetchInto(
    handle: fs.promises.FileHandle,
    check: Check,
    pieces: Piece[],
    state: PartState,
    stateFile: string,
    partFile: string,
  ): Promise<Downloaded> {
    // Reused upload parts whose recorded MD5 no longer matches the bytes on disk (a damaged
    // disk, a crash before the page cache reached it) are fetched again, not trusted.
    const reused = new Set(state.done.filter((i) => Number.isInteger(i) && i >= 0 && i < pieces.length));
    const checkedParts = new Map<number, string>();
    for (const [seg, digest] of Object.entries(state.digests ?? {})) {
      const s = check.segments[Number(seg)];
      if (s && md5OfRange(handle.fd, s.start, s.length) === digest) checkedParts.set(Number(seg), digest);
      else {
        pieces.forEach((p, i) => p.segment === Number(seg) && reused.delete(i));
        delete state.digests[seg];
      }
    }
    state.done = [...reused];
    const hasher = new OrderedHasher(check, pieces, handle.fd, (seg, digest) => {
      if (check.kind === "multipart") state.digests[seg] = digest.toString("hex");
    });
    for (const [seg, digest] of checkedParts) {
      if (pieces.every((p, i) => p.segment !== seg || reused.has(i))) hasher.known(seg, Buffer.from(digest, "hex"));
    }
    for (const i of reused) hasher.finish(i, true);

    let bytes = state.done.reduce((n, i) => n + pieces[i].length, 0);
    let fetched = 0;
    options.onProgress?.({ key, bytes, total: size });
    const todo = pieces.map((_, i) => i).filter((i) => !reused.has(i));

    const fetchPieceOnce = async (i: number, progress: { written: number }, signal: AbortSignal) => {
      const { start, length } = pieces[i];
      const end = start + length - 1;
      hasher.begin(i);
      if (length === 0) return;
      let out;
      try {
        out = await client.send(
          new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=${start}-${end}`, IfMatch: `"${etag}"` }),
          { abortSignal: signal },
        );
      } catch (err) {
        throw explainAwsError(err, { endpoint: await clientEndpoint(client), bucket, key, action: `downloading ${key}` });
      }
      const written = await saveBody(out.Body as Readable, handle, start, length, (chunk) => hasher.feed(i, chunk), (n) => {
        bytes += n;
        fetched += n;
        progress.written += n;
        options.onProgress?.({ key, bytes, total: size });
      }, (e) => {
        const code = (e as NodeJS.ErrnoException).code;
        return new KitError(
          code === "ENOSPC" ? "download.disk-full" : "download.write",
          `${code === "ENOSPC" ? "The disk is full" : `Writing failed (${code})`} while saving ${key} under ${cacheDir}. ` +
            "Free some space or set FLATFILES_CACHE_DIR to another disk, then run again: the finished parts are kept and the download resumes.",
        );
      });
      const offset = start + written;
      if (offset !== end + 1) {
        throw new KitError("download.short", `The connection ended early while downloading ${key} (part ${i + 1} of ${pieces.length}); run again to resume.`);
      }
    };
    // The SDK retries a request that fails before its body arrives; a body cut off midway
    // (connection reset, truncated response) is retried here, from the start of the piece.
    const fetchPiece = async (i: number, signal: AbortSignal) => {
      for (let attempt = 1; ; attempt++) {
        const progress = { written: 0 };
        try {
          return await fetchPieceOnce(i, progress, signal);
        } catch (e) {
          bytes -= progress.written;
          fetched -= progress.written;
          const retriable = !(e instanceof KitError) || e.code === "download.short";
          if (!retriable || attempt >= PART_ATTEMPTS || signal.aborted) throw e;
          await new Promise((r) => setTimeout(r, Math.random() * 100 * 2 ** attempt));
        }
      }
    };
    // Pieces start in order, at most `concurrency` at once, and fewer while pieces that arrived
    // before their turn wait in memory to be hashed: that bounds memory by (concurrency + 2) pieces.
    // The record of finished pieces is rewritten at most twice a second (a rename per piece
    // costs more than it is worth); a crash loses at most that much, and reused pieces are
    // checked anyway.
    let recorded = Date.now();
    try {
      await runPieces(todo, concurrency, concurrency + 2, () => hasher.held, options.signal, async (i, signal) => {
        await fetchPiece(i, signal);
        hasher.finish(i);
        state.done.push(i);
        if (Date.now() - recorded >= 500) {
          writeJsonAtomic(stateFile, state);
          recorded = Date.now();
        }
      });
    } finally {
      writeJsonAtomic(stateFile, state);
    }

    const got = (await handle.stat()).size;
    let computed = hasher.result();
    if (computed !== null && computed !== etag && check.kind === "multipart" && check.partsFrom === "assumed") {
      // The middle parts were taken to be equal; if the server says otherwise, hash again by its parts.
      const exact = await exactSegments(client, bucket, key, size, check.segments.length, options.signal).catch(() => null);
      if (exact && exact.some((s, n) => s.length !== check.segments[n].length)) computed = multipartEtagOf(handle.fd, exact);
    }
    const damaged = got !== size || (computed !== null && computed !== etag && !(check.kind === "multipart" && check.partsFrom === "guess"));
    if (damaged) {
      fs.rmSync(partFile, { force: true });
      fs.rmSync(stateFile, { force: true });
      throw new KitError(
        "download.corrupt",
        `${key} arrived damaged (${got} of ${size} bytes${got === size ? `; its ${check.kind === "md5" ? "MD5" : "multipart ETag"} is ${computed}, the server's is ${etag}` : ""}); the partial file was removed, run again.`,
      );
    }
    let verified = checkName(check);
    if (check.kind === "size" || computed !== etag) {
      verified = "size";
      console.warn(
        `flatfiles-kit: only the size of ${key} could be checked: ` +
          (check.kind === "size" ? check.reason : `its ETag is not reproduced with the guessed part size of ${check.segments[0].length / MIB} MiB`) +
          ".",
      );
    }
    fs.renameSync(partFile, target);
    writeJsonAtomic(`${target}.meta.json`, { etag, size, key, bucket, verified, downloadedAt: new Date().toISOString() });
    fs.rmSync(stateFile, { force: true });
    return { key, path: target, size, etag, cached: false, fetched, verified };
  }
}

/**
 * Write a response body to `handle` from `start`, at most `limit` bytes, calling `each` with
 * every chunk as it arrives (the hashing) and `saved` as bytes reach the file. Chunks go out in
 * batches of about 1 MiB, one writev each (one system call per MiB, not per 64 kB socket
 * read); the body is paused while two batches are being written. Resolves with the bytes
 * written, which is less than `limit` when the body ended early.
 */
function saveBody(
  body: Readable,
  handle: fs.promises.FileHandle,
  start: number,
  limit: number,
  each: (chunk: Buffer) => void,
  saved: (bytes: number) => void,
  writeError: (e: unknown) => Error,
): Promise<number> {
  return new Promise((resolve, reject) => {
    let received = 0;
    let queued = 0; // bytes handed to writev
    let batch: Buffer[] = [];
    let batched = 0;
    let writing = 0;
    let ended = false;
    let failed = false;
    const fail = (e: unknown) => {
      if (failed) return;
      failed = true;
      body.destroy();
      reject(e);
    };
    const settle = () => {
      if (ended && writing === 0 && !failed) resolve(queued);
    };
    const flush = () => {
      if (!batched) return;
      const bufs = batch;
      const n = batched;
      const at = start + queued;
      batch = [];
      batched = 0;
      queued += n;
      writing++;
      if (writing >= 2) body.pause();
      handle.writev(bufs, at).then(
        () => {
          writing--;
          saved(n);
          if (!ended && !failed) body.resume();
          settle();
        },
        (e) => fail(writeError(e)),
      );
    };
    body.on("data", (chunk: Buffer) => {
      if (failed) return;
      received += chunk.length;
      if (received > limit) return fail(new KitError("download.short", "The server sent more bytes than were asked for."));
      each(chunk);
      batch.push(chunk);
      batched += chunk.length;
      if (batched >= WRITE_BATCH) flush();
    });
    body.on("end", () => {
      ended = true;
      flush();
      settle();
    });
    body.on("error", fail);
    body.on("close", () => {
      // Closed without "end": the connection broke; what arrived is written, the caller retries.
      if (!ended && !failed) {
        ended = true;
        flush();
        settle();
      }
    });
  });
}

interface Piece extends Segment {
  segment: number;
}

/** Ranged GETs of at most `partSize` bytes that never straddle two upload parts. */
function piecesOf(check: Check, partSize: number): Piece[] {
  const pieces: Piece[] = [];
  check.segments.forEach((s, segment) => {
    if (s.length === 0) pieces.push({ start: s.start, length: 0, segment });
    for (let at = 0; at < s.length; at += partSize) pieces.push({ start: s.start + at, length: Math.min(partSize, s.length - at), segment });
  });
  return pieces;
}

/**
 * Run `work` over `todo` in order with at most `limit` running, and at most `window` running
 * or `held()` (done, waiting in memory). The first failure stops new starts, aborts the
 * running ones and is thrown once they have stopped.
 */
async function runPieces(
  todo: number[],
  limit: number,
  window: number,
  held: () => number,
  outer: AbortSignal | undefined,
  work: (i: number, signal: AbortSignal) => Promise<void>,
): Promise<void> {
  const stop = new AbortController();
  const onAbort = () => stop.abort(outer?.reason);
  outer?.addEventListener("abort", onAbort, { once: true });
  let next = 0;
  let running = 0;
  let failure: unknown = null;
  try {
    await new Promise<void>((resolve) => {
      if (!todo.length) return resolve();
      let finished = 0;
      const pump = () => {
        while (!failure && next < todo.length && running < limit && running + held() < window) {
          const i = todo[next++];
          running++;
          work(i, stop.signal).then(
            () => {
              running--;
              finished++;
              if (failure ? running === 0 : finished === todo.length) resolve();
              else pump();
            },
            (e) => {
              running--;
              if (!failure) {
                failure = e;
                stop.abort(e);
              }
              if (running === 0) resolve();
            },
          );
        }
        if (!failure && running === 0 && next < todo.length) {
          failure = new Error("internal: the download window closed with nothing running");
          resolve();
        }
      };
      pump();
    });
  } finally {
    outer?.removeEventListener("abort", onAbort);
  }
  if (failure) throw failure;
}

/** The cached copy of a key, for use while the endpoint cannot be reached, or null. */
function offlineCopy(target: string, key: string): Downloaded | null {
  const meta = readJson<{ etag: string; size: number; downloadedAt?: string }>(`${target}.meta.json`);
  if (!meta || !fs.existsSync(target) || fs.statSync(target).size !== meta.size) return null;
  console.warn(
    `flatfiles-kit: the endpoint cannot be reached; using the cached copy of ${key} ` +
      `(downloaded ${meta.downloadedAt ?? "earlier"}), which may be out of date if it was republished since.`,
  );
  return { key, path: target, size: meta.size, etag: meta.etag, cached: true, fetched: 0, offline: true };
}

/**
 * One writer per cached file, across processes: `<file>.lock` holds the writer's pid. Others
 * wait for it (a lock whose process is gone is taken over), so two notebooks fetching the same
 * day never interleave their parts or rename each other's files away.
 */
async function withFileLock<T>(target: string, key: string, signal: AbortSignal | undefined, work: () => Promise<T>): Promise<T> {
  const lock = `${target}.lock`;
  for (;;) {
    try {
      fs.writeFileSync(lock, String(process.pid), { flag: "wx" });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    let holder = 0;
    try {
      holder = Number(fs.readFileSync(lock, "utf8"));
    } catch {
      continue; // released meanwhile
    }
    if (!Number.isInteger(holder) || holder <= 0 || !alive(holder)) {
      try {
        if (fs.readFileSync(lock, "utf8") === String(holder)) fs.rmSync(lock, { force: true }); // stale
      } catch {
        /* someone else cleared it */
      }
      continue;
    }
    if (signal?.aborted) {
      throw new KitError("download.aborted", `The download of ${key} was stopped while waiting for another download of it (process ${holder}).`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  try {
    return await work();
  } finally {
    fs.rmSync(lock, { force: true });
  }
}

/** Download many objects, `concurrency` files at a time, results in the order of `keys`. */
export async function downloadFiles(
  client: S3Client,
  bucket: string,
  keys: string[],
  options: DownloadOptions & { files?: number } = {},
): Promise<Downloaded[]> {
  const files = wholeNumber("files", options.files ?? 4, 1, 64);
  // The same key twice is downloaded once (two writers of one file would trip over each other).
  const unique = [...new Set(keys)];
  const done = new Map<string, Downloaded>();
  for await (const d of mapOrdered(unique, files, (k) => downloadFile(client, bucket, k, options))) done.set(d.key, d);
  return keys.map((k) => done.get(k)!);
}
