/**
 * Where Parquet copies live, and the rules that keep that place a table other engines can trust.
 *
 * A lake is a folder (default `<cache>/parquet`) holding one folder per bucket, each a
 * Hive-partitioned set of tables: `<lake>/<bucket>/asset=…/dataset=…/date=…/part-NNNNN.parquet`.
 * A file outside the download cache gets `<lake>/_local/<name>-<hash>/`, never a folder beside
 * the user's own files.
 *
 * Conversions are written into `<lake>/_staging/` (outside every table, and a name no bucket can
 * have) and renamed into place when finished, so a reader never sees half a partition; the next
 * run removes what a killed one left there. The kit replaces or deletes a copy only when it finds
 * its own record inside and nothing else: anything else in the way is reported, not removed.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import { readSmallFile } from "../../util/small-file";
import * as path from "node:path";
import { kitEnv } from "../../config/env";
import { KitError } from "../../util/errors";
import { userCacheDir } from "../../util/paths";
import { DATASETS } from "../datasets";
import { clip } from "./header";
import { type LakeOption, type S3Lake, isS3Option, resolveS3Lake, urlOf } from "./s3/target";

/** The record each finished copy holds: the kit's mark that the folder is its own. */
export const RECORD = "_flatfiles-kit.json";
export const STAGING = "_staging";
/** Copies of files outside the download cache (a bucket name never starts with `_`). */
export const LOCAL = "_local";
const PART = /^part-\d{5}\.parquet$/;
const LEFTOVER = /\.(\d+)\.\d+\.(tmp|old)$/;
/** What versions before the staging folder left inside a table when killed: `date=….<pid>.tmp`. */
const OLD_LEFTOVER = /^date=\d{4}-\d{2}-\d{2}\.(\d+)\.tmp$/;

export interface Place {
  /** The lake's root (a folder, or the `s3://` address of an object-storage lake). */
  lake: string;
  /** The copy's folder (or its `s3://` address). */
  dir: string;
  /** The copy's place inside the lake, with `/` between names. */
  rel: string;
  /** The local lake whose `_staging/` holds conversions under way (an object-storage lake's are the default lake's). */
  local: string;
  /** The object-storage lake, when the copy goes there. */
  s3?: S3Lake;
}

const CACHE_LAYOUT =
  /^(.*)[/\\]([^/\\]+)[/\\]([a-z0-9_]+)[/\\]([a-z0-9_]+)[/\\]\d{4}[/\\]\d{2}[/\\](\d{4}-\d{2}-\d{2})\.csv\.gz$/;

function defaultLake(): string {
  const env = kitEnv();
  return path.join(env.FLATFILES_CACHE_DIR || path.join(userCacheDir(env), "files"), "parquet");
}

/**
 * Where a day's copy goes. A file the kit downloaded into its cache
 * (`<cache>/<bucket>/<asset>/<dataset>/YYYY/MM/<date>.csv.gz`, with the cache's `.meta.json`
 * beside it) gets the Hive partition `<lake>/<bucket>/asset=<asset>/dataset=<dataset>/date=<date>/`,
 * the lake being `<cache>/parquet` unless `lake` names another. A file of that shape the kit did
 * not download (an `aws s3 sync` mirror) gets the same partition in the default lake, never a
 * `parquet/` folder beside the user's files; any other file gets `<lake>/_local/<name>-<hash of
 * its path>/`. `lake` may be a folder or an object-storage lake (`s3://bucket/prefix`).
 */
