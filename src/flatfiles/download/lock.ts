import * as fs from "node:fs";
import { KitError } from "../../util/errors";
import { alive } from "../../util/process";

/**
 * One writer per cached file, across processes: `<file>.lock` holds the writer's pid. Others
 * wait for it (a lock whose process is gone is taken over), so two notebooks fetching the same
 * day never interleave their parts or rename each other's files away.
 */
export async function withFileLock<T>(
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
