/**
 * How many bytes a client's answers carry, for lessons about what a listing costs: read from
 * each response's Content-Length, as the server declared it, after the SDK has sent it.
 */
import type { MiddlewareStackLike } from "./signing";

export interface TrafficMeter {
  /** Successful responses counted so far (a retried request counts once per answer that parsed). */
  readonly responses: number;
  /** Bytes of response bodies so far. */
  readonly bytes: number;
  /** Start counting from zero again. */
  reset(): void;
  /** Stop counting (removes the meter from the client). */
  stop(): void;
}

let meters = 0;

/** Count the response bytes of every request `client` sends from now on. */
export function meterTraffic(client: { middlewareStack: unknown }): TrafficMeter {
  const stack = client.middlewareStack as MiddlewareStackLike;
  const name = `kitTrafficMeter${++meters}`;
  const state = { responses: 0, bytes: 0 };
  // The deserialize step sees the raw HTTP response of every attempt before it is parsed.
  stack.add(
    (next) => async (args) => {
      const out = (await next(args)) as { response?: { headers?: Record<string, string> } };
      state.responses++;
      state.bytes += Number(out.response?.headers?.["content-length"] ?? 0);
      return out;
    },
    { step: "deserialize", name },
  );
  return {
    get responses() {
      return state.responses;
    },
    get bytes() {
      return state.bytes;
    },
    reset() {
      state.responses = 0;
      state.bytes = 0;
    },
    stop() {
      stack.remove(name);
    },
  };
}
