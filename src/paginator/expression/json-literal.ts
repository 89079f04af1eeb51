/**
 * JSON as Python's json.loads reads it, for backtick literals: NaN and ±Infinity accepted, a
 * float kept apart from an int (`1.0`, `1e3`), objects in insertion order, the first error
 * anywhere refusing the whole text (the lexer then tries it as a string, as jmespath.py does).
 */
import { PyDict, float } from "./values";

class JsonError extends Error {}

const WS = new Set([" ", "\t", "\n", "\r"]);
/** The words json.loads reads as values (NaN and the infinities are Python's additions). */
const WORDS: [string, () => unknown][] = [
  ["null", () => null],
  ["true", () => true],
  ["false", () => false],
  ["NaN", () => float(Number.NaN)],
  ["Infinity", () => float(Number.POSITIVE_INFINITY)],
  ["-Infinity", () => float(Number.NEGATIVE_INFINITY)],
];
const NUMBER = /^(-?(?:0|[1-9][0-9]*))(\.[0-9]+)?([eE][-+]?[0-9]+)?/;

export function pyJsonLoads(text: string): unknown {
  let i = 0;
  const skip = () => {
    while (i < text.length && WS.has(text[i])) i++;
  };
  const value = (): unknown => {
    skip();
    const c = text[i];
    if (c === "{") return object();
    if (c === "[") return array();
    if (c === '"') return string();
    for (const [word, v] of WORDS) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return v();
      }
    }
    const m = NUMBER.exec(text.slice(i));
    if (!m) throw new JsonError("Expecting value");
    i += m[0].length;
    if (m[2] === undefined && m[3] === undefined) {
      const n = Number(m[1]);
      return Object.is(n, -0) ? 0 : n;
    }
    return float(Number(m[0]));
  };
  const string = (): string => {
    i++;
    let out = "";
    for (;;) {
      if (i >= text.length) throw new JsonError("Unterminated string");
      const c = text[i++];
      if (c === '"') return out;
      if (c.charCodeAt(0) < 0x20) throw new JsonError("Invalid control character");
      if (c !== "\\") {
        out += c;
        continue;
      }
      const e = text[i++];
      const simple: Record<string, string> = {
        '"': '"',
        "\\": "\\",
        "/": "/",
        b: "\b",
        f: "\f",
        n: "\n",
        r: "\r",
        t: "\t",
      };
      if (e in simple) out += simple[e];
      else if (e === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(i, i + 4))) {
        out += String.fromCharCode(Number.parseInt(text.slice(i, i + 4), 16));
        i += 4;
      } else throw new JsonError("Invalid \\escape");
    }
  };
  const array = (): unknown[] => {
    i++;
    const out: unknown[] = [];
    skip();
    if (text[i] === "]") {
      i++;
      return out;
    }
    for (;;) {
      out.push(value());
      skip();
      const c = text[i++];
      if (c === "]") return out;
      if (c !== ",") throw new JsonError("Expecting ',' delimiter");
    }
  };
  const object = (): PyDict => {
    i++;
    const out = new PyDict();
    skip();
    if (text[i] === "}") {
      i++;
      return out;
    }
    for (;;) {
      skip();
      if (text[i] !== '"') throw new JsonError("Expecting property name enclosed in double quotes");
      const k = string();
      skip();
      if (text[i++] !== ":") throw new JsonError("Expecting ':' delimiter");
      out.map.set(k, value());
      skip();
      const c = text[i++];
      if (c === "}") return out;
      if (c !== ",") throw new JsonError("Expecting ',' delimiter");
    }
  };
  const v = value();
  skip();
  if (i !== text.length) throw new JsonError("Extra data");
  return v;
}

export function isJsonError(e: unknown): boolean {
  return e instanceof JsonError;
}
