/** Compile src/ to dist/, which is what notebooks import (tslab cannot import ../src/*.ts). */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { PACKAGE_ROOT } from "../../src/util/paths";
import { ensureNativePolars } from "./native";

export function tsc(project: string): void {
  const bin = path.join(PACKAGE_ROOT, "node_modules", "typescript", "bin", "tsc");
  const r = spawnSync(process.execPath, [bin, "-p", path.join(PACKAGE_ROOT, project)], { stdio: "inherit" });
  if (r.status !== 0) throw new Error(`TypeScript reported errors in ${project} (see above).`);
}

/** Everything the library needs before a notebook can import it: its native parts and dist/. */
export function buildLibrary(): void {
  ensureNativePolars();
  tsc("tsconfig.json");
}
