/**
 * `npm run bench -- kernel-browser`: the kernel as a learner meets it, in Chromium, in the
 * Jupyter (Notebook 7) that `npm start` runs, beside baselines in the same run:
 *
 * - read, then first cell: open the notebook, wait until its kernel is idle, read for 10 s, run
 *   the first code cell; seconds from the run to its output (the prompt's number);
 * - Run All at once: open, and Run All the moment the kernel is idle; seconds until the first code
 *   cell is done.
 *
 * Cases: notebook 01 on the kit's kernel (with its warm-up); the same notebook on the same tslab
 * with no warm-up (what the warm-up must never make slower); a one-cell TypeScript notebook on
 * that bare tslab (a tslab kernel without the kit). The machine's load is recorded beside them.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { chromium, type Page } from "playwright-core";
import { CHROMIUM, CHROMIUM_ARGS } from "../scripts/lib/browser";
import { kernelSpec, PROJECT_JUPYTER_PATH, writeKernelSpec } from "../scripts/lib/jupyter";
import { type JupyterServer, startJupyterServer } from "../scripts/lib/jupyter-server";
import { PACKAGE_ROOT } from "../src/util/paths";
import type { BenchResult } from "./lib";

const READ_S = 10;
// Beside notebooks/, so the notebooks' `../dist` imports resolve; removed afterwards.
const DIR = path.join(PACKAGE_ROOT, "bench-notebooks-tmp");

function notebookFor(kernel: string, from: string | null, name: string): string {
  const nb = from
    ? JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, "notebooks", from), "utf8"))
    : {
        cells: [
          {
            cell_type: "code",
            metadata: {},
            source: "const x: number = 1;\nx + 1",
            outputs: [],
            execution_count: null,
          },
        ],
        metadata: {},
        nbformat: 4,
        nbformat_minor: 5,
      };
  nb.metadata.kernelspec = { name: kernel, display_name: kernel, language: "typescript" };
  fs.writeFileSync(path.join(DIR, name), JSON.stringify(nb));
  return `${path.basename(DIR)}/${name}`;
}

async function open(page: Page, server: JupyterServer, nbPath: string): Promise<number> {
  const t0 = performance.now();
  await page.goto(`${server.base}/notebooks/${nbPath}?token=${server.token}`);
  await page.waitForFunction(
    () => {
      const k = (globalThis as any).jupyterapp?.shell?.currentWidget?.sessionContext?.session?.kernel;
      return k?.status === "idle" && String(k?.name).startsWith("tslab");
    },
    null,
    { timeout: 180_000, polling: 50 },
  );
  return (performance.now() - t0) / 1000;
}

/** Run the first code cell (or all), and wait until that first code cell shows its number. */
async function firstCell(page: Page, all: boolean): Promise<number> {
  const index = await page.evaluate(() => {
    const panel = (globalThis as any).jupyterapp.shell.currentWidget;
    panel.context.model.dirty = false;
    const i = (panel.content.widgets as any[]).findIndex((c) => c.model.type === "code");
    panel.content.activeCellIndex = i;
    return i;
  });
  const t0 = performance.now();
  await page.evaluate(
    (cmd) => (globalThis as any).jupyterapp.commands.execute(cmd),
    all ? "notebook:run-all-cells" : "notebook:run-cell",
  );
  await page.waitForFunction(
    (i) => {
      const cell = (globalThis as any).document.querySelectorAll(".jp-Notebook .jp-Cell")[i];
      return /\[\d+\]/.test(cell?.querySelector(".jp-InputPrompt")?.textContent ?? "");
    },
    index,
    { timeout: 300_000, polling: 20 },
  );
  return (performance.now() - t0) / 1000;
}

async function closeAll(server: JupyterServer): Promise<void> {
  const auth = { Authorization: `token ${server.token}` };
  const sessions = (await (await fetch(`${server.base}/api/sessions`, { headers: auth })).json()) as {
    id: string;
  }[];
  for (const s of sessions)
    await fetch(`${server.base}/api/sessions/${s.id}`, { method: "DELETE", headers: auth });
}

export async function benchKernelBrowser(): Promise<BenchResult> {
  writeKernelSpec();
  const bare = { ...(kernelSpec() as object), env: {}, display_name: "TypeScript (tslab, no warm-up)" };
  const dir = path.join(PROJECT_JUPYTER_PATH, "kernels", "tslab-bare");
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "kernel.json"), JSON.stringify(bare, null, 2));
  fs.mkdirSync(DIR, { recursive: true });
  const nb01 = fs.readdirSync(path.join(PACKAGE_ROOT, "notebooks")).find((f) => f.startsWith("01-"))!;
  const cases = [
    { case: "notebook 01, the kit's kernel (warm-up)", nb: notebookFor("tslab", nb01, "kit.ipynb") },
    { case: "notebook 01, same tslab without warm-up", nb: notebookFor("tslab-bare", nb01, "nowarm.ipynb") },
    {
      case: "baseline: one-cell notebook, tslab without the kit",
      nb: notebookFor("tslab-bare", null, "bare.ipynb"),
    },
  ];
  const load = () => os.loadavg()[0].toFixed(1);
  const loadBefore = load();
  const server = await startJupyterServer({
    stdio: "ignore",
    settings: { KernelSpecManager: { allowed_kernelspecs: ["tslab", "tslab-bare"] } },
  });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const rows: BenchResult["rows"] = [];
  try {
    for (const c of cases) {
      const row: Record<string, string | number> = { case: c.case };
      for (const all of [false, true]) {
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
        const idle = await open(page, server, c.nb);
        if (!all) await new Promise((r) => setTimeout(r, READ_S * 1000));
        const s = await firstCell(page, all);
        await page.close();
        await closeAll(server);
        if (!all) row["open → idle s"] = idle;
        row[all ? "Run All at once: first cell s" : `read ${READ_S} s, then first cell s`] = s;
      }
      row["load (1 min)"] = load();
      rows.push(row);
    }
  } finally {
    await browser.close();
    await server.stop();
    fs.rmSync(DIR, { recursive: true, force: true });
  }
  return {
    name: "kernel in the browser: Notebook 7 in Chromium, in npm start's Jupyter",
    rows,
    notes:
      `Load average before: ${loadBefore} on ${os.cpus().length} cores. Goal on a quiet machine: first cell ≤ 1 s after ${READ_S} s of reading; ` +
      "Run All's first cell no slower than the same notebook without the warm-up.",
  };
}
