/**
 * Resume tokens in boto3's format, so a token printed by boto3 or `aws ... --starting-token`
 * resumes here at the same item, and the other way round.
 *
 * A token is base64 of a JSON object `{<input token name>: value, ..., "boto_truncate_amount": n}`.
 * boto3 writes that JSON with Python's default `json.dumps` (", " and ": " separators, non-ASCII
 * escaped); this module writes the same bytes. Binary values (DynamoDB `B` attributes) are
 * base64-encoded and their paths listed under `boto_encoded_keys`, as botocore does.
 */
import { KitError, echo } from "../util/errors";
import { deeperThan, nestingDepth } from "../util/validate";

/** The longest StartingToken: service tokens are short (S3's are about 100 characters; a
 * DynamoDB key at most a few KB), and a huge one fails as a broken connection (EPIPE). */
export const MAX_TOKEN_LENGTH = 65_536;
/** How deep a token's JSON may nest: a DynamoDB key (32 levels of attribute values) fits. */
export const MAX_TOKEN_DEPTH = 80;

export type TokenValue = unknown;
export type TokenDict = Record<string, TokenValue>;

/** JSON exactly as Python's `json.dumps(obj)` writes it. */
export function pythonJson(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new TypeError(`cannot encode ${value} in a token`);
    // Python prints floats with a decimal point (1.0); integers as they are.
    return Number.isInteger(value) && !Object.is(value, -0) ? String(value) : pyFloat(value);
  }
  if (typeof value === "string") return pyString(value);
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(", ")}]`;
  if (typeof value === "object") {
    return `{${Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${pyString(k)}: ${pythonJson(v)}`)
      .join(", ")}}`;
  }
  throw new TypeError(`cannot encode a ${typeof value} in a token`);
}

function pyFloat(x: number): string {
  const s = String(x);
  // Python pads a one-digit exponent (1e-07) where JavaScript does not (1e-7).
  return /[.eE]/.test(s) ? s.replace(/e([+-])(\d)$/, "e$10$2") : `${s}.0`;
}

function pyString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\b") out += "\\b";
    else if (ch === "\f") out += "\\f";
    else if (c < 0x20 || c > 0x7e) {
      // ensure_ascii: \uXXXX, with surrogate pairs above the BMP.
      for (const unit of ch.length === 2 ? [ch.charCodeAt(0), ch.charCodeAt(1)] : [c]) {
        out += `\\u${unit.toString(16).padStart(4, "0")}`;
      }
    } else out += ch;
  }
  return out + '"';
}

/** Replace binary values by base64 text, returning their paths (botocore's `_encode`). */
function encodeBytes(value: unknown, path: (string | number)[], found: (string | number)[][]): unknown {
  if (value instanceof Uint8Array) {
    found.push(path);
    return Buffer.from(value).toString("base64");
  }
  if (Array.isArray(value)) return value.map((v, i) => encodeBytes(v, [...path, i], found));
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, encodeBytes(v, [...path, k], found)]),
    );
  }
  return value;
}

export function encodeToken(token: TokenDict): string {
  if (deeperThan(token, MAX_TOKEN_DEPTH)) {
    throw new KitError(
      "token.depth",
      `This token nests more than ${MAX_TOKEN_DEPTH} levels deep: no service token does, so it cannot be encoded as a paginator token.`,
    );
  }
  const paths: (string | number)[][] = [];
  const encoded = encodeBytes(token, [], paths) as TokenDict;
  if (paths.length) encoded.boto_encoded_keys = paths;
  return Buffer.from(pythonJson(encoded), "utf8").toString("base64");
}

