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

export class KitError extends Error {
  /** A stable identifier for tests and callers, for example `config.missing`. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
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
