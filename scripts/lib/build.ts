/** Compile src/ to dist/, which is what notebooks import (tslab cannot import ../src/*.ts). */
import { spawn, spawnSync } from "node:child_process";
import * as path from "node:path";
import { PACKAGE_ROOT } from "../../src/util/paths";
import { ensureNativePolars } from "./native";

/**
 * tsc's arguments for a project. `incremental` keeps tsc's build info in node_modules/.cache, so
 * the edit loop (`npm run check`) re-checks only what changed; the full suite always starts clean.
 */
function tscArgs(project: string, options: { incremental?: boolean }): string[] {
  const bin = path.join(PACKAGE_ROOT, "node_modules", "typescript", "bin", "tsc");
  const info = path.join(PACKAGE_ROOT, "node_modules", ".cache", "flatfiles-kit", `${project}.tsbuildinfo`);
  const cache = options.incremental ? ["--incremental", "--tsBuildInfoFile", info] : [];
  return [bin, "-p", path.join(PACKAGE_ROOT, project), ...cache];
}

/** Run tsc on a project. */
export function tsc(project: string, options: { incremental?: boolean } = {}): void {
  const r = spawnSync(process.execPath, tscArgs(project, options), { stdio: "inherit" });
  if (r.status !== 0) throw new Error(`TypeScript reported errors in ${project} (see above).`);
}

/** Everything the library needs before a notebook can import it: its native parts and dist/. */
export function buildLibrary(options: { incremental?: boolean } = {}): void {
  ensureNativePolars();
  tsc("tsconfig.json", options);
}

function biomeArgs(): string[] {
  return [
    path.join(PACKAGE_ROOT, "node_modules", "@biomejs", "biome", "bin", "biome"),
    "ci",
    "--error-on-warnings",
  ];
}
const BIOME_FIX = "Biome found problems (see above): `npm run format` fixes formatting.";

/** Biome's lint and format check, warnings included: what `npm run check` runs first too. */
export function biome(): void {
  const r = spawnSync(process.execPath, biomeArgs(), { stdio: "inherit", cwd: PACKAGE_ROOT });
  if (r.status !== 0) throw new Error(BIOME_FIX);
}

/**
 * A step of `npm run check` that runs beside others: its output is held and printed whole when it
 * ends, so two steps' lines never interleave. Resolves with the step's seconds; rejects with what
 * failed, after printing its output.
 */
function background(what: string, args: string[], failure: string): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: PACKAGE_ROOT, stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => out.push(d));
    child.on("error", reject);
    child.on("close", (code) => {
      const seconds = (performance.now() - t0) / 1000;
      const text = Buffer.concat(out).toString().trimEnd();
      if (text) console.log(`-- ${what}:\n${text}`);
      if (code === 0) resolve(seconds);
      else reject(new Error(failure));
    });
  });
}

/** tsc on a project, beside other steps (see background). */
export function tscInBackground(project: string, options: { incremental?: boolean } = {}): Promise<number> {
  return background(
    `tsc -p ${project}`,
    tscArgs(project, options),
    `TypeScript reported errors in ${project} (see above).`,
  );
}

/** Biome's check, beside other steps (see background). */
export function biomeInBackground(): Promise<number> {
  return background("Biome", biomeArgs(), BIOME_FIX);
}
