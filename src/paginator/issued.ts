/**
 * Tokens as the paginator compares and remembers them: Python truthiness and value equality (as
 * botocore tests them), and the tokens this process issued with the request each belongs to.
 */
import { createHash } from "node:crypto";
import type { OperationDef } from "./operations";
import type { TokenDict } from "./token";

export function falsy(v: unknown): boolean {
  // Python truthiness, as botocore tests tokens: "", 0, {} and [] are no token.
  return !v || (typeof v === "object" && !(v instanceof Uint8Array) && Object.keys(v as object).length === 0);
}

export function equalTokens(a: unknown, b: unknown): boolean {
  // Compare values, not references: DynamoDB's LastEvaluatedKey is a fresh object every page.
  if (a instanceof Uint8Array && b instanceof Uint8Array) return Buffer.from(a).equals(Buffer.from(b));
  if (a && b && typeof a === "object" && typeof b === "object") {
    const ka = Object.keys(a).filter((k) => (a as TokenDict)[k] !== undefined);
    const kb = Object.keys(b).filter((k) => (b as TokenDict)[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => equalTokens((a as TokenDict)[k], (b as TokenDict)[k]));
  }
  return a === b || (a == null && b == null);
}

/** The request a token belongs to: the operation and every parameter but the token and page size. */
export function requestOf(definition: OperationDef, params: Record<string, unknown>): string {
  const skip = new Set([...definition.inputToken, definition.limitKey]);
  const rest = Object.keys(params)
    .filter((k) => !skip.has(k) && params[k] !== undefined)
    .sort()
    .map((k) => `${k} ${JSON.stringify(params[k])}`);
  return `${definition.operation}${rest.length ? ` with ${rest.join(", ")}` : ""}`;
}

/**
 * Tokens this process issued, and for which request: boto3's token format has no room for that
 * (boto3 sends every field of a token as a request parameter), so only tokens issued here can be
 * checked. Bounded: the oldest are forgotten first.
 */
class IssuedTokens {
  // One token text can belong to several requests (the first page's position, before any
  // service token, looks the same for every prefix): a token fits any request it was issued for.
  private readonly byToken = new Map<string, Set<string>>();
  remember(token: string, request: string): void {
    const requests = this.byToken.get(token) ?? new Set<string>();
    this.byToken.delete(token);
    this.byToken.set(token, requests.add(request));
    if (this.byToken.size > 10_000) this.byToken.delete(this.byToken.keys().next().value!);
  }
  /** The requests a token was issued for, or undefined if it was not issued here. */
  requestsFor(token: string): Set<string> | undefined {
    return this.byToken.get(token);
  }
}

export const issued = new IssuedTokens();

/** A token's value as text, the same for equal tokens (keys sorted, bytes as base64, undefined left out). */
function canonical(v: unknown): string {
  if (v instanceof Uint8Array) return `{"$bytes":${JSON.stringify(Buffer.from(v).toString("base64"))}}`;
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object") {
    const keys = Object.keys(v)
      .filter((k) => (v as TokenDict)[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((v as TokenDict)[k])}`).join(",")}}`;
  }
  return v === undefined ? "null" : JSON.stringify(v);
}

/**
 * The next tokens one run has been handed, compared by value (as `equalTokens`): a server that
 * sends any of them again (A → B → A, not only A → A) would have the loop fetch the same pages
 * forever. A digest per token keeps the set small whatever the server's tokens weigh.
 */
export class SeenTokens {
  private readonly seen = new Set<string>();
  /** Records `tokens`; false when they were seen before in this run. */
  add(tokens: TokenDict): boolean {
    const digest = createHash("sha256").update(canonical(tokens)).digest("base64");
    if (this.seen.has(digest)) return false;
    this.seen.add(digest);
    return true;
  }
  get size(): number {
    return this.seen.size;
  }
}
