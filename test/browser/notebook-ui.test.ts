/**
 * As a user would: start the README's main command, open each notebook (notebooks/NN-*.ipynb)
 * in Chromium, run all cells from the Cell menu, and check that every cell finished without an
 * error, that no line of code is wider than its cell (at a 1280-pixel-wide window), and, for
 * notebook 01, that the expected results are on the page. Saves a screenshot per notebook.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { chromium, type Browser, type Page } from "playwright-core";
import { CHROMIUM, CHROMIUM_ARGS } from "../../scripts/lib/browser";
import { PACKAGE_ROOT } from "../../src/util/paths";
import { type MainCommand, startMainCommand } from "../helpers/main-command";

const NOTEBOOKS_DIR = path.join(PACKAGE_ROOT, "notebooks");
const NOTEBOOKS = fs
  .readdirSync(NOTEBOOKS_DIR)
  .filter((f) => /^\d\d-.*\.ipynb$/.test(f))
  .sort();

/** Text each notebook must show once run (beyond "no error"). */
const EXPECTED: Record<string, string[]> = {
  "01": [
    "AWS4-HMAC-SHA256",
    "5838",
    "us_options_opra/",
    "ListObjectsV2 requests for one dataset",
    "PageSize 500, MaxItems 1,200",
  ],
};

// Screenshots go to a temporary folder, so a test run leaves the clone as it was; with
// FLATFILES_SCREENSHOTS_DIR=docs/screenshots they refresh the ones the README shows.
const SHOTS = path.resolve(
  PACKAGE_ROOT,
  process.env.FLATFILES_SCREENSHOTS_DIR || path.join(os.tmpdir(), "flatfiles-kit-screenshots"),
);

interface WideCell {
  index: number;
  scrollWidth: number;
  clientWidth: number;
  /** Lines that end past the editor's visible right edge (px past it), or else the one ending closest to it. */
  lines: { line: number; length: number; text: string; past: number }[];
}

let server: MainCommand;
let browser: Browser;

