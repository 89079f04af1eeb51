/**
 * Every notebook, executed headless by Jupyter with the project's tslab kernel against the
 * sandbox: no cell may fail, the expected results must appear, no key may be shown, and the
 * committed outputs must still match what the code produces.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { PACKAGE_ROOT } from "../../src/util/paths";
import { firstDifference } from "../../scripts/lib/notebook-compare";
import { outputText, readNotebook } from "../../scripts/lib/notebook-file";
import { sandboxState } from "../helpers/sandbox";

const dir = path.join(PACKAGE_ROOT, "notebooks");
const notebooks = fs.readdirSync(dir).filter((f) => /^\d\d-.*\.ipynb$/.test(f)).sort();
const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "kit-notebooks-"));

/** What each notebook must show when it runs against the sandbox. */
const EXPECTED: Record<string, RegExp[]> = {
  "00-check-your-setup.ipynb": [/local sandbox/, /us_stocks_sip\//, /global_crypto\//, /SignatureDoesNotMatch/, /Secret\(••••••••\)/],
  "01-flat-files-requests-and-paginators.ipynb": [/AWS4-HMAC-SHA256/, /\b5838\b/, /ContinuationToken=/, /us_options_opra\//, /day_aggs_v1\/ +minute_aggs_v1/, /<td>2024<\/td><td>252<\/td>/],
  "02-pagination-step-by-step.ipynb": [/<td>IAM ListUsers<\/td><td>100<\/td>/, /asked: 5000, got: 1000/, /distinct: 500, tableSize: 500/, /5838 keys, all there/, /33 instances/],
  "04-exploring-flat-files.ipynb": [/<td>2026-11-13<\/td>/, /a Saturday/, /window_start_ny/, /EST/, /minute bars, \d+ MB gzipped/, /cached: nothing fetched/, /Forbidden \(HTTP 403\)/],
  "03-paginator-reference.ipynb": [/\(not sent\)/, /boto_truncate_amount: 10/, /'page had no Contents': \[ null \]/, /position 22/],
};

describe("notebooks run green against the sandbox", () => {
  it("finds the notebooks", () => assert.ok(notebooks.length >= 4));
  for (const name of notebooks) {
    it(name, { timeout: 600_000 }, () => {
      const r = spawnSync(
        "jupyter-nbconvert",
        ["--to", "notebook", "--execute", "--ExecutePreprocessor.timeout=300", "--output-dir", outDir, path.join(dir, name)],
        { encoding: "utf8", env: process.env, cwd: dir },
      );
      assert.equal(r.status, 0, `nbconvert failed:\n${r.stderr.split("\n").slice(-40).join("\n")}`);
      const fresh = readNotebook(path.join(outDir, name));
      const errors = fresh.cells.flatMap((c) => c.outputs ?? []).filter((o) => o.output_type === "error" || o.name === "stderr");
      assert.deepEqual(errors, []);
      const text = outputText(fresh);
      for (const re of EXPECTED[name] ?? []) assert.match(text, re);
      const charts = fresh.cells.flatMap((c) => c.outputs ?? []).filter((o) => o.data?.["image/png"]).length;
      if (name.startsWith("04-")) assert.equal(charts, 3, "three charts, as PNG");

      const st = sandboxState();
      for (const [what, secret] of [["access key id", st.accessKeyId], ["secret key", st.secretAccessKey]]) {
        assert.ok(!text.includes(secret), `the ${what} appears in the outputs of ${name}`);
        assert.ok(!fs.readFileSync(path.join(dir, name), "utf8").includes(secret), `the ${what} is in the committed ${name}`);
      }

      const diff = firstDifference(readNotebook(path.join(dir, name)), fresh);
      assert.equal(
        diff,
        null,
        `${name}: the committed outputs of code cell ${diff?.cell} no longer match its code; run \`npm run notebooks:refresh\`.\n` +
          `committed: ${diff?.committed}\nfresh:     ${diff?.fresh}`,
      );
    });
  }
});
