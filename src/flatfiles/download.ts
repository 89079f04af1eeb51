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
 *
 * `downloadFile` is a sequence of steps, each a function below that says why it exists:
 *
 *   settingsOf → prepareTarget → lookUp (HEAD; offline fallback) → cachedCopy → withFileLock →
 *   transfer: planDownload → openResumeState → reuseSavedPieces → fetchMissing (fetchPiece:
 *   requestRange + saveBody, retried by retryTransient) → verifyBytes → publish
 *
 * and `stopped` turns any failure after an abort into `download.aborted`.
 */
import { GetObjectCommand, HeadObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Readable } from "node:stream";
import { clientEndpoint, explainAwsError, fromServiceOrNetwork, httpStatus } from "../aws/explain";
import { kitEnv } from "../config/env";
import { mapOrdered } from "../util/concurrency";
import {
  type Check,
  type Segment,
  OrderedHasher,
  checkName,
  exactSegments,
  md5OfRange,
  multipartEtagOf,
  planCheck,
} from "./etag";
import { KitError } from "../util/errors";
import { userCacheDir } from "../util/paths";
import { alive } from "../util/process";
import { type FailureKind, failureKind, retryStrategy, retryTransient } from "../util/retry";
import { wholeNumber } from "../util/validate";

export interface DownloadOptions {
  /** Cache root (default FLATFILES_CACHE_DIR, else ~/.cache/flatfiles-kit/files). */
  cacheDir?: string;
  /** Bytes per ranged GET (default 8 MiB). */
  partSize?: number;
  /** Ranged GETs in flight for one file (default 4). */
  concurrency?: number;
  onProgress?: (p: Progress) => void;
  /**
   * Stops the download: requests in flight and waits between retries end at once, the pieces
   * already finished stay recorded (the next call resumes from them), and the call rejects with
   * a KitError `download.aborted`.
   */
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

/** Attempts per piece (the first included) when its body is cut off midway. */
const PIECE_ATTEMPTS = 6;

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
    throw new KitError(
      "download.bucket",
      `A bucket named "parquet" cannot be cached: the cache keeps its Parquet copies in a folder of that name.`,
    );
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
    throw new KitError(
      "download.key",
      `"${clip(key)}" ends in ${sidecar}, which the cache uses for its own files beside each download; it cannot be cached.`,
    );
  }
  const root = path.resolve(cacheDir, bucket);
  const file = path.resolve(root, ...parts);
  if (!file.startsWith(root + path.sep))
    throw new KitError("download.key", `"${clip(key)}" would be stored outside the cache.`);
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
  if (fs.existsSync(target) && fs.statSync(target).isDirectory())
    throw clash(target, "a folder of other keys");
}

/** Download one object into the cache (or find it there), resuming any earlier partial download. */
export async function downloadFile(
  client: S3Client,
  bucket: string,
  key: string,
  options: DownloadOptions = {},
): Promise<Downloaded> {
  const { cacheDir, partSize, concurrency } = settingsOf(options);
  const target = prepareTarget(cacheDir, bucket, key);
  const { signal, onProgress } = options;
  try {
    const remote = await lookUp(client, bucket, key, target, signal);
    if ("path" in remote) return remote; // offline: the cached copy
    const job: Job = {
      client,
      bucket,
      key,
      cacheDir,
      partSize,
      concurrency,
      target,
      ...remote,
      signal,
      onProgress,
    };
    // Another process (or call) may be writing this file: wait for it, then it is probably cached.
    return (
      cachedCopy(job) ??
      (await withFileLock(target, key, signal, async () => cachedCopy(job) ?? transfer(job)))
    );
  } catch (e) {
    throw stopped(e, key, signal);
  }
}

/** One download's fixed facts: what to fetch, where to, how, and the object as the HEAD found it. */
interface Job {
  client: S3Client;
  bucket: string;
  key: string;
  cacheDir: string;
  partSize: number;
  concurrency: number;
  /** The file's final path in the cache; `.part`, `.part.json`, `.meta.json` and `.lock` sit beside it. */
  target: string;
  size: number;
  etag: string;
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
}

