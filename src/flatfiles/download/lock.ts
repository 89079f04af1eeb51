/**
 * One writer per cached file, across processes and calls: `<file>.lock` holds the writer's pid,
 * and the writer touches it every few seconds while it works. Others wait for it, so two
 * notebooks fetching the same day never interleave their parts or rename each other's files away.
 *
 * A lock is read, never trusted: it is taken over when it is stale (its process has ended, it
 * has not been touched for a minute although its pid is alive: a reused pid, or it is empty and
 * old: a crash or a full disk between creating and writing it), and reported with its path when
 * it cannot be understood (a folder, a link, text that is not a pid). Every retry waits, with a
 * timer the caller's AbortSignal cuts short: nothing here ever spins.
 */
import * as fs from "node:fs";
import { KitError } from "../../util/errors";
import { alive } from "../../util/process";
import { kindOf, writeFailure } from "./failures";
import type { Job } from "./types";

/** Between two looks at a lock held by someone else. */
const WAIT_MS = 100;
/** The holder touches its lock this often... */
const TOUCH_MS = 10_000;
/** ...so one untouched for this long is stale whatever its pid says (a pid reused since). */
export const LOCK_STALE_MS = 60_000;
/** An empty lock younger than this may be one being written at this moment. */
const EMPTY_GRACE_MS = 2_000;

type Reading =
  | { kind: "free" }
  | { kind: "held"; pid: number }
  | { kind: "fresh" }
  | { kind: "stale"; ino: number }
  | { kind: "bad"; why: string };

/** What the lock file says, checked: a pid > 0 that is alive and recently touched. */
export function readLock(lock: string, now = Date.now()): Reading {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(lock);
  } catch {
    return { kind: "free" };
  }
  if (!st.isFile()) return { kind: "bad", why: `is ${kindOf(st)}, not a lock file` };
  if (st.size > 32) return { kind: "bad", why: `holds ${st.size} bytes, not a process id` };
  let text: string;
  try {
    const fd = fs.openSync(lock, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
    try {
      text = fs.readFileSync(fd, "utf8");
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return { kind: "free" }; // released (or replaced) meanwhile: look again
  }
  const age = now - st.mtimeMs;
  const trimmed = text.trim();
  if (trimmed === "") return age > EMPTY_GRACE_MS ? { kind: "stale", ino: st.ino } : { kind: "fresh" };
  const pid = /^\d{1,10}$/.test(trimmed) ? Number(trimmed) : Number.NaN;
  if (!(pid > 0 && pid <= 0x7fffffff)) {
    const shown = JSON.stringify(trimmed.length > 20 ? `${trimmed.slice(0, 20)}…` : trimmed);
    return { kind: "bad", why: `holds ${shown}, not a process id` };
  }
  if (!alive(pid) || age > LOCK_STALE_MS) return { kind: "stale", ino: st.ino };
  return { kind: "held", pid };
}

/** Remove a stale lock, unless it was replaced since it was read (another waiter took it over first). */
function clearStale(lock: string, ino: number): void {
  try {
    if (fs.lstatSync(lock).ino === ino) fs.rmSync(lock, { force: true });
  } catch {
    /* gone already */
  }
}

/** Wait `ms`, or reject as soon as `signal` fires. */
function pause(ms: number, signal: AbortSignal | undefined, stopped: () => Error): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(stopped());
    const onAbort = () => {
      clearTimeout(timer);
      reject(stopped());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Create the lock with this process's pid, or false when it exists. A write that fails (a full
 * disk) removes the lock it created: an empty lock left behind would stall the next download.
 */
function tryCreate(lock: string, job: Pick<Job, "key" | "cacheDir">): boolean {
  let fd: number;
  try {
    fd = fs.openSync(
      lock,
      fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW,
      0o644,
    );
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw writeFailure(job, e);
  }
  try {
    fs.writeSync(fd, String(process.pid));
  } catch (e) {
    fs.closeSync(fd);
    fs.rmSync(lock, { force: true });
    throw writeFailure(job, e);
  }
  fs.closeSync(fd);
  return true;
}

export async function withFileLock<T>(
  job: Pick<Job, "target" | "key" | "cacheDir" | "signal">,
  work: () => Promise<T>,
): Promise<T> {
  const { target, key, signal } = job;
  const lock = `${target}.lock`;
  let holder = 0;
  const stopped = () =>
    new KitError(
      "download.aborted",
      `The download of ${key} was stopped while waiting for another download of it${holder ? ` (process ${holder})` : ""}.`,
    );
  while (!tryCreate(lock, job)) {
    const r = readLock(lock);
    if (r.kind === "bad") {
      throw new KitError(
        "download.lock",
        `The lock file ${lock} ${r.why}, so it cannot tell whether another download of ${key} is running. If none is, delete it and run again.`,
      );
    }
    if (r.kind === "stale") clearStale(lock, r.ino);
    holder = r.kind === "held" ? r.pid : 0;
    await pause(r.kind === "stale" ? 10 : WAIT_MS, signal, stopped);
  }
  // Touched while held, so a waiter can tell a live holder from a pid that was reused.
  const touch = setInterval(() => {
    try {
      const now = new Date();
      fs.utimesSync(lock, now, now);
    } catch {
      /* taken over or removed: the work goes on; the rename at the end is atomic anyway */
    }
  }, TOUCH_MS);
  touch.unref();
  try {
    return await work();
  } finally {
    clearInterval(touch);
    release(lock);
  }
}

/** Remove the lock if it is still this process's (a waiter may have taken over one it thought stale). */
function release(lock: string): void {
  try {
    const fd = fs.openSync(lock, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
    let mine: boolean;
    try {
      mine = fs.readFileSync(fd, "utf8").trim() === String(process.pid);
    } finally {
      fs.closeSync(fd);
    }
    if (mine) fs.rmSync(lock, { force: true });
  } catch {
    /* gone already, or not a file the kit made */
  }
}
