/**
 * The Node.js floor, checked when the kit is imported. Below it the kit half works and then fails
 * far from the cause (polars' native code declares Node 22, a conversion worker that never starts
 * leaves a download waiting for minutes), so it refuses at once with the one fact that matters.
 * Imported first by the library's entries (index, testing); the CLI prints it instead (cli/floor.ts).
 */
import { nodeVersionError } from "./node-floor";

export { NODE_FLOOR, nodeVersionError } from "./node-floor";

const tooOld = nodeVersionError();
if (tooOld) throw tooOld;