export function placeOf(file: string, lake?: LakeOption): Place {
  const abs = path.resolve(file);
  const s3 = lake !== undefined && isS3Option(lake) ? resolveS3Lake(lake) : undefined;
  const folder = typeof lake === "string" && !s3 ? lake : undefined;
  if (lake !== undefined && !s3 && (typeof lake !== "string" || !lake))
    throw new KitError(
      "load.option",
      "lake must be a folder, an s3://bucket/prefix address, or { url, endpoint, region, accessKeyId, secretAccessKey }.",
    );
  const m = CACHE_LAYOUT.exec(abs);
  let rel: string;
  let own: string | undefined;
  if (m && DATASETS.some((d) => d.id === `${m[3]}/${m[4]}`)) {
    const [, root, bucket, asset, dataset, date] = m;
    rel = [bucket, `asset=${asset}`, `dataset=${dataset}`, `date=${date}`].join("/");
    if (fs.existsSync(`${abs}.meta.json`)) own = path.join(root, "parquet");
  } else {
    const stem = path
      .basename(abs)
      .replace(/\.csv(\.gz)?$/i, "")
      .replace(/[^A-Za-z0-9._-]/g, "_")
      .slice(0, 80);
    const hash = crypto.createHash("sha256").update(abs).digest("hex").slice(0, 12);
    rel = `${LOCAL}/${stem}-${hash}`;
  }
  if (s3) {
    const local = defaultLake();
    return { lake: urlOf(s3), dir: urlOf(s3, rel), rel, local, s3 };
  }
  const l = folder ? path.resolve(folder) : (own ?? defaultLake());
  return { lake: l, dir: path.join(l, ...rel.split("/")), rel, local: l };
}

/** The name a place has inside the staging folder (its lock, its conversions under way). */
function stagingName(place: Place): string {
  const where = place.s3 ? `s3+${place.s3.bucket}+${place.s3.prefix}+${place.rel}` : place.rel;
  return where.split("/").join("+");
}

let serial = 0;

/** A fresh folder name in the lake's staging folder for the copy at `place`. */
export function stagingFor(place: Place, ending: "tmp" | "old" = "tmp"): string {
  const dir = path.join(place.local, STAGING);
  mkdirs(dir);
  return path.join(dir, `${stagingName(place)}.${process.pid}.${++serial}.${ending}`);
}

/** The lock file of a place's conversion: one converter per day across processes. */
export function lockOf(place: Place): string {
  return path.join(place.local, STAGING, `${stagingName(place)}.lock`);
}

/** Whether a live process holds the lock of the object-storage day whose part is `key`. */
export function keyIsLocked(local: string, l: S3Lake, key: string): boolean {
  const dir = key.replace(/\/part-\d{5}\.parquet$/, "");
  const lock = path.join(local, STAGING, `${`s3+${l.bucket}+${dir}`.split("/").join("+")}.lock`);
  const pid = readPid(lock);
  return pid !== null && alive(pid);
}

function readPid(lock: string): number | null {
  try {
    // The lock sits in the lake's folder, which a user controls: read without blocking (a FIFO
    // planted there must not hang the process).
    const read = readSmallFile(lock, 64);
    const text = read.ok ? read.bytes.toString("utf8").trim() : "";
    return /^\d{1,10}$/.test(text) ? Number(text) : null;
  } catch {
    return null;
  }
}

/**
 * Take the lock of a place's conversion, or say who holds it: "taken", or "held" while another
 * live process converts the same day (the caller waits, then finds the day made). A lock whose
 * process has ended is taken over.
 */
export function tryLock(place: Place): "taken" | "held" {
  const lock = lockOf(place);
  mkdirs(path.dirname(lock));
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(lock, String(process.pid), { flag: "wx" });
      return "taken";
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw lakeFileError(e, lock);
    }
    const pid = readPid(lock);
    if (pid === process.pid) return "held"; // another conversion of this very process
    if (pid !== null && alive(pid)) return "held";
    // Written a moment ago and not yet filled in, or its process ended: look again, then take it over.
    if (pid === null && Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? 0) < 2000)
      return "held";
    fs.rmSync(lock, { force: true });
  }
  return "held";
}

export function unlock(place: Place): void {
  const lock = lockOf(place);
  if (readPid(lock) === process.pid) fs.rmSync(lock, { force: true });
}

