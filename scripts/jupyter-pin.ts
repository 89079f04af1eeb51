/**
 * `npm run jupyter:pin`: write scripts/lib/jupyter-constraints.txt from the kit's Jupyter
 * environment as it is (`pip freeze`), after a change of JUPYTER_REQUIREMENTS was installed and
 * tested; commit the result, so every machine installs those versions.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { ensureJupyter, JUPYTER_CONSTRAINTS } from "./lib/jupyter";

const python = ensureJupyter();
const r = spawnSync(python, ["-m", "pip", "freeze", "--disable-pip-version-check"], { encoding: "utf8" });
if (r.status !== 0) {
  console.error(`pip freeze failed: ${r.stderr.trim().split("\n").slice(-3).join("\n")}`);
  process.exit(1);
}
const header = [
  "# Every package of the kit's Jupyter environment, pinned (pip install -c this file), so two machines",
  "# get the same Jupyter. Generated from a working environment by: npm run jupyter:pin",
];
fs.writeFileSync(JUPYTER_CONSTRAINTS, `${[...header, ...r.stdout.trim().split("\n")].join("\n")}\n`);
console.log(`wrote ${JUPYTER_CONSTRAINTS} (${r.stdout.trim().split("\n").length} packages)`);
