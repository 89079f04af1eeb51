/**
 * The Node.js floor for the command line: below it, the one line a person reads and exit 1.
 * Thrown at import as the library does, Node printed the compiled source line, the error's
 * fields and its own version banner around the message.
 */
import { nodeVersionError } from "../util/node-floor";

const tooOld = nodeVersionError();
if (tooOld) {
  process.stderr.write(`flatfiles: ${tooOld.message}\n`);
  process.exit(1);
}
