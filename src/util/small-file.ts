/**
 * Reading a small settings or state file whose path a user (or anyone who can write there)
 * controls. A plain `readFileSync` on a FIFO waits for a writer with the event loop blocked: no
 * timeout, no AbortSignal and not even Ctrl-C ends it; on `/dev/zero` it reads until memory runs
 * out. So the file is opened without blocking and read only when it is a regular file of a
 * sensible size.
 */
import * as fs from "node:fs";

export type SmallFile =
  | { ok: true; bytes: Buffer }
  | { ok: false; why: "missing" | "not a regular file" | "too large"; code?: string };

export function readSmallFile(file: string, maxBytes = 1 << 20): SmallFile {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return { ok: false, why: "missing", code };
    if (code === "EISDIR") return { ok: false, why: "not a regular file", code };
    throw e;
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) return { ok: false, why: "not a regular file" };
    if (st.size > maxBytes) return { ok: false, why: "too large" };
    return { ok: true, bytes: fs.readFileSync(fd) };
  } finally {
    fs.closeSync(fd);
  }
}
