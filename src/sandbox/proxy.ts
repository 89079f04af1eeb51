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

type Cached = { status: number; headers: http.IncomingHttpHeaders; body: Buffer };

export async function startProxy(target: string, hooks: ProxyHooks = {}): Promise<Proxy> {
  const t = new URL(target);
  const state = { requests: 0 };
  const cache = new Map<string, Cached>();
  const server = http.createServer((req, res) => {
    const n = ++state.requests;
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const delay = typeof hooks.delayMs === "function" ? hooks.delayMs(req, n) : (hooks.delayMs ?? 0);
      setTimeout(() => handle(req, res, Buffer.concat(chunks), n), delay);
    });
  });

  /** One request: from the replay cache, as a fault, or forwarded (and its answer shaped). */
  function handle(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer, n: number): void {
    const replayable = hooks.replay === true && req.method === "GET";
    const cached = replayable ? cache.get(req.url!) : undefined;
    if (cached) {
      send(res, cached);
      return;
    }
    const fault = hooks.respond?.(req, n);
    if (fault) {
      send(res, {
        status: fault.status,
        headers: { "content-type": "application/xml" },
        body: Buffer.from(fault.body ?? ""),
      });
      return;
    }
    const up = http.request(
      { host: t.hostname, port: t.port, method: req.method, path: req.url, headers: req.headers },
      (upRes) => answer(req, res, upRes, n, replayable),
    );
    up.on("error", (e) => {
      // Before the answer began: a 502 says so. After: the client's connection is cut as well.
      if (res.headersSent) return void res.destroy();
      res.writeHead(502);
      res.end(String(e));
    });
    up.end(body);
  }

  /** The upstream answer, passed through, remembered for replay, broken, or rewritten. */
  function answer(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    upRes: http.IncomingMessage,
    n: number,
    replayable: boolean,
  ): void {
    const status = upRes.statusCode ?? 502;
    // The upstream connection broken mid-body is passed on as what it is, a broken connection:
    // the client sees a reset at once, not a silent socket until its idle timeout.
    upRes.on("close", () => {
      if (!upRes.complete) res.destroy();
    });
    const breakage = replayable ? null : (hooks.breakBody?.(req, n) ?? null);
    if (!replayable && !breakage && (!hooks.rewrite || req.method === "HEAD")) {
      res.writeHead(status, upRes.headers);
      upRes.pipe(res);
      return;
    }
    whole(upRes, (all) => {
      if (replayable) {
        const entry = { status, headers: upRes.headers, body: all };
        if (status === 200) cache.set(req.url!, entry);
        send(res, entry);
        return;
      }
      if (breakage) {
        breakBody(res, status, upRes.headers, all, breakage);
        return;
      }
      const out = hooks.rewrite!(all, req, n);
      send(res, { status, headers: { ...upRes.headers, "content-length": String(out.length) }, body: out });
    });
  }

  return listenOnLoopback(server, () => state.requests, 1000);
}

function send(res: http.ServerResponse, r: Cached): void {
  res.writeHead(r.status, r.headers);
  res.end(r.body);
}

/** The whole body of a response, once it has all arrived. */
function whole(res: http.IncomingMessage, done: (body: Buffer) => void): void {
  const body: Buffer[] = [];
  res.on("data", (c) => body.push(c));
  res.on("end", () => done(Buffer.concat(body)));
  // An upstream cut mid-body never ends: the caller's "close" handler (in answer) resets the client.
}

/**
 * Half the body, then the connection closed: "reset" without a Content-Length (the client sees
 * the connection drop), "truncate" with the full one (the client sees a short body).
 */
function breakBody(
  res: http.ServerResponse,
  status: number,
  headers: http.IncomingHttpHeaders,
  all: Buffer,
  how: "reset" | "truncate",
): void {
  const sent = { ...headers };
  if (how === "reset") delete sent["content-length"];
  res.writeHead(status, sent);
  res.write(all.subarray(0, Math.floor(all.length / 2)), () => res.socket?.destroy());
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