const UNSAFE_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/** Decode a boto3-format token, or return null when the text is not one (a raw service token). */
export function tryDecodeToken(text: string): TokenDict | "not-an-object" | null {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) || text.length % 4 !== 0) return null;
  let parsed: unknown;
  try {
    const json = Buffer.from(text, "base64").toString("utf8");
    if (!/^\s*[{[]/.test(json)) return null;
    // Counted before parsing: everything after JSON.parse (copying, encoding, comparing) recurses.
    if (nestingDepth(json) > MAX_TOKEN_DEPTH) return "not-an-object";
    parsed = JSON.parse(json);
  } catch {
    return null;
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return "not-an-object";
  const dict = parsed as TokenDict;
  const paths = dict.boto_encoded_keys;
  delete dict.boto_encoded_keys;
  if (paths !== undefined && !Array.isArray(paths)) return "not-an-object";
  for (const p of (paths ?? []) as unknown[]) {
    // Each path must lead, through the token's own keys only, to a base64 string. Anything else
    // (a "__proto__" step, a missing key) would write outside the token: refuse the token.
    if (!Array.isArray(p) || p.length === 0) return "not-an-object";
    let holder: unknown = dict;
    for (const [i, k] of p.entries()) {
      const ok = (typeof k === "string" || typeof k === "number") && !UNSAFE_KEYS.has(String(k));
      if (!ok || !holder || typeof holder !== "object" || !Object.hasOwn(holder, k)) return "not-an-object";
      if (i === p.length - 1) {
        const value = (holder as Record<string | number, unknown>)[k];
        if (typeof value !== "string") return "not-an-object";
        (holder as Record<string | number, unknown>)[k] = new Uint8Array(Buffer.from(value, "base64"));
      } else holder = (holder as Record<string | number, unknown>)[k];
    }
  }
  return dict;
}

export interface StartingPoint {
  /** Input token values to send with the first request. */
  tokens: TokenDict;
  /** Items to drop from the front of the first page's primary result key. */
  truncate: number;
  /** The token was not in boto3's format and is passed to the service as it is. */
  raw: boolean;
}

/** Interpret a StartingToken for an operation whose input tokens are `inputToken`. */
export function parseStartingToken(
  text: string,
  inputToken: string[],
  operation: string,
  types: Readonly<Record<string, "object" | "integer">> = {},
): StartingPoint {
  if (typeof text !== "string") {
    throw new KitError(
      "token.type",
      `StartingToken is ${text === null ? "null" : `a ${typeof text}`} (${echo(text, 40)}), not text: pass the resumeToken (or NextToken) printed by an earlier run, as a string.`,
    );
  }
  if (text.length > MAX_TOKEN_LENGTH) {
    throw new KitError(
      "token.too-long",
      `StartingToken is ${text.length} characters long: a paginator token is at most ${MAX_TOKEN_LENGTH}. Pass the resumeToken printed by an earlier run, unchanged.`,
    );
  }
  if (text.trim() === "") {
    throw new KitError(
      "token.empty",
      `StartingToken is empty: pass the resumeToken (or NextToken) printed by an earlier run.`,
    );
  }
  const depth = nestingDepth(Buffer.from(text.trim(), "base64").toString("utf8"));
  if (depth > MAX_TOKEN_DEPTH) {
    throw new KitError(
      "token.malformed",
      `StartingToken "${short(text)}" is nested ${depth} levels deep (a token holds at most ${MAX_TOKEN_DEPTH}): it is not a paginator token. Pass the resumeToken printed by an earlier run.`,
    );
  }
  const decoded = tryDecodeToken(text.trim());
  if (decoded === "not-an-object") {
    throw new KitError(
      "token.malformed",
      `StartingToken "${short(text)}" is not a paginator token: it decodes to JSON that is not a token object, ` +
        "or its boto_encoded_keys do not point at values inside it. Pass the resumeToken printed by an earlier run.",
    );
  }
  if (decoded === null) return fromRawToken(text, inputToken);
  const { boto_truncate_amount: amount, ...tokens } = decoded;
  const allowed = new Set(inputToken);
  const foreign = Object.keys(tokens).filter((k) => !allowed.has(k));
  if (foreign.length) {
    throw new KitError(
      "token.operation",
      `StartingToken "${short(text)}" belongs to another operation: it carries ${foreign.join(", ")}, ` +
        `but ${operation} resumes with ${inputToken.join(" and ")}. Use a token from the same paginator.`,
    );
  }
  if (amount !== undefined && !(Number.isInteger(amount) && (amount as number) >= 0)) {
    throw new KitError(
      "token.malformed",
      `StartingToken "${short(text)}" has boto_truncate_amount ${JSON.stringify(amount)}; it must be a whole number of items.`,
    );
  }
  for (const k of inputToken) {
    if (!(k in tokens)) tokens[k] = null;
    const problem = wrongType(tokens[k], types[k]);
    if (problem) {
      throw new KitError(
        "token.malformed",
        `StartingToken "${short(text)}" carries ${k} as ${problem}, but ${operation} takes ${types[k] === "object" ? "an object" : types[k] === "integer" ? "a whole number" : "text"} there: ` +
          "it was changed or made by hand. Pass the resumeToken printed by an earlier run, unchanged.",
      );
    }
  }
  return { tokens, truncate: (amount as number | undefined) ?? 0, raw: false };
}

/** What is wrong with a token value's type (null when it fits): its kind, as a message says it. */
function wrongType(v: unknown, type: "object" | "integer" | undefined): string | null {
  if (v === null || v === undefined) return null;
  const kind = Array.isArray(v)
    ? "a list"
    : typeof v === "object"
      ? "an object"
      : typeof v === "string"
        ? "text"
        : typeof v === "number"
          ? `a number (${echo(v)})`
          : echo(v);
  if (type === "object") return v && typeof v === "object" && !Array.isArray(v) ? null : kind;
  if (type === "integer")
    return Number.isInteger(v) || (typeof v === "string" && /^\d+$/.test(v)) ? null : kind;
  return typeof v === "string" ? null : kind;
}

/** boto3's fallback: `a___b___3` old-style tokens, else the text itself as the first input token. */
function fromRawToken(text: string, inputToken: string[]): StartingPoint {
  let parts = text.split("___");
  let truncate = 0;
  if (parts.length === inputToken.length + 1) {
    const n = Number(parts[parts.length - 1]);
    if (Number.isInteger(n) && n >= 0) {
      truncate = n;
      parts = parts.slice(0, -1);
    } else parts = [text];
  }
  if (parts.length > inputToken.length) parts = [text];
  const tokens: TokenDict = {};
  inputToken.forEach((k, i) => {
    tokens[k] = parts[i] === undefined || parts[i] === "None" ? null : parts[i];
  });
  return { tokens, truncate, raw: true };
}

export function short(text: string, n = 60): string {
  const cut = text.length > n ? `${text.slice(0, n)}…` : text;
  return echo(cut, n + 1).slice(1, -1);
}
