/** Failures as advice: a write that failed, a download the caller stopped. */
import { KitError } from "../../util/errors";
import type { Job } from "./types";

/** A failed write to the cache, as advice: a full disk says so; the finished parts are kept either way. */
export function writeFailure(job: Pick<Job, "key" | "cacheDir">, e: unknown): KitError {
  if (e instanceof KitError) return e;
  const code = (e as NodeJS.ErrnoException).code;
  return new KitError(
    code === "ENOSPC" || code === "EDQUOT" ? "download.disk-full" : "download.write",
    `${code === "ENOSPC" || code === "EDQUOT" ? "The disk is full" : `Writing failed (${code})`} while saving ${job.key} under ${job.cacheDir}. ` +
      "Free some space or set FLATFILES_CACHE_DIR to another disk, then run again: the finished parts are kept and the download resumes.",
    { cause: e },
  );
}

/**
 * Something that is not the kit's where the kit keeps one of its own files (`what`): a folder
 * named like `<file>.part`. The kit deletes only what it made, so it says so instead of a raw EISDIR.
 */
export function inTheWay(file: string, what: string, kind = "a folder"): KitError {
  return new KitError(
    "download.cache",
    `${file} is ${kind}, where the cache keeps ${what}; flatfiles-kit did not make it and will not delete it. Move it away (or use another cache folder: cacheDir, or FLATFILES_CACHE_DIR), then run again.`,
  );
}

/** The kind of a file-system entry that is not a plain file, in words. */
export function kindOf(st: import("node:fs").Stats): string {
  return st.isDirectory() ? "a folder" : st.isSymbolicLink() ? "a symbolic link" : "not a plain file";
}

/**
 * What a failure means once the caller has said stop: whatever the request in flight threw on
 * its way out (an AbortError, a body cut off, an explained SDK error), the news is that the
 * download was stopped, and that it can be resumed. Other failures pass unchanged.
 */
export function stopped(e: unknown, key: string, signal: AbortSignal | undefined): unknown {
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
