/**
 * `npm run kernel:install`: register this project's tslab kernel with your own Jupyter
 * (JupyterLab, Notebook, or VS Code's Jupyter extension, which reads the same kernel folders).
 */
import { spawnSync } from "node:child_process";
import * as os from "node:os";
import * as path from "node:path";
import { writeKernelSpec } from "./lib/jupyter";

function userDataDir(): string {
  const r = spawnSync("jupyter", ["--data-dir"], { encoding: "utf8" });
  if (r.status === 0 && r.stdout.trim()) return r.stdout.trim();
  if (process.platform === "darwin") return path.join(os.homedir(), "Library", "Jupyter");
  if (process.platform === "win32") return path.join(process.env.APPDATA ?? os.homedir(), "jupyter");
  return path.join(process.env.XDG_DATA_HOME ?? path.join(os.homedir(), ".local", "share"), "jupyter");
}

const file = writeKernelSpec(userDataDir(), "tslab");
console.log(`Registered the "TypeScript (tslab)" kernel: ${file}
Pick it in Jupyter or in VS Code ("Select Kernel" > "Jupyter Kernel..."), then run \`npm run sandbox\` for the local data.`);
