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
 * A far server (`link`): every answer waits `firstByteMs` before its headers, each connection
 * sends at most `perConnection` bytes/s and all of them together at most `total` bytes/s, so a
 * client that opens too few connections cannot fill the link (a real endpoint far from its users).
 *
 * Faults (`faults` on an object), for the download tests: a HEAD that is never answered, a HEAD
 * without Content-Length, a different ETag on the wire, a body that stalls midway, a HEAD that
 * claims another size, a server that ignores Range, a body that never ends.
 *
 * Run on its own (so its CPU and memory are not the client's):
 *   tsx bench/standin.ts '<json: {bucket, objects, link?}>'   → prints {"endpoint": …} when listening
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import { Transform, type TransformCallback } from "node:stream";
import { type LoopbackServer, listenOnLoopback } from "../src/util/loopback";

export interface StandInObject {
  key: string;
  file: string;
  /** Behave as a multipart upload with parts of this many bytes. */
  partSize?: number;
  faults?: Faults;
}

export interface Faults {
  /** Never answer a HEAD (the connection stays open, silent). */
  stallHead?: boolean;
  /** Answer HEAD without Content-Length (chunked). */
  noContentLength?: boolean;
  /** Send this ETag (quotes included, e.g. `W/"…"`) instead of the real one. */
  etag?: string;
  /**
   * Ranged GETs starting at `from` send `afterBytes` bytes and then nothing, `times` times
   * (every time when absent), holding the connection open.
   */
  stallBody?: { from: number; afterBytes: number; times?: number };
  /** Claim this size in answers to HEAD (a server whose HEAD and GET disagree, or a hostile one). */
  headSize?: number;
  /** Answer a ranged GET with 200 and the whole object, as a web server without Range support does. */
  ignoreRange?: boolean;
  /** Answer a ranged GET with 206 and a body that never ends (chunked, no Content-Length). */
  endlessBody?: boolean;
}

/** A link far from its clients: latency before each answer, a cap per connection and one for all. */
export interface Link {
  firstByteMs: number;
  /** Bytes per second one connection carries. */
  perConnection: number;
  /** Bytes per second all connections together carry. */
  total: number;
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

export type StandIn = LoopbackServer & {
  /** The most GETs of object bytes in flight at once so far. */
  readonly peakGets: number;
  /** GETs of object bytes answered so far. */
  readonly allGets: number;
};

/**
 * The whole link's budget, shared by its connections: a token bucket refilled at `total`
 * bytes/s. Each connection also paces itself to `perConnection`.
 */
class LinkPacer {
  private available = 0;
  private last = performance.now();
  constructor(private readonly link: Link) {}

  /** Milliseconds to wait before `n` more bytes may go out, reserving them. */
  reserve(n: number): number {
    const now = performance.now();
    this.available = Math.min(
      this.link.total / 20,
      this.available + ((now - this.last) / 1000) * this.link.total,
    );
    this.last = now;
    this.available -= n;
    return this.available >= 0 ? 0 : (-this.available / this.link.total) * 1000;
  }

  /** A stream that passes bytes at most at the per-connection and the link's rate. */
  throttle(): Transform {
    const { perConnection } = this.link;
    const slice = 64 << 10;
    let next = performance.now();
    const stream: Transform = new Transform({
      highWaterMark: slice,
      transform: (data: Buffer, _enc: string, done: TransformCallback) => {
        const pieces: Buffer[] = [];
        for (let at = 0; at < data.length; at += slice) pieces.push(data.subarray(at, at + slice));
        const send = () => {
          const piece = pieces.shift();
          if (!piece) return done();
          const now = performance.now();
          const own = Math.max(0, next - now);
          next = Math.max(next, now) + (piece.length / perConnection) * 1000;
          setTimeout(
            () => {
              stream.push(piece);
              send();
            },
            Math.max(own, this.reserve(piece.length)),
          );
        };
        send();
      },
    });
    return stream;
  }
}

export async function startStandIn(bucket: string, objects: StandInObject[], link?: Link): Promise<StandIn> {
  const served = new Map<string, Served>();
  for (const o of objects) {
    const st = fs.statSync(o.file);
    served.set(o.key, { ...o, size: st.size, mtime: st.mtime, etag: cachedEtag(o.file, o.partSize) });
  }
  const state = { requests: 0, gets: 0, peakGets: 0, allGets: 0 };
  const pacer = link ? new LinkPacer(link) : null;
  const stalls = new Map<string, number>();
  const server = http.createServer((req, res) => {
    state.requests++;
    if (link) setTimeout(() => answer(req, res), link.firstByteMs);
    else answer(req, res);
  });
  /** ListObjectsV2 of a prefix, one page (the benchmark's `aws s3 cp --recursive` lists once). */
  const list = (url: URL, res: http.ServerResponse) => {
    const prefix = url.searchParams.get("prefix") ?? "";
    const encode = url.searchParams.get("encoding-type") === "url";
    const esc = (s: string) =>
      encode ? encodeURIComponent(s) : s.replace(/&/g, "&amp;").replace(/</g, "&lt;");
    const keys = [...served.values()]
      .filter((s) => s.key.startsWith(prefix))
      .sort((x, y) => (x.key < y.key ? -1 : 1));
    const body =
      `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>${bucket}</Name><Prefix>${esc(prefix)}</Prefix>` +
      `<KeyCount>${keys.length}</KeyCount><MaxKeys>1000</MaxKeys>${encode ? "<EncodingType>url</EncodingType>" : ""}<IsTruncated>false</IsTruncated>` +
      keys
        .map(
          (s) =>
            `<Contents><Key>${esc(s.key)}</Key><LastModified>${s.mtime.toISOString()}</LastModified><ETag>"${s.etag}"</ETag><Size>${s.size}</Size><StorageClass>STANDARD</StorageClass></Contents>`,
        )
        .join("") +
      "</ListBucketResult>";
    res.writeHead(200, { "Content-Type": "application/xml", "Content-Length": Buffer.byteLength(body) });
    res.end(body);
  };
  const answer = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://stand-in");
    const [, b, ...rest] = url.pathname.split("/");
    const key = decodeURIComponent(rest.join("/"));
    const o = b === bucket ? served.get(key) : undefined;
    const error = (status: number, code: string) => {
      const body = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${code}</Message></Error>`;
      res.writeHead(status, { "Content-Type": "application/xml", "Content-Length": Buffer.byteLength(body) });
      res.end(req.method === "HEAD" ? undefined : body);
    };
    if (b === bucket && key === "" && req.method === "GET") return list(url, res);
    if (!o) return error(404, "NoSuchKey");
    if (req.method !== "GET" && req.method !== "HEAD") return error(405, "MethodNotAllowed");
    const faults = o.faults ?? {};
    if (req.method === "HEAD" && faults.stallHead) return; // silent, connection open
    // If-Match compares with the ETag as this server sends it (a fault may change its spelling).
    const ifMatch = req.headers["if-match"];
    const sent = faults.etag ?? `"${o.etag}"`;
    if (ifMatch && ifMatch !== sent && ifMatch.replace(/"/g, "") !== o.etag)
      return error(412, "PreconditionFailed");

    let start = 0;
    let end = o.size - 1;
    let status = 200;
    const headers: http.OutgoingHttpHeaders = {
      ETag: faults.etag ?? `"${o.etag}"`,
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
    if (faults.ignoreRange && range) {
      status = 200;
      start = 0;
      end = o.size - 1;
      delete headers["Content-Range"];
    }
    if (!(req.method === "HEAD" && faults.noContentLength)) headers["Content-Length"] = end - start + 1;
    if (req.method === "HEAD" && faults.headSize !== undefined) headers["Content-Length"] = faults.headSize;
    if (req.method === "GET" && faults.endlessBody) {
      delete headers["Content-Length"];
      state.allGets++;
      res.writeHead(status, headers);
      const chunk = Buffer.alloc(64 << 10, 7);
      const pour = () => {
        let room = true;
        while (room && !res.destroyed) room = res.write(chunk);
        if (!res.destroyed) res.once("drain", pour);
      };
      res.on("close", () => res.removeAllListeners("drain"));
      return pour();
    }
    res.writeHead(status, headers);
    if (req.method === "HEAD" || o.size === 0) return res.end();
    const stall = faults.stallBody;
    const stalled = stall && stall.from === start && (stalls.get(key) ?? 0) < (stall.times ?? Infinity);
    if (stalled) {
      stalls.set(key, (stalls.get(key) ?? 0) + 1);
      end = Math.min(end, start + stall.afterBytes - 1);
    }
    state.gets++;
    state.allGets++;
    state.peakGets = Math.max(state.peakGets, state.gets);
    res.on("close", () => state.gets--);
    const body = fs.createReadStream(o.file, { start, end, highWaterMark: 1 << 20 });
    const out = pacer ? body.pipe(pacer.throttle()) : body;
    out.pipe(res, { end: !stalled }); // a stalled body never ends: the connection stays open, silent
  };
  const listening = await listenOnLoopback(server, () => state.requests, 30_000);
  // A getter (Object.assign would copy today's value).
  return Object.defineProperties(listening, {
    peakGets: { get: () => state.peakGets },
    allGets: { get: () => state.allGets },
  }) as StandIn;
}

if (require.main === module) {
  const { bucket, objects, link } = JSON.parse(process.argv[2] ?? "{}");
  startStandIn(bucket, objects, link).then((s) => {
    process.stdout.write(JSON.stringify({ endpoint: s.endpoint }) + "\n");
  });
}
