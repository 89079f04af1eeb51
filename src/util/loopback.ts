/** An HTTP server on a free loopback port, with its address and a clean shutdown. */
import type * as http from "node:http";
import type { AddressInfo } from "node:net";

export interface LoopbackServer {
  endpoint: string;
  /** Requests answered so far. */
  readonly requests: number;
  close(): Promise<void>;
}

export async function listenOnLoopback(
  server: http.Server,
  requests: () => number,
  keepAliveMs: number,
): Promise<LoopbackServer> {
  server.keepAliveTimeout = keepAliveMs;
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    get requests() {
      return requests();
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
