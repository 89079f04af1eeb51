/**
 * Every notebook, executed headless by Jupyter with the project's tslab kernel against the
 * sandbox: no cell may fail, the expected results must appear, no key may be shown, and the
 * committed outputs must still match what the code produces.
 */
import assert from "node:assert/strict";
import { type SpawnSyncReturns, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { NBCONVERT_EXECUTE_CONFIG } from "../../scripts/lib/jupyter";
import { PACKAGE_ROOT } from "../../src/util/paths";
import { firstDifference } from "../../scripts/lib/notebook-compare";
import { type Notebook, outputText, readNotebook } from "../../scripts/lib/notebook-file";
import { readSolutions } from "../../scripts/lib/solutions";
import { sandboxState } from "../helpers/sandbox";

const dir = path.join(PACKAGE_ROOT, "notebooks");
const notebooks = fs
  .readdirSync(dir)
  .filter((f) => /^\d\d-.*\.ipynb$/.test(f))
  .sort();
const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "kit-notebooks-"));

/** What each notebook must show when it runs against the sandbox. */
const EXPECTED: Record<string, RegExp[]> = {
  "00-check-your-setup.ipynb": [
    /local sandbox/,
    /us_stocks_sip\//,
    /global_crypto\//,
    /SignatureDoesNotMatch/,
    /Secret\(••••••••\)/,
  ],
  "01-flat-files-requests-and-paginators.ipynb": [
    /RequestTimeTooSkewed/,
    /500 received, 200 kept/,
    /AWS4-HMAC-SHA256/,
    /\b5838\b/,
    /ContinuationToken=/,
    /us_options_opra\//,
    /day_aggs_v1\/ +minute_aggs_v1/,
    /<td>2024<\/td><td>252<\/td>/,
  ],
  "02-pagination-step-by-step.ipynb": [
    // The sandbox's first pages beside the service models' documented defaults.
    /<td>IAM ListUsers<\/td><td>MaxItems<\/td><td>[^<]*defaults to 100\.<\/td><td>100<\/td><td>100<\/td>/,
    // `[]` flattens the pairs, `[*]` keeps them, a page without Contents yields one null.
    /<td>Contents\[\*\]\.\[Key, Size\]\[\]<\/td><td>\[&quot;us_stocks_sip[^<]*gz&quot;,\d+,&quot;/,
    /<td>S3 ListObjectsV2<\/td><td>5,000<\/td><td>1,000<\/td>/,
    /<td>DynamoDB Scan, 100 KB items<\/td><td>100<\/td><td>9<\/td>/,
    /100 received, 50 kept/,
    /distinct: 500, tableSize: 500/,
    /5838 keys, all there/,
    /33 instances/,
    /5 of 5838 files are over 1,000 bytes/,
    /<td>MaxItems 10<\/td><td>10<\/td><td>1<\/td><td>1,000<\/td>/,
    /<td>MaxItems 10, PageSize 10<\/td><td>10<\/td><td>1<\/td><td>10<\/td>/,
  ],
  "04-exploring-flat-files.ipynb": [
    /<td>2026-11-13<\/td>/,
    /a Saturday/,
    /window_start_ny/,
    /EST/,
    /minute bars, \d+ MB gzipped/,
    /cached: nothing fetched/,
    /Forbidden \(HTTP 403\)/,
  ],
  "05-options.ipynb": [
    /is not an option ticker: its expiration "251319"/,
    /<th>call_volume<\/th><th>call_close<\/th>/,
    /<td>SPY<\/td><td>[\d,]+<\/td><td>[\d,]+<\/td><td>1\.\d+<\/td>/,
    /\d+ SPY option trades/,
  ],
  "06-trades-and-quotes.ipynb": [
    /780 of 780 minutes: VWAP inside the bar's range/,
    /Odd Lot Trade/,
    /Trades taken for vwap: 09:30-16:00 New York/,
    /<th>odd_lot_rule<\/th>/,
    // The tape's condition 37 and the round lots of the evaluation month agree (the old under-100 rule does not).
    /trades with condition 37<\/td><td>([\d,]+)<\/td><\/tr>\s*<tr><td>odd lots by 2026-09.{1,6}s round lots<\/td><td>\1<\/td>/,
    /inside the spread/,
  ],
  "07-around-the-clock.ipynb": [
    /C:EURUSD/,
    /a Sunday/,
    // NVDA around its 10-for-1 split, near the real closes (1,208.88 and 121.79).
    /<td>2024-06-07<\/td><td>1,?[12]\d\d\.\d+<\/td>/,
    /<td>2024-06-10<\/td><td>1[12]\d\.\d+<\/td>/,
    /2026-11-19 18:00:00 EST/,
    // The sandbox's crypto day is the window sessionOf gives (UTC midnight to midnight).
    /<td>2026-11-20 00:00:00 UTC<\/td><td>2026-11-20 23:59:00 UTC<\/td>[\s\S]*sessionOf: 2026-11-20T00:00:00\.000Z to 2026-11-21T00:00:00\.000Z/,
  ],
  "08-lake-in-a-bucket.ipynb": [
    /246 trading days, [\d.]+ MB gzipped/,
    /246 days in the lake, 0 failed/,
    /246 days, 2025-12-01 to 2026-11-20/,
  ],
  "03-paginator-reference.ipynb": [
    /106 of 232/,
    /ContinuationToken: '/,
    /\(not sent\)/,
    /boto_truncate_amount: 10/,
    /'page had no Contents': \[ null \]/,
    /position 22/,
  ],
};

/**
 * The notebook with its exercise solutions appended as extra cells, as a learner would paste
 * them: one run checks both, and the solutions see the notebook's variables.
 */
function withSolutions(name: string): { file: string; cells: number } {
  const nb = readNotebook(path.join(dir, name));
  const cells = nb.cells.length;
  for (const s of readSolutions(name)) {
    nb.cells.push({
      cell_type: "code",
      source: s.code,
      metadata: { solution: s.exercise },
      outputs: [],
      execution_count: null,
    });
  }
  // Written beside the original, so relative imports ("../dist") resolve the same way.
  const file = path.join(dir, `.solutions-${name}`);
  fs.writeFileSync(file, JSON.stringify(nb));
  return { file, cells };
}

function solutionOutputs(nb: Notebook, from: number): string[] {
  return nb.cells.slice(from).map((c) => outputText({ ...nb, cells: [c] }));
}

describe("notebooks run green against the sandbox", () => {
  it("finds the notebooks", () => assert.ok(notebooks.length >= 4));
  for (const name of notebooks) {
    it(name, { timeout: 600_000 }, () => {
      const input = withSolutions(name);
      let r: SpawnSyncReturns<string>;
      try {
        r = spawnSync(
          "jupyter-nbconvert",
          [
            NBCONVERT_EXECUTE_CONFIG,
            "--to",
            "notebook",
            "--execute",
            "--ExecutePreprocessor.timeout=300",
            "--output-dir",
            outDir,
            "--output",
            name,
            input.file,
          ],
          { encoding: "utf8", env: process.env, cwd: dir },
        );
      } finally {
        fs.rmSync(input.file, { force: true });
      }
      assert.equal(r.status, 0, `nbconvert failed:\n${r.stderr.split("\n").slice(-40).join("\n")}`);
      const executed = readNotebook(path.join(outDir, name));
      const solved = solutionOutputs(executed, input.cells);
      readSolutions(name).forEach((s, i) => {
        assert.match(
          solved[i],
          s.expect!,
          `exercise ${s.exercise}'s solution (docs/solutions) shows:\n${solved[i]}`,
        );
      });
      const fresh = { ...executed, cells: executed.cells.slice(0, input.cells) };
      // Saved notebooks keep their prompt numbers, as a reader expects ([1], [2]...); tslab only
      // sends them on IOPub with the kit's patch (execute_input).
      for (const nb of [fresh, readNotebook(path.join(dir, name))]) {
        const counts = nb.cells.filter((c) => c.cell_type === "code").map((c) => c.execution_count);
        assert.deepEqual(
          counts,
          counts.map((_, i) => i + 1),
          "execution counts 1, 2, 3...",
        );
      }
      const errors = executed.cells
        .flatMap((c) => c.outputs ?? [])
        .filter((o) => o.output_type === "error" || o.name === "stderr");
      assert.deepEqual(errors, []);
      const text = outputText(fresh);
      for (const re of EXPECTED[name] ?? []) assert.match(text, re);
      const charts = fresh.cells.flatMap((c) => c.outputs ?? []).filter((o) => o.data?.["image/png"]).length;
      const CHARTS: Record<string, number> = { "04": 3, "05": 1, "06": 2, "07": 2 };
      if (CHARTS[name.slice(0, 2)]) assert.equal(charts, CHARTS[name.slice(0, 2)], "charts, as PNG");

      const st = sandboxState();
      for (const [what, secret] of [
        ["access key id", st.accessKeyId],
        ["secret key", st.secretAccessKey],
      ]) {
        assert.ok(!text.includes(secret), `the ${what} appears in the outputs of ${name}`);
        assert.ok(
          !fs.readFileSync(path.join(dir, name), "utf8").includes(secret),
          `the ${what} is in the committed ${name}`,
        );
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
