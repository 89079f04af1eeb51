/**
 * Downloads into a local cache that never holds a half-written file at its final path.
 *
 * A file is fetched in ranged parts (several at once for large objects) into `<file>.part`,
 * with the finished parts recorded in `<file>.part.json`, so an interrupted download resumes
 * where it stopped. Once complete it is checked (size, and MD5 when the ETag is one), renamed
 * into place, and described in `<file>.meta.json`. A cached file whose ETag still matches the
 * bucket's is not downloaded again; a republished one (new ETag) is.
 */
import { GetObjectCommand, HeadObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Readable } from "node:stream";
import { explainAwsError, httpStatus } from "../aws/explain";
import { kitEnv } from "../config/env";
import { mapOrdered } from "../paginator/fanout";
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
}

/** Attempts per part when its body is cut off midway. */
const PART_ATTEMPTS = 6;

interface PartState {
  etag: string;
  size: number;
  partSize: number;
  done: number[];
}

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

function isMd5(etag: string): boolean {
  return /^[0-9a-f]{32}$/.test(etag);
}

async function md5File(file: string): Promise<string> {
  const hash = createHash("md5");
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest("hex");
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

/** Download one object into the cache (or find it there), resuming any earlier partial download. */
export async function downloadFile(client: S3Client, bucket: string, key: string, options: DownloadOptions = {}): Promise<Downloaded> {
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const partSize = wholeNumber("partSize", options.partSize ?? 8 << 20, 1);
  const concurrency = wholeNumber("concurrency", options.concurrency ?? 4, 1, 64);
  const target = cachePath(cacheDir, bucket, key);
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
    throw explainAwsError(err, { bucket, key, action: `looking up ${key}` });
  }

  const cached = (): Downloaded | null => {
    const meta = readJson<{ etag: string; size: number }>(`${target}.meta.json`);
    if (!meta || meta.etag !== etag || meta.size !== size || !fs.existsSync(target) || fs.statSync(target).size !== size) return null;
    options.onProgress?.({ key, bytes: size, total: size });
    return { key, path: target, size, etag, cached: true, fetched: 0 };
  };
  // Another process (or call) may be writing this file: wait for it, then it is probably cached.
  return cached() ?? withFileLock(target, key, options.signal, async () => cached() ?? transfer());

  async function transfer(): Promise<Downloaded> {
    const partFile = `${target}.part`;
    const stateFile = `${target}.part.json`;
    let state = readJson<PartState>(stateFile);
    if (!state || state.etag !== etag || state.size !== size || state.partSize !== partSize || !fs.existsSync(partFile)) {
      // Nothing to resume (or the object changed since): start over.
      state = { etag, size, partSize, done: [] };
      fs.rmSync(partFile, { force: true });
      fs.writeFileSync(partFile, "");
      writeJsonAtomic(stateFile, state);
    }
    const parts = Math.max(1, Math.ceil(size / partSize));
    const todo = Array.from({ length: parts }, (_, i) => i).filter((i) => !state!.done.includes(i));
    let bytes = state.done.reduce((n, i) => n + Math.min(partSize, size - i * partSize), 0);
    let fetched = 0;
    options.onProgress?.({ key, bytes, total: size });

    const handle = await fs.promises.open(partFile, "r+");
    try {
      const fetchPartOnce = async (i: number, progress: { written: number }) => {
        const start = i * partSize;
        const end = Math.min(size, start + partSize) - 1;
        if (size === 0) return i;
        let out;
        try {
          out = await client.send(
            new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=${start}-${end}`, IfMatch: `"${etag}"` }),
            { abortSignal: options.signal },
          );
        } catch (err) {
          throw explainAwsError(err, { bucket, key, action: `downloading ${key}` });
        }
        let offset = start;
        for await (const chunk of out.Body as Readable) {
          const buf = chunk as Buffer;
          try {
            await handle.write(buf, 0, buf.length, offset);
          } catch (e) {
            const code = (e as NodeJS.ErrnoException).code;
            throw new KitError(
              code === "ENOSPC" ? "download.disk-full" : "download.write",
              `${code === "ENOSPC" ? "The disk is full" : `Writing failed (${code})`} while saving ${key} under ${cacheDir}. ` +
                "Free some space or set FLATFILES_CACHE_DIR to another disk, then run again: the finished parts are kept and the download resumes.",
            );
          }
          offset += buf.length;
          bytes += buf.length;
          fetched += buf.length;
          progress.written += buf.length;
          options.onProgress?.({ key, bytes, total: size });
        }
        if (offset !== end + 1) {
          throw new KitError("download.short", `The connection ended early while downloading ${key} (part ${i + 1} of ${parts}); run again to resume.`);
        }
        return i;
      };
      // The SDK retries a request that fails before its body arrives; a body cut off midway
      // (connection reset, truncated response) is retried here, from the start of the part.
      const fetchPart = async (i: number) => {
        for (let attempt = 1; ; attempt++) {
          const progress = { written: 0 };
          try {
            return await fetchPartOnce(i, progress);
          } catch (e) {
            bytes -= progress.written;
            fetched -= progress.written;
            const retriable = !(e instanceof KitError) || e.code === "download.short";
            if (!retriable || attempt >= PART_ATTEMPTS || options.signal?.aborted) throw e;
            await new Promise((r) => setTimeout(r, Math.random() * 100 * 2 ** attempt));
          }
        }
      };
      for await (const i of mapOrdered(todo, concurrency, fetchPart)) {
        state.done.push(i);
        await handle.sync();
        writeJsonAtomic(stateFile, state);
      }
    } finally {
      await handle.close();
    }

    const got = fs.statSync(partFile).size;
    if (got !== size || (isMd5(etag) && (await md5File(partFile)) !== etag)) {
      fs.rmSync(partFile, { force: true });
      fs.rmSync(stateFile, { force: true });
      throw new KitError(
        "download.corrupt",
        `${key} arrived damaged (${got} of ${size} bytes${got === size ? ", checksum differs from the ETag" : ""}); the partial file was removed, run again.`,
      );
    }
    fs.renameSync(partFile, target);
    writeJsonAtomic(`${target}.meta.json`, { etag, size, key, bucket, downloadedAt: new Date().toISOString() });
    fs.rmSync(stateFile, { force: true });
    return { key, path: target, size, etag, cached: false, fetched };
  }
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
