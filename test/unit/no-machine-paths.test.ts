/** Committed files must read the same on every machine: no path of this checkout or home folder. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { it } from "node:test";
import { PACKAGE_ROOT } from "../../src/util/paths";

it("no tracked notebook, doc or source holds this machine's project or home path", () => {
  const files = spawnSync("git", ["ls-files"], { cwd: PACKAGE_ROOT, encoding: "utf8" })
    .stdout.split("\n")
    .filter(Boolean);
  const needles = [PACKAGE_ROOT, os.homedir()].filter((p) => p.length > 1);
  const offenders = files.filter((f) => {
    if (!/\.(ipynb|md|ts|json|py)$/.test(f) || f === "package-lock.json") return false;
    const text = fs.readFileSync(path.join(PACKAGE_ROOT, f), "utf8");
    return needles.some((n) => text.includes(`${n}/`));
  });
  assert.deepEqual(offenders, []);
});
