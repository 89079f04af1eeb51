/**
 * The errors jmespath.py raises, by class, with its position for syntax errors (in code points
 * of the expression, as Python counts): the kit reports the same errors for the same expressions.
 */
export type JmesErrorKind =
  /** LexerError, ParseError, IncompleteExpressionError, EmptyExpressionError: before evaluating. */
  | "syntax"
  /** ArityError, VariadictArityError: a function called with the wrong number of arguments. */
  | "arity"
  /** JMESPathTypeError: a function given a value of a type it does not take. */
  | "type"
  /** UnknownFunctionError. */
  | "function"
  /** Python's own TypeError, ValueError or OverflowError, raised while evaluating. */
  | "runtime";

export class JmesError extends Error {
  constructor(
    readonly kind: JmesErrorKind,
    message: string,
    /** Where a syntax error is, in code points. */
    readonly position?: number,
  ) {
    super(message);
    this.name = "JmesError";
  }
}
