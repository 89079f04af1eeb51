/**
 * JMESPath compiled once and checked before any request, with the position of a syntax error.
 * The `jmespath` package reports no positions, so they are recovered from its tokenizer.
 */
import * as jmespath from "jmespath";
import { KitError } from "../util/errors";

type Token = { type: string; value: unknown; start: number };
const lib = jmespath as unknown as {
  tokenize(e: string): Token[];
  compile(e: string): unknown;
  search(data: unknown, e: string): unknown;
};

export interface CompiledExpression {
  expression: string;
  search(data: unknown): unknown;
}

function positionOf(expression: string, err: Error): number {
  const unknownChar = /^Unknown character:(.)/.exec(err.message);
  if (unknownChar) return expression.indexOf(unknownChar[1]);
  if (/EOF/.test(err.message)) return expression.length;
  let tokens: Token[] = [];
  try {
    tokens = lib.tokenize(expression);
  } catch {
    return expression.length;
  }
  const value = /value: (.*)$|token: (.*)$|"(.*)"$/.exec(err.message);
  const text = value?.[1] ?? value?.[2] ?? value?.[3];
  const hit = tokens.find((t) => String(t.value) === text);
  return hit ? hit.start : expression.length;
}

/** Compile an expression or throw a KitError that points at the problem. */
export function compileExpression(expression: string): CompiledExpression {
  if (typeof expression !== "string") {
    throw new KitError(
      "jmespath.type",
      `A JMESPath expression is text, not ${expression === null ? "null" : typeof expression} (${String(expression).slice(0, 40)}): ` +
        'try for example "Contents[?Size > `100`][]".',
    );
  }
  if (!expression.trim()) {
    throw new KitError(
      "jmespath.empty",
      'The JMESPath expression is empty: try for example "Contents[?Size > `100`][]".',
    );
  }
  try {
    lib.compile(expression);
  } catch (e) {
    const err = e as Error;
    const at = positionOf(expression, err);
    throw new KitError(
      "jmespath.syntax",
      `Invalid JMESPath expression at position ${at}: ${err.message}\n  ${expression}\n  ${" ".repeat(at)}^\n` +
        "Literals go in backticks (`100`), strings in single quotes ('AAPL'); see https://jmespath.org/tutorial.html",
    );
  }
  return { expression, search: (data) => lib.search(data, expression) };
}

/** Evaluate an expression (tokens, result keys) without the validation overhead. */
export function search(data: unknown, expression: string): unknown {
  return lib.search(data, expression);
}

/** Set a value at a dotted path such as `Contents` or `a.b` (botocore's set_value_from_jmespath). */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split(".");
  let holder = target;
  for (const p of parts.slice(0, -1)) {
    if (!holder[p] || typeof holder[p] !== "object") holder[p] = {};
    holder = holder[p] as Record<string, unknown>;
  }
  holder[parts[parts.length - 1]] = value;
}
