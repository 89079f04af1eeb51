/** The shapes a download passes between its steps, and the public ones (options, progress, result). */
import type * as fs from "node:fs";
import type { S3Client } from "@aws-sdk/client-s3";
import type { Timeouts } from "../../aws/timeouts";
import type { Check, Segment } from "../etag";
import type { DiskHasher } from "./hashing";
import type { Slots } from "./link";

export interface DownloadOptions {
  /** Cache root (default FLATFILES_CACHE_DIR, else ~/.cache/flatfiles-kit/files). */
  cacheDir?: string;
  /** Bytes per ranged GET (default 8 MiB). */
  partSize?: number;
  /**
   * Ranged GETs in flight for this file, fixed. Left out (the default), the number adapts to
   * the link: it starts at 8 and grows while more connections add throughput, shrinks when they
   * stop adding or requests fail, and is shared by all downloads to the same endpoint in this
   * process (link.ts). "adaptive" says the same explicitly.
   */
  concurrency?: number | "adaptive";
  onProgress?: (p: Progress) => void;
  /**
   * Stops the download: requests in flight and waits between retries end at once, the pieces
   * already finished stay recorded (the next call resumes from them), and the call rejects with
   * a KitError `download.aborted`.
   */
  signal?: AbortSignal;
  /**
   * How long to wait for an answer's first byte (`firstByteMs`, default 30 s) and between two
   * bytes of a body (`idleMs`, default 30 s); a piece that stalls is tried again, then the
   * download stops with `download.timeout`, resumable. The connect timeout is the client's
   * (`flatFilesClient(config, { timeouts })`).
   */
  timeouts?: Pick<Timeouts, "firstByteMs" | "idleMs">;
}

export interface Progress {
  key: string;
  bytes: number;
  total: number;
}

export interface Downloaded {
  key: string;
  path: string;
  size: number;
  etag: string;
  /** True when the cached copy was current and nothing was downloaded. */
  cached: boolean;
  /**
   * True when the endpoint could not be reached and the cached copy was used without checking
   * that it is still current (it may have been republished since).
   */
  offline?: boolean;
  /** Bytes fetched now (less than size after a resume). */
  fetched: number;
  /**
   * What vouches for the bytes: their MD5 equals the ETag ("md5"), the MD5s of the upload
   * parts reproduce a multipart ETag ("multipart-etag"), or only the size could be checked
   * ("size": the server did not say how the object was cut into parts). Absent for a cached
   * copy downloaded by an older version.
   */
  verified?: "md5" | "multipart-etag" | "size";
}

export interface PartState {
  etag: string;
  size: number;
  /** How the object was cut into pieces; a resume needs the same cut. */
  plan: string;
  done: number[];
  /** MD5 (hex) of each finished upload part of a multipart object, by part index. */
  digests: Record<string, string>;
}

/** One download's fixed facts: what to fetch, where to, how, and the object as the HEAD found it. */
export interface Job {
  client: S3Client;
  bucket: string;
  key: string;
  cacheDir: string;
  partSize: number;
  /** Slots for GETs: the endpoint's shared adaptive link, or a fixed number (`concurrency`). */
  slots: Slots;
  /** The file's final path in the cache; `.part`, `.part.json`, `.meta.json` and `.lock` sit beside it. */
  target: string;
  size: number;
  etag: string;
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
  /** The download's deadlines, defaults filled in. */
  timeouts: Required<Timeouts>;
  /** The function the caller called (downloadFile, downloadRange…), named where a message says which option to change. */
  via: string;
}

/** What the steps that write pieces share. */
export interface Transfer {
  handle: fs.promises.FileHandle;
  check: Check;
  pieces: Piece[];
  state: PartState;
  hasher: DiskHasher;
  /** Bytes already on disk and kept (a resume). */
  onDisk: number;
  stateFile: string;
}

/** Bytes on disk so far (the progress reported) and bytes fetched by this call (the result's `fetched`). */
export interface Tally {
  bytes: number;
  fetched: number;
}

export interface Piece extends Segment {
  segment: number;
}
