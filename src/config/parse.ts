/**
 * Each FLATFILES_* variable parsed (with the URL API, not a pattern), one parser per variable.
 * A value a parser refuses is the user's to fix: one line naming the variable, what is wrong and
 * what to write instead, never the value of a key and never a URL's user name or password.
 */
import * as os from "node:os";
import * as path from "node:path";
import { KitError, echo } from "../util/errors";

export const DEFAULT_ENDPOINT = "https://files.massive.com";
export const DEFAULT_BUCKET = "flatfiles";
export const DEFAULT_REGION = "us-east-1";

/** Where a value came from, for messages: "the environment" or the `.env` file's path. */
export interface Origin {
  name: string;
  /** The folder a relative path is read from: the `.env` file's folder, or the working folder. */
  base: string;
  from: string;
}

/** Names of invisible characters that turn up in pasted values. */
const INVISIBLE_NAMES = new Map<number, string>([
  [0x200b, "a zero-width space"],
  [0x200c, "a zero-width non-joiner"],
  [0x200d, "a zero-width joiner"],
  [0xfeff, "a byte-order mark"],
  [0xa0, "a no-break space"],
  [0x09, "a tab"],
  [0x0d, "a carriage return"],
  [0x0a, "a line break"],
  [0x1b, "an escape character"],
]);

function describeChar(c: string): string {
  const code = c.codePointAt(0)!;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
  const name = INVISIBLE_NAMES.get(code);
  return name ? `${name} (${hex})` : hex;
}

/** The first character outside printable ASCII without spaces, with its position (1-based). */
function firstUnsafe(value: string, allowSpace = false): { at: number; what: string } | null {
  const re = allowSpace ? /[^\x20-\x7e]/u : /[^\x21-\x7e]/u;
  const m = re.exec(value);
  return m ? { at: m.index + 1, what: describeChar(m[0]) } : null;
}

/**
 * The first character a folder's name cannot sensibly hold, with its position (1-based): control
 * and format characters (a zero-width space, a byte-order mark, bidi marks pasted along), lone
 * surrogates, unassigned code points, and spaces other than the plain one. Letters of any script
 * are names like any other (`~/données`, `~/データ`).
 */
function firstUnsafeInPath(value: string): { at: number; what: string } | null {
  const m = /[\p{Cc}\p{Cf}\p{Cs}\p{Cn}\p{Zl}\p{Zp}]|(?! )\p{Zs}/u.exec(value);
  return m ? { at: m.index + 1, what: describeChar(m[0]) } : null;
}

function refuse(o: Origin, code: string, what: string): never {
  throw new KitError(code, `${o.name} ${what} (It is set in ${o.from}.)`);
}

/**
 * A key id or a secret: printable ASCII without spaces, as an HTTP header (the signature) can
 * carry it. A character pasted along with the key (a zero-width space from a web page) is named
 * by position, the key itself never shown.
 */
export function parseKey(value: string, o: Origin): string {
  const bad = firstUnsafe(value);
  if (bad) {
    refuse(
      o,
      "config.key",
      `has ${bad.what} at character ${bad.at}, which no key contains (it was probably pasted along with it): ` +
        "type the value again or copy it from the dashboard without surrounding text. (The key is not shown.)",
    );
  }
  if (value.length > 256)
    refuse(o, "config.key", `is ${value.length} characters long: a key is at most 128.`);
  return value;
}

/** A URL's user name or password, or a key pasted as the endpoint: never echoed. */
function mayHoldSecret(value: string): boolean {
  return value.includes("@") || /[A-Za-z0-9+/=]{24,}/.test(value.replace(/^[a-z]+:\/\/[a-z0-9.-]+/i, ""));
}

/** A value as a message may quote it: not at all when it could hold a key or a password. */
export function shownValue(raw: string, limit = 60): string {
  return mayHoldSecret(raw) ? "(not shown: it looks like a key or holds a password)" : echo(raw, limit);
}

/**
 * FLATFILES_ENDPOINT: an http(s) URL of the server alone (no user name or password, path, query
 * or fragment), returned as `scheme://host[:port]`. `HTTPS://FILES.MASSIVE.COM/` is fine.
 */
