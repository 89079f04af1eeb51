/** The resume record (`<file>.part.json`): opening it, trusting only what checks out, keeping it current. */
import * as fs from "node:fs";
import { type Check, md5OfRange } from "../etag";
import { DiskHasher } from "./hashing";
import { inTheWay, writeFailure } from "./failures";
import { readJson, writeJsonAtomic } from "./state-files";
import type { Job, PartState, Piece } from "./types";

const RECORD = "the record of a partial download";
const PART = "a partial download";

/**
 * A resume record as the kit writes it, or null: anything else (garbage, another tool's file,
 * a record damaged by a crash or a hand edit) is discarded, never half-trusted. Digests are
 * copied into an object with no prototype, so no key (`__proto__`) can reach one.
 */
export function validRecord(raw: unknown): PartState | null {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return null;
  const { etag, size, plan, done, digests = {} } = raw as Record<string, unknown>;
  if (typeof etag !== "string" || typeof plan !== "string" || !Number.isSafeInteger(size)) return null;
  if (!Array.isArray(done) || !done.every((i) => Number.isSafeInteger(i) && i >= 0)) return null;
  if (typeof digests !== "object" || digests === null || Array.isArray(digests)) return null;
  const clean: Record<string, string> = Object.create(null);
  for (const [k, v] of Object.entries(digests)) {
    if (!/^\d{1,6}$/.test(k) || typeof v !== "string" || !/^[0-9a-f]{32}$/.test(v)) return null;
    clean[k] = v;
  }
  return { etag, size: size as number, plan, done: [...new Set(done as number[])], digests: clean };
}

/** Whether `file` is a plain file: a folder is reported, a link or anything else is not resumed from. */
function plainFile(file: string, what: string): boolean {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(file);
  } catch {
    return false;
  }
  if (st.isDirectory()) throw inTheWay(file, what);
  return st.isFile();
}

/**
 * The record of an earlier attempt at this very object and cut, to resume from; when there is
 * none (or the object changed since, or the cut differs, or the record or the `.part` file is
 * not one the kit wrote), an empty `.part` file and record. A failure to write them (a full
 * disk) is explained, and leaves no temporary file.
 */
export function openResumeState(job: Job, plan: string, files: { part: string; state: string }): PartState {
  const { size, etag } = job;
  const raw = readJson(files.state, RECORD);
  const state = validRecord(raw);
  if (raw !== null && !state)
    console.warn(
      `flatfiles-kit: ${files.state} is not a resume record this kit wrote; ${job.key} starts from the beginning.`,
    );
  const partOk = plainFile(files.part, PART);
  if (state && state.etag === etag && state.size === size && state.plan === plan && partOk) return state;
  const fresh: PartState = { etag, size, plan, done: [], digests: Object.create(null) };
  const failed = (e: unknown) => writeFailure(job, e);
  try {
    fs.rmSync(files.part, { force: true }); // a link is removed, never followed
    fs.closeSync(
      fs.openSync(
        files.part,
        fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW,
        0o644,
      ),
    );
  } catch (e) {
    throw failed(e);
  }
  writeJsonAtomic(files.state, fresh, RECORD, failed);
  return fresh;
}

/**
 * Which recorded pieces can be kept, and a hasher primed with them. Reused upload parts whose
 * recorded MD5 no longer matches the bytes on disk (a damaged disk, a crash before the page
 * cache reached it) are fetched again, not trusted; the other reused bytes are hashed from
 * disk in their turn, so they are checked too.
 */
export function reuseSavedPieces(
  fd: number,
  check: Check,
  pieces: Piece[],
  state: PartState,
  size: number,
): { hasher: DiskHasher; onDisk: number } {
  const reused = new Set(state.done.filter((i) => Number.isInteger(i) && i >= 0 && i < pieces.length));
  const checkedParts = new Map<number, string>();
  for (const [seg, digest] of Object.entries(state.digests)) {
    const s = check.segments[Number(seg)];
    if (s && md5OfRange(fd, s.start, s.length) === digest) checkedParts.set(Number(seg), digest);
    else {
      for (const [i, p] of pieces.entries()) if (p.segment === Number(seg)) reused.delete(i);
      delete state.digests[seg];
    }
  }
  state.done = [...reused];
  const hasher = new DiskHasher(check, pieces, fd, size, (seg, digest) => {
    if (check.kind === "multipart") state.digests[seg] = digest.toString("hex");
  });
  for (const [seg, digest] of checkedParts) {
    if (pieces.every((p, i) => p.segment !== seg || reused.has(i)))
      hasher.known(seg, Buffer.from(digest, "hex"));
  }
  for (const i of reused) hasher.finish(i);
  return { hasher, onDisk: state.done.reduce((n, i) => n + pieces[i].length, 0) };
}

/**
 * Marks a piece finished in the record. The record is rewritten at most twice a second (a
 * rename per piece costs more than it is worth); a crash loses at most that much, and reused
 * pieces are checked anyway. The caller writes it once more at the end.
 */
export function stateRecorder(job: Job, stateFile: string, state: PartState): (piece: number) => void {
  let recorded = Date.now();
  return (piece) => {
    state.done.push(piece);
    if (Date.now() - recorded >= 500) {
      saveRecord(job, stateFile, state);
      recorded = Date.now();
    }
  };
}

/** Rewrite the resume record; a failure (a full disk) is explained. */
export function saveRecord(job: Job, stateFile: string, state: PartState): void {
  writeJsonAtomic(stateFile, state, RECORD, (e) => writeFailure(job, e));
}