/**
 * The options, checked before anything touches the network or the disk. At least 64 KiB a
 * piece: a GB file in 1-byte pieces would need a billion requests (and as many entries in memory).
 */
function settingsOf(options: DownloadOptions): { cacheDir: string; partSize: number; concurrency: number } {
  return {
    cacheDir: options.cacheDir ?? defaultCacheDir(),
    partSize: wholeNumber("partSize", options.partSize ?? 8 << 20, 64 << 10, 5 * 1024 ** 3),
    concurrency: wholeNumber("concurrency", options.concurrency ?? 4, 1, 64),
  };
}

/**
 * The key's path in the cache, refused with a clear message before any request when it cannot
 * be stored there (a bad name, a clash between a key and a "folder", a folder not writable).
 */
function prepareTarget(cacheDir: string, bucket: string, key: string): string {
  const target = cachePath(cacheDir, bucket, key);
  noCollision(path.resolve(cacheDir, bucket), target, key);
  writableDir(path.dirname(target));
  return target;
}

/**
 * The object's size and ETag (a HEAD), which decide everything after: whether the cached copy
 * is current, and how to cut and check the download. With no answer at all (not an HTTP
 * error, and not an abort), a cached copy is still good to work with, offline: it is returned
 * instead.
 */
async function lookUp(
  client: S3Client,
  bucket: string,
  key: string,
  target: string,
  signal: AbortSignal | undefined,
): Promise<{ size: number; etag: string } | Downloaded> {
  try {
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }), {
      abortSignal: signal,
    });
    return { size: head.ContentLength ?? 0, etag: (head.ETag ?? "").replace(/"/g, "") };
  } catch (err) {
    const copy = httpStatus(err) === undefined && !signal?.aborted ? offlineCopy(target, key) : null;
    if (copy) return copy;
    throw explainAwsError(err, {
      endpoint: await clientEndpoint(client),
      bucket,
      key,
      action: `looking up ${key}`,
    });
  }
}

/**
 * The cached file, when its record names this ETag and size and the file is whole: a current
 * copy is never downloaded again. Null otherwise (none, older, or republished since).
 */
function cachedCopy(job: Job): Downloaded | null {
  const { key, target, size, etag } = job;
  const meta = readJson<{ etag: string; size: number; verified?: Downloaded["verified"] }>(
    `${target}.meta.json`,
  );
  if (
    !meta ||
    meta.etag !== etag ||
    meta.size !== size ||
    !fs.existsSync(target) ||
    fs.statSync(target).size !== size
  )
    return null;
  job.onProgress?.({ key, bytes: size, total: size });
  return { key, path: target, size, etag, cached: true, fetched: 0, verified: meta.verified };
}

/** Fetch what is missing into `<file>.part`, check every byte, and move the file into place. */
async function transfer(job: Job): Promise<Downloaded> {
  const { check, pieces, plan } = await planDownload(job);
  // An abort while planning may have left a guessed plan: never reset a resumable state on it.
  if (job.signal?.aborted) throw job.signal.reason;
  const files = { part: `${job.target}.part`, state: `${job.target}.part.json` };
  const state = openResumeState(job, plan, files);
  const handle = await fs.promises.open(files.part, "r+");
  try {
    const { hasher, onDisk } = reuseSavedPieces(handle.fd, check, pieces, state);
    const fetched = await fetchMissing(job, {
      handle,
      check,
      pieces,
      state,
      hasher,
      onDisk,
      stateFile: files.state,
    });
    const verified = await verifyBytes(job, handle, check, hasher, files);
    return publish(job, verified, fetched, files.state);
  } finally {
    await handle.close();
  }
}

