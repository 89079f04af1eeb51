/**
 * The kernel's warm-up (patches/tslab+1.0.22.patch, main.js): before it reports ready, tslab
 * type-checks the kernel spec's TSLAB_WARMUP_CODE, so a notebook's first cell that imports the
 * library compiles fast. Checked here with tslab's own converter, from the notebooks' folder as
 * the kernel runs: the warm-up code compiles cleanly and emits nothing (it would be lost), and
 * the first cell of a notebook then compiles without errors. Then the kernel itself, over ZeroMQ,
 * as a browser talks to it: the warm-up runs after the requests a notebook page sends while it
 * opens and while the learner reads (history, comms, completions, inspections), and only a cell
 * run cancels it (that cell does the work itself and never waits behind the warm-up).
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { type Converter, createConverter } from "tslab/dist/converter";
import { kernelSpec, kernelWarmUpCode } from "../../scripts/lib/jupyter";
import { PACKAGE_ROOT } from "../../src/util/paths";
import { cpuSeconds, startTslabKernel } from "../helpers/tslab-kernel";

function converterIn(dir: string): Converter {
  const here = process.cwd();
  process.chdir(dir); // tslab's converter takes its folder from the process, as in the kernel
  try {
    return createConverter({ isJS: false, isBrowser: false });
  } finally {
    process.chdir(here);
  }
}

it("the kernel spec's warm-up code type-checks the library, emits nothing, and speeds up the first cell", (t) => {
  const spec = kernelSpec() as { env?: Record<string, string> };
  assert.equal(spec.env?.TSLAB_WARMUP_CODE, kernelWarmUpCode());
  assert.ok(
    fs.existsSync(path.join(PACKAGE_ROOT, "dist", "index.d.ts")),
    "dist/ is built (npm test builds it)",
  );
  assert.ok(
    fs.readFileSync(require.resolve("tslab/dist/main.js"), "utf8").includes("TSLAB_WARMUP_CODE"),
    "tslab is patched",
  );

  const conv = converterIn(path.join(PACKAGE_ROOT, "notebooks"));
  try {
    let t0 = performance.now();
    const warm = conv.convert("", kernelWarmUpCode());
    const warmMs = performance.now() - t0;
    assert.deepEqual(warm.diagnostics, []);
    assert.equal(warm.sideOutputs, undefined, "the warm-up emits no module a later cell would miss");

    t0 = performance.now();
    const first = conv.convert("", 'import * as kit from "../dist";\nkit.showTable(kit.versions());');
    const firstMs = performance.now() - t0;
    assert.deepEqual(first.diagnostics, []);
    assert.ok(firstMs < warmMs, `the first cell took ${firstMs} ms after a warm-up of ${warmMs} ms`);
    t.diagnostic(`warm-up ${warmMs.toFixed(0)} ms, then the first cell ${firstMs.toFixed(0)} ms`);
  } finally {
    conv.close();
  }
});

const DONE = /flatfiles-kit kernel warm-up: done in [\d.]+ s \(heard before: ([^)]*)\)/;
const NOT_RUN = /flatfiles-kit kernel warm-up: not run, a cell ran first/;
const KIT_CELL = 'import * as kit from "../dist";\nkit.versions().length';

describe("the kernel's warm-up as a browser talks to it", {
  skip: process.platform !== "linux" && "reads /proc",
}, () => {
  it("runs after the requests a notebook page sends (history, comms, completion, inspection), and the first cell then spends less CPU than it", {
    timeout: 400_000,
  }, async (t) => {
    const k = await startTslabKernel();
    try {
      // What Notebook 7 / JupyterLab 4 send while a notebook opens, then while the learner types.
      await k.request("kernel_info_request");
      await k.request("kernel_info_request");
      await k.request("history_request", { output: false, raw: true, hist_access_type: "tail", n: 1 });
      await k.request("comm_info_request", { target_name: "jupyter.widget" });
      await k.send("comm_open", { comm_id: randomUUID(), target_name: "jupyter.widget", data: {} });
      await k.request("is_complete_request", { code: "kit." });
      await k.request("complete_request", { code: "const a = 1;\na", cursor_pos: 14 });
      await k.request("inspect_request", { code: "Math", cursor_pos: 2, detail_level: 0 });
      // The first completion builds tslab's compiler (seconds, synchronous), so the quiet second
      // may run out during it: the inspection after it can come after the warm-up, so it is not
      // required in the list; what is required is that nothing but a cell run cancelled it.
      const [, heard] = await k.waitForStderr(DONE, 300_000);
      for (const type of [
        "history_request",
        "comm_info_request",
        "comm_open",
        "is_complete_request",
        "complete_request",
      ])
        assert.ok(heard.includes(type), `the warm-up line does not list ${type}: ${heard}`);
      assert.doesNotMatch(k.stderr(), NOT_RUN);

      const before = cpuSeconds(k.process.pid!);
      const cell = await k.request("execute_request", { code: KIT_CELL, silent: false, store_history: true });
      const cellCpu = cpuSeconds(k.process.pid!) - before;
      assert.equal(cell.content.status, "ok");
      t.diagnostic(
        `kernel CPU: ${before.toFixed(2)} s up to the end of the warm-up, ${cellCpu.toFixed(2)} s for the first kit cell`,
      );
      // Loading the kit's modules (the AWS SDK, polars' native code) is the cell's own work; the
      // type-check is not: unwarmed, the first kit cell costs about the warm-up and that load.
      assert.ok(
        cellCpu < before * 0.75,
        `the first kit cell took ${cellCpu} s of CPU after a warm-up of ${before} s: it was not warmed`,
      );
    } finally {
      k.stop();
    }
  });

  it("is cancelled by a cell run at once (Run All as the notebook opens): the cell does not wait behind it", {
    timeout: 400_000,
  }, async () => {
    const k = await startTslabKernel();
    try {
      await k.request("kernel_info_request");
      await k.request("history_request", { output: false, raw: true, hist_access_type: "tail", n: 1 });
      const cell = await k.request("execute_request", { code: KIT_CELL, silent: false, store_history: true });
      assert.equal(cell.content.status, "ok");
      const [line] = await k.waitForStderr(NOT_RUN, 10_000);
      assert.ok(line);
      // Nothing runs later behind the learner's back: the kernel stays silent about a warm-up.
      await new Promise((r) => setTimeout(r, 2000));
      assert.doesNotMatch(k.stderr(), DONE);
    } finally {
      k.stop();
    }
  });
});
