/** Compile src/ to dist/, which is what notebooks import (tslab cannot import ../src/*.ts). */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { PACKAGE_ROOT } from "../../src/util/paths";
import { ensureNativePolars } from "./native";

/**
 * Run tsc on a project. `incremental` keeps tsc's build info in node_modules/.cache, so the edit
 * loop (`npm run check`) re-checks only what changed; the full suite always starts clean.
 */
export function tsc(project: string, options: { incremental?: boolean } = {}): void {
  const bin = path.join(PACKAGE_ROOT, "node_modules", "typescript", "bin", "tsc");
  const info = path.join(PACKAGE_ROOT, "node_modules", ".cache", "flatfiles-kit", `${project}.tsbuildinfo`);
  const cache = options.incremental ? ["--incremental", "--tsBuildInfoFile", info] : [];
  const r = spawnSync(process.execPath, [bin, "-p", path.join(PACKAGE_ROOT, project), ...cache], {
    stdio: "inherit",
  });
  if (r.status !== 0) throw new Error(`TypeScript reported errors in ${project} (see above).`);
}

/** Everything the library needs before a notebook can import it: its native parts and dist/. */
export function buildLibrary(options: { incremental?: boolean } = {}): void {
  ensureNativePolars();
  tsc("tsconfig.json", options);
}

/** Biome's lint and format check, warnings included: what `npm run check` runs first too. */
export function biome(): void {
  const bin = path.join(PACKAGE_ROOT, "node_modules", "@biomejs", "biome", "bin", "biome");
  const r = spawnSync(process.execPath, [bin, "ci", "--error-on-warnings"], {
    stdio: "inherit",
    cwd: PACKAGE_ROOT,
  });
  if (r.status !== 0) throw new Error("Biome found problems (see above): `npm run format` fixes formatting.");
}