/**
 * How the download is checked (etag.ts: MD5, or multipart ETag with the server's part
 * boundaries) and cut: pieces of at most `partSize` that never straddle two upload parts, so
 * each upload part's MD5 can be computed as its pieces land. `plan` names the cut, because a
 * resume must reuse pieces cut the same way.
 */
async function planDownload(job: Job): Promise<{ check: Check; pieces: Piece[]; plan: string }> {
  const { client, bucket, key, size, etag, partSize, signal } = job;
  const check = await planCheck(client, bucket, key, size, etag, signal).catch(async (err) => {
    throw explainAwsError(err, {
      endpoint: await clientEndpoint(client),
      bucket,
      key,
      action: `looking up the parts of ${key}`,
    });
  });
  const plan = `${check.kind}:${check.segments.length}:${check.segments[0]?.length ?? 0}:${partSize}`;
  return { check, pieces: piecesOf(check, partSize), plan };
}

/**
 * The record of an earlier attempt at this very object and cut, to resume from; when there is
 * none (or the object changed since, or the cut differs), an empty `.part` file and record.
 */
function openResumeState(job: Job, plan: string, files: { part: string; state: string }): PartState {
  const { size, etag } = job;
  const state = readJson<PartState>(files.state);
  const resumable =
    state &&
    state.etag === etag &&
    state.size === size &&
    state.plan === plan &&
    Array.isArray(state.done) &&
    fs.existsSync(files.part);
  if (resumable) {
    state.digests = state.digests ?? {};
    return state;
  }
  const fresh: PartState = { etag, size, plan, done: [], digests: {} };
  fs.rmSync(files.part, { force: true });
  fs.writeFileSync(files.part, "");
  writeJsonAtomic(files.state, fresh);
  return fresh;
}

/**
 * Which recorded pieces can be kept, and a hasher primed with them. Reused upload parts whose
 * recorded MD5 no longer matches the bytes on disk (a damaged disk, a crash before the page
 * cache reached it) are fetched again, not trusted; the other reused bytes are hashed from
 * disk in their turn, so they are checked too.
 */
function reuseSavedPieces(
  fd: number,
  check: Check,
  pieces: Piece[],
  state: PartState,
): { hasher: OrderedHasher; onDisk: number } {
  const reused = new Set(state.done.filter((i) => Number.isInteger(i) && i >= 0 && i < pieces.length));
  const checkedParts = new Map<number, string>();
  for (const [seg, digest] of Object.entries(state.digests)) {
    const s = check.segments[Number(seg)];
    if (s && md5OfRange(fd, s.start, s.length) === digest) checkedParts.set(Number(seg), digest);
    else {
      for (const [i, p] of pieces.entries()) if (p.segment === Number(seg)) reused.delete(i);
      delete state.digests[seg];
    }
  }
  state.done = [...reused];
  const hasher = new OrderedHasher(check, pieces, fd, (seg, digest) => {
    if (check.kind === "multipart") state.digests[seg] = digest.toString("hex");
  });
  for (const [seg, digest] of checkedParts) {
    if (pieces.every((p, i) => p.segment !== seg || reused.has(i)))
      hasher.known(seg, Buffer.from(digest, "hex"));
  }
  for (const i of reused) hasher.finish(i, true);
  return { hasher, onDisk: state.done.reduce((n, i) => n + pieces[i].length, 0) };
}

/** What the steps that write pieces share. */
interface Transfer {
  handle: fs.promises.FileHandle;
  check: Check;
  pieces: Piece[];
  state: PartState;
  hasher: OrderedHasher;
  /** Bytes already on disk and kept (a resume). */
  onDisk: number;
  stateFile: string;
}

/** Bytes on disk so far (the progress reported) and bytes fetched by this call (the result's `fetched`). */
interface Tally {
  bytes: number;
  fetched: number;
}

/**
 * Fetch every piece not on disk. Pieces start in order, at most `concurrency` at once, and
 * fewer while pieces that arrived before their turn wait in memory to be hashed: that bounds
 * memory by (concurrency + 2) pieces. One retry strategy serves all pieces, so its retry quota
 * is the download's. Resolves with the bytes fetched.
 */
