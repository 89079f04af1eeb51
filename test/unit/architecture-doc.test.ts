/** docs/architecture.md describes the code as it is: every folder of src/, and every module in it. */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { PACKAGE_ROOT } from "../../src/util/paths";

const src = path.join(PACKAGE_ROOT, "src");
const doc = fs.readFileSync(path.join(PACKAGE_ROOT, "docs", "architecture.md"), "utf8");
const folders = fs
  .readdirSync(src, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name);

describe("docs/architecture.md", () => {
  it("has a row for every folder of src/", () => {
    const missing = folders.filter((f) => !doc.includes(`| \`${f}/\` |`));
    assert.deepEqual(missing, [], "folders of src/ with no row in the library table");
  });

  it("names every module of those folders", () => {
    const missing = folders.flatMap((f) =>
      fs
        .readdirSync(path.join(src, f))
        .filter((m) => m.endsWith(".ts") && !doc.includes(`\`${m}\``))
        .map((m) => `${f}/${m}`),
    );
    assert.deepEqual(missing, [], "modules the architecture page does not mention");
  });
});
