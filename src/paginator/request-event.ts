/** What a paginator reports about each request, and the options of one iteration. */
import type { TokenDict } from "./token";

export type Page = Record<string, unknown> & { $metadata?: { attempts?: number; totalRetryDelay?: number } };

/** One request of an iteration, as the server saw it; for drawing the conversation. */
export interface RequestEvent {
  page: number;
  operation: string;
  /** Input token values sent with the request (all null on the first page). */
  sent: TokenDict;
  /**
   * Next-token values the server sent (null when it said this was the last page). A page cut by
   * MaxItems still shows the token the server sent, although the paginator did not follow it.
   */
  received: TokenDict | null;
  /** Items of the primary result key as the server sent them. */
  itemsReceived: number;
  /** Items handed to the caller: fewer when MaxItems cut the page or a StartingToken skipped some. */
  items: number;
  /** Why items were dropped from this page, if any were. */
  cut?: "MaxItems" | "StartingToken";
  milliseconds: number;
  /** Attempts the SDK made, retries included. */
  attempts: number;
  error?: string;
}

export interface PaginateOptions {
  /** Called after every request, successful or not. */
  onRequest?: (event: RequestEvent) => void;
  /** Stops the iteration; the current request is cancelled and `resumeToken` is kept. */
  signal?: AbortSignal;
}

export interface SdkClient {
  send(command: unknown, options?: { abortSignal?: AbortSignal }): Promise<unknown>;
  config?: { serviceId?: string };
}

export function attemptsOf(x: unknown): number {
  return (x as Page)?.$metadata?.attempts ?? 1;
}

/** How many items a result key holds (a list, or a string that botocore would slice). */
export function countOf(x: unknown): number {
  return Array.isArray(x) || typeof x === "string" ? x.length : 0;
}