async function fetchMissing(job: Job, t: Transfer): Promise<number> {
  const tally: Tally = { bytes: t.onDisk, fetched: 0 };
  job.onProgress?.({ key: job.key, bytes: tally.bytes, total: job.size });
  const reused = new Set(t.state.done);
  const todo = t.pieces.map((_, i) => i).filter((i) => !reused.has(i));
  const strategy = retryStrategy(PIECE_ATTEMPTS);
  const record = stateRecorder(t.stateFile, t.state);
  try {
    await runPieces(
      todo,
      job.concurrency,
      job.concurrency + 2,
      () => t.hasher.held,
      job.signal,
      async (i, signal) => {
        await fetchPiece(job, t, tally, i, signal, strategy);
        t.hasher.finish(i);
        record(i);
      },
    );
  } finally {
    writeJsonAtomic(t.stateFile, t.state);
  }
  return tally.fetched;
}

/**
 * Marks a piece finished in the record. The record is rewritten at most twice a second (a
 * rename per piece costs more than it is worth); a crash loses at most that much, and reused
 * pieces are checked anyway. The caller writes it once more at the end.
 */
function stateRecorder(stateFile: string, state: PartState): (piece: number) => void {
  let recorded = Date.now();
  return (piece) => {
    state.done.push(piece);
    if (Date.now() - recorded >= 500) {
      writeJsonAtomic(stateFile, state);
      recorded = Date.now();
    }
  };
}

/**
 * One piece, tried again when its body breaks off midway. The SDK retries a request that fails
 * before its answer arrives (with the client's strategy); a body cut off after that (a reset,
 * a short body) it cannot see, so that is retried here, from the start of the piece, with the
 * SDK's strategy and classification (util/retry.ts). Nothing else is retried: not an error the
 * SDK already retried, not a full disk, not a bug, not after an abort. A network failure that
 * outlasts the attempts is explained like any other.
 */
async function fetchPiece(
  job: Job,
  t: Transfer,
  tally: Tally,
  i: number,
  signal: AbortSignal,
  strategy: ReturnType<typeof retryStrategy>,
): Promise<void> {
  try {
    await retryTransient(
      async () => {
        const attempt = { written: 0 };
        try {
          await fetchPieceOnce(job, t, tally, i, signal, attempt);
        } catch (e) {
          // What this attempt counted is fetched again by the next one.
          tally.bytes -= attempt.written;
          tally.fetched -= attempt.written;
          throw e;
        }
      },
      { strategy, classify: pieceFailure, signal },
    );
  } catch (e) {
    const { client, bucket, key } = job;
    throw fromServiceOrNetwork(e)
      ? explainAwsError(e, {
          endpoint: await clientEndpoint(client),
          bucket,
          key,
          action: `downloading ${key}`,
        })
      : e;
  }
}

/**
 * Whether a failed piece is worth another attempt: a short body is (the connection ended
 * early), a KitError otherwise is not (an answer the SDK already retried and explained, a full
 * disk), and any other error is judged as the SDK judges errors (a reset or timeout mid-body
 * is transient; a bug never is).
 */
function pieceFailure(e: unknown): FailureKind {
  if (e instanceof KitError) return e.code === "download.short" ? "TRANSIENT" : "CLIENT_ERROR";
  return failureKind(e);
}

/** One attempt at one piece: request its range, write and hash its bytes as they arrive. */
async function fetchPieceOnce(
  job: Job,
  t: Transfer,
  tally: Tally,
  i: number,
  signal: AbortSignal,
  attempt: { written: number },
): Promise<void> {
  const { start, length } = t.pieces[i];
  t.hasher.begin(i);
  if (length === 0) return;
  const body = await requestRange(job, start, length, signal);
  const written = await saveBody(
    body,
    t.handle,
    start,
    length,
    signal,
    (chunk) => t.hasher.feed(i, chunk),
    (n) => {
      tally.bytes += n;
      tally.fetched += n;
      attempt.written += n;
      job.onProgress?.({ key: job.key, bytes: tally.bytes, total: job.size });
    },
    (e) => writeFailure(job, e),
  );
  if (written !== length) {
    throw new KitError(
      "download.short",
      `The connection ended early while downloading ${job.key} (part ${i + 1} of ${t.pieces.length}); run again to resume.`,
    );
  }
}

