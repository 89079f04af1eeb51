/**
 * Errors as a learner sees them in the kit's kernel (patches/tslab+1.0.22.patch, executor.js),
 * through tslab's own converter and executor from the notebooks' folder, as the kernel runs: a
 * KitError thrown synchronously by the kit prints its one line, with no line of the kit's compiled
 * source (`dist/…/catalog.js:131 throw …  ^`); a name from a cell that has not run gets a hint.
 */
import assert from "node:assert/strict";
import * as path from "node:path";
import { inspect } from "node:util";
import { after, before, describe, it } from "node:test";
import { type Converter, createConverter } from "tslab/dist/converter";
import { createExecutor, type Executor } from "tslab/dist/executor";
import { PACKAGE_ROOT } from "../../src/util/paths";

describe("learner-facing errors in the tslab kernel (patched)", () => {
  let conv: Converter;
  let exec: Executor;
  const printed: string[] = [];

  before(() => {
    const here = process.cwd();
    process.chdir(path.join(PACKAGE_ROOT, "notebooks"));
    try {
      conv = createConverter({ isJS: false, isBrowser: false });
    } finally {
      process.chdir(here);
    }
    const convs = { node: conv, browser: conv, close: () => conv.close() };
    // As the kernel's console.error does: format its arguments (an error through its inspect).
    const format = (a: unknown[]) => a.map((x) => (typeof x === "string" ? x : inspect(x))).join(" ");
    exec = createExecutor(path.join(PACKAGE_ROOT, "notebooks"), convs, {
      log: () => {},
      error: (...a: unknown[]) => printed.push(format(a)),
    });
  });
  after(() => exec?.close());

  it("a KitError thrown synchronously by the kit shows its one line and no kit source", {
    timeout: 300_000,
  }, async () => {
    printed.length = 0;
    const dist = JSON.stringify(path.join(PACKAGE_ROOT, "dist"));
    // 2026-11-26 is Thanksgiving: dayKey throws a KitError synchronously, from dist/flatfiles/catalog.js.
    const ok = await exec.execute(
      `import { dayKey } from ${dist};\ndayKey("us_stocks_sip/day_aggs_v1", "2026-11-26", "2026-12-01");`,
    );
    assert.equal(ok, false);
    const text = printed.join("\n");
    assert.match(text, /^KitError \[/, text);
    assert.doesNotMatch(text, /catalog\.js|dist\/|\^/, `kit source shown:\n${text}`);
    assert.equal(text.trim().split("\n").length, 1, `more than one line:\n${text}`);
  });

  it("'Cannot find name' gets a hint to run the cells above", { timeout: 120_000 }, async () => {
    printed.length = 0;
    const ok = await exec.execute("paginator.resumeToken");
    assert.equal(ok, false);
    const text = printed.join("\n");
    assert.match(text, /Cannot find name 'paginator'/);
    assert.match(text, /Hint: if 'paginator' is defined in a cell above, run the cells above first/);
  });
});
