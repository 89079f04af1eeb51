/**
 * A loopback HTTP proxy in front of the sandbox, for latency and fault injection: test and
 * benchmark tooling, exported by `flatfiles-kit/testing` (src/testing.ts), not the main entry.
 * Notebook 02's throttler (src/notebook/throttler.ts) is built on it. Headers pass through
 * untouched (Host included), so SigV4 signatures still verify.
 */
import * as http from "node:http";
import { type LoopbackServer, listenOnLoopback } from "../util/loopback";

export interface ProxyHooks {
  /** Milliseconds to wait before forwarding each request (or a function choosing per request). */
  delayMs?: number | ((req: http.IncomingMessage, n: number) => number);
  /**
   * Answer repeated GETs from memory (signatures unchecked): a server with unlimited parallel
   * capacity, so a benchmark measures the client and the latency, not the emulator's CPU.
   */
  replay?: boolean;
  /**
   * Break the response on its way back: "reset" closes the connection after half the body,
   * "truncate" sends the full Content-Length but only half the body, then closes.
   */
  breakBody?: (req: http.IncomingMessage, n: number) => "reset" | "truncate" | null;
  /** Answer a request without forwarding it (a fault): return null to forward. */
  respond?: (req: http.IncomingMessage, n: number) => { status: number; body?: string } | null;
  /** Replace a response body (the status and headers are kept, Content-Length fixed). */
  rewrite?: (body: Buffer, req: http.IncomingMessage, n: number) => Buffer;
}

export type Proxy = LoopbackServer;

export async function startProxy(target: string, hooks: ProxyHooks = {}): Promise<Proxy> {
  const t = new URL(target);
  const state = { requests: 0 };
  const cache = new Map<string, { status: number; headers: http.IncomingHttpHeaders; body: Buffer }>();
  const server = http.createServer((req, res) => {
    const n = ++state.requests;
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      setTimeout(
        () => {
          const cached = hooks.replay && req.method === "GET" ? cache.get(req.url!) : undefined;
          if (cached) {
            res.writeHead(cached.status, cached.headers);
            res.end(cached.body);
            return;
          }
          const fault = hooks.respond?.(req, n);
          if (fault) {
            res.writeHead(fault.status, { "content-type": "application/xml" });
            res.end(fault.body ?? "");
            return;
          }
          const up = http.request(
            { host: t.hostname, port: t.port, method: req.method, path: req.url, headers: req.headers },
            (upRes) => {
              if (hooks.replay && req.method === "GET") {
                const body: Buffer[] = [];
                upRes.on("data", (c) => body.push(c));
                upRes.on("end", () => {
                  const entry = {
                    status: upRes.statusCode ?? 502,
                    headers: upRes.headers,
                    body: Buffer.concat(body),
                  };
                  if (entry.status === 200) cache.set(req.url!, entry);
                  res.writeHead(entry.status, entry.headers);
                  res.end(entry.body);
                });
                return;
              }
              const breakage = hooks.breakBody?.(req, n) ?? null;
              if (breakage) {
                const body: Buffer[] = [];
                upRes.on("data", (c) => body.push(c));
                upRes.on("end", () => {
                  const all = Buffer.concat(body);
                  const half = all.subarray(0, Math.floor(all.length / 2));
                  const headers = { ...upRes.headers };
                  if (breakage === "reset") delete headers["content-length"];
                  res.writeHead(upRes.statusCode ?? 502, headers);
                  res.write(half, () => res.socket?.destroy());
                });
                return;
              }
              if (!hooks.rewrite || req.method === "HEAD") {
                res.writeHead(upRes.statusCode ?? 502, upRes.headers);
                upRes.pipe(res);
                return;
              }
              const body: Buffer[] = [];
              upRes.on("data", (c) => body.push(c));
              upRes.on("end", () => {
                const out = hooks.rewrite!(Buffer.concat(body), req, n);
                res.writeHead(upRes.statusCode ?? 502, {
                  ...upRes.headers,
                  "content-length": String(out.length),
                });
                res.end(out);
              });
            },
          );
          up.on("error", (e) => {
            res.writeHead(502);
            res.end(String(e));
          });
          up.end(Buffer.concat(chunks));
        },
        typeof hooks.delayMs === "function" ? hooks.delayMs(req, n) : (hooks.delayMs ?? 0),
      );
    });
  });
  return listenOnLoopback(server, () => state.requests, 1000);
}

/** S3's throttling answer, as the real service words it. */
export const SLOW_DOWN = {
  status: 503,
  body: "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>",
};

export type Fault = "503" | "500" | "429" | "reset" | "truncate" | "delay";

/**
 * A proxy that injects one kind of fault into a share `rate` of requests (deterministic
 * sequence): error answers (503 SlowDown, 500, 429), a connection reset mid-body, a truncated
 * body, or a 300 ms delay.
 */
export function startFaultProxy(target: string, fault: Fault, rate: number, seed = 7): Promise<Proxy> {
  let x = seed >>> 0 || 1;
  const hit = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296 < rate;
  };
  const answers: Record<string, { status: number; body: string }> = {
    "503": SLOW_DOWN,
    "500": { status: 500, body: "<Error><Code>InternalError</Code><Message>injected</Message></Error>" },
    "429": { status: 429, body: "<Error><Code>TooManyRequests</Code><Message>injected</Message></Error>" },
  };
  if (fault === "delay") return startProxy(target, { delayMs: () => (hit() ? 300 : 0) });
  if (fault === "reset" || fault === "truncate")
    return startProxy(target, { breakBody: () => (hit() ? fault : null) });
  return startProxy(target, { respond: () => (hit() ? answers[fault] : null) });
}
