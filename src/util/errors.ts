/**
 * Errors a user can act on: one message that says what went wrong and what to do.
 *
 * Notebooks print a thrown error's stack; for these the stack is the message alone, because
 * the kit's internal frames tell a learner nothing and bury the advice.
 *
 * Bugs are the opposite: their stack is the only thing that helps. An error nothing explains is
 * never dressed up as an expected one: it propagates as it is, or, where a caller must have a
 * KitError, is wrapped with the code `unexpected`, which keeps the original as `cause` and shows
 * its stack under the message.
 */
import { inspect } from "node:util";

/** The code of a KitError that wraps an error nothing explains (most likely a bug). */
export const UNEXPECTED = "unexpected";

/** Characters of one value a message quotes (`echo`), before it is cut. */
export const ECHO_LIMIT = 80;
/** The longest run without a space any message keeps (a token, a path, an expression). */
export const RUN_LIMIT = 200;
/** The longest message: whatever a message quotes, it stays readable (a 5 MB token once made 6.7 MB). */
export const MESSAGE_LIMIT = 4000;

// Control characters, C1 controls, bidirectional overrides and zero-width characters: a value
// holding them could rewrite a terminal line, hide text or look like another value.
const INVISIBLE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

/** An invisible or control character written out, `\u200b`. */
export function escapeInvisible(text: string): string {
  return text.replace(INVISIBLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/**
 * A value as a message quotes it: text in quotes, cut at `limit` characters (saying how long it
 * was) with invisible characters written out; other values by kind (a number as written, "a
 * function", "a list of 3", "an object"), so no message ever copies a huge or hostile value.
 */
export function echo(value: unknown, limit = ECHO_LIMIT): string {
  if (typeof value === "string") {
    const cut = value.length > limit ? `${value.slice(0, limit)}… (${value.length} characters)` : value;
    return `"${escapeInvisible(cut).replaceAll("\n", "\\n")}"`;
  }
  if (typeof value === "number") return Number.isNaN(value) ? "NaN" : String(value);
  if (typeof value === "bigint") return `${value}n`.length > limit ? "a huge BigInt" : `${value}n`;
  if (value === null || value === undefined || typeof value === "boolean") return String(value);
  if (typeof value === "function") return "a function";
  if (typeof value === "symbol") return "a symbol";
  if (Array.isArray(value)) return `a list of ${value.length}`;
  const name = (value as object).constructor?.name;
  return name && name !== "Object" ? `a ${name}` : "an object";
}

/**
 * The one place every KitError message passes: invisible characters written out, any run longer
 * than RUN_LIMIT shortened, the whole cut at MESSAGE_LIMIT. Whatever a message copies from its
 * input, it stays a readable size.
 */
export function capMessage(message: string): string {
  // Runs are found by splitting, not by a pattern such as /\S{201,}/: on a run of millions of
  // characters that pattern overflows the regular expression engine's stack.
  const text = String(message);
  let m = escapeInvisible(text.length > 64 * MESSAGE_LIMIT ? text.slice(0, 64 * MESSAGE_LIMIT) : text)
    .split(/(\s+)/)
    .map((run) =>
      run.length > RUN_LIMIT ? `${run.slice(0, RUN_LIMIT - 40)}… (${run.length} characters)` : run,
    )
    .join("");
  if (m.length > MESSAGE_LIMIT || text.length > 64 * MESSAGE_LIMIT)
    m = `${m.slice(0, MESSAGE_LIMIT - 60)}… (message cut: ${text.length} characters)`;
  return m;
}

export class KitError extends Error {
  /** A stable identifier for tests and callers, for example `config.missing`. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(capMessage(message), options);
    message = this.message;
    this.name = "KitError";
    this.code = code;
    const head = `${this.name} [${code}]: ${message}`;
    this.stack = code === UNEXPECTED ? `${head}\nCaused by: ${stackOf(options?.cause)}` : head;
  }

  /**
   * How a notebook or console.log shows the error: the message alone. Node would otherwise print
   * the cause too, an SDK error with its request, response and metadata (thirty lines, the access
   * key id among them); it stays available as `error.cause`. An `unexpected` one shows the
   * cause's stack (its frames only, not its request and response).
   */
  [inspect.custom](): string {
    return this.stack ?? `${this.name} [${this.code}]: ${this.message}`;
  }
}

/**
 * A programming error: calling what is not a function, reading a property of undefined, a bad
 * argument to a Node API (ERR_INVALID_ARG_TYPE is a TypeError), a failed assertion. Retrying
 * runs the same code again, and explaining it as a service problem would hide it.
 */
export function isBug(e: unknown): boolean {
  return (
    e instanceof TypeError ||
    e instanceof RangeError ||
    e instanceof ReferenceError ||
    e instanceof SyntaxError ||
    e instanceof EvalError ||
    e instanceof URIError ||
    (e instanceof Error && e.name === "AssertionError")
  );
}

/**
 * The error to report with its stack, or null for an expected one: a KitError is expected
 * (one line says it all) unless it is `unexpected`, whose cause is the report; anything else
 * that reaches a user is unexpected itself.
 */
export function unexpectedError(e: unknown): unknown {
  if (e instanceof KitError) return e.code === UNEXPECTED ? (e.cause ?? e) : null;
  return e;
}

/** An error's stack (its name, message and frames), or what was thrown when it is not an Error. */
export function stackOf(e: unknown): string {
  if (e instanceof Error) return e.stack ?? `${e.name}: ${e.message}`;
  return `${typeof e} thrown, not an Error (no stack): ${inspect(e, { depth: 2, breakLength: Number.POSITIVE_INFINITY })}`;
}
