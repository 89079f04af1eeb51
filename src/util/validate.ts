/**
 * Checks for the numbers a caller passes as options (sizes, counts, concurrency): zero, negative,
 * fractional, NaN or Infinity would otherwise surface far away as "connection ended early" or an
 * empty result.
 */
import { KitError, echo } from "./errors";

function shown(value: unknown): string {
  return typeof value === "string" ? `${echo(value, 40)} (text)` : echo(value);
}

/** `value` when it is a whole number in [min, max]; otherwise a KitError naming the option. */
export function wholeNumber(name: string, value: unknown, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `${min} or more` : `from ${min} to ${max}`;
    throw new KitError("options.number", `${name} is ${shown(value)}: it must be a whole number, ${range}.`);
  }
  return value;
}

/**
 * How deep brackets nest in `text` (JSON, a JMESPath expression), counted without recursion: a
 * parser given 200,000 levels overflows the stack. Brackets inside quotes (any of `quotes`,
 * with backslash escapes) do not count.
 */
export function nestingDepth(text: string, quotes = '"'): number {
  let depth = 0;
  let deepest = 0;
  let quote = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = "";
    } else if (quotes.includes(c)) quote = c;
    else if (c === "[" || c === "{" || c === "(") {
      if (++depth > deepest) deepest = depth;
    } else if (c === "]" || c === "}" || c === ")") depth--;
  }
  return deepest;
}

/**
 * Whether objects and lists nest deeper than `limit` inside `value`, found without recursion
 * (walking a 200,000-level value recursively is what overflowed the stack).
 */
export function deeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (!v || typeof v !== "object" || ArrayBuffer.isView(v)) continue;
    if (depth >= limit) return true;
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return false;
}
