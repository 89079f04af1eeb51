/**
 * `npm run kernel:install`: register this project's tslab kernel with your own Jupyter
 * (JupyterLab, Notebook, or VS Code's Jupyter extension, which reads the same kernel folders),
 * and make your copy of the notebooks (`my-notebooks/`) if it is missing: your Jupyter saves
 * whatever it opens, so it is pointed at your copy, never at the course in `notebooks/`.
 */
import { spawnSync } from "node:child_process";
import * as os from "node:os";
import * as path from "node:path";
import { PACKAGE_ROOT } from "../src/util/paths";
import { buildLibrary } from "./lib/build";
import { writeKernelSpec } from "./lib/jupyter";
import { ensureLearnerCopies, learnerDir } from "./lib/learner-notebooks";

function userDataDir(): string {
  const r = spawnSync("jupyter", ["--data-dir"], { encoding: "utf8" });
  if (r.status === 0 && r.stdout.trim()) return r.stdout.trim();
  if (process.env.JUPYTER_DATA_DIR) return process.env.JUPYTER_DATA_DIR;
  if (process.platform === "darwin") return path.join(os.homedir(), "Library", "Jupyter");
  if (process.platform === "win32") return path.join(process.env.APPDATA ?? os.homedir(), "jupyter");
  return path.join(process.env.XDG_DATA_HOME ?? path.join(os.homedir(), ".local", "share"), "jupyter");
}

buildLibrary(); // the notebooks import ../dist
const file = writeKernelSpec(userDataDir(), "tslab");
const copied = ensureLearnerCopies();
const folder = path.relative(PACKAGE_ROOT, learnerDir());
console.log(`Registered the "TypeScript (tslab)" kernel (${process.version}): ${file}
Your notebooks: ${folder}/ (${copied.length ? `${copied.length} copied from the course just now` : "already there"}; yours to edit and save).
Open them there, not in notebooks/ (the course as committed; \`npm run notebooks:restore [name]\` gets one back):
- JupyterLab or Notebook 7: run \`jupyter lab\` in this folder, open ${folder}/00-check-your-setup.ipynb, then Kernel > Change Kernel > "TypeScript (tslab)".
- VS Code (Jupyter extension): open a notebook of ${folder}/, "Select Kernel" > "Jupyter Kernel..." > "TypeScript (tslab)".
For the local data, keep \`npm run sandbox\` running in a terminal (or put your keys in .env).`);
