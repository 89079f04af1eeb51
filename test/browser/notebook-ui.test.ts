/**
 * As a user would: start the README's main command, open each notebook of the learner's copy in
 * Jupyter Notebook 7 in Chromium, run all cells (Run → Run All Cells, through the app's command),
 * and check that every cell finished without an error or stderr output, that no line of code is
 * wider than its cell at a 1280-pixel window, that every relative link of the notebook (docs,
 * solutions, other notebooks) opens from the running Jupyter (a click on each, once; a 404
 * fails) and that a docs or solutions page shows up rendered (its heading, the anchor's heading,
 * no broken characters, no Markdown comment, its own links to other pages working), and, for
 * notebook 01, that the expected results are on the page. Before that, the kernel as a learner
 * meets it: notebook 01 opened and read, the kernel's warm-up runs after everything the page
 * sends on its own (history, comms), and the first cell then runs. Saves a screenshot per
 * notebook. The main command runs with its own learner folder, so a learner's work is untouched.
 *
 * FLATFILES_BROWSER_NOTEBOOKS=00,04 runs only those notebooks (a quicker loop while editing).
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { type Browser, chromium, type Page } from "playwright-core";
import { CHROMIUM, CHROMIUM_ARGS } from "../../scripts/lib/browser";
import { courseNotebooks } from "../../scripts/lib/learner-notebooks";
import { PACKAGE_ROOT } from "../../src/util/paths";
import { type MainCommand, startMainCommand } from "../helpers/main-command";

const ONLY = process.env.FLATFILES_BROWSER_NOTEBOOKS?.split(",").map((s) => s.trim());
const NOTEBOOKS = courseNotebooks().filter((f) => !ONLY || ONLY.includes(f.slice(0, 2)));
const FOLDER = "my-notebooks-test"; // the learner folder startMainCommand gives npm start

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
  fs.rmSync(path.join(PACKAGE_ROOT, FOLDER), { recursive: true, force: true });
  // JupyterLab's Markdown preview leaves a checkpoint copy beside each doc it opened.
  for (const dir of ["docs", "docs/solutions"])
    fs.rmSync(path.join(PACKAGE_ROOT, dir, ".ipynb_checkpoints"), { recursive: true, force: true });
});

const api = (p: string, init?: RequestInit) =>
  fetch(`${server.base}${p}`, { ...init, headers: { Authorization: `token ${server.token}` } });

/** Shut down the notebook's kernel, so notebooks do not pile up kernels on a small machine. */
async function closeSessions(notebook: string): Promise<void> {
  const sessions = (await (await api("/api/sessions")).json()) as { id: string; path: string }[];
  for (const s of sessions.filter((s) => s.path.endsWith(notebook)))
    await api(`/api/sessions/${s.id}`, { method: "DELETE" });
}

/** Open the notebook and wait until its tslab kernel is idle; seconds taken. */
async function openNotebook(page: Page, notebook: string): Promise<number> {
  const t0 = performance.now();
  await page.goto(`${server.base}/notebooks/${FOLDER}/${notebook}?token=${server.token}`);
  await page.waitForFunction(
    () => {
      const app = (globalThis as any).jupyterapp;
      const kernel = app?.shell?.currentWidget?.sessionContext?.session?.kernel;
      return kernel?.name === "tslab" && kernel.status === "idle";
    },
    null,
    { timeout: 120_000, polling: 250 },
  );
  return (performance.now() - t0) / 1000;
}

/** Open the notebook, wait for its kernel, run all cells; seconds taken. */
async function runAll(page: Page, notebook: string): Promise<{ kernel: number; all: number }> {
  const t0 = performance.now();
  const kernel = await openNotebook(page, notebook);
  await page.evaluate(() => {
    const app = (globalThis as any).jupyterapp;
    // Never write the notebook back from the test (it is a throwaway copy, still: no surprises).
    app.shell.currentWidget.context.model.dirty = false;
    return app.commands.execute("notebook:run-all-cells");
  });
  await page.waitForFunction(
    () => {
      const prompts = [...(globalThis as any).document.querySelectorAll(".jp-CodeCell .jp-InputPrompt")];
      return prompts.length > 0 && prompts.every((p: any) => !p.textContent?.includes("*"));
    },
    null,
    { timeout: 400_000, polling: 500 },
  );
  return { kernel, all: (performance.now() - t0) / 1000 };
}

