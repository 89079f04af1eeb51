/** Fetch what is missing into `<file>.part`, check every byte, and move the file into place. */
import * as fs from "node:fs";
import { fetchMissing } from "./pieces";
import { planDownload } from "./plan";
import { publish } from "./publish";
import { openResumeState, reuseSavedPieces } from "./resume";
import type { Downloaded, Job } from "./types";
import { formatBytes } from "../../util/bytes";
import { KitError } from "../../util/errors";
import { verifyBytes } from "./verify";

export async function transfer(job: Job): Promise<Downloaded> {
  roomFor(job);
  const { check, pieces, plan } = await planDownload(job);
  // An abort while planning may have left a guessed plan: never reset a resumable state on it.
  if (job.signal?.aborted) throw job.signal.reason;
  const files = { part: `${job.target}.part`, state: `${job.target}.part.json` };
  const state = openResumeState(job, plan, files);
  // Never through a link: openResumeState made (or kept) a plain file, and a link put there
  // since must not be written through.
  const handle = await fs.promises.open(files.part, fs.constants.O_RDWR | fs.constants.O_NOFOLLOW);
  try {
    const { hasher, onDisk } = reuseSavedPieces(handle.fd, check, pieces, state, job.size);
    try {
      const fetched = await fetchMissing(job, {
        handle,
        check,
        pieces,
        state,
        hasher,
        onDisk,
        stateFile: files.state,
      });
      await hasher.settled();
      const verified = await verifyBytes(job, handle, check, hasher, files);
      return publish(job, verified, fetched, files.state);
    } finally {
      // The hashing thread reads this file by its descriptor: it is done before the file closes.
      await hasher.close();
    }
  } finally {
    await handle.close();
  }
}

/**
 * Whether the cache's disk can hold the object, asked before anything is planned or written: a
 * size the server claims (or a real file too large for this disk) fails at once with the
 * numbers, not after hours of download. What an earlier attempt left in `.part` counts as room.
 */
function roomFor(job: Job): void {
  let free: number;
  try {
    const st = fs.statfsSync(job.cacheDir);
    free = st.bavail * st.bsize;
  } catch {
    return; // a file system that does not say: the writes will tell
  }
  let partial = 0;
  try {
    partial = fs.lstatSync(`${job.target}.part`).size;
  } catch {
    /* none yet */
  }
  const needed = job.size - partial;
  if (needed > free)
    throw new KitError(
      "download.disk-full",
      `${job.key} is ${formatBytes(job.size)} and the disk of ${job.cacheDir} has ${formatBytes(free)} free; nothing was downloaded. ` +
        "Free some space or set FLATFILES_CACHE_DIR to a larger disk, then run again.",
    );
}
