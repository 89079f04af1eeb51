/**
 * `npm run check`: the fast loop while editing: lint and format check, type-check, build, the
 * tests of test/unit. No Jupyter kernel, Chromium, Python, sandbox or `npm pack`, so it runs
 * anywhere in under 30 s; the tests that start those have folders of their own (test/kernel,
 * test/sandbox, test/package, ...: test/unit/test-tiers.test.ts) and `npm test` runs them all.
 *
 * The steps overlap where nothing waits on them: Biome beside the build, and the type-check of
 * tests, scripts and benches beside the unit tests (which run from src/ through tsx). Every
 * step's failure is reported, not only the first. A unit file slower than SLOW_UNIT_SECONDS is
 * named at the end, so the loop's budget is defended on the day a slow test arrives.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { PACKAGE_ROOT } from "../src/util/paths";
import { biomeInBackground, tscInBackground } from "./lib/build";
import { ensureNativePolars } from "./lib/native";
import { testCache } from "./lib/test-cache";
import { SLOW_UNIT_SECONDS, slowUnitFiles, slowestFirst } from "./lib/test-times";

/**
 * Test files run at once. Two cores: the slow files wait on other processes as much as they
 * compute (tslab kernels, npm pack, child Node processes), so one more than the cores keeps both busy.
 */
export const UNIT_CONCURRENCY = 3;

export function unitTestFiles(): string[] {
  const dir = path.join(PACKAGE_ROOT, "test", "unit");
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".test.ts"))
    .sort()
    .map((f) => path.join(dir, f));
}

function unitTests(files: string[]): Promise<number> {
  const t0 = performance.now();
  const args = [
    "--import",
    "tsx",
    "--test",
    `--test-concurrency=${UNIT_CONCURRENCY}`,
    "--test-reporter=dot",
    "--test-reporter-destination=stdout",
    `--test-reporter=${path.join(__dirname, "lib", "test-times-reporter.mjs")}`,
    "--test-reporter-destination=stdout",
    ...slowestFirst(files),
  ];
  const cache = testCache();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      stdio: "inherit",
      cwd: PACKAGE_ROOT,
      env: { ...process.env, ...cache.env },
    });
    child.on("error", reject);
    child.on("close", (code) => {
      cache.remove();
      if (code === 0) resolve((performance.now() - t0) / 1000);
      else reject(new Error(`Unit tests failed (exit code ${code}).`));
    });
  });
}

/** Waits for every step; throws once, naming each one that failed. */
async function all(steps: Promise<unknown>[]): Promise<void> {
  const failed: string[] = [];
  for (const r of await Promise.allSettled(steps))
    if (r.status === "rejected") failed.push(r.reason instanceof Error ? r.reason.message : String(r.reason));
  if (failed.length) throw new Error(failed.join("\n"));
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const step = (m: string) => console.log(`\n== ${m} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  step("lint and format (Biome), beside the build");
  ensureNativePolars();
  const lint = biomeInBackground();
  lint.catch(() => {}); // awaited below, with the others
  await all([tscInBackground("tsconfig.json", { incremental: true })]);
  const files = unitTestFiles();
  step(`unit tests: ${files.length} files, beside the type-check of tests, scripts and benches`);
  await all([lint, tscInBackground("tsconfig.dev.json", { incremental: true }), unitTests(files)]);
  const slow = slowUnitFiles(files);
  if (slow.length) {
    console.log(
      `\nUnit test files over ${SLOW_UNIT_SECONDS} s (make them faster, or move them to the folder of what they start):`,
    );
    for (const s of slow) console.log(`  ${path.relative(PACKAGE_ROOT, s.file)}: ${s.seconds.toFixed(1)} s`);
  }
  step("done");
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