before(async () => {
  server = await startMainCommand();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  fs.mkdirSync(SHOTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Shut down the notebook's kernel, so notebooks do not pile up kernels on a small machine. */
async function closeSessions(notebook: string): Promise<void> {
  const api = `${server.base}/api/sessions`;
  const sessions = (await (await fetch(`${api}?token=${server.token}`)).json()) as {
    id: string;
    path: string;
  }[];
  for (const s of sessions.filter((s) => s.path.endsWith(notebook))) {
    await fetch(`${api}/${s.id}?token=${server.token}`, { method: "DELETE" });
  }
}

/** Open the notebook, wait for its kernel, run all cells from the Cell menu; seconds taken. */
async function runAll(
  page: Page,
  notebook: string,
): Promise<{ kernel: number; firstCell: number; all: number }> {
  const t0 = performance.now();
  await page.goto(`${server.base}/notebooks/${notebook}?token=${server.token}`);
  await page.waitForFunction(
    () => {
      const J = (globalThis as any).Jupyter;
      return J?.notebook?.kernel?.is_connected?.() && J.notebook.kernel_selector;
    },
    null,
    { timeout: 120_000 },
  );
  const kernel = (performance.now() - t0) / 1000;
  await page.evaluate(() => {
    const J = (globalThis as any).Jupyter;
    J.notebook.set_autosave_interval(0); // never write the committed notebook back from the test
    const w = globalThis as any;
    w.__finished = [] as number[];
    J.notebook.events.on("finished_execute.CodeCell", () => w.__finished.push(performance.now()));
    w.__started = performance.now();
  });
  await page.click("#celllink");
  await page.click("#run_all_cells > a");
  // Done when no cell is running any more (a cell that fails may leave later ones unrun).
  await page.waitForFunction(
    () => {
      const cells = (globalThis as any).Jupyter.notebook
        .get_cells()
        .filter((c: any) => c.cell_type === "code");
      return cells.every((c: any) => !c.element.hasClass("running") && c.input_prompt_number !== "*");
    },
    null,
    { timeout: 240_000, polling: 500 },
  );
  const [firstCell, all] = await page.evaluate(() => {
    const w = globalThis as any;
    return [(w.__finished[0] - w.__started) / 1000, (performance.now() - w.__started) / 1000];
  });
  return { kernel, firstCell, all };
}

/** Code cells whose editor scrolls sideways, with the lines that stick out. */
function wideCells(page: Page): Promise<WideCell[]> {
  return page.evaluate(() => {
    const out: WideCell[] = [];
    (globalThis as any).Jupyter.notebook.get_cells().forEach((c: any, index: number) => {
      if (c.cell_type !== "code") return;
      const cm = c.code_mirror;
      // CodeMirror's scroller reaches past the visible editor (to hide native scrollbars);
      // getScrollInfo gives the code's width and the visible width without that gap.
      const info = cm.getScrollInfo();
      if (info.width <= info.clientWidth) return;
      const scroller = cm.getScrollerElement();
      scroller.scrollLeft = 0;
      const right = scroller.getBoundingClientRect().left + info.clientWidth;
      const all = [];
      for (let n = 0; n < cm.lineCount(); n++) {
        const text: string = cm.getLine(n);
        const past = Math.round(cm.charCoords({ line: n, ch: text.length }, "window").right - right);
        all.push({ line: n + 1, length: text.length, text, past });
      }
      // A line that ends just inside the edge can still make the editor scroll (CodeMirror's padding).
      const lines = all.some((l) => l.past > 0)
        ? all.filter((l) => l.past > 0)
        : all.sort((a, b) => b.past - a.past).slice(0, 1);
      out.push({ index, scrollWidth: info.width, clientWidth: info.clientWidth, lines });
    });
    return out;
  });
}

for (const notebook of NOTEBOOKS) {
  const nn = notebook.slice(0, 2);
  describe(`notebook ${notebook} in a real browser`, () => {
    let wide: WideCell[] | undefined;

    it("runs every cell from the Cell menu with no error and shows the results", {
      timeout: 400_000,
    }, async (t) => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      try {
        const times = await runAll(page, notebook);
        t.diagnostic(
          `kernel connected ${times.kernel.toFixed(1)} s after opening; after Run All, ` +
            `first cell done in ${times.firstCell.toFixed(1)} s, all in ${times.all.toFixed(1)} s`,
        );
        wide = await wideCells(page);
        await page.screenshot({ path: path.join(SHOTS, `notebook-${nn}.png`) });

        const problems = await page.evaluate(() =>
          (globalThis as any).Jupyter.notebook.get_cells().flatMap((c: any, index: number) => {
            if (c.cell_type !== "code") return [];
            const bad = c.element[0].querySelector(".output_error, .output_stderr");
            if (bad) return [`cell ${index}: ${bad.innerText.slice(0, 400)}`];
            if (c.get_text().trim() && typeof c.input_prompt_number !== "number")
              return [`cell ${index}: did not run`];
            return [];
          }),
        );
        assert.deepEqual(problems, [], `cells with an error or not run:\n${problems.join("\n")}`);

        const text = await page.locator("#notebook-container").innerText();
        for (const expected of EXPECTED[nn] ?? []) {
          assert.ok(text.includes(expected), `the page does not show "${expected}"`);
        }
        if (nn === "01") {
          await page.screenshot({ path: path.join(SHOTS, "notebook-01-top.png") });
          const trace = page
            .locator(".output_html")
            .filter({ hasText: "ListObjectsV2 requests for one dataset" });
          await trace.scrollIntoViewIfNeeded();
          await page.screenshot({ path: path.join(SHOTS, "notebook-01-requests.png") });
        }
      } finally {
        await page.close();
        await closeSessions(notebook);
      }
    });

    it("has no line of code wider than its cell at a 1280-pixel window", () => {
      assert.ok(wide, "the notebook did not open");
      const ids = (
        JSON.parse(fs.readFileSync(path.join(NOTEBOOKS_DIR, notebook), "utf8")) as {
          cells: { id?: string }[];
        }
      ).cells.map((c) => c.id);
      const report = wide.map(
        (c) =>
          `cell ${c.index}${ids[c.index] ? ` (id ${ids[c.index]})` : ""}: its editor scrolls sideways, ${c.scrollWidth} px of code in ${c.clientWidth} px\n` +
          c.lines
            .map(
              (l) =>
                `  line ${l.line}, ${l.length} chars, ${l.past > 0 ? `${l.past} px past the edge` : `ends ${-l.past} px before the edge`}: ${l.text}`,
            )
            .join("\n"),
      );
      assert.deepEqual(report, [], `code wider than its cell in ${notebook}:\n${report.join("\n")}`);
    });
  });
}
