/** Tables of a paginator's conversation with the server, built from its request trace. */
import type { RequestEvent } from "../paginator/engine";
import type { TokenDict } from "../paginator/token";
import { type Row, showTable } from "./display";

function tokenText(t: TokenDict | null, width: number): string {
  if (!t) return "(none: last page)";
  const parts = Object.entries(t)
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => {
      const s = typeof v === "string" ? v : JSON.stringify(v);
      if (s.length <= width) return `${k}=${s}`;
      // Key-like markers differ at their end (the date); opaque tokens at their start.
      return s.includes("/") ? `${k}=…${s.slice(-width)}` : `${k}=${s.slice(0, width)}…`;
    });
  return parts.length ? parts.join(", ") : "(none: first page)";
}

function receivedText(e: RequestEvent, width: number): string {
  if (e.error) return `error: ${e.error}`;
  const text = tokenText(e.received, width);
  // The paginator stopped inside this page: the server's token is shown, but it was not followed.
  return e.cut === "MaxItems" && e.received ? `${text} (not followed: MaxItems reached)` : text;
}

function itemsText(e: RequestEvent): number | string {
  if (e.itemsReceived === e.items) return e.items;
  return `${e.itemsReceived} received, ${e.items} kept`;
}

/**
 * One row per request: what token went out, what came back, how many items, how many attempts.
 * No timings: they change on every run, and a saved notebook should show what the code does.
 */
export function requestRows(events: readonly RequestEvent[], width = 24): Row[] {
  return events.map((e) => ({
    request: e.page,
    operation: e.operation,
    "token sent": tokenText(e.sent, width),
    "token received": receivedText(e, width),
    items: itemsText(e),
    attempts: e.attempts,
  }));
}

export function showRequests(events: readonly RequestEvent[], caption?: string): void {
  showTable(requestRows(events), { caption: caption ?? `${events.length} request(s)` });
}
