/**
 * Errors a user can act on: one message that says what went wrong and what to do.
 *
 * Notebooks print a thrown error's stack; for these the stack is the message alone, because
 * the kit's internal frames tell a learner nothing and bury the advice.
 */
export class KitError extends Error {
  /** A stable identifier for tests and callers, for example `config.missing`. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "KitError";
    this.code = code;
    this.stack = `${this.name} [${code}]: ${message}`;
  }
}
