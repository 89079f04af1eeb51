import * as fs from "node:fs";
import { type Check, checkName, exactSegments, multipartEtagOf } from "../etag";
import { formatBytes } from "../../util/bytes";
import type { DiskHasher } from "./hashing";
import { KitError } from "../../util/errors";
import type { Downloaded, Job } from "./types";

/**
 * Whether the bytes on disk are the object: the size, then the ETag their hashes give. Damaged
 * bytes are removed with their record (a resume would reuse them) and reported as
 * `download.corrupt`. Resolves with what vouches for the bytes; when that is only the size, a
 * warning says why.
 */
export async function verifyBytes(
  job: Job,
  handle: fs.promises.FileHandle,
  check: Check,
  hasher: DiskHasher,
  files: { part: string; state: string },
): Promise<NonNullable<Downloaded["verified"]>> {
  const { client, bucket, key, size } = job;
  // The ETag as the check knows it (lowercased: an uppercase MD5 is still one).
  const { etag } = check;
  const got = (await handle.stat()).size;
  let computed = hasher.result();
  if (computed !== null && computed !== etag && check.kind === "multipart" && check.partsFrom === "assumed") {
    // The middle parts were taken to be equal; if the server says otherwise, hash again by its parts.
    const exact = await exactSegments(client, bucket, key, size, check.segments.length, job.signal).catch(
      () => null,
    );
    if (exact?.some((s, n) => s.length !== check.segments[n].length))
      computed = multipartEtagOf(handle.fd, exact);
  }
  const damaged =
    got !== size ||
    (computed !== null && computed !== etag && !(check.kind === "multipart" && check.partsFrom === "guess"));
  if (damaged) {
    fs.rmSync(files.part, { force: true });
    fs.rmSync(files.state, { force: true });
    throw new KitError(
      "download.corrupt",
      `${key} arrived damaged (${got} of ${size} bytes${got === size ? `; its ${check.kind === "md5" ? "MD5" : "multipart ETag"} is ${computed}, the server's is ${etag}` : ""}); the partial file was removed, run again.`,
    );
  }
  if (check.kind !== "size" && computed === etag) return checkName(check);
  console.warn(
    `flatfiles-kit: only the size of ${key} could be checked: ` +
      (check.kind === "size"
        ? check.reason
        : `its ETag is not reproduced with the guessed part size of ${formatBytes(check.segments[0].length)}`) +
      ".",
  );
  return "size";
}
