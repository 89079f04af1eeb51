/**
 * As a user would: start the README's main command, open notebook 01 in Chromium, run all
 * cells from the menu, check that every cell finished without an error and that the expected
 * results are on the page, and save screenshots for the README.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { chromium, type Browser } from "playwright-core";
import { CHROMIUM, CHROMIUM_ARGS } from "../../scripts/lib/browser";
import { PACKAGE_ROOT } from "../../src/util/paths";
import { type MainCommand, startMainCommand } from "../helpers/main-command";

const NOTEBOOK = "01-flat-files-requests-and-paginators.ipynb";
let server: MainCommand;
let url = "";
let browser: Browser;

before(async () => {
  server = await startMainCommand();
  url = `${server.base}/notebooks/${NOTEBOOK}?token=${server.token}`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

describe("notebook 01 in a real browser", () => {
  it("runs every cell from the Cell menu with no error and shows the results", { timeout: 300_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(url);
    await page.waitForFunction(() => {
      const J = (globalThis as any).Jupyter;
      return J?.notebook?.kernel?.is_connected?.() && J.notebook.kernel_selector;
    }, null, { timeout: 120_000 });
    // Never write the committed notebook back from the test.
    await page.evaluate(() => (globalThis as any).Jupyter.notebook.set_autosave_interval(0));
    await page.click("#celllink");
    await page.click("#run_all_cells > a");
    await page.waitForFunction(
      () => {
        const cells = (globalThis as any).Jupyter.notebook.get_cells().filter((c: any) => c.cell_type === "code");
        return cells.every((c: any) => typeof c.input_prompt_number === "number");
      },
      null,
      { timeout: 240_000, polling: 500 },
    );
    const errors = await page.locator(".output_error, .output_stderr").count();
    assert.equal(errors, 0, "a cell shows an error");
    const text = await page.locator("#notebook-container").innerText();
    for (const expected of ["AWS4-HMAC-SHA256", "5838", "us_options_opra/", "ListObjectsV2 requests for one dataset", "PageSize 500, MaxItems 1,200"]) {
      assert.ok(text.includes(expected), `the page does not show "${expected}"`);
    }
    // Screenshots go to a temporary folder, so a test run leaves the clone as it was; with
    // FLATFILES_SCREENSHOTS_DIR=docs/screenshots they refresh the ones the README shows.
    const shots = path.resolve(PACKAGE_ROOT, process.env.FLATFILES_SCREENSHOTS_DIR || path.join(os.tmpdir(), "flatfiles-kit-screenshots"));
    fs.mkdirSync(shots, { recursive: true });
    await page.screenshot({ path: path.join(shots, "notebook-01-top.png") });
    const trace = page.locator(".output_html").filter({ hasText: "ListObjectsV2 requests for one dataset" });
    await trace.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(shots, "notebook-01-requests.png") });
    await page.close();
  });
});
