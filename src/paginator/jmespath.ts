/**
 * JMESPath as boto3 evaluates it: the kit's own port of jmespath.py (`expression/`: its lexer,
 * parser, interpreter and functions), so `search` gives boto3's results and boto3's errors for
 * every expression (test/parity/jmespath.test.ts runs both on a generated matrix). Expressions
 * are compiled once and checked before any request, with the position of a syntax error.
 */
import { KitError, echo } from "../util/errors";
import { nestingDepth } from "../util/validate";
import { JmesError } from "./expression/errors";
import { FUNCTION_NAMES } from "./expression/functions";
import { evaluate } from "./expression/interpreter";
import { tokenize } from "./expression/lexer";
import { type Node, parse } from "./expression/parser";
import { PyRuntimeError, toPlain } from "./expression/values";

/** Brackets nest at most this deep: the parser recurses, and 200,000 levels overflowed its stack. */
export const MAX_EXPRESSION_DEPTH = 50;

/** JMESPath's built-in functions (jmespath.org/specification.html#built-in-functions), as jmespath.py has them. */
export const FUNCTIONS: readonly string[] = FUNCTION_NAMES;

const HELP =
  "Literals go in backticks (`100`), strings in single quotes ('AAPL'); see https://jmespath.org/tutorial.html";

export interface CompiledExpression {
  expression: string;
  search(data: unknown): unknown;
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
  let ast: Node;
  try {
    ast = parse(expression);
  } catch (e) {
    if (e instanceof RangeError) {
      throw new KitError(
        "jmespath.depth",
        `The JMESPath expression (${expression.length} characters) is too deeply nested for the parser (a long run of ! or & nests too): write it flatter.`,
      );
    }
    if (!(e instanceof JmesError)) throw e;
    const at = e.position ?? [...expression].length;
    throw new KitError(
      "jmespath.syntax",
      `Invalid JMESPath expression at position ${at}: ${echo(e.message, 120).slice(1, -1)}\n${pointAt(expression, at)}\n${HELP}`,
      { cause: e },
    );
  }
  checkFunctions(expression, ast);
  return {
    expression,
    search: (data) => {
      try {
        return toPlain(evaluate(ast, data));
      } catch (e) {
        throw runtimeError(expression, e);
      }
    },
  };
}

/** The expression with a caret under position `at` (in code points): a window around it when the expression is long. */
function pointAt(expression: string, at: number): string {
  const chars = [...expression];
  const from = Math.max(0, at - 60);
  const to = Math.min(chars.length, at + 20);
  const line = `${from > 0 ? "…" : ""}${chars.slice(from, to).join("")}${to < chars.length ? "…" : ""}`;
  return `  ${line}\n  ${" ".repeat(at - from + (from > 0 ? 1 : 0))}^`;
}

/**
 * Every function the expression calls is one JMESPath has: checked before any request is made.
 * (jmespath.py finds an unknown name only when the call is evaluated; the kit says so up front.)
 */
function checkFunctions(expression: string, ast: Node): void {
  const stack: unknown[] = [ast];
  while (stack.length) {
    const node = stack.pop() as Node | null;
    if (!node || typeof node !== "object") continue;
    const name = node.value;
    if (node.type === "function_expression" && typeof name === "string" && !FUNCTIONS.includes(name)) {
      const at = tokenize(expression).find((t) => t.value === name)?.start ?? 0;
      const close = FUNCTIONS.find((f) => f.startsWith(name) || name.startsWith(f));
      throw new KitError(
        "jmespath.function",
        `JMESPath has no function ${echo(name, 40).slice(1, -1)}() (at position ${at})` +
          `${close ? `; did you mean ${close}()?` : "."} Its functions are ${FUNCTIONS.join(", ")}.`,
      );
    }
    if (Array.isArray(node.children)) stack.push(...node.children);
  }
}

/**
 * A failure while evaluating, as boto3 would meet it (jmespath.py's ArityError, JMESPathTypeError,
 * or Python's own TypeError or ValueError), in one line naming the expression and the likely cause.
 */
function runtimeError(expression: string, e: unknown): unknown {
  if (e instanceof RangeError)
    return new KitError(
      "jmespath.depth",
      `The JMESPath expression ${echo(expression, 80)} nests too deeply to evaluate: write it flatter.`,
    );
  if (!(e instanceof JmesError) && !(e instanceof PyRuntimeError)) return e;
  const what = e.message;
  const sorting = /\b(sort_by|max_by|min_by|sort|max|min)\(/.exec(expression)?.[1];
  const hint =
    e instanceof JmesError && e.kind === "arity"
      ? " See https://jmespath.org/specification.html#built-in-functions for what each function takes."
      : sorting
        ? ` ${sorting}() compares numbers with numbers or text with text: some items have another type there, or lack the field (filter them first, for example Contents[?Size != null]).`
        : /not supported between/.test(what)
          ? " An ordering comparison (<, <=, >, >=) was given a number and a text: compare like with like (to_number() or to_string() first)."
          : " A function was given a value of another type than it takes (see https://jmespath.org/specification.html#built-in-functions).";
  return new KitError(
    "jmespath.runtime",
    `The JMESPath expression ${echo(expression, 80)} failed on a page: ${echo(what, 120).slice(1, -1)}.${hint}`,
    { cause: e },
  );
}

const compiled = new Map<string, Node>();

/** Evaluate an expression (tokens, result keys) without the validation overhead; trees are kept, as jmespath.py keeps them. */
export function search(data: unknown, expression: string): unknown {
  let tree = compiled.get(expression);
  if (!tree) {
    tree = parse(expression);
    if (compiled.size >= 512) compiled.delete(compiled.keys().next().value!);
    compiled.set(expression, tree);
  }
  return toPlain(evaluate(tree, data));
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
