/**
 * `npm run kernel:install`: register this project's tslab kernel with your own Jupyter
 * (JupyterLab, Notebook, or VS Code's Jupyter extension, which reads the same kernel folders).
 */
import { spawnSync } from "node:child_process";
import * as os from "node:os";
import * as path from "node:path";
import { buildLibrary } from "./lib/build";
import { writeKernelSpec } from "./lib/jupyter";

function userDataDir(): string {
  const r = spawnSync("jupyter", ["--data-dir"], { encoding: "utf8" });
  if (r.status === 0 && r.stdout.trim()) return r.stdout.trim();
  if (process.platform === "darwin") return path.join(os.homedir(), "Library", "Jupyter");
  if (process.platform === "win32") return path.join(process.env.APPDATA ?? os.homedir(), "jupyter");
  return path.join(process.env.XDG_DATA_HOME ?? path.join(os.homedir(), ".local", "share"), "jupyter");
}

buildLibrary(); // the notebooks import ../dist
const file = writeKernelSpec(userDataDir(), "tslab");
console.log(`Registered the "TypeScript (tslab)" kernel (${process.version}): ${file}
- JupyterLab or Notebook 7: open a notebook of notebooks/, then Kernel > Change Kernel > "TypeScript (tslab)".
- VS Code (Jupyter extension): open a notebook, "Select Kernel" > "Jupyter Kernel..." > "TypeScript (tslab)".
For the local data, keep \`npm run sandbox\` running in a terminal (or put your keys in .env).`);
