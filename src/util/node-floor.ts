/**
 * The Node.js floor as a fact and a message, with no side effect: `node-version.ts` throws it
 * when the library is imported; the CLI prints it as its one line (`cli/floor.ts`).
 */
import { KitError } from "./errors";

/** The oldest Node.js major version the kit runs on (package.json `engines.node`). */
export const NODE_FLOOR = 22;

/** The error for a Node.js version below the floor, or null when `version` (`process.versions.node`) is enough. */
export function nodeVersionError(version: string = process.versions.node): KitError | null {
  const major = Number.parseInt(version, 10);
  if (Number.isFinite(major) && major >= NODE_FLOOR) return null;
  return new KitError(
    "node.version",
    `flatfiles-kit needs Node.js ${NODE_FLOOR} or newer (this is ${String(version).split(".")[0].slice(0, 12)}.x): install a current LTS from https://nodejs.org, or run your script with one: \`npx -p node@${NODE_FLOOR} node your-script.js\`.`,
  );
}
