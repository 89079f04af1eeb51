/**
 * Jupyter for the kit: make sure it is installed, register the project's tslab kernel, start
 * the server, execute notebooks headless.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { PACKAGE_ROOT } from "../../src/util/paths";

/** Jupyter's data folder for this project; JUPYTER_PATH points here so the kernel is found. */
export const PROJECT_JUPYTER_PATH = path.join(PACKAGE_ROOT, ".jupyter", "share", "jupyter");

function has(cmd: string, args: string[]): boolean {
  return spawnSync(cmd, args, { stdio: "ignore" }).status === 0;
}

/** Jupyter's own commands, whichever Python they belong to. */
export function jupyterAvailable(): boolean {
  return has("jupyter-notebook", ["--version"]) && has("jupyter-nbconvert", ["--version"]);
}

/**
 * Install Jupyter Notebook and nbconvert from Debian when we can (root with apt), or stop with
 * the command that works on the user's platform.
 */
export function ensureJupyter(log: (m: string) => void = console.log): void {
  if (jupyterAvailable()) return;
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (isRoot && has("apt-get", ["--version"])) {
    log("Jupyter is missing: installing Debian's jupyter-notebook and jupyter-nbconvert (one-time)...");
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    const update = spawnSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
    const install = spawnSync("apt-get", ["install", "-y", "-qq", "jupyter-notebook", "jupyter-nbconvert"], {
      stdio: "inherit",
      env,
    });
    if (update.status === 0 && install.status === 0 && jupyterAvailable()) return;
  }
  const how =
    process.platform === "darwin" || process.platform === "win32"
      ? "pip install notebook nbconvert"
      : "pip install notebook nbconvert   (or, on Debian/Ubuntu as root: apt-get install jupyter-notebook jupyter-nbconvert)";
  throw new Error(
    `Jupyter Notebook is not installed. Install it with:\n\n    ${how}\n\nthen run this command again.`,
  );
}

/**
 * What the kernel type-checks once it is ready, before the first cell (patches/tslab+1.0.22.patch
 * reads it): the library every notebook imports, so that first cell compiles in about 0.3 s
 * instead of about 2.5 s when the reader takes a few seconds before running it.
 */
export function kernelWarmUpCode(): string {
  return `import * as kit from ${JSON.stringify(path.join(PACKAGE_ROOT, "dist"))};`;
}

/**
 * The tslab kernel spec, pointing at this project's own tslab through this Node: the one npm
 * scripts run (the project's Node 24 from node_modules). It holds absolute paths, so it is
 * generated on each machine and never committed.
 */
export function kernelSpec(): object {
  const tslab = path.join(PACKAGE_ROOT, "node_modules", "tslab", "bin", "tslab");
  if (!fs.existsSync(tslab))
    throw new Error("tslab is not installed: run `npm install` in the project folder first.");
  return {
    argv: [process.execPath, tslab, "kernel", "--config-path", "{connection_file}"],
    display_name: "TypeScript (tslab)",
    language: "typescript",
    env: { TSLAB_WARMUP_CODE: kernelWarmUpCode() },
  };
}

/** Write the kernel spec under `<dataDir>/kernels/<name>/kernel.json`; returns the file. */
export function writeKernelSpec(dataDir: string = PROJECT_JUPYTER_PATH, name = "tslab"): string {
  const dir = path.join(dataDir, "kernels", name);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "kernel.json");
  fs.writeFileSync(file, JSON.stringify(kernelSpec(), null, 2) + "\n");
  return file;
}

/**
 * Options for a Jupyter server of the project: the notebooks are TypeScript, so the tslab kernel
 * is the only one offered (File → New and Kernel → Change kernel list no "Python 3") and the
 * default one. `allowed_kernelspecs` needs jupyter_client 6.1+; `ensure_native_kernel=False`
 * keeps the server from adding the Python kernel it runs on.
 */
export function serverKernelArgs(name = "tslab"): string[] {
  return [
    `--KernelSpecManager.allowed_kernelspecs=${name}`,
    "--KernelSpecManager.ensure_native_kernel=False",
    `--MappingKernelManager.default_kernel_name=${name}`,
  ];
}

/** Environment for any Jupyter process of the project: our kernel first on its path. */
export function jupyterEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const paths = [PROJECT_JUPYTER_PATH, process.env.JUPYTER_PATH].filter(Boolean).join(path.delimiter);
  return { ...process.env, JUPYTER_PATH: paths, ...extra };
}
