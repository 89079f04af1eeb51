/**
 * Values as jmespath.py sees them, so results match boto3's: a float apart from an int where
 * Python tells them apart (`to_string(\`1.0\`)` is "1.0"), objects made inside an expression in
 * the order Python's dicts keep, strings measured and ordered by code point, Python's equality
 * (`1 == 1.0`, `[1] == [true]` inside a list) and ordering (a number and a string cannot be
 * ordered: Python's TypeError).
 */

/** What Python's str.isspace() calls whitespace (str.strip() and int() drop it). */
const PY_WHITESPACE = new Set([
  9, 10, 11, 12, 13, 28, 29, 30, 31, 32, 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005,
  0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
]);

/** Python's str.strip() (or lstrip(), with `right` false). */
export function pyStrip(text: string, right = true): string {
  const chars = [...text];
  let a = 0;
  let b = chars.length;
  while (a < b && PY_WHITESPACE.has(chars[a].codePointAt(0)!)) a++;
  while (right && b > a && PY_WHITESPACE.has(chars[b - 1].codePointAt(0)!)) b--;
  return chars.slice(a, b).join("");
}

/** A Python float whose value JavaScript would take for an int: integral, infinite or NaN. */
export class PyFloat {
  constructor(readonly value: number) {}
}

/** A dict made inside an expression (a literal, a multi-select hash, merge()): keys in insertion order. */
export class PyDict {
  readonly map = new Map<string, unknown>();
}

/** A failure Python raises while evaluating: its exception class, as boto3 users would meet it. */
export class PyRuntimeError extends Error {
  constructor(
    readonly pyClass: "TypeError" | "ValueError" | "OverflowError",
    message: string,
  ) {
    super(message);
    this.name = pyClass;
  }
}

/** A number made by an operation: a float box when the value is integral or not finite. */
export function float(x: number): number | PyFloat {
  return Number.isInteger(x) ? new PyFloat(x) : Number.isFinite(x) ? x : new PyFloat(x);
}

export function isNumber(v: unknown): v is number | PyFloat {
  return typeof v === "number" || v instanceof PyFloat;
}

export function num(v: number | PyFloat): number {
  return v instanceof PyFloat ? v.value : v;
}

export function isFloat(v: unknown): boolean {
  return v instanceof PyFloat || (typeof v === "number" && !Number.isInteger(v));
}

/** An object of the document (a plain object, as the SDK gives pages) or a dict made here. */
export function isDict(v: unknown): v is Record<string, unknown> | PyDict {
  if (v instanceof PyDict) return true;
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

export function dictGet(d: Record<string, unknown> | PyDict, key: string): unknown {
  if (d instanceof PyDict) return d.map.get(key) ?? null;
  return Object.hasOwn(d, key) ? (d[key] ?? null) : null;
}

export function dictEntries(d: Record<string, unknown> | PyDict): [string, unknown][] {
  if (d instanceof PyDict) return [...d.map.entries()];
  return Object.entries(d).filter(([, v]) => v !== undefined);
}

/** JMESPath's type names; Python's for what JSON has no name for (a Date is a datetime: "unknown"). */
export function typeOf(
  v: unknown,
): "null" | "boolean" | "number" | "string" | "array" | "object" | "unknown" {
  if (v === null || v === undefined) return "null";
  if (typeof v === "boolean") return "boolean";
  if (isNumber(v)) return "number";
  if (typeof v === "string") return "string";
  if (Array.isArray(v)) return "array";
  if (isDict(v)) return "object";
  return "unknown";
}

/** jmespath.py's false values: "", [], {}, null and false (0 is true). */
export function isFalse(v: unknown): boolean {
  if (typeof v === "boolean") return !v;
  if (v === null || v === undefined || v === false || v === "") return true;
  if (Array.isArray(v)) return v.length === 0;
  if (isDict(v)) return dictEntries(v).length === 0;
  return false;
}

/** Python's truthiness (for `!`): also 0 and 0.0 are false, NaN is true. */
export function pyFalsy(v: unknown): boolean {
  if (isNumber(v)) return num(v) === 0;
  return isFalse(v);
}

/** The value of a bool, int or float as Python's == sees it (True == 1). */
function numeric(v: unknown): number | undefined {
  if (typeof v === "boolean") return v ? 1 : 0;
  return isNumber(v) ? num(v) : undefined;
}

/** Python's `==` on JSON values. */
export function pyEquals(a: unknown, b: unknown): boolean {
  const [x, y] = [numeric(a), numeric(b)];
  if (x !== undefined || y !== undefined) return x !== undefined && y !== undefined && x === y;
  if (a === null || a === undefined || b === null || b === undefined)
    return (a === null || a === undefined) && (b === null || b === undefined);
  if (typeof a === "string" || typeof b === "string") return a === b;
  if (Array.isArray(a) || Array.isArray(b))
    return (
      Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => pyEquals(v, b[i]))
    );
  if (isDict(a) && isDict(b)) {
    const ea = dictEntries(a);
    const eb = new Map(dictEntries(b));
    return ea.length === eb.size && ea.every(([k, v]) => eb.has(k) && pyEquals(v, eb.get(k)));
  }
  return a === b;
}

