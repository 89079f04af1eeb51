import { inspect } from "node:util";

/**
 * A credential that never prints itself: console.log, JSON.stringify, template strings and
 * notebook displays all show a mask. Only `reveal()` gives the value, for the SDK's signer.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  /** The first characters of an access key id are safe to show and help tell keys apart. */
  hint(visible = 0): string {
    return visible > 0 ? `${this.#value.slice(0, visible)}…` : "••••••••";
  }

  toString(): string {
    return "••••••••";
  }

  toJSON(): string {
    return "••••••••";
  }

  [inspect.custom](): string {
    return "Secret(••••••••)";
  }
}
