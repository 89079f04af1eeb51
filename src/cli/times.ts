/**
 * Nanosecond timestamps as a person reads them: RFC 3339 in UTC and in New York time (with the
 * offset of that day, EST or EDT), to the nanosecond when the value has a fraction. Computed from
 * the exact BigInt, not a Date, which would keep milliseconds only.
 */
const NY = new Intl.DateTimeFormat("en-US", {
  timeZone: "America/New_York",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
  timeZoneName: "longOffset",
});

const NS_PER_S = 1_000_000_000n;
/** Dates JavaScript can hold: ±8.64e15 ms around 1970. */
const MAX_SECONDS = 8_640_000_000_000n;

/** The fraction of a second, shortened to milli-, micro- or nanoseconds as the value needs. */
function fraction(ns: bigint): string {
  const f = (ns % NS_PER_S).toString().padStart(9, "0");
  return f === "000000000" ? "" : `.${f.replace(/(000)+$/, "")}`;
}

function seconds(ns: bigint): number | null {
  const s = ns / NS_PER_S;
  return s < MAX_SECONDS ? Number(s) : null;
}

/**
 * `2026-11-20T14:30:00Z`; a zero (an unset timestamp in these files) or nothing is null, the
 * one missing value of every output (empty in a table or CSV, `null` in JSON).
 */
export function utcTime(ns: bigint | number | null | undefined): string | null {
  if (ns === null || ns === undefined) return null;
  const v = BigInt(ns);
  const s = seconds(v);
  if (v <= 0n || s === null) return v === 0n ? null : v.toString();
  return `${new Date(s * 1000).toISOString().slice(0, 19)}${fraction(v)}Z`;
}

/** `2026-11-20T09:30:00-05:00`. */
export function newYorkTime(ns: bigint | number | null | undefined): string | null {
  if (ns === null || ns === undefined) return null;
  const v = BigInt(ns);
  const s = seconds(v);
  if (v <= 0n || s === null) return v === 0n ? null : v.toString();
  const p = Object.fromEntries(NY.formatToParts(new Date(s * 1000)).map((x) => [x.type, x.value]));
  const offset = p.timeZoneName === "GMT" ? "+00:00" : p.timeZoneName.replace("GMT", "");
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}${fraction(v)}${offset}`;
}

/** The zones `head --times` offers: New York (where these markets are dated), UTC, or none. */
export const TIME_ZONES = ["ny", "utc", "raw"] as const;
export type TimeZoneChoice = (typeof TIME_ZONES)[number];

/** A timestamp in the chosen zone, RFC 3339 (null when unset; the integer itself for "raw"). */
export function timeIn(ns: bigint | number | null | undefined, zone: TimeZoneChoice): unknown {
  if (zone === "raw") return ns;
  return zone === "utc" ? utcTime(ns) : newYorkTime(ns);
}

/**
 * For a table, where width matters: the time of day alone when the timestamp falls on `date`
 * (the file's day, said once above the table), the whole RFC 3339 text otherwise.
 */
export function shortTime(text: unknown, date: string): unknown {
  if (typeof text !== "string" || !text.startsWith(`${date}T`)) return text;
  return text.slice(11).replace(/(Z|[+-]\d\d:\d\d)$/, "");
}

/** The zone's name and offset on a date, for the line above a table: "New York time (UTC-05:00)". */
export function zoneLabel(zone: TimeZoneChoice, date: string): string {
  if (zone === "utc") return "UTC";
  if (zone === "raw") return "nanoseconds since 1970 (UTC)";
  const noon = BigInt(Date.parse(`${date}T17:00:00Z`)) * 1_000_000n;
  return `New York time (UTC${(newYorkTime(noon) ?? "").slice(19)})`;
}
