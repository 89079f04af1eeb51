/**
 * `npm test`: everything, from a fresh clone. Installs Jupyter if needed, builds, type-checks,
 * starts a sandbox of its own, then runs unit, integration and notebook tests with node:test.
 *
 * `npm test -- test/unit` runs a subset (any files or folders under test/).
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { startSandbox } from "../src/testing";
import { PACKAGE_ROOT } from "../src/util/paths";
import { biome, buildLibrary, tsc } from "./lib/build";
import { ensureChromium } from "./lib/browser";
import { ensureJupyter, jupyterEnv, writeKernelSpec } from "./lib/jupyter";
import { testCache } from "./lib/test-cache";

function testFiles(roots: string[]): string[] {
  const out: string[] = [];
  const walk = (p: string) => {
    const st = fs.statSync(p);
    if (st.isDirectory()) for (const e of fs.readdirSync(p).sort()) walk(path.join(p, e));
    else if (p.endsWith(".test.ts")) out.push(p);
  };
  for (const r of roots) walk(path.resolve(PACKAGE_ROOT, r));
  return out;
}

async function main(): Promise<number> {
  const t0 = performance.now();
  const step = (m: string) => console.log(`\n== ${m} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  step("jupyter and chromium");
  ensureJupyter();
  ensureChromium();
  step("lint and format (Biome)");
  biome();
  step("build and type-check");
  buildLibrary();
  tsc("tsconfig.dev.json");
  writeKernelSpec();

  step("sandbox");
  const stateFile = path.join(PACKAGE_ROOT, ".sandbox", "test-state.json");
  const sb = await startSandbox({ stateFile, log: (m) => console.log(`  ${m}`) });
  console.log(`  ready at ${sb.endpoint}: ${sb.objects} objects in ${sb.seconds} s`);
  const cache = testCache();
  try {
    const args = process.argv.slice(2);
    const files = testFiles(args.length ? args : ["test"]);
    step(`node --test: ${files.length} files`);
    const env = jupyterEnv({ FLATFILES_SANDBOX_STATE: stateFile, FLATFILES_TARGET: "sandbox", ...cache.env });
    const code = await new Promise<number>((resolve) => {
      const child = spawn(process.execPath, ["--import", "tsx", "--test", "--test-reporter=spec", ...files], {
        stdio: "inherit",
        env,
        cwd: PACKAGE_ROOT,
      });
      child.on("exit", (c) => resolve(c ?? 1));
    });
    step(`done, exit code ${code}`);
    return code;
  } finally {
    cache.remove();
    await sb.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  },
);
