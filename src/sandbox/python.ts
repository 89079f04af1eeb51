/**
 * The Python that runs the sandbox's emulator (moto). A Python that already has moto is used as
 * it is; otherwise the kit makes its own virtual environment in the user's cache, with the
 * Python that exists, and installs the pinned moto there (once; later starts reuse it). When
 * that cannot be done (no Python, no venv module, no network), one message says what to install
 * on this platform.
 *
 * pip is run with the user's own configuration, so PIP_INDEX_URL, PIP_FIND_LINKS, PIP_NO_INDEX
 * or a pip.conf pointing at a company mirror are honoured (the tests use a local wheel folder).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { KitError } from "../util/errors";
import { userCacheDir } from "../util/paths";

/** moto is pinned: `emulator/moto_patches.py` patches its internals, checked against this release. */
export const EMULATOR_REQUIREMENTS = ["moto[server]==5.2.1", "boto3>=1.34"];

const MARKER = "flatfiles-kit-emulator.json"; // the name stays: existing environments keep working
// find_spec instead of an import: answers in ~50 ms where importing moto takes ~1 s.
const PROBE =
  "import importlib.util as u, sys; sys.exit(0 if u.find_spec('moto') and u.find_spec('boto3') and u.find_spec('flask') else 1)";

export interface PythonOptions {
  env?: NodeJS.ProcessEnv;
  /** Pythons to try, in order (default: FLATFILES_SANDBOX_PYTHON, python3, /usr/bin/python3, python). */
  candidates?: string[];
  /** Where the kit's own environment goes (default `<user cache>/emulator-venv`). */
  venvDir?: string;
  log?: (message: string) => void;
}

function hasEmulator(python: string, env?: NodeJS.ProcessEnv): boolean {
  return spawnSync(python, ["-c", PROBE], { stdio: "ignore", env }).status === 0;
}

/** The kit's environment is complete and was made for today's pins. */
function markerMatches(venvDir: string, requirements: string[]): boolean {
  try {
    const m = JSON.parse(fs.readFileSync(path.join(venvDir, MARKER), "utf8")) as { requirements?: string[] };
    return JSON.stringify(m.requirements) === JSON.stringify(requirements);
  } catch {
    return false;
  }
}

export function venvPython(dir: string): string {
  return process.platform === "win32"
    ? path.join(dir, "Scripts", "python.exe")
    : path.join(dir, "bin", "python");
}

function runs(python: string, env?: NodeJS.ProcessEnv): boolean {
  const r = spawnSync(python, ["-c", "import sys, venv; sys.exit(0 if sys.version_info >= (3, 9) else 1)"], {
    stdio: "ignore",
    env,
  });
  return r.status === 0;
}

/** What to install on this platform when the kit cannot do it itself. */
export function installAdvice(platform: NodeJS.Platform = process.platform): string {
  const pins = EMULATOR_REQUIREMENTS.map((r) => `"${r}"`).join(" ");
  const python =
    platform === "darwin"
      ? "Install Python 3 (`brew install python`, or the installer from python.org)"
      : platform === "win32"
        ? "Install Python 3 (`winget install Python.Python.3.12`, or the installer from python.org)"
        : "Install Python 3 with its venv module (Debian/Ubuntu: `sudo apt-get install python3 python3-venv`; Fedora: `sudo dnf install python3`)";
  return (
    `${python}, then run the command again: the kit installs moto into its own environment. ` +
    `Or install it yourself with \`pip install ${pins}\` and, if that Python is not the first on PATH, ` +
    "set FLATFILES_SANDBOX_PYTHON to it."
  );
}

/** The Python that runs the emulator, installing moto into the kit's own environment if needed. */
export function ensureSandboxPython(options: PythonOptions = {}): string {
  const env = options.env ?? process.env;
  const log = options.log ?? (() => {});
  if (env.FLATFILES_SANDBOX_PYTHON && !options.candidates) {
    const py = env.FLATFILES_SANDBOX_PYTHON;
    if (hasEmulator(py)) return py;
    throw new KitError(
      "sandbox.python",
      `FLATFILES_SANDBOX_PYTHON is ${py}, which cannot import moto, boto3 and flask. ` +
        `Install them there (\`${py} -m pip install ${EMULATOR_REQUIREMENTS.map((r) => `"${r}"`).join(" ")}\`) or unset the variable.`,
    );
  }
  const candidates = options.candidates ?? ["python3", "/usr/bin/python3", "python"];
  const venvDir = options.venvDir ?? path.join(userCacheDir(env), "emulator-venv");
  if (markerMatches(venvDir, EMULATOR_REQUIREMENTS) && hasEmulator(venvPython(venvDir)))
    return venvPython(venvDir);
  for (const py of candidates) if (hasEmulator(py)) return py;

  return ensureOwnVenv({
    what: "the emulator",
    dir: venvDir,
    requirements: EMULATOR_REQUIREMENTS,
    ready: hasEmulator,
    candidates,
    env,
    log,
    advice: installAdvice(),
  });
}

/** A virtual environment of the kit's own, in the user's cache, holding pinned packages. */
export interface OwnVenv {
  /** What it holds, for messages: "the emulator", "Jupyter". */
  what: string;
  dir: string;
  requirements: string[];
  /** True when the environment's Python (given) can do its job. */
  ready: (python: string) => boolean;
  /** Pythons to make it with, in order. */
  candidates: string[];
  env: NodeJS.ProcessEnv;
  log: (message: string) => void;
  /** What to install by hand when the kit cannot. */
  advice: string;
}

/**
 * The Python of `spec.dir`, made and filled with pip when it is missing or was made for other
 * pins (once; later calls return at once). No root, no system package manager: only the Python
 * that exists and pip with the user's own configuration.
 */
export function ensureOwnVenv(spec: OwnVenv): string {
  const { dir: venvDir, requirements, env, candidates } = spec;
  const own = venvPython(venvDir);
  if (markerMatches(venvDir, requirements) && spec.ready(own)) return own;
  const base = candidates.find((py) => runs(py, env));
  if (!base) {
    throw new KitError(
      "sandbox.python",
      `No Python 3.9 or newer was found (tried ${candidates.join(", ")}). ${spec.advice}`,
    );
  }
  spec.log(`installing ${spec.what} (${requirements.join(", ")}) into ${venvDir} (first start only)...`);
  // A half-made environment is never used: it is removed first, and the marker is written last.
  fs.rmSync(venvDir, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(venvDir), { recursive: true });
  const step = (what: string, cmd: string, args: string[]) => {
    const r = spawnSync(cmd, args, { env, encoding: "utf8" });
    if (r.status !== 0) {
      fs.rmSync(venvDir, { recursive: true, force: true });
      const tail = `${r.stdout ?? ""}${r.stderr ?? ""}${r.error ? r.error.message : ""}`
        .trim()
        .split("\n")
        .slice(-4)
        .join("\n");
      throw new KitError("sandbox.install", `Could not ${what} with ${base}:\n${tail}\n${spec.advice}`);
    }
  };
  step("create a virtual environment", base, ["-m", "venv", venvDir]);
  step(`install ${spec.what}`, own, [
    "-m",
    "pip",
    "install",
    "--disable-pip-version-check",
    "--quiet",
    ...requirements,
  ]);
  if (!spec.ready(own)) {
    fs.rmSync(venvDir, { recursive: true, force: true });
    throw new KitError(
      "sandbox.install",
      `pip finished but ${own} still cannot run ${spec.what}. ${spec.advice}`,
    );
  }
  fs.writeFileSync(path.join(venvDir, MARKER), JSON.stringify({ requirements, base }));
  return own;
}
