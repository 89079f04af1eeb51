/**
 * `npm run check`: the fast loop while editing: lint and format check, type-check, build, unit
 * tests. No Jupyter, Chromium, Python or sandbox, so it runs anywhere in well under a minute;
 * `npm test` stays the full suite.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { PACKAGE_ROOT } from "../src/util/paths";
import { biome, buildLibrary, tsc } from "./lib/build";

function run(what: string, command: string, args: string[]): void {
  const r = spawnSync(command, args, { stdio: "inherit", cwd: PACKAGE_ROOT });
  if (r.status !== 0) throw new Error(`${what} failed (exit code ${r.status}).`);
}

function main(): void {
  const t0 = performance.now();
  const step = (m: string) => console.log(`\n== ${m} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  step("lint and format (Biome)");
  biome();
  step("type-check and build");
  tsc("tsconfig.dev.json", { incremental: true });
  buildLibrary({ incremental: true });
  const dir = path.join(PACKAGE_ROOT, "test", "unit");
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".test.ts"))
    .sort()
    .map((f) => path.join(dir, f));
  step(`unit tests: ${files.length} files`);
  // Two at a time: the slow files (the sandbox generator, polars, tslab) wait on different things.
  run("Unit tests", process.execPath, [
    "--import",
    "tsx",
    "--test",
    "--test-concurrency=2",
    "--test-reporter=dot",
    ...files,
  ]);
  step("done");
}

try {
  main();
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
}
