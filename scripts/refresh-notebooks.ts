/**
 * `npm run notebooks:refresh`: re-run every notebook against a sandbox and save the outputs in
 * place, so the committed notebooks show what their code produces (the tests check that).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { startSandbox } from "../src/testing";
import { PACKAGE_ROOT } from "../src/util/paths";
import { buildLibrary } from "./lib/build";
import { ensureJupyter, jupyterEnv, NBCONVERT_EXECUTE_CONFIG, writeKernelSpec } from "./lib/jupyter";

const SAVED_PORT = 45_123;

async function main() {
  ensureJupyter();
  buildLibrary();
  writeKernelSpec();
  const stateFile = path.join(PACKAGE_ROOT, ".sandbox", "refresh-state.json");
  // A fixed port when it is free, so the saved outputs do not change with every refresh.
  const sb = await startSandbox({ stateFile, port: SAVED_PORT }).catch(() => startSandbox({ stateFile }));
  try {
    const dir = path.join(PACKAGE_ROOT, "notebooks");
    const only = process.argv.slice(2);
    for (const name of fs
      .readdirSync(dir)
      .filter((f) => /^\d\d-.*\.ipynb$/.test(f))
      .sort()) {
      if (only.length && !only.some((o) => name.startsWith(o))) continue;
      console.log(`running ${name}...`);
      const r = spawnSync(
        "jupyter-nbconvert",
        [
          NBCONVERT_EXECUTE_CONFIG,
          "--to",
          "notebook",
          "--execute",
          "--inplace",
          "--ExecutePreprocessor.timeout=600",
          "--ExecutePreprocessor.record_timing=False",
          path.join(dir, name),
        ],
        {
          stdio: "inherit",
          env: jupyterEnv({ FLATFILES_SANDBOX_STATE: stateFile, FLATFILES_TARGET: "sandbox" }),
          cwd: dir,
        },
      );
      if (r.status !== 0) throw new Error(`${name} failed`);
    }
  } finally {
    await sb.stop();
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
