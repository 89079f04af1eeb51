/** jmespath.py's built-in functions, ported: the same signatures, type checks, results and errors. */
import { JmesError } from "./errors";
import { ExpRef } from "./interpreter";
import {
  PyDict,
  PyFloat,
  PyRuntimeError,
  dictEntries,
  float,
  isDict,
  isFloat,
  isNumber,
  num,
  pyCompare,
  pyEquals,
  pyJsonDumps,
  pySorted,
  pyStrip,
} from "./values";

/** Python's type name of a value, as jmespath.py checks signatures with `type(x).__name__`. */
function pyType(v: unknown): string {
  if (v === null || v === undefined) return "NoneType";
  if (typeof v === "boolean") return "bool";
  if (isNumber(v)) return isFloat(v) ? "float" : "int";
  if (typeof v === "string") return "str";
  if (Array.isArray(v)) return "list";
  if (isDict(v)) return "dict";
  if (v instanceof ExpRef) return "_Expression";
  if (v instanceof Date) return "datetime";
  return "bytes";
}

const REVERSE: Record<string, string[]> = {
  boolean: ["bool"],
  array: ["list"],
  object: ["dict"],
  null: ["NoneType"],
  string: ["str"],
  number: ["float", "int"],
  expref: ["_Expression"],
};
const TYPES_MAP: Record<string, string> = {
  bool: "boolean",
  list: "array",
  dict: "object",
  NoneType: "null",
  str: "string",
  float: "number",
  int: "number",
  _Expression: "expref",
};
const jmesType = (pyName: string) => TYPES_MAP[pyName] ?? "unknown";

interface Arg {
  types: string[];
  variadic?: boolean;
}
type Fn = (...args: unknown[]) => unknown;

/** jmespath.py's JMESPathTypeError, worded for a reader: the type it got first, then the value. */
function typeError(fn: string, value: unknown, actual: string, expected: string[]): JmesError {
  let shown: string;
  try {
    shown = pyJsonDumps(value);
  } catch {
    shown = String(value);
  }
  if (shown.length > 60) shown = `${shown.slice(0, 57)}...`;
  const wanted = expected.map((t) => t.replace("-", " of ")).join(" or ");
  return new JmesError("type", `${fn}() takes ${wanted} there, not ${actual} (the value: ${shown})`);
}

function checkType(fn: string, value: unknown, types: string[]): void {
  const allowed: string[] = [];
  const subtypes: string[][] = [];
  for (const t of types) {
    const [type, sub] = t.split("-", 2);
    if (sub) subtypes.push(REVERSE[sub]);
    allowed.push(...REVERSE[type]);
  }
  const actual = pyType(value);
  if (!allowed.includes(actual)) throw typeError(fn, value, jmesType(actual), types);
  if (!subtypes.length) return;
  const list = value as unknown[];
  if (subtypes.length === 1) {
    for (const element of list) {
      const t = pyType(element);
      if (!subtypes[0].includes(t)) throw typeError(fn, element, t, types);
    }
  } else if (list.length) {
    const first = pyType(list[0]);
    const chosen = subtypes.find((s) => s.includes(first));
    if (!chosen) throw typeError(fn, list[0], first, types);
    for (const element of list) {
      const t = pyType(element);
      if (!chosen.includes(t)) throw typeError(fn, element, t, types);
    }
  }
}

/** Python's int(text), then float(text), as to_number() tries them: null when neither reads it. */
function pyNumberOf(text: string): number | PyFloat | null {
  const s = pyStrip(text);
  // Python reads any script's decimal digits, and single underscores between digits.
  const ascii = s.replace(/\p{Nd}/gu, (d) => String(digitValue(d.codePointAt(0)!)));
  const digits = "[0-9](?:_?[0-9])*";
  if (new RegExp(`^[+-]?${digits}$`).test(ascii)) return Number(ascii.replaceAll("_", ""));
  if (/^[+-]?(inf|infinity|nan)$/i.test(ascii)) {
    const neg = ascii.startsWith("-");
    return float(/nan/i.test(ascii) ? Number.NaN : neg ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY);
  }
  const f = new RegExp(`^[+-]?(?:${digits}(?:\\.(?:${digits})?)?|\\.${digits})(?:[eE][+-]?${digits})?$`);
  if (f.test(ascii)) return float(Number(ascii.replaceAll("_", "")));
  return null;
}

/**
 * A decimal digit's value: Unicode keeps each script's digits 0-9 in a row (rows side by side
 * only in whole tens), so it is the distance from the start of the row, modulo 10.
 */
function digitValue(cp: number): number {
  let z = cp;
  while (z > 0 && /\p{Nd}/u.test(String.fromCodePoint(z - 1))) z--;
  return (cp - z) % 10;
}

