/**
 * The kernel's warm-up (patches/tslab+1.0.22.patch, main.js): before it reports ready, tslab
 * type-checks the kernel spec's TSLAB_WARMUP_CODE, so a notebook's first cell that imports the
 * library compiles fast. Checked here with tslab's own converter, from the notebooks' folder as
 * the kernel runs: the warm-up code compiles cleanly and emits nothing (it would be lost), and
 * the first cell of a notebook then compiles without errors.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { it } from "node:test";
import { type Converter, createConverter } from "tslab/dist/converter";
import { kernelSpec, kernelWarmUpCode } from "../../scripts/lib/jupyter";
import { PACKAGE_ROOT } from "../../src/util/paths";

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