export function parseEndpoint(raw: string, o: Origin, bucket: string): string {
  const shown = shownValue(raw, 80);
  const example = `use ${DEFAULT_ENDPOINT} (or leave it empty for that default)`;
  // Before anything else, and before any message could quote it: a user name or password
  // (https://ID:SECRET@host), even one the URL parser would reject (a secret holding "/").
  const authority = /^[a-z][a-z0-9+.-]*:\/\/([^?#]*)/i.exec(raw)?.[1] ?? raw;
  if (authority.includes("@")) {
    refuse(
      o,
      "config.endpoint",
      "has a user name or password in it (scheme://user:password@host): keys belong in FLATFILES_ACCESS_KEY_ID " +
        `and FLATFILES_SECRET_ACCESS_KEY. ${example[0].toUpperCase()}${example.slice(1)}. (The value is not shown.)`,
    );
  }
  const bad = firstUnsafe(raw);
  if (bad) refuse(o, "config.endpoint", `has ${bad.what} at character ${bad.at}: ${example}.`);
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) {
    refuse(o, "config.endpoint", `is ${shown}, which is not a URL (it needs https://): ${example}.`);
  }
  const port = /^[a-z]+:\/\/(?:\[[^\]]*\]|[^/:?#]*):([^/?#]*)/i.exec(raw)?.[1];
  if (port !== undefined && !(/^\d{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65535)) {
    refuse(o, "config.endpoint", `has the port ${echo(port, 12)}: a port is a number from 1 to 65535.`);
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    refuse(o, "config.endpoint", `is ${shown}, which is not a valid URL: ${example}.`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    refuse(
      o,
      "config.endpoint",
      `uses ${shownValue(url.protocol, 20)}: the endpoint is https:// (or http:// for a local server); ${example}.`,
    );
  }
  if (url.username || url.password) {
    refuse(
      o,
      "config.endpoint",
      "has a user name or password in it: keys belong in FLATFILES_ACCESS_KEY_ID and FLATFILES_SECRET_ACCESS_KEY.",
    );
  }
  if (url.pathname !== "/" || url.search || url.hash) {
    const rest = `${url.pathname}${url.search}${url.hash}`;
    const first = url.pathname.split("/")[1];
    const bucketNote =
      first && first === bucket
        ? ` The bucket is given apart, in FLATFILES_BUCKET (now "${bucket}"), so the path is not needed.`
        : ` A bucket goes in FLATFILES_BUCKET (now "${bucket}").`;
    refuse(
      o,
      "config.endpoint",
      `has the path ${mayHoldSecret(rest) ? "(not shown)" : echo(rest, 40)} after the server: the endpoint is the server alone, ${url.protocol}//${url.host}.${bucketNote}`,
    );
  }
  return `${url.protocol}//${url.host}`;
}

/** FLATFILES_REGION: a signing region such as us-east-1 (lowercase letters, digits, hyphens). */
export function parseRegion(raw: string, o: Origin): string {
  if (/^[a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?$/.test(raw)) return raw;
  const guess = raw
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, "-")
    .replace(/[^a-z0-9-]/g, "");
  const hint = guess && guess !== raw && /^[a-z]{2}-[a-z]+-\d+$/.test(guess) ? ` ("${guess}"?)` : "";
  refuse(
    o,
    "config.region",
    `is ${shownValue(raw, 40)}, which is not a region name${hint}: a region is lowercase letters, digits and hyphens, like ${DEFAULT_REGION} (the default; leave it empty for that).`,
  );
}

/**
 * FLATFILES_BUCKET: S3's bucket naming rules (3-63 lowercase letters, digits, dots and hyphens,
 * starting and ending with a letter or digit), the ones the download cache also checks.
 */
export function parseBucket(raw: string, o: Origin): string {
  if (/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(raw) && !raw.includes("..")) return raw;
  refuse(
    o,
    "config.bucket",
    `is ${shownValue(raw, 70)}, which is not a bucket name (3-63 lowercase letters, digits, dots and hyphens): use ${DEFAULT_BUCKET} (the default; leave it empty for that).`,
  );
}

/**
 * A path variable (FLATFILES_CACHE_DIR, FLATFILES_SANDBOX_STATE): `~` and `~/…` are the home
 * folder, as a shell would read them (dotenv does not); a relative path is read from the folder
 * of the `.env` that holds it (or the working folder for the environment), so a notebook in
 * notebooks/ and the CLI at the top agree. `~user` is refused: there is no shell to ask.
 */
export function parsePath(raw: string, o: Origin): string {
  const bad = firstUnsafeInPath(raw);
  if (bad) refuse(o, "config.path", `has ${bad.what} at character ${bad.at}: write the folder's path alone.`);
  if (raw === "~" || raw.startsWith("~/")) return path.join(os.homedir(), raw.slice(1));
  if (raw.startsWith("~")) {
    refuse(
      o,
      "config.path",
      `is ${shownValue(raw, 60)}: only ~ (your home folder) is expanded, not ~user; write the full path.`,
    );
  }
  return path.resolve(o.base, raw);
}

/** FLATFILES_SANDBOX_PYTHON: a command on PATH (python3) or a path, read like other paths. */
export function parseProgram(raw: string, o: Origin): string {
  if (!raw.includes("/") && !raw.includes("\\") && !raw.startsWith("~")) {
    const bad = firstUnsafe(raw);
    if (bad)
      refuse(o, "config.path", `has ${bad.what} at character ${bad.at}: write the Python's name or path.`);
    return raw;
  }
  return parsePath(raw, o);
}