/** jmespath.py's `==`: 0 and 1 are not equal to false and true at the top level (Python's are). */
export function jmesEquals(a: unknown, b: unknown): boolean {
  const special = (x: unknown, y: unknown) =>
    isNumber(x) && (num(x) === 0 || num(x) === 1) && typeof y === "boolean";
  if (special(a, b) || special(b, a)) return false;
  return pyEquals(a, b);
}

/** Strings compared by code point, as Python does (JavaScript compares UTF-16 units). */
export function compareText(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done || y.done) return x.done && y.done ? 0 : x.done ? -1 : 1;
    const d = x.value.codePointAt(0)! - y.value.codePointAt(0)!;
    if (d) return d;
  }
}

function kindForOrder(v: unknown): string {
  return typeof v === "boolean"
    ? "bool"
    : isNumber(v)
      ? isFloat(v)
        ? "float"
        : "int"
      : typeof v === "string"
        ? "str"
        : typeOf(v);
}

/**
 * Python's ordering of two values jmespath.py lets through (numbers, or strings): a number
 * and a string raise TypeError, as Python does. Returns a negative, zero or positive number;
 * NaN makes every comparison false (`NaN` as the result).
 */
export function pyCompare(a: unknown, b: unknown): number {
  // The common case of a filter (`Size > \`1000\``): two plain numbers.
  if (typeof a === "number" && typeof b === "number")
    return a < b ? -1 : a > b ? 1 : a === b ? 0 : Number.NaN;
  const [x, y] = [numeric(a), numeric(b)];
  if (x !== undefined && y !== undefined) return x < y ? -1 : x > y ? 1 : x === y ? 0 : Number.NaN;
  if (typeof a === "string" && typeof b === "string") return compareText(a, b);
  throw new PyRuntimeError(
    "TypeError",
    `'<' not supported between instances of '${kindForOrder(a)}' and '${kindForOrder(b)}'`,
  );
}

/** Python's sorted(): stable, by pyCompare (TypeError on a number beside a string). */
export function pySorted<T>(items: T[], key: (x: T) => unknown = (x) => x): T[] {
  const keyed = items.map((item, i) => ({ item, k: key(item), i }));
  keyed.sort((p, q) => {
    const c = pyCompare(p.k, q.k);
    // Python's sort uses `<` only: NaN (all comparisons false) keeps the order it met.
    return c < 0 ? -1 : c > 0 ? 1 : p.i - q.i;
  });
  return keyed.map((e) => e.item);
}

/** A float as Python's repr writes it (shortest round trip; exponent past 1e16 or under 1e-4). */
export function pyFloatText(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "Infinity" : "-Infinity";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const [mantissa, expText] = x.toExponential().split("e");
  const exp = Number(expText);
  const digits = mantissa.replace("-", "").replace(".", "");
  const sign = x < 0 ? "-" : "";
  if (exp >= -4 && exp < 16) {
    if (exp >= 0) {
      const int = digits.slice(0, exp + 1).padEnd(exp + 1, "0");
      const frac = digits.slice(exp + 1);
      return `${sign}${int}.${frac || "0"}`;
    }
    return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
  }
  const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${sign}${m}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
}

/** Python's json.dumps(v, separators=(",", ":")): ASCII only, floats as Python writes them. */
export function pyJsonDumps(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (v === true) return "true";
  if (v === false) return "false";
  if (v instanceof PyFloat) return pyFloatText(v.value);
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : pyFloatText(v);
  if (typeof v === "string") return pyJsonString(v);
  if (Array.isArray(v)) return `[${v.map(pyJsonDumps).join(",")}]`;
  if (isDict(v))
    return `{${dictEntries(v)
      .map(([k, x]) => `${pyJsonString(k)}:${pyJsonDumps(x)}`)
      .join(",")}}`;
  // json.dumps(default=str): a datetime as Python prints it; anything else as text.
  if (v instanceof Date)
    return pyJsonString(
      v
        .toISOString()
        .replace("T", " ")
        .replace(/\.000Z$|Z$/, "+00:00"),
    );
  // str() of an expression reference names its class (Python adds the address, which says nothing).
  if (typeof v === "object" && v.constructor?.name === "ExpRef")
    return pyJsonString("<jmespath.visitor._Expression object>");
  return pyJsonString(String(v));
}

function pyJsonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ch = s[i];
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\b") out += "\\b";
    else if (ch === "\f") out += "\\f";
    else if (c < 0x20 || c > 0x7e) out += `\\u${c.toString(16).padStart(4, "0")}`;
    else out += ch;
  }
  return `${out}"`;
}

/** A result as the caller gets it: floats as numbers, dicts made here as plain objects. */
export function toPlain(v: unknown): unknown {
  if (v instanceof PyFloat) return v.value;
  if (v instanceof PyDict) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of v.map) o[k] = toPlain(x);
    return o;
  }
  if (Array.isArray(v))
    return v.some((x) => x instanceof PyFloat || x instanceof PyDict || Array.isArray(x))
      ? v.map(toPlain)
      : v;
  return v;
}
