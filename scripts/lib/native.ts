/**
 * nodejs-polars ships its native code as one optional package per platform
 * (nodejs-polars-linux-x64-gnu, -darwin-arm64, ...). Those packages declare `engines: node >= 22`,
 * so an `npm install` run by an older Node (the system's, before the project's own Node 24 is
 * there) silently skips the one this machine needs, and `require("nodejs-polars")` then fails.
 * This finds which one polars asks for and installs exactly that, at polars' own version, without
 * touching package.json or the lockfile (other platforms are unaffected).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { PACKAGE_ROOT } from "../../src/util/paths";

function tryLoad(): { ok: true } | { ok: false; missing?: string; message: string } {
  const r = spawnSync(process.execPath, ["-e", 'require("nodejs-polars")'], {
    cwd: PACKAGE_ROOT,
    encoding: "utf8",
  });
  if (r.status === 0) return { ok: true };
  const missing = /Cannot find module '(nodejs-polars-[a-z0-9-]+)'/.exec(r.stderr)?.[1];
  return {
    ok: false,
    missing,
    message: r.stderr.split("\n").find((l) => l.includes("Error")) ?? r.stderr.slice(0, 300),
  };
}

export function ensureNativePolars(log: (m: string) => void = console.log): void {
  const first = tryLoad();
  if (first.ok) return;
  if (!first.missing) throw new Error(`nodejs-polars does not load: ${first.message}`);
  const version = JSON.parse(
    fs.readFileSync(path.join(PACKAGE_ROOT, "node_modules", "nodejs-polars", "package.json"), "utf8"),
  ).version;
  const spec = `${first.missing}@${version}`;
  log(`  installing ${spec} (npm skipped polars' native package for this platform)`);
  // Under `npm run`, npm_execpath is npm's own script: run it with this Node, whatever is on PATH.
  const npm = process.env.npm_execpath;
  const args = ["install", "--no-save", "--no-audit", "--no-fund", spec];
  const r = npm?.endsWith(".js")
    ? spawnSync(process.execPath, [npm, ...args], { cwd: PACKAGE_ROOT, stdio: "inherit" })
    : spawnSync("npm", args, { cwd: PACKAGE_ROOT, stdio: "inherit", shell: process.platform === "win32" });
  const after = tryLoad();
  if (r.status !== 0 || !after.ok) {
    throw new Error(
      `nodejs-polars needs its native package ${spec}, and installing it failed. ` +
        `Run \`npm install --no-save ${spec}\` in ${PACKAGE_ROOT} and try again.`,
    );
  }
}

// This checkout's `npm install` runs this (`prepare`: npm runs it for a project's own install, never when
// the kit is installed as a dependency), so even a plain `npx flatfiles` here finds polars whole.
if (require.main === module) {
  try {
    ensureNativePolars();
  } catch (e) {
    // Never fail the install over it: npm start and npm test try again, and say why.
    console.warn(`flatfiles-kit: ${(e as Error).message}`);
  }
}
