/**
 * A local S3 stand-in for download benchmarks: GET and HEAD of objects that are plain files on
 * disk, with Range, If-Match and `partNumber` answered as S3 answers them. It does no
 * signature checks and no listing, keeps nothing in memory and streams from the page cache, so
 * a download from it measures the client, not the server (moto, by contrast, copies every body
 * through Python and is the bottleneck of any download from the sandbox).
 *
 * Objects are described as { key, file, partSize? }: with `partSize` the object behaves as one
 * uploaded in parts of that size (ETag `<md5 of the parts' md5s>-<parts>`,
 * `x-amz-mp-parts-count` on a HEAD with partNumber), without it as a single PUT (ETag = MD5).
 *
 * Run on its own (so its CPU and memory are not the client's):
 *   tsx bench/standin.ts '<json: {bucket, objects}>'   → prints {"endpoint": …} when listening
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import { type LoopbackServer, listenOnLoopback } from "../src/util/loopback";

export interface StandInObject {
  key: string;
  file: string;
  /** Behave as a multipart upload with parts of this many bytes. */
  partSize?: number;
}

interface Served extends StandInObject {
  size: number;
  etag: string;
  mtime: Date;
}

/**
 * The ETag S3 gives a file uploaded whole (MD5) or in parts of `partSize` bytes. Computed here,
 * not with the kit's etag.ts, on purpose: the server is the kit's oracle and must not share its code.
 */
export function etagOfFile(file: string, partSize?: number): string {
  const fd = fs.openSync(file, "r");
  try {
    const size = fs.fstatSync(fd).size;
    const buf = Buffer.allocUnsafe(4 << 20);
    const digestRange = (start: number, end: number): Buffer => {
      const h = createHash("md5");
      for (let at = start; at < end; ) {
        const n = fs.readSync(fd, buf, 0, Math.min(buf.length, end - at), at);
        if (n <= 0) throw new Error(`short read of ${file}`);
        h.update(buf.subarray(0, n));
        at += n;
      }
      return h.digest();
    };
    if (!partSize) return digestRange(0, size).toString("hex");
    const parts = Math.max(1, Math.ceil(size / partSize));
    const all = createHash("md5");
    for (let i = 0; i < parts; i++) all.update(digestRange(i * partSize, Math.min(size, (i + 1) * partSize)));
    return `${all.digest("hex")}-${parts}`;
  } finally {
    fs.closeSync(fd);
  }
}

/** ETags are slow to compute for GiB files: keep them beside the file, keyed by size and mtime. */
function cachedEtag(file: string, partSize?: number): string {
  const st = fs.statSync(file);
  const memo = `${file}.etag-${partSize ?? 0}.json`;
  try {
    const m = JSON.parse(fs.readFileSync(memo, "utf8"));
    if (m.size === st.size && m.mtimeMs === st.mtimeMs) return m.etag;
  } catch {
    /* not computed yet */
  }
  const etag = etagOfFile(file, partSize);
  fs.writeFileSync(memo, JSON.stringify({ size: st.size, mtimeMs: st.mtimeMs, etag }));
  return etag;
}

export type StandIn = LoopbackServer;

export async function startStandIn(bucket: string, objects: StandInObject[]): Promise<StandIn> {
  const served = new Map<string, Served>();
  for (const o of objects) {
    const st = fs.statSync(o.file);
    served.set(o.key, { ...o, size: st.size, mtime: st.mtime, etag: cachedEtag(o.file, o.partSize) });
  }
  const state = { requests: 0 };
  const server = http.createServer((req, res) => {
    state.requests++;
    const url = new URL(req.url ?? "/", "http://stand-in");
    const [, b, ...rest] = url.pathname.split("/");
    const key = decodeURIComponent(rest.join("/"));
    const o = b === bucket ? served.get(key) : undefined;
    const error = (status: number, code: string) => {
      const body = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${code}</Message></Error>`;
      res.writeHead(status, { "Content-Type": "application/xml", "Content-Length": Buffer.byteLength(body) });
      res.end(req.method === "HEAD" ? undefined : body);
    };
    if (!o) return error(404, "NoSuchKey");
    if (req.method !== "GET" && req.method !== "HEAD") return error(405, "MethodNotAllowed");
    const ifMatch = req.headers["if-match"];
    if (ifMatch && ifMatch.replace(/"/g, "") !== o.etag) return error(412, "PreconditionFailed");

    let start = 0;
    let end = o.size - 1;
    let status = 200;
    const headers: http.OutgoingHttpHeaders = {
      ETag: `"${o.etag}"`,
      "Last-Modified": o.mtime.toUTCString(),
      "Accept-Ranges": "bytes",
      "Content-Type": "application/octet-stream",
    };
    const partNumber = url.searchParams.get("partNumber");
    const range = req.headers.range;
    if (partNumber !== null) {
      const n = Number(partNumber);
      const partSize = o.partSize ?? Math.max(o.size, 1);
      const parts = Math.max(1, Math.ceil(o.size / partSize));
      if (!Number.isInteger(n) || n < 1 || n > parts) return error(416, "InvalidPartNumber");
      start = (n - 1) * partSize;
      end = Math.min(o.size, n * partSize) - 1;
      status = 206;
      if (o.partSize) headers["x-amz-mp-parts-count"] = String(parts);
    } else if (range) {
      const m = /^bytes=(\d+)-(\d*)$/.exec(range);
      if (!m || Number(m[1]) >= o.size) return error(416, "InvalidRange");
      start = Number(m[1]);
      end = m[2] ? Math.min(Number(m[2]), o.size - 1) : o.size - 1;
      status = 206;
    }
    if (status === 206) headers["Content-Range"] = `bytes ${start}-${end}/${o.size}`;
    headers["Content-Length"] = end - start + 1;
    res.writeHead(status, headers);
    if (req.method === "HEAD" || o.size === 0) return res.end();
    fs.createReadStream(o.file, { start, end, highWaterMark: 1 << 20 }).pipe(res);
  });
  return listenOnLoopback(server, () => state.requests, 30_000);
}

if (require.main === module) {
  const { bucket, objects } = JSON.parse(process.argv[2] ?? "{}");
  startStandIn(bucket, objects).then((s) => {
    process.stdout.write(JSON.stringify({ endpoint: s.endpoint }) + "\n");
  });
}
