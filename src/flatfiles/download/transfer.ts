/** Fetch what is missing into `<file>.part`, check every byte, and move the file into place. */
import * as fs from "node:fs";
import { fetchMissing } from "./pieces";
import { planDownload } from "./plan";
import { publish } from "./publish";
import { openResumeState, reuseSavedPieces } from "./resume";
import type { Downloaded, Job } from "./types";
import { verifyBytes } from "./verify";

export async function transfer(job: Job): Promise<Downloaded> {
  const { check, pieces, plan } = await planDownload(job);
  // An abort while planning may have left a guessed plan: never reset a resumable state on it.
  if (job.signal?.aborted) throw job.signal.reason;
  const files = { part: `${job.target}.part`, state: `${job.target}.part.json` };
  const state = openResumeState(job, plan, files);
  // Never through a link: openResumeState made (or kept) a plain file, and a link put there
  // since must not be written through.
  const handle = await fs.promises.open(files.part, fs.constants.O_RDWR | fs.constants.O_NOFOLLOW);
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
