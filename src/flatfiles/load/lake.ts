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
import * as path from "node:path";
import { kitEnv } from "../../config/env";
import { KitError } from "../../util/errors";
import { userCacheDir } from "../../util/paths";
import { DATASETS } from "../datasets";
import { clip } from "./header";

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
  /** The lake's root. */
  lake: string;
  /** The copy's folder. */
  dir: string;
}

const CACHE_LAYOUT =
  /^(.*)[/\\]([^/\\]+)[/\\]([a-z0-9_]+)[/\\]([a-z0-9_]+)[/\\]\d{4}[/\\]\d{2}[/\\](\d{4}-\d{2}-\d{2})\.csv\.gz$/;

function defaultLake(): string {
  const env = kitEnv();
  return path.join(env.FLATFILES_CACHE_DIR || path.join(userCacheDir(env), "files"), "parquet");
}

/**
 * Where a day's copy goes. A file in the download cache's layout
 * (`<cache>/<bucket>/<asset>/<dataset>/YYYY/MM/<date>.csv.gz`) gets the Hive partition
 * `<lake>/<bucket>/asset=<asset>/dataset=<dataset>/date=<date>/`, the lake being `<cache>/parquet`
 * unless `lake` names another; any other file gets `<lake>/_local/<name>-<hash of its path>/`,
 * the lake then being the cache's (FLATFILES_CACHE_DIR) unless `lake` names one.
 */
export function placeOf(file: string, lake?: string): Place {
  const abs = path.resolve(file);
  const m = CACHE_LAYOUT.exec(abs);
  if (m && DATASETS.some((d) => d.id === `${m[3]}/${m[4]}`)) {
    const [, root, bucket, asset, dataset, date] = m;
    const l = lake ? path.resolve(lake) : path.join(root, "parquet");
    return { lake: l, dir: path.join(l, bucket, `asset=${asset}`, `dataset=${dataset}`, `date=${date}`) };
  }
  const l = lake ? path.resolve(lake) : defaultLake();
  const stem = path
    .basename(abs)
    .replace(/\.csv(\.gz)?$/i, "")
    .replace(/[^A-Za-z0-9._-]/g, "_")
    .slice(0, 80);
  const hash = crypto.createHash("sha256").update(abs).digest("hex").slice(0, 12);
  return { lake: l, dir: path.join(l, LOCAL, `${stem}-${hash}`) };
}

let serial = 0;

/** A fresh folder name in the lake's staging folder for the copy at `place`. */
export function stagingFor(place: Place, ending: "tmp" | "old" = "tmp"): string {
  const dir = path.join(place.lake, STAGING);
  fs.mkdirSync(dir, { recursive: true });
  const rel = path.relative(place.lake, place.dir).split(path.sep).join("+");
  return path.join(dir, `${rel}.${process.pid}.${++serial}.${ending}`);
}

function alive(pid: number): boolean {
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
  const staging = path.join(place.lake, STAGING);
  for (const name of readdir(staging)) {
    const m = LEFTOVER.exec(name);
    if (m && Number(m[1]) !== process.pid && !alive(Number(m[1])))
      fs.rmSync(path.join(staging, name), { recursive: true, force: true });
  }
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
  fs.mkdirSync(path.dirname(place.dir), { recursive: true });
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