/** A local file error in the lake as a KitError naming the path and what to do. */
export function lakeFileError(e: unknown, where: string): Error {
  const code = (e as NodeJS.ErrnoException).code;
  const advice: Record<string, string> = {
    ENOTDIR:
      "a file is where the lake needs a folder: move it, or put the lake elsewhere with the option lake (--lake)",
    EEXIST:
      "a file is where the lake needs a folder: move it, or put the lake elsewhere with the option lake (--lake)",
    EACCES:
      "the lake is not writable: fix its permissions, or put the lake elsewhere with the option lake (--lake)",
    EPERM:
      "the lake is not writable: fix its permissions, or put the lake elsewhere with the option lake (--lake)",
    EROFS: "the lake is on a read-only disk: put it elsewhere with the option lake (--lake)",
    ENOSPC: "the disk is full: free some space (the day's download and other copies can go), then run again",
    EDQUOT: "the disk quota is used up: free some space, then run again",
  };
  if (!code || !advice[code]) return e as Error;
  return new KitError("load.lake-file", `${where}: ${code}; ${advice[code]}.`, { cause: e });
}

function mkdirs(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw lakeFileError(e, dir);
  }
}

export function alive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

function onlyParts(dir: string): boolean {
  try {
    return fs.readdirSync(dir).every((n) => n === RECORD || PART.test(n));
  } catch {
    return false;
  }
}

/**
 * Remove what killed runs left: staging folders of processes that no longer run, and the
 * `date=….<pid>.tmp` folders earlier versions left inside the copy's table (only when they hold
 * nothing but Parquet parts, which only the kit wrote there).
 */
export function sweep(place: Place): void {
  const staging = path.join(place.local, STAGING);
  for (const name of readdir(staging)) {
    const m = LEFTOVER.exec(name);
    if (m && Number(m[1]) !== process.pid && !alive(Number(m[1])))
      fs.rmSync(path.join(staging, name), { recursive: true, force: true });
  }
  if (place.s3) return;
  const table = path.dirname(place.dir);
  for (const name of readdir(table)) {
    const m = OLD_LEFTOVER.exec(name);
    const at = path.join(table, name);
    if (m && Number(m[1]) !== process.pid && !alive(Number(m[1])) && onlyParts(at))
      fs.rmSync(at, { recursive: true, force: true });
  }
}

function readdir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

/**
 * Refuse to replace anything the kit did not make: `dir` must be absent, or a real folder (not
 * a link) holding the kit's record and nothing but its Parquet parts.
 */
export function checkOurs(dir: string, file: string): void {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return;
    throw e;
  }
  let why = "";
  if (st.isSymbolicLink()) why = "it is a symbolic link";
  else if (!st.isDirectory()) why = "it is a file";
  else {
    const names = fs.readdirSync(dir);
    if (!names.includes(RECORD)) why = `it has no ${RECORD} record`;
    else {
      const other = names.find((n) => n !== RECORD && !PART.test(n));
      if (other) why = `it holds "${clip(other, 60)}", which the kit never writes`;
    }
  }
  if (why) {
    throw new KitError(
      "load.in-the-way",
      `${dir} is in the way of the Parquet copy of ${file}, and the kit did not make it (${why}), so it is left as it is. Move it elsewhere, or put the copies in another folder with the option lake.`,
    );
  }
}

/** Put a finished staging folder in place of the copy at `place.dir` (replacing the kit's own old copy). */
export function putInPlace(staged: string, place: Place): void {
  mkdirs(path.dirname(place.dir));
  if (!fs.existsSync(place.dir)) {
    fs.renameSync(staged, place.dir);
    return;
  }
  // Moved aside, not deleted first: for the moment between the two renames a reader finds no
  // partition, never half of one; a crash there leaves the old copy in staging, swept later.
  const old = stagingFor(place, "old");
  fs.renameSync(place.dir, old);
  fs.renameSync(staged, place.dir);
  fs.rmSync(old, { recursive: true, force: true });
}
