/** The resume record (`<file>.part.json`): opening it, trusting only what checks out, keeping it current. */
import * as fs from "node:fs";
import { type Check, OrderedHasher, md5OfRange } from "../etag";
import { readJson, writeJsonAtomic } from "./state-files";
import type { Job, PartState, Piece } from "./types";

/**
 * The record of an earlier attempt at this very object and cut, to resume from; when there is
 * none (or the object changed since, or the cut differs), an empty `.part` file and record.
 */
export function openResumeState(job: Job, plan: string, files: { part: string; state: string }): PartState {
  const { size, etag } = job;
  const state = readJson<PartState>(files.state);
  const resumable =
    state &&
    state.etag === etag &&
    state.size === size &&
    state.plan === plan &&
    Array.isArray(state.done) &&
    fs.existsSync(files.part);
  if (resumable) {
    state.digests = state.digests ?? {};
    return state;
  }
  const fresh: PartState = { etag, size, plan, done: [], digests: {} };
  fs.rmSync(files.part, { force: true });
  fs.writeFileSync(files.part, "");
  writeJsonAtomic(files.state, fresh);
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
): { hasher: OrderedHasher; onDisk: number } {
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
  const hasher = new OrderedHasher(check, pieces, fd, (seg, digest) => {
    if (check.kind === "multipart") state.digests[seg] = digest.toString("hex");
  });
  for (const [seg, digest] of checkedParts) {
    if (pieces.every((p, i) => p.segment !== seg || reused.has(i)))
      hasher.known(seg, Buffer.from(digest, "hex"));
  }
  for (const i of reused) hasher.finish(i, true);
  return { hasher, onDisk: state.done.reduce((n, i) => n + pieces[i].length, 0) };
}

/**
 * Marks a piece finished in the record. The record is rewritten at most twice a second (a
 * rename per piece costs more than it is worth); a crash loses at most that much, and reused
 * pieces are checked anyway. The caller writes it once more at the end.
 */
export function stateRecorder(stateFile: string, state: PartState): (piece: number) => void {
  let recorded = Date.now();
  return (piece) => {
    state.done.push(piece);
    if (Date.now() - recorded >= 500) {
      writeJsonAtomic(stateFile, state);
      recorded = Date.now();
    }
  };
}
