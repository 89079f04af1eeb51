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
