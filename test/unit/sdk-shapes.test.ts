/**
 * The DynamoDB, EC2 and IAM shapes the operations table's types use are copies of the SDK's own
 * declarations (scripts/lib/sdk-shapes.ts), so that the kit's declarations do not make a notebook
 * parse those packages whole. A copy that no longer matches the installed SDK fails here (run
 * `npm run types:sdk-shapes`); operations.test.ts checks every row's types equal the SDK's.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { it } from "node:test";
import ts from "@tslab/typescript-for-tslab";
import { expectedShapeFiles } from "../../scripts/lib/sdk-shapes";
import { PACKAGE_ROOT } from "../../src/util/paths";

it("the copied SDK shapes are what the script makes from the installed SDK packages", () => {
  for (const [file, text] of expectedShapeFiles()) {
    const rel = path.relative(PACKAGE_ROOT, file);
    assert.ok(fs.existsSync(file), `${rel} is missing: run npm run types:sdk-shapes`);
    assert.ok(
      fs.readFileSync(file, "utf8") === text,
      `${rel} differs from the SDK's: run npm run types:sdk-shapes`,
    );
  }
});

it("the kit's declarations name no SDK package but S3's (the one its client needs)", () => {
  const dist = path.join(PACKAGE_ROOT, "dist");
  const named = new Set<string>();
  for (const rel of fs.readdirSync(dist, { recursive: true }) as string[]) {
    if (!rel.endsWith(".d.ts")) continue;
    // The modules a compiler loads for this file (imports and import types, not comments).
    const { importedFiles } = ts.preProcessFile(fs.readFileSync(path.join(dist, rel), "utf8"), true, true);
    for (const f of importedFiles) if (f.fileName.startsWith("@aws-sdk/")) named.add(f.fileName);
  }
  assert.deepEqual([...named].sort(), ["@aws-sdk/client-s3"]);
});