/** Code cells whose editor scrolls sideways (CodeMirror 6), with the lines that stick out. */
function wideCells(page: Page): Promise<WideCell[]> {
  return page.evaluate(() => {
    const out: WideCell[] = [];
    (globalThis as any).document
      .querySelectorAll(".jp-Notebook .jp-Cell")
      .forEach((cell: any, index: number) => {
        if (!cell.classList.contains("jp-CodeCell")) return;
        const scroller = cell.querySelector(".cm-scroller") as any;
        if (!scroller || scroller.scrollWidth <= scroller.clientWidth) return;
        const right = scroller.getBoundingClientRect().left + scroller.clientWidth;
        const lines = [...cell.querySelectorAll(".cm-line")].map((el: any, n: number) => {
          const range = (globalThis as any).document.createRange();
          range.selectNodeContents(el);
          const text = el.textContent ?? "";
          return {
            line: n + 1,
            length: text.length,
            text,
            past: Math.round(range.getBoundingClientRect().right - right),
          };
        });
        out.push({
          index,
          scrollWidth: scroller.scrollWidth,
          clientWidth: scroller.clientWidth,
          lines: lines.filter((l) => l.past > 0),
        });
      });
    return out;
  });
}

/** The relative links of the notebook's text cells, as written (from the file, not the page). */
function relativeLinks(notebook: string): string[] {
  const nb = JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, "notebooks", notebook), "utf8")) as {
    cells: { cell_type: string; source: string | string[] }[];
  };
  const out = new Set<string>();
  for (const c of nb.cells.filter((c) => c.cell_type === "markdown")) {
    const text = Array.isArray(c.source) ? c.source.join("") : c.source;
    for (const m of text.matchAll(/\]\(([^)\s]+)\)|href="([^"]+)"/g)) {
      const href = m[1] ?? m[2];
      if (!/^[a-z]+:|^#/i.test(href)) out.add(href);
    }
  }
  return [...out];
}

/** Links between pages already checked in this run (each page's own links are checked once). */
const checkedPageLinks = new Set<string>();

/**
 * What a learner sees of a docs or solutions page opened from a notebook: the page rendered (its
 * first heading as a heading), the heading the link's anchor names, no mojibake, no Markdown
 * comment, and each link of that page to another page answering with that page rendered.
 */