const FUNCTIONS: Record<string, { signature: Arg[]; fn: Fn }> = {
  abs: {
    signature: [{ types: ["number"] }],
    fn: (x) => (x instanceof PyFloat ? new PyFloat(Math.abs(x.value)) : Math.abs(x as number)),
  },
  avg: {
    signature: [{ types: ["array-number"] }],
    fn: (a) => {
      const list = a as (number | PyFloat)[];
      return list.length ? float(sum(list).value / list.length) : null;
    },
  },
  not_null: {
    signature: [{ types: [], variadic: true }],
    fn: (...args) => args.find((x) => x !== null && x !== undefined) ?? null,
  },
  to_array: { signature: [{ types: [] }], fn: (x) => (Array.isArray(x) ? x : [x]) },
  to_string: { signature: [{ types: [] }], fn: (x) => (typeof x === "string" ? x : pyJsonDumps(x)) },
  to_number: {
    signature: [{ types: [] }],
    fn: (x) => {
      if (Array.isArray(x) || isDict(x) || typeof x === "boolean" || x === null || x === undefined)
        return null;
      if (isNumber(x)) return x;
      if (typeof x === "string") return pyNumberOf(x);
      // int() of anything else (an expression reference, a datetime) is Python's TypeError, which jmespath.py lets through.
      throw new PyRuntimeError(
        "TypeError",
        `int() argument must be a string, a bytes-like object or a real number, not '${pyType(x)}'`,
      );
    },
  },
  contains: {
    signature: [{ types: ["array", "string"] }, { types: [] }],
    fn: (subject, search) => {
      if (typeof subject === "string") {
        if (typeof search !== "string")
          throw new PyRuntimeError(
            "TypeError",
            `'in <string>' requires string as left operand, not ${pyType(search)}`,
          );
        return subject.includes(search);
      }
      // `search in list` is Python's ==, where 1 == True.
      return (subject as unknown[]).some((x) => pyEquals(x, search));
    },
  },
  length: {
    signature: [{ types: ["string", "array", "object"] }],
    fn: (x) =>
      typeof x === "string"
        ? [...x].length
        : Array.isArray(x)
          ? x.length
          : dictEntries(x as Record<string, unknown>).length,
  },
  ends_with: {
    signature: [{ types: ["string"] }, { types: ["string"] }],
    fn: (s, x) => (s as string).endsWith(x as string),
  },
  starts_with: {
    signature: [{ types: ["string"] }, { types: ["string"] }],
    fn: (s, x) => (s as string).startsWith(x as string),
  },
  reverse: {
    signature: [{ types: ["array", "string"] }],
    fn: (x) => (typeof x === "string" ? [...x].reverse().join("") : [...(x as unknown[])].reverse()),
  },
  ceil: { signature: [{ types: ["number"] }], fn: (x) => toInt(Math.ceil(num(x as number)), "ceil") },
  floor: { signature: [{ types: ["number"] }], fn: (x) => toInt(Math.floor(num(x as number)), "floor") },
  join: {
    signature: [{ types: ["string"] }, { types: ["array-string"] }],
    fn: (sep, a) => (a as string[]).join(sep as string),
  },
  map: {
    signature: [{ types: ["expref"] }, { types: ["array"] }],
    fn: (e, a) => (a as unknown[]).map((x) => (e as ExpRef).call(x)),
  },
  max: { signature: [{ types: ["array-number", "array-string"] }], fn: (a) => extreme(a as unknown[], 1) },
  min: { signature: [{ types: ["array-number", "array-string"] }], fn: (a) => extreme(a as unknown[], -1) },
  merge: {
    signature: [{ types: ["object"], variadic: true }],
    // Only the first argument is type-checked (jmespath.py checks as many as the signature has):
    // the others go through Python's dict.update, errors included.
    fn: (...args) => {
      const out = new PyDict();
      for (const d of args) dictUpdate(out, d);
      return out;
    },
  },
  sort: { signature: [{ types: ["array-string", "array-number"] }], fn: (a) => pySorted(a as unknown[]) },
  sum: { signature: [{ types: ["array-number"] }], fn: (a) => sum(a as (number | PyFloat)[]).result },
  keys: {
    signature: [{ types: ["object"] }],
    fn: (d) => dictEntries(d as Record<string, unknown>).map(([k]) => k),
  },
  values: {
    signature: [{ types: ["object"] }],
    fn: (d) => dictEntries(d as Record<string, unknown>).map(([, v]) => v),
  },
  type: {
    signature: [{ types: [] }],
    fn: (x) => {
      const t = pyType(x);
      // jmespath.py's type() has no answer for what JSON has no name for (a datetime): None.
      return t === "_Expression" || t === "datetime" || t === "bytes" ? null : jmesType(t);
    },
  },
  sort_by: {
    signature: [{ types: ["array"] }, { types: ["expref"] }],
    fn: (a, e) => {
      const list = a as unknown[];
      if (!list.length) return list;
      const expref = e as ExpRef;
      const required = jmesType(pyType(expref.call(list[0])));
      if (required !== "number" && required !== "string")
        throw typeError("sort_by", list[0], required, ["string", "number"]);
      return pySorted(list, keyFunc(expref, [required], "sort_by"));
    },
  },
  min_by: {
    signature: [{ types: ["array"] }, { types: ["expref"] }],
    fn: (a, e) => extremeBy(a as unknown[], e as ExpRef, -1, "min_by"),
  },
  max_by: {
    signature: [{ types: ["array"] }, { types: ["expref"] }],
    fn: (a, e) => extremeBy(a as unknown[], e as ExpRef, 1, "max_by"),
  },
};

