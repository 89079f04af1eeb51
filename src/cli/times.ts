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

/** `2026-11-20T14:30:00Z`; a zero (an unset timestamp in these files) or nothing is empty. */
export function utcTime(ns: bigint | number | null | undefined): string {
  if (ns === null || ns === undefined) return "";
  const v = BigInt(ns);
  const s = seconds(v);
  if (v <= 0n || s === null) return v === 0n ? "" : v.toString();
  return `${new Date(s * 1000).toISOString().slice(0, 19)}${fraction(v)}Z`;
}

/** `2026-11-20T09:30:00-05:00`. */
export function newYorkTime(ns: bigint | number | null | undefined): string {
  if (ns === null || ns === undefined) return "";
  const v = BigInt(ns);
  const s = seconds(v);
  if (v <= 0n || s === null) return v === 0n ? "" : v.toString();
  const p = Object.fromEntries(NY.formatToParts(new Date(s * 1000)).map((x) => [x.type, x.value]));
  const offset = p.timeZoneName === "GMT" ? "+00:00" : p.timeZoneName.replace("GMT", "");
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}${fraction(v)}${offset}`;
}