/**
 * A ranged GET of the object as the HEAD saw it (If-Match: a republished object fails with
 * 412 instead of mixing two versions). Its failures have been through the SDK's retries
 * already, so they are explained here, once.
 */
async function requestRange(job: Job, start: number, length: number, signal: AbortSignal): Promise<Readable> {
  const { client, bucket, key, etag } = job;
  try {
    const out = await client.send(
      new GetObjectCommand({
        Bucket: bucket,
        Key: key,
        Range: `bytes=${start}-${start + length - 1}`,
        IfMatch: `"${etag}"`,
      }),
      { abortSignal: signal },
    );
    return out.Body as Readable;
  } catch (err) {
    throw explainAwsError(err, {
      endpoint: await clientEndpoint(client),
      bucket,
      key,
      action: `downloading ${key}`,
    });
  }
}

/** A failed write to the cache, as advice: a full disk says so; the finished parts are kept either way. */
function writeFailure(job: Job, e: unknown): KitError {
  const code = (e as NodeJS.ErrnoException).code;
  return new KitError(
    code === "ENOSPC" ? "download.disk-full" : "download.write",
    `${code === "ENOSPC" ? "The disk is full" : `Writing failed (${code})`} while saving ${job.key} under ${job.cacheDir}. ` +
      "Free some space or set FLATFILES_CACHE_DIR to another disk, then run again: the finished parts are kept and the download resumes.",
  );
}

/**
 * Whether the bytes on disk are the object: the size, then the ETag their hashes give. Damaged
 * bytes are removed with their record (a resume would reuse them) and reported as
 * `download.corrupt`. Resolves with what vouches for the bytes; when that is only the size, a
 * warning says why.
 */
async function verifyBytes(
  job: Job,
  handle: fs.promises.FileHandle,
  check: Check,
  hasher: OrderedHasher,
  files: { part: string; state: string },
): Promise<NonNullable<Downloaded["verified"]>> {
  const { client, bucket, key, size, etag } = job;
  const got = (await handle.stat()).size;
  let computed = hasher.result();
  if (computed !== null && computed !== etag && check.kind === "multipart" && check.partsFrom === "assumed") {
    // The middle parts were taken to be equal; if the server says otherwise, hash again by its parts.
    const exact = await exactSegments(client, bucket, key, size, check.segments.length, job.signal).catch(
      () => null,
    );
    if (exact?.some((s, n) => s.length !== check.segments[n].length))
      computed = multipartEtagOf(handle.fd, exact);
  }
  const damaged =
    got !== size ||
    (computed !== null && computed !== etag && !(check.kind === "multipart" && check.partsFrom === "guess"));
  if (damaged) {
    fs.rmSync(files.part, { force: true });
    fs.rmSync(files.state, { force: true });
    throw new KitError(
      "download.corrupt",
      `${key} arrived damaged (${got} of ${size} bytes${got === size ? `; its ${check.kind === "md5" ? "MD5" : "multipart ETag"} is ${computed}, the server's is ${etag}` : ""}); the partial file was removed, run again.`,
    );
  }
  if (check.kind !== "size" && computed === etag) return checkName(check);
  console.warn(
    `flatfiles-kit: only the size of ${key} could be checked: ` +
      (check.kind === "size"
        ? check.reason
        : `its ETag is not reproduced with the guessed part size of ${check.segments[0].length / MIB} MiB`) +
      ".",
  );
  return "size";
}