async function shownAsPage(tab: Page, file: string, href: string): Promise<string[]> {
  const problems: string[] = [];
  const markdown = fs.readFileSync(path.join(PACKAGE_ROOT, file), "utf8");
  const title = /^# (.+)$/m.exec(markdown)?.[1].replace(/[`*]/g, "").trim() ?? "";
  const shown = await tab.evaluate(() => {
    const doc = (globalThis as any).document;
    return {
      type: doc.contentType,
      h1: doc.querySelector("h1")?.textContent ?? "",
      text: doc.body?.innerText ?? "",
    };
  });
  if (shown.type !== "text/html") problems.push(`${href}: shown as ${shown.type}, not a page`);
  if (shown.h1.trim() !== title)
    problems.push(`${href}: the page's heading is "${shown.h1}", not "${title}"`);
  const bad = ["Â", "â€", "â†", "<!--"].filter((b) => shown.text.includes(b));
  if (bad.length) problems.push(`${href}: the page shows ${bad.map((b) => JSON.stringify(b)).join(", ")}`);
  const anchor = href.split("#")[1];
  if (anchor) {
    await tab.goto(`${tab.url().split("#")[0]}#${anchor}`);
    const found = await tab.evaluate(
      (id) => Boolean((globalThis as any).document.getElementById(id)),
      anchor,
    );
    if (!found) problems.push(`${href}: the page has no heading for #${anchor}`);
  }
  const links: string[] = await tab.evaluate(() =>
    [...(globalThis as any).document.querySelectorAll("a[href]")]
      .map((a: any) => a.href as string)
      .filter((u) => /\.md(#|$)/.test(u) && u.startsWith((globalThis as any).location.origin)),
  );
  for (const url of links) {
    if (checkedPageLinks.has(url)) continue;
    checkedPageLinks.add(url);
    // Followed as a click on it does, with the page as Referer (Jupyter refuses a GET of /files/
    // with neither a token nor a same-origin Referer). A link to a heading of the page already
    // shown moves within it: no new response (null).
    const r = await tab.goto(url, { referer: tab.url() });
    const status = r ? r.status() : 200;
    const id = decodeURIComponent(url.split("#")[1] ?? "");
    const seen = await tab.evaluate((anchor) => {
      const doc = (globalThis as any).document;
      return {
        type: doc.contentType,
        h1: Boolean(doc.querySelector("h1")),
        anchor: !anchor || Boolean(doc.getElementById(anchor)),
      };
    }, id);
    if (status !== 200 || seen.type !== "text/html" || !seen.h1)
      problems.push(`${file} links to ${url}: ${status} ${seen.type}, ${seen.h1 ? "a" : "no"} heading`);
    else if (!seen.anchor) problems.push(`${file} links to ${url}: no heading for #${id} there`);
  }
  return problems;
}

/** The warm-up lines the patched kernel printed (through npm start's Jupyter) since `from`. */
function warmUpLines(from: number): string[] {
  return server
    .log()
    .slice(from)
    .split("\n")
    .filter((l) => l.includes("flatfiles-kit kernel warm-up:"));
}

describe("the kernel as a learner meets it, in Notebook 7 in a real browser", () => {
  it("warms up after what the page sends on its own (history, comms) while the learner reads, then runs the first cell", {
    timeout: 400_000,
  }, async (t) => {
    const notebook = courseNotebooks().find((n) => n.startsWith("01-"))!;
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const from = server.log().length;
    try {
      const idle = await openNotebook(page, notebook);
      // The learner reads; the kernel warms up behind the page. Its line names what the page
      // sent first: a warm-up cancelled by the page's own history or comm requests never prints it.
      const deadline = Date.now() + 300_000;
      while (warmUpLines(from).length === 0 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 500));
      const lines = warmUpLines(from);
      assert.equal(lines.length, 1, `the kernel's warm-up lines:\n${lines.join("\n") || "(none)"}`);
      assert.match(lines[0], /warm-up: done in [\d.]+ s/, lines[0]);
      assert.match(
        lines[0],
        /history_request/,
        `the page sent no history_request before the warm-up: ${lines[0]}`,
      );
      const first = await page.evaluate(() => {
        const panel = (globalThis as any).jupyterapp.shell.currentWidget;
        const cells = panel.content.widgets as any[];
        const index = cells.findIndex((c) => c.model.type === "code");
        panel.content.activeCellIndex = index;
        panel.context.model.dirty = false;
        return index;
      });
      const t0 = performance.now();
      await page.evaluate(() => (globalThis as any).jupyterapp.commands.execute("notebook:run-cell"));
      await page.waitForFunction(
        (i) => {
          const cell = (globalThis as any).document.querySelectorAll(".jp-Notebook .jp-Cell")[i];
          return /\[\d+\]/.test(cell?.querySelector(".jp-InputPrompt")?.textContent ?? "");
        },
        first,
        { timeout: 120_000, polling: 50 },
      );
      const cellS = (performance.now() - t0) / 1000;
      const error = await page.evaluate(
        (i) =>
          (globalThis as any).document
            .querySelectorAll(".jp-Notebook .jp-Cell")
            [i].querySelector(
              '[data-mime-type="application/vnd.jupyter.stderr"], [data-mime-type="application/vnd.jupyter.error"]',
            )?.textContent ?? null,
        first,
      );
      assert.equal(error, null, `the first cell failed: ${error}`);
      t.diagnostic(
        `kernel idle ${idle.toFixed(1)} s after opening; ${lines[0].trim()}; first cell ${cellS.toFixed(2)} s`,
      );
    } finally {
      await page.close();
      await closeSessions(notebook);
    }
  });
});

describe("a notebook's docs link in JupyterLab 4 (/lab on the same server)", () => {
  it("opens the page in the Markdown Preview, rendered (its anchor is not kept: Lab's heading ids keep capitals, GitHub's do not)", {
    timeout: 300_000,
  }, async () => {
    const notebook = courseNotebooks().find((n) => n.startsWith("01-"))!;
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    try {
      await page.goto(`${server.base}/lab/tree/${FOLDER}/${notebook}?token=${server.token}`);
      const link = page.locator('.jp-NotebookPanel .jp-RenderedMarkdown a[href*="concepts.md"]').first();
      await link.waitFor({ timeout: 180_000 });
      await link.click();
      const viewer = page.locator(".jp-MarkdownViewer").last();
      await viewer.locator("h1").first().waitFor({ timeout: 60_000 });
      const markdown = fs.readFileSync(path.join(PACKAGE_ROOT, "docs", "concepts.md"), "utf8");
      const title = /^# (.+)$/m.exec(markdown)![1].replace(/[`*]/g, "").trim();
      const h1 = (await viewer.locator("h1").first().textContent())?.replace(/¶$/, "").trim();
      assert.equal(h1, title);
      const text = (await viewer.textContent()) ?? "";
      for (const bad of ["Â", "â€", "<!--"]) assert.ok(!text.includes(bad), `the preview shows ${bad}`);
    } finally {
      await page.close();
      await closeSessions(notebook);
    }
  });
});

for (const notebook of NOTEBOOKS) {
  const nn = notebook.slice(0, 2);
  describe(`notebook ${notebook} in Notebook 7 in a real browser`, () => {
    let wide: WideCell[] | undefined;
    let page: Page | undefined;

    it("runs every cell with no error and shows the results", { timeout: 600_000 }, async (t) => {
      page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const times = await runAll(page, notebook);
      t.diagnostic(
        `kernel idle ${times.kernel.toFixed(1)} s after opening; all cells done ${times.all.toFixed(1)} s after opening`,
      );
      wide = await wideCells(page);
      await page.screenshot({ path: path.join(SHOTS, `notebook-${nn}.png`) });
      const problems = await page.evaluate(() =>
        [...(globalThis as any).document.querySelectorAll(".jp-Notebook .jp-Cell")].flatMap(
          (cell: any, index: number) => {
            if (!cell.classList.contains("jp-CodeCell")) return [];
            const bad = cell.querySelector(
              '[data-mime-type="application/vnd.jupyter.stderr"], .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.error"]',
            ) as any;
            if (bad) return [`cell ${index}: ${bad.innerText.slice(0, 400)}`];
            const prompt = cell.querySelector(".jp-InputPrompt")?.textContent ?? "";
            const code = cell.querySelector(".cm-content")?.textContent?.trim();
            if (code && !/\[\d+\]/.test(prompt)) return [`cell ${index}: did not run (${prompt})`];
            return [];
          },
        ),
      );
      assert.deepEqual(problems, [], `cells with an error or not run:\n${problems.join("\n")}`);
      // textContent, not innerText: Notebook 7 skips rendering cells out of view
      // (content-visibility), and innerText leaves their text out.
      const text = (await page.locator(".jp-Notebook").textContent()) ?? "";
      for (const expected of EXPECTED[nn] ?? [])
        assert.ok(text.includes(expected), `the page does not show "${expected}"`);
      if (nn === "01") {
        await page.screenshot({ path: path.join(SHOTS, "notebook-01-top.png") });
        const trace = page
          .locator(".jp-OutputArea-output")
          .filter({ hasText: "ListObjectsV2 requests for one dataset" });
        await trace.first().scrollIntoViewIfNeeded();
        await page.screenshot({ path: path.join(SHOTS, "notebook-01-requests.png") });
      }
    });

    it("opens every relative link of the notebook from the running Jupyter", {
      timeout: 300_000,
    }, async () => {
      assert.ok(page, "the notebook did not open");
      const links = relativeLinks(notebook);
      const broken: string[] = [];
      for (const href of links) {
        // Where the link leads, from the learner's folder, and whether Jupyter serves it.
        const target = path.posix.normalize(path.posix.join(FOLDER, href.split("#")[0]));
        const served = await api(`/api/contents/${target}?content=0`);
        if (served.status !== 200) broken.push(`${href}: /api/contents/${target} answered ${served.status}`);
        // And a click on it, as a learner does: it must open (a new tab or this one), not 404.
        // JupyterLab rewrites a relative href to the file's URL; match on the path's tail.
        const tail = href.replace(/^(\.\.\/)+/, "").split("#")[0];
        const link = page!.locator(`.jp-RenderedMarkdown a[href*="${tail}"]`);
        if ((await link.count()) === 0) {
          broken.push(`${href}: no link on the page`);
          continue;
        }
        const opened = page!
          .context()
          .waitForEvent("page", { timeout: 30_000 })
          .catch(() => null);
        const responses: number[] = [];
        const onResponse = (r: { status(): number; url(): string }) => {
          if (r.url().startsWith(server.base)) responses.push(r.status());
        };
        page!.context().on("response", onResponse);
        await link.first().click({ modifiers: [] });
        const tab = await opened;
        if (tab) {
          await tab.waitForLoadState("load").catch(() => {});
          if (/\.md(#|$)/.test(href)) broken.push(...(await shownAsPage(tab, target, href)));
          await tab.close();
        } else if (/\.md(#|$)/.test(href)) broken.push(`${href}: the click opened no tab`);
        page!.context().off("response", onResponse);
        if (responses.includes(404)) broken.push(`${href}: a 404 on click`);
      }
      await page!.close();
      await closeSessions(notebook);
      assert.deepEqual(broken, [], `links that do not open in ${notebook}:\n${broken.join("\n")}`);
    });

    it("has no line of code wider than its cell at a 1280-pixel window", () => {
      assert.ok(wide, "the notebook did not open");
      const report = wide.map(
        (c) =>
          `cell ${c.index}: its editor scrolls sideways, ${c.scrollWidth} px of code in ${c.clientWidth} px\n` +
          c.lines
            .map((l) => `  line ${l.line}, ${l.length} chars, ${l.past} px past the edge: ${l.text}`)
            .join("\n"),
      );
      assert.deepEqual(report, [], `code wider than its cell in ${notebook}:\n${report.join("\n")}`);
    });
  });
}
