/**
 * The cache's small JSON files beside a download (its resume record and its description). They
 * are read without following a symbolic link (a link planted in the cache is ignored, then
 * replaced by the kit's own file), and written through a temporary file that is removed again
 * when the write fails: a full disk leaves nothing behind that needs space to clean up.
 */
import * as fs from "node:fs";
import { inTheWay } from "./failures";

/** A record larger than this is not one the kit wrote. */
const MAX_RECORD = 16 << 20;

/**
 * The parsed JSON in `file`, or null when there is none, it is a symbolic link, a FIFO or
 * another special file, too large, or not JSON. A folder there is reported (`what` says what the cache keeps at that path).
 */
export function readJson(file: string, what: string): unknown {
  let fd: number;
  try {
    // O_NONBLOCK: opening a planted FIFO for reading would otherwise wait for a writer forever,
    // with the event loop blocked (no timeout, no AbortSignal, not even Ctrl-C could end it).
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ELOOP" || code === "ENOTDIR") return null;
    if (code === "EISDIR") throw inTheWay(file, what);
    throw e;
  }
  try {
    const st = fs.fstatSync(fd);
    if (st.isDirectory()) throw inTheWay(file, what);
    if (!st.isFile() || st.size > MAX_RECORD) return null;
    return JSON.parse(fs.readFileSync(fd, "utf8"));
  } catch (e) {
    if (e instanceof SyntaxError) return null;
    throw e;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Replace `file` with `value` as JSON, all or nothing (a temporary file, then a rename, which
 * replaces a planted link instead of writing through it). On failure the temporary file is
 * removed (unlinking needs no space) and the error goes to `failed`, which explains it.
 */
export function writeJsonAtomic(
  file: string,
  value: unknown,
  what: string,
  failed: (e: unknown) => Error,
): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    fs.rmSync(tmp, { force: true }); // a leftover of a crashed run with this pid, or a planted link
    fs.writeFileSync(tmp, JSON.stringify(value), { flag: "wx" });
    fs.renameSync(tmp, file);
  } catch (e) {
    try {
      fs.rmSync(tmp, { force: true });
    } catch {
      /* the original failure is the news */
    }
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EISDIR" || code === "ENOTEMPTY" || code === "EEXIST") throw inTheWay(file, what);
    throw failed(e);
  }
}
