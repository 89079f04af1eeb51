/**
 * What SigV4 puts on a request, for teaching: the signed request's Authorization header taken
 * apart, with the access key id masked and the secret nowhere (it never leaves the client).
 */
import type { Row } from "./display";

/** The part of an SDK client's middleware stack the teaching helpers use (add a step, remove it). */
export interface MiddlewareStackLike {
  add(
    mw: (next: (a: unknown) => Promise<unknown>) => (a: unknown) => Promise<unknown>,
    opts: { step: string; name: string },
  ): void;
  remove(name: string): boolean;
}

interface HttpRequestLike {
  method: string;
  path: string;
  query?: Record<string, string | string[] | null>;
  headers: Record<string, string>;
}

/** Send `command` and return how its request was signed. */
export async function signedRequestRows(
  client: { send(c: unknown): Promise<unknown>; middlewareStack: unknown },
  command: unknown,
): Promise<Row[]> {
  const stack = client.middlewareStack as MiddlewareStackLike;
  let seen: HttpRequestLike | undefined;
  const name = "kitCaptureSignedRequest";
  // The deserialize step runs after signing, so it sees the request exactly as sent.
  stack.add(
    (next) => async (args) => {
      seen = (args as { request: HttpRequestLike }).request;
      return next(args);
    },
    { step: "deserialize", name },
  );
  try {
    await client.send(command);
  } finally {
    stack.remove(name);
  }
  const h = seen!.headers;
  const auth = h.authorization ?? h.Authorization ?? "";
  const [algorithm, rest = ""] =
    auth.split(" ", 2).length === 2
      ? [auth.slice(0, auth.indexOf(" ")), auth.slice(auth.indexOf(" ") + 1)]
      : [auth];
  const fields = Object.fromEntries(
    rest.split(", ").map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]),
  );
  const [keyId = "", ...scope] = (fields.Credential ?? "").split("/");
  const query = Object.entries(seen!.query ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
  return [
    { part: "request line", value: `${seen!.method} ${seen!.path}${query ? `?${query}` : ""}` },
    { part: "algorithm", value: algorithm },
    {
      part: "access key id",
      value: `${"•".repeat(Math.min(8, keyId.length))} (${keyId.length} characters, hidden here)`,
    },
    { part: "credential scope", value: scope.join("/") },
    { part: "signed headers", value: fields.SignedHeaders },
    { part: "x-amz-date", value: h["x-amz-date"] },
    { part: "x-amz-content-sha256", value: h["x-amz-content-sha256"] },
    { part: "signature", value: `${(fields.Signature ?? "").slice(0, 16)}… (64 hex digits)` },
  ];
}
