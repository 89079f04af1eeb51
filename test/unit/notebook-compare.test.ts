import assert from "node:assert/strict";
import * as path from "node:path";
import { describe, it } from "node:test";
import { firstDifference, normalise } from "../../scripts/lib/notebook-compare";
import { readNotebook } from "../../scripts/lib/notebook-file";
import { PACKAGE_ROOT } from "../../src/util/paths";

const file = path.join(PACKAGE_ROOT, "notebooks", "03-paginator-reference.ipynb");

describe("committed-output check", () => {
  it("ignores what changes between runs: ports, timings, signatures", () => {
    assert.equal(
      normalise("http://127.0.0.1:41234 took 1,004 ms, sig 9f86d081884c7d65"),
      normalise("http://127.0.0.1:5000 took 998 ms, sig 0a1b2c3d4e5f6a7b"),
    );
  });

  it("finds a code cell whose outputs are stale or missing", () => {
    const committed = readNotebook(file);
    assert.equal(firstDifference(committed, readNotebook(file)), null);
    const edited = readNotebook(file);
    const codeCells = edited.cells.filter((c) => c.cell_type === "code");
    codeCells[3].outputs = [{ output_type: "stream", name: "stdout", text: ["{ pages: 2 }\n"] }];
    assert.equal(firstDifference(committed, edited)?.cell, 4);
    const cleared = readNotebook(file);
    cleared.cells.filter((c) => c.cell_type === "code")[1].outputs = [];
    assert.equal(firstDifference(committed, cleared)?.cell, 2);
  });
});
