import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { it } from "node:test";
import { DOC, withFacts } from "../../scripts/lib/facts-table";
import { PACKAGE_ROOT } from "../../src/util/paths";

it("docs/flat-files.md shows the registry of facts as the code has it (npm run docs:facts)", () => {
  const doc = fs.readFileSync(path.join(PACKAGE_ROOT, DOC), "utf8");
  assert.equal(doc, withFacts(doc));
});
