/**
 * Checks for the numbers a caller passes as options (sizes, counts, concurrency): zero, negative,
 * fractional, NaN or Infinity would otherwise surface far away as "connection ended early" or an
 * empty result.
 */
import { KitError } from "./errors";

function shown(value: unknown): string {
  if (typeof value === "number") return Number.isNaN(value) ? "NaN" : String(value);
  if (typeof value === "string") return `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}" (text)`;
  return value === null ? "null" : typeof value;
}

/** `value` when it is a whole number in [min, max]; otherwise a KitError naming the option. */
export function wholeNumber(name: string, value: unknown, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `${min} or more` : `from ${min} to ${max}`;
    throw new KitError("options.number", `${name} is ${shown(value)}: it must be a whole number, ${range}.`);
  }
  return value;
}