/**
 * Move the checked file to its final path, then describe it (`.meta.json`: the ETag that makes
 * the next call a cache hit) and drop the resume record. Rename first: a crash between the two
 * leaves a file that is downloaded again, never a record vouching for a missing or partial file.
 */
function publish(
  job: Job,
  verified: NonNullable<Downloaded["verified"]>,
  fetched: number,
  stateFile: string,
): Downloaded {
  const { key, bucket, target, size, etag } = job;
  fs.renameSync(`${target}.part`, target);
  writeJsonAtomic(`${target}.meta.json`, {
    etag,
    size,
    key,
    bucket,
    verified,
    downloadedAt: new Date().toISOString(),
  });
  fs.rmSync(stateFile, { force: true });
  return { key, path: target, size, etag, cached: false, fetched, verified };
}

/**
 * What a failure means once the caller has said stop: whatever the request in flight threw on
 * its way out (an AbortError, a body cut off, an explained SDK error), the news is that the
 * download was stopped, and that it can be resumed. Other failures pass unchanged.
 */
function stopped(e: unknown, key: string, signal: AbortSignal | undefined): unknown {
  if (!signal?.aborted || (e instanceof KitError && e.code === "download.aborted")) return e;
  const reason =
    signal.reason instanceof Error && signal.reason.name !== "AbortError"
      ? ` (${signal.reason.message})`
      : "";
  return new KitError(
    "download.aborted",
    `The download of ${key} was stopped${reason}. The parts it finished are kept: downloading it again resumes from them.`,
    { cause: e },
  );
}

/**
 * Write a response body to `handle` from `start`, at most `limit` bytes, calling `each` with
 * every chunk as it arrives (the hashing) and `saved` as bytes reach the file. Chunks go out in
 * batches of about 1 MiB, one writev each (one system call per MiB, not per 64 kB socket
 * read); the body is paused while two batches are being written. Resolves with the bytes
 * written, which is less than `limit` when the body ended early. Rejects when `signal` fires
 * (at once: the body is dropped; the SDK's Node handler ends it too, this does not rely on
 * that) and when a callback throws (the caller's error, as it is, instead of an exception
 * escaping from a stream event or a promise callback).
 */
function saveBody(
  body: Readable,
  handle: fs.promises.FileHandle,
  start: number,
  limit: number,
  signal: AbortSignal,
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
    const onAbort = () => fail(signal.reason);
    const fail = (e: unknown) => {
      if (failed) return;
      failed = true;
      signal.removeEventListener("abort", onAbort);
      body.destroy();
      reject(e);
    };
    const settle = () => {
      if (ended && writing === 0 && !failed) {
        signal.removeEventListener("abort", onAbort);
        resolve(queued);
      }
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
          if (failed) return;
          try {
            saved(n);
          } catch (e) {
            return fail(e);
          }
          if (!ended) body.resume();
          settle();
        },
        (e) => fail(writeError(e)),
      );
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    body.on("data", (chunk: Buffer) => {
      if (failed) return;
      received += chunk.length;
      if (received > limit)
        return fail(new KitError("download.short", "The server sent more bytes than were asked for."));
      try {
        each(chunk);
      } catch (e) {
        return fail(e);
      }
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
    for (let at = 0; at < s.length; at += partSize)
      pieces.push({ start: s.start + at, length: Math.min(partSize, s.length - at), segment });
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
  // A signal that fired before this point fires no event: stop at once, or nothing would.
  if (outer?.aborted) onAbort();
  else outer?.addEventListener("abort", onAbort, { once: true });
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
async function withFileLock<T>(
  target: string,
  key: string,
  signal: AbortSignal | undefined,
  work: () => Promise<T>,
): Promise<T> {
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
      throw new KitError(
        "download.aborted",
        `The download of ${key} was stopped while waiting for another download of it (process ${holder}).`,
      );
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
  for await (const d of mapOrdered(unique, files, (k) => downloadFile(client, bucket, k, options)))
    done.set(d.key, d);
  return keys.map((k) => done.get(k)!);
}
