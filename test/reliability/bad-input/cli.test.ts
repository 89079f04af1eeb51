/**
 * Bad input, the command line: one row each, a KitError (or a one-line CLI message) with a specific
 * code and a message naming the problem and the fix. docs/reliability.md lists the same table.
 */
import { type Row, badInputTable, cli } from "./helpers";

const ROWS: Row[] = [
  [
    "head -n abc (refused before any download)",
    () => cli("head", "us_stocks_sip/day_aggs_v1", "2024-03-15", "-n", "abc"),
    /exit 2: flatfiles: --rows must be a whole number (above zero|from 1 to [\d,]+), not "abc"/,
  ],
  ["empty prefix (CLI)", () => cli("ls", "no/such/prefix"), /exit 0: Nothing under "no\/such\/prefix\/"/],
  ["unknown CLI command", () => cli("fetch", "x"), /exit 2: flatfiles: Unknown command "fetch"/],
  ["unknown CLI flag", () => cli("ls", "--recursive"), /exit 2: flatfiles: Unknown option '--recursive'/],
];

badInputTable("cli", ROWS);
