/** Where a key lives in the cache, and whether it can be stored there. */
import * as fs from "node:fs";
import * as path from "node:path";
import { kitEnv } from "../../config/env";
import { KitError } from "../../util/errors";
import { type NameCheck, checkFileName } from "../../util/file-name";
import { userCacheDir } from "../../util/paths";

export function defaultCacheDir(env: NodeJS.ProcessEnv = kitEnv()): string {
  return env.FLATFILES_CACHE_DIR || path.join(userCacheDir(env), "files");
}

/** Endings of the cache's own files beside a download: a key with one would overwrite them. */
export const SIDECARS = [".meta.json", ".part.json", ".part", ".parquet", ".tmp", ".lock"];
export const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export function clip(text: string, n = 80): string {
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

/**
 * The cache folder a caller asked for, or the default. An empty or blank one is refused: it
 * would put downloads in whatever the working folder happens to be.
 */
export function cacheDirOf(given: unknown): string {
  if (given === undefined) return defaultCacheDir();
  if (typeof given !== "string" || given.trim() === "") {
    throw new KitError(
      "download.cache",
      `cacheDir is ${typeof given === "string" ? `"${clip(given)}" (empty)` : typeof given}: pass the folder to download into, or leave cacheDir out for the default (FLATFILES_CACHE_DIR, else ${path.join("~", ".cache", "flatfiles-kit", "files")}).`,
    );
  }
  return given;
}

/**
 * Make the folders from the cache's root down to `dir`, one at a time, never through a
 * symbolic link: a link inside the cache (planted, or left by a tool) would send the download
 * and its folders outside it. The cache root itself may be a link (a cache kept on another disk).
 */
function foldersInside(cacheDir: string, dir: string, make = true): void {
  try {
    if (make) fs.mkdirSync(cacheDir, { recursive: true });
  } catch (e) {
    throw notWritable(cacheDir, e);
  }
  const root = path.resolve(cacheDir);
  let at = root;
  for (const part of path.relative(root, dir).split(path.sep).filter(Boolean)) {
    at = path.join(at, part);
    let st: fs.Stats | null = null;
    try {
      st = fs.lstatSync(at);
    } catch {
      /* missing: made below */
    }
    if (st?.isSymbolicLink()) {
      throw new KitError(
        "download.cache",
        `${at} is a symbolic link inside the cache (to ${clip(safeReadlink(at))}); the cache never follows links, which would put downloads outside it. Remove the link (or use another cache folder: cacheDir, or FLATFILES_CACHE_DIR).`,
      );
    }
    if (st) continue; // a file here is a key clash, reported by noCollision
    if (!make) return;
    try {
      fs.mkdirSync(at);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw notWritable(at, e);
    }
  }
}

function safeReadlink(p: string): string {
  try {
    return fs.readlinkSync(p);
  } catch {
    return "?";
  }
}

function notWritable(dir: string, e: unknown): KitError {
  const code = (e as NodeJS.ErrnoException).code;
  // mkdir says EEXIST (or ENOTDIR, for a file higher up) when a file holds the folder's name.
  const why =
    code === "EEXIST" || code === "ENOTDIR"
      ? "is a file or under one, not a folder"
      : `cannot be written (${code})`;
  return new KitError(
    "download.cache",
    `The cache folder ${dir} ${why}. Set FLATFILES_CACHE_DIR (or cacheDir) to a folder you can write to.`,
  );
}

/**
 * The cache folder itself, made and checked once: a range of many days checks it before the
 * first, instead of failing every day the same way.
 */
export function cacheRootReady(cacheDir: string): void {
  foldersInside(cacheDir, cacheDir);
  writableDir(cacheDir);
}

export function writableDir(dir: string): void {
  try {
    fs.accessSync(dir, fs.constants.W_OK);
  } catch (e) {
    throw notWritable(dir, e);
  }
}

const lstatOrNull = (p: string): fs.Stats | null => {
  try {
    return fs.lstatSync(p);
  } catch {
    return null;
  }
};

/**
 * One file per key means a key and a "folder" of keys cannot share a name (`a` and `a/b`): S3
 * allows both, a file system does not. Say so, instead of a raw EISDIR or ENOTDIR.
 */
export function noCollision(root: string, target: string, key: string): void {
  const clash = (at: string, other: string) =>
    new KitError(
      "download.key",
      `${key} cannot be cached: the cache already has ${other} at ${at} (the bucket has both a key and a "folder" of that name, which a file system cannot hold side by side). Download it into another cache folder (cacheDir, or FLATFILES_CACHE_DIR).`,
    );
  for (let dir = path.dirname(target); dir.length > root.length; dir = path.dirname(dir)) {
    const st = lstatOrNull(dir);
    if (st && !st.isDirectory() && !st.isSymbolicLink()) throw clash(dir, "a file (another key)");
  }
  if (lstatOrNull(target)?.isDirectory()) throw clash(target, "a folder of other keys");
}

/**
 * The key's path in the cache, refused with a clear message before any request when it cannot
 * be stored there (a bad name, a clash between a key and a "folder", a symbolic link on the
 * way, a folder not writable).
 */
/** Names the cache cannot hold: the longest of the cache's own files beside a download decides. */
const LONG_NAMES: NameCheck = {
  what: "The download",
  // The longest sidecar, written through `<sidecar>.<pid>.tmp` (state-files.ts); pids have at most 7 digits.
  reserve: Math.max(...SIDECARS.map((s) => s.length)) + ".4194304.tmp".length,
  reserveFor: "the cache's own files beside it",
  fromElsewhere: 1,
  nameAdvice:
    "The name comes from the key, so no cache folder helps: flat-files keys end in short names like 2024-03-15.csv.gz; check the key (and the server that listed it).",
  pathAdvice: "Set FLATFILES_CACHE_DIR (or cacheDir) to a folder with a shorter path.",
};

export function prepareTarget(cacheDir: string, bucket: string, key: string): string {
  const target = targetOf(cacheDir, bucket, key);
  foldersInside(cacheDir, path.dirname(target));
  writableDir(path.dirname(target));
  return target;
}

/**
 * The key's path in the cache, checked as prepareTarget checks it but without making or
 * writing anything (a read-only cache still serves the copies it holds).
 */
export function targetOf(cacheDir: string, bucket: string, key: string): string {
  const target = cachePath(cacheDir, bucket, key);
  checkFileName(target, LONG_NAMES); // too long a name is said before any write (#31 item 4)
  noCollision(path.resolve(cacheDir, bucket), target, key);
  foldersInside(cacheDir, path.dirname(target), false);
  return target;
}