/** Python's dict.update(other): a dict, or a sequence of key/value pairs; anything else its TypeError or ValueError. */
function dictUpdate(out: PyDict, other: unknown): void {
  if (isDict(other)) {
    for (const [k, v] of dictEntries(other)) out.map.set(k, v);
    return;
  }
  if (typeof other === "string") {
    if ([...other].length)
      throw new PyRuntimeError(
        "ValueError",
        "dictionary update sequence element #0 has length 1; 2 is required",
      );
    return;
  }
  if (!Array.isArray(other))
    throw new PyRuntimeError("TypeError", `'${pyType(other)}' object is not iterable`);
  other.forEach((pair, i) => {
    const items = typeof pair === "string" ? [...pair] : Array.isArray(pair) ? pair : undefined;
    if (!items)
      throw new PyRuntimeError(
        "TypeError",
        `cannot convert dictionary update sequence element #${i} to a sequence`,
      );
    if (items.length !== 2)
      throw new PyRuntimeError(
        "ValueError",
        `dictionary update sequence element #${i} has length ${items.length}; 2 is required`,
      );
    const [k, v] = items;
    if (Array.isArray(k) || isDict(k))
      throw new PyRuntimeError("TypeError", `unhashable type: '${pyType(k)}'`);
    // A key that is not text: JSON writes it as text, as boto3's caller would see it.
    out.map.set(typeof k === "string" ? k : pyJsonDumps(k), v);
  });
}

export const FUNCTION_NAMES = Object.keys(FUNCTIONS).sort();

function toInt(x: number, fn: string): number {
  if (Number.isNaN(x)) throw new PyRuntimeError("ValueError", `cannot convert float NaN to integer (${fn})`);
  if (!Number.isFinite(x))
    throw new PyRuntimeError("OverflowError", `cannot convert float infinity to integer (${fn})`);
  return x;
}

/** Python's sum(): an int while every term is one, a float from the first float on. */
function sum(list: (number | PyFloat)[]): { value: number; result: number | PyFloat } {
  let total = 0;
  let isF = false;
  for (const x of list) {
    total += num(x);
    isF ||= isFloat(x);
  }
  return { value: total, result: isF ? float(total) : total };
}

function extreme(list: unknown[], sign: 1 | -1): unknown {
  if (!list.length) return null;
  let best = list[0];
  for (const x of list.slice(1)) if (sign * pyCompare(x, best) > 0) best = x;
  return best;
}

function keyFunc(expref: ExpRef, allowed: string[], fn: string): (x: unknown) => unknown {
  return (x) => {
    const result = expref.call(x);
    const t = jmesType(pyType(result));
    if (!allowed.includes(t)) throw typeError(fn, result, t, allowed);
    return result;
  };
}

function extremeBy(list: unknown[], expref: ExpRef, sign: 1 | -1, fn: string): unknown {
  const key = keyFunc(expref, ["number", "string"], fn);
  if (!list.length) return null;
  let best = list[0];
  let bestKey = key(best);
  for (const x of list.slice(1)) {
    const k = key(x);
    if (sign * pyCompare(k, bestKey) > 0) {
      best = x;
      bestKey = k;
    }
  }
  return best;
}

export function callFunction(name: string, args: unknown[]): unknown {
  const spec = FUNCTIONS[name];
  if (!spec) throw new JmesError("function", `Unknown function: ${name}()`);
  const sig = spec.signature;
  if (sig.at(-1)?.variadic) {
    if (args.length < sig.length)
      throw new JmesError(
        "arity",
        `Expected at least ${sig.length} argument${sig.length === 1 ? "" : "s"} for function ${name}(), received ${args.length}`,
      );
  } else if (args.length !== sig.length)
    throw new JmesError(
      "arity",
      `Expected ${sig.length} argument${sig.length === 1 ? "" : "s"} for function ${name}(), received ${args.length}`,
    );
  sig.forEach((s, i) => {
    if (s.types.length) checkType(name, args[i], s.types);
  });
  return spec.fn(...args);
}
