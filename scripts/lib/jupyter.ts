/**
 * Jupyter for the kit: today's Jupyter (Notebook 7 on JupyterLab 4, pinned) in a virtual
 * environment of the kit's own in the user's cache, beside the emulator's; the project's tslab
 * kernel spec; the environment every Jupyter process of the project runs with.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { ensureOwnVenv, venvPython } from "../../src/sandbox/python";
import { PACKAGE_ROOT, userCacheDir } from "../../src/util/paths";

/** Jupyter's data folder for this project; JUPYTER_PATH points here so the kernel is found. */
export const PROJECT_JUPYTER_PATH = path.join(PACKAGE_ROOT, ".jupyter", "share", "jupyter");
/**
 * The project's Jupyter configuration folder (JUPYTER_CONFIG_DIR): the server's settings with
 * its token (a 0600 file, never the command line), and JupyterLab's user settings, so a
 * learner's own Jupyter configuration neither changes nor is changed by the project's.
 */
export const PROJECT_JUPYTER_CONFIG = path.join(PACKAGE_ROOT, ".jupyter", "config");
const PROJECT_JUPYTER_RUNTIME = path.join(PACKAGE_ROOT, ".jupyter", "runtime");

/**
 * Pinned: the browser test drives this Notebook's page, and the kernel is checked against this
 * Jupyter's protocol. Notebook 7 brings JupyterLab 4 (`/lab` works on the same server); nbconvert
 * and nbclient run notebooks headless (tests, `npm run notebooks:refresh`).
 */
export const JUPYTER_REQUIREMENTS = [
  "notebook==7.6.3",
  "jupyterlab==4.6.4",
  "jupyter_server==2.21.1",
  "nbconvert==7.17.1",
  "nbclient==0.11.0",
];

/**
 * Every package of that environment at the version it was tested with (a pip constraints file,
 * made from a working environment by `npm run jupyter:pin`), so two machines get the same Jupyter.
 */
export const JUPYTER_CONSTRAINTS = path.join(PACKAGE_ROOT, "scripts", "lib", "jupyter-constraints.txt");

const PROBE =
  "import sys, notebook, nbconvert, nbclient; sys.exit(0 if int(notebook.__version__.split('.')[0]) >= 7 else 1)";

/** Where the kit's Jupyter lives: `<user cache>/jupyter-venv`. */
export function jupyterVenvDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(userCacheDir(env), "jupyter-venv");
}

/** The folder of the environment's commands (`jupyter-notebook`, `jupyter-nbconvert`, ...). */
export function jupyterBinDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.dirname(venvPython(jupyterVenvDir(env)));
}

/** A command of the kit's Jupyter, by its full path. */
export function jupyterCommand(name: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.join(jupyterBinDir(env), process.platform === "win32" ? `${name}.exe` : name);
}

/**
 * A folder holding links to the environment's `jupyter*` commands only, to put first on PATH:
 * the whole environment's folder would also put its `python3` first, which has no moto.
 */
function jupyterCommandsDir(): string {
  const dir = path.join(PACKAGE_ROOT, ".jupyter", "bin");
  const from = jupyterBinDir();
  if (!fs.existsSync(from)) return dir;
  fs.mkdirSync(dir, { recursive: true });
  for (const name of fs.readdirSync(from).filter((n) => n.startsWith("jupyter"))) {
    const link = path.join(dir, name);
    if (linkTarget(link) === path.join(from, name)) continue;
    fs.rmSync(link, { force: true });
    fs.symlinkSync(path.join(from, name), link);
  }
  return dir;
}

function linkTarget(link: string): string | null {
  try {
    return fs.readlinkSync(link);
  } catch {
    return null;
  }
}

/** What to do when the kit cannot install Jupyter itself. */
export function jupyterAdvice(platform: NodeJS.Platform = process.platform): string {
  const python =
    platform === "darwin"
      ? "Install Python 3 (`brew install python`, or the installer from python.org)"
      : platform === "win32"
        ? "Install Python 3 (`winget install Python.Python.3.12`, or the installer from python.org)"
        : "Install Python 3 with its venv module (Debian/Ubuntu: `sudo apt-get install python3 python3-venv`)";
  return (
    `${python}, then run the command again: the kit installs Jupyter into its own environment. ` +
    "pip uses your own configuration (PIP_INDEX_URL, pip.conf), so a company mirror works."
  );
}

/**
 * The kit's Jupyter, installed on first use into its own environment with the Python that
 * exists (no root, no apt, any OS); later calls return at once. Returns the environment's Python.
 */
export function ensureJupyter(log: (m: string) => void = console.log, env = process.env): string {
  return ensureOwnVenv({
    what: "Jupyter",
    dir: jupyterVenvDir(env),
    requirements: JUPYTER_REQUIREMENTS,
    constraints: JUPYTER_CONSTRAINTS,
    expect: "about 90 packages; 20 s to 3 min from a reachable index, longer on a slow link",
    ready: (py) => spawnSync(py, ["-c", PROBE], { stdio: "ignore" }).status === 0,
    candidates: env.FLATFILES_SANDBOX_PYTHON
      ? [env.FLATFILES_SANDBOX_PYTHON, "python3", "/usr/bin/python3", "python"]
      : ["python3", "/usr/bin/python3", "python"],
    env,
    log,
    advice: jupyterAdvice(),
  });
}

/**
 * What the kernel type-checks once it is ready, before the first cell (patches/tslab+1.0.22.patch
 * reads it): the library every notebook imports, so that first cell compiles in a fraction of a
 * second. The patched kernel answers Jupyter first and does this behind it.
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
 * Environment for any Jupyter process of the project: the kit's Jupyter commands first on PATH (so
 * `jupyter-nbconvert` is today's, whatever else is installed), our kernel first on its path, and
 * the project's own configuration and runtime folders.
 */
export function jupyterEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const paths = [PROJECT_JUPYTER_PATH, process.env.JUPYTER_PATH].filter(Boolean).join(path.delimiter);
  const bin = [jupyterCommandsDir(), process.env.PATH].filter(Boolean).join(path.delimiter);
  fs.mkdirSync(PROJECT_JUPYTER_CONFIG, { recursive: true, mode: 0o700 });
  return {
    ...process.env,
    PATH: bin,
    JUPYTER_PATH: paths,
    JUPYTER_CONFIG_DIR: PROJECT_JUPYTER_CONFIG,
    JUPYTER_RUNTIME_DIR: PROJECT_JUPYTER_RUNTIME,
    JUPYTER_PLATFORM_DIRS: "1", // silences jupyter_core's deprecation warning on every command
    ...extra,
  };
}

/**
 * `--config=` for `jupyter nbconvert --execute`: merges a cell's stream outputs as Jupyter's pages
 * and nbclient before 0.10 did, so headless runs compare with the committed notebooks.
 */
export const NBCONVERT_EXECUTE_CONFIG = `--config=${path.join(PACKAGE_ROOT, "scripts", "lib", "nbclient_config.py")}`;
