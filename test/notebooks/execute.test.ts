/**
 * Every notebook, executed headless by Jupyter with the project's tslab kernel against the
 * sandbox. A cell that throws fails the run (nbconvert stops and exits non-zero).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { PACKAGE_ROOT } from "../../src/util/paths";
import { outputText, readNotebook } from "../../scripts/lib/notebook-file";

const dir = path.join(PACKAGE_ROOT, "notebooks");
const notebooks = fs.readdirSync(dir).filter((f) => /^\d\d-.*\.ipynb$/.test(f)).sort();
const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "kit-notebooks-"));

/** What each notebook must show when it runs against the sandbox. */
const EXPECTED: Record<string, RegExp[]> = {
  "00-check-your-setup.ipynb": [/local sandbox/, /us_stocks_sip\//, /global_crypto\//, /SignatureDoesNotMatch/, /Secret\(••••••••\)/],
};

describe("notebooks run green against the sandbox", () => {
  it("finds the notebooks", () => assert.ok(notebooks.length >= 1));
  for (const name of notebooks) {
    it(name, { timeout: 600_000 }, () => {
      const r = spawnSync(
        "jupyter-nbconvert",
        ["--to", "notebook", "--execute", "--ExecutePreprocessor.timeout=300", "--output-dir", outDir, path.join(dir, name)],
        { encoding: "utf8", env: process.env, cwd: dir },
      );
      assert.equal(r.status, 0, `nbconvert failed:\n${r.stderr.split("\n").slice(-40).join("\n")}`);
      const nb = readNotebook(path.join(outDir, name));
      const errors = nb.cells.flatMap((c) => c.outputs ?? []).filter((o) => o.output_type === "error");
      assert.deepEqual(errors, []);
      const text = outputText(nb);
      for (const re of EXPECTED[name] ?? []) assert.match(text, re);
    });
  }
});
