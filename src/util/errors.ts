/**
 * Errors a user can act on: one message that says what went wrong and what to do.
 *
 * Notebooks print a thrown error's stack; for these the stack is the message alone, because
 * the kit's internal frames tell a learner nothing and bury the advice.
 */
import { inspect } from "node:util";

export class KitError extends Error {
  /** A stable identifier for tests and callers, for example `config.missing`. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "KitError";
    this.code = code;
    this.stack = `${this.name} [${code}]: ${message}`;
  }

  /**
   * How a notebook or console.log shows the error: the message alone. Node would otherwise print
   * the cause too, an SDK error with its request, response and metadata (thirty lines, the access
   * key id among them); it stays available as `error.cause`.
   */
  [inspect.custom](): string {
    return this.stack ?? `${this.name} [${this.code}]: ${this.message}`;
  }
}
