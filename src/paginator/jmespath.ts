/**
 * JMESPath compiled once and checked before any request, with the position of a syntax error.
 * The `jmespath` package reports no positions, so they are recovered from its tokenizer.
 */
import * as jmespath from "jmespath";
import { KitError, echo } from "../util/errors";
import { nestingDepth } from "../util/validate";

/** Brackets nest at most this deep: the parser recurses, and 200,000 levels overflowed its stack. */
export const MAX_EXPRESSION_DEPTH = 50;

/** JMESPath's built-in functions (jmespath.org/specification.html#built-in-functions). */
export const FUNCTIONS = [
  "abs",
  "avg",
  "ceil",
  "contains",
  "ends_with",
  "floor",
  "join",
  "keys",
  "length",
  "map",
  "max",
  "max_by",
  "merge",
  "min",
  "min_by",
  "not_null",
  "reverse",
  "sort",
  "sort_by",
  "starts_with",
  "sum",
  "to_array",
  "to_number",
  "to_string",
  "type",
  "values",
];

const HELP =
  "Literals go in backticks (`100`), strings in single quotes ('AAPL'); see https://jmespath.org/tutorial.html";

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
  const depth = nestingDepth(expression, "'\"`");
  if (depth > MAX_EXPRESSION_DEPTH) {
    throw new KitError(
      "jmespath.depth",
      `The JMESPath expression is nested ${depth} levels deep (at most ${MAX_EXPRESSION_DEPTH}): no listing needs that; write it flatter.`,
    );
  }
  let ast: unknown;
  try {
    ast = lib.compile(expression);
  } catch (e) {
    if (e instanceof RangeError) {
      throw new KitError(
        "jmespath.depth",
        `The JMESPath expression (${expression.length} characters) is too deeply nested for the parser (a long run of ! or & nests too): write it flatter.`,
      );
    }
    const err = e as Error;
    const at = positionOf(expression, err);
    throw new KitError(
      "jmespath.syntax",
      `Invalid JMESPath expression at position ${at}: ${echo(err.message, 120).slice(1, -1)}\n${pointAt(expression, at)}\n${HELP}`,
    );
  }
  checkFunctions(expression, ast);
  return {
    expression,
    search: (data) => {
      try {
        return lib.search(data, expression);
      } catch (e) {
        throw runtimeError(expression, e);
      }
    },
  };
}

/** The expression with a caret under position `at`: a window around it when the expression is long. */
function pointAt(expression: string, at: number): string {
  const from = Math.max(0, at - 60);
  const to = Math.min(expression.length, at + 20);
  const line = `${from > 0 ? "…" : ""}${expression.slice(from, to)}${to < expression.length ? "…" : ""}`;
  return `  ${line}\n  ${" ".repeat(at - from + (from > 0 ? 1 : 0))}^`;
}

/** Every function the expression calls is one JMESPath has: checked before any request is made. */
function checkFunctions(expression: string, ast: unknown): void {
  const stack = [ast];
  while (stack.length) {
    const node = stack.pop() as { type?: string; name?: string; children?: unknown[] } | null;
    if (!node || typeof node !== "object") continue;
    if (node.type === "Function" && typeof node.name === "string" && !FUNCTIONS.includes(node.name)) {
      const at = lib.tokenize(expression).find((t) => t.value === node.name)?.start ?? 0;
      const close = FUNCTIONS.find((f) => f.startsWith(node.name!) || node.name!.startsWith(f));
      throw new KitError(
        "jmespath.function",
        `JMESPath has no function ${echo(node.name, 40).slice(1, -1)}() (at position ${at})` +
          `${close ? `; did you mean ${close}()?` : "."} Its functions are ${FUNCTIONS.join(", ")}.`,
      );
    }
    if (Array.isArray(node.children)) stack.push(...node.children);
  }
}

/**
 * A failure while evaluating (the library throws plain Errors such as "TypeError" for a sort_by
 * over values of mixed types), as one line naming the expression and the likely cause.
 */
function runtimeError(expression: string, e: unknown): KitError {
  const what = e instanceof Error ? e.message : String(e);
  const sorting = /\b(sort_by|max_by|min_by|sort|max|min)\(/.exec(expression)?.[1];
  const hint = sorting
    ? ` ${sorting}() compares numbers with numbers or text with text: some items have another type there, or lack the field (filter them first, for example Contents[?Size != null]).`
    : " A function was given a value of another type than it takes (see https://jmespath.org/specification.html#built-in-functions).";
  return new KitError(
    "jmespath.runtime",
    `The JMESPath expression ${echo(expression, 80)} failed on a page: ${echo(what, 120).slice(1, -1)}.${hint}`,
    { cause: e },
  );
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
