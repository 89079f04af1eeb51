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
  /** A pip constraints file pinning every package of the environment (`pip install -c`). */
  constraints?: string;
  /** How long the install usually takes from a reachable index, for the progress line. */
  expect?: string;
  /** True when the environment's Python (given) can do its job. */
  ready: (python: string) => boolean;
  /** Pythons to make it with, in order. */
  candidates: string[];
  env: NodeJS.ProcessEnv;
  log: (message: string) => void;
  /** What to install by hand when the kit cannot. */
  advice: string;
}

/** Longest a pip install may take before it is called stuck (FLATFILES_PIP_TIMEOUT_S overrides). */
const PIP_TIMEOUT_S = 15 * 60;

/**
 * The Python of `spec.dir`, made and filled with pip when it is missing or was made for other
 * pins (once; later calls return at once). No root, no system package manager: only the Python
 * that exists and pip with the user's own configuration. Each step says what it does and how long
 * it usually takes, pip's own lines are shown as they come, and an install that does not finish
 * in FLATFILES_PIP_TIMEOUT_S ends with the index it tried and how to point pip elsewhere.
 */
export function ensureOwnVenv(spec: OwnVenv): string {
  const { dir: venvDir, requirements, env, candidates } = spec;
  const own = venvPython(venvDir);
  const pins = spec.constraints ? pinLines(fs.readFileSync(spec.constraints, "utf8")) : undefined;
  if (markerMatches(venvDir, requirements) && pinsMatch(venvDir, own, pins, env) && spec.ready(own))
    return own;
  const base = candidates.find((py) => runs(py, env));
  if (!base) {
    throw new KitError(
      "sandbox.python",
      `No Python 3.9 or newer was found (tried ${candidates.join(", ")}). ${spec.advice}`,
    );
  }
  spec.log(`installing ${spec.what} (${requirements.join(", ")}) into ${venvDir} (first start only)`);
  // A half-made environment is never used: it is removed first, and the marker is written last.
  fs.rmSync(venvDir, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(venvDir), { recursive: true });
  const limitS =
    Number(env.FLATFILES_PIP_TIMEOUT_S) > 0 ? Number(env.FLATFILES_PIP_TIMEOUT_S) : PIP_TIMEOUT_S;
  // `doing` for the progress line, `what` (what could not be done) for the error.
  const step = (n: string, doing: string, what: string, expect: string, cmd: string, args: string[]) => {
    spec.log(`[${n}] ${doing} (${expect})...`);
    const t0 = Date.now();
    // pip's own lines (what it collects, its retries and warnings) go straight to the terminal.
    const r = spawnSync(cmd, args, {
      env,
      stdio: ["ignore", "inherit", "inherit"],
      timeout: limitS * 1000,
      killSignal: "SIGKILL",
    });
    const took = `${Math.round((Date.now() - t0) / 1000)} s`;
    if (r.status === 0) {
      spec.log(`[${n}] done in ${took}`);
      return;
    }
    fs.rmSync(venvDir, { recursive: true, force: true });
    const index = pipIndexes(base, env);
    const stuck = r.error && (r.error as NodeJS.ErrnoException).code === "ETIMEDOUT";
    throw new KitError(
      "sandbox.install",
      stuck
        ? `Could not ${what}: pip had not finished after ${took} (the limit, FLATFILES_PIP_TIMEOUT_S=${limitS}), fetching from ${index}. ` +
            `If that index is slow or unreachable from here, point pip at one that is: PIP_INDEX_URL=https://<your mirror>/simple (or index-url in pip.conf), then run the command again. ${spec.advice}`
        : `Could not ${what} with ${base} (${r.error ? r.error.message : `exit code ${r.status}`} after ${took}; pip's messages are above), fetching from ${index}. ` +
            `To use another index: PIP_INDEX_URL=https://<your mirror>/simple. ${spec.advice}`,
    );
  };
  step("1/2", "creating a virtual environment", "create a virtual environment", "a few seconds", base, [
    "-m",
    "venv",
    venvDir,
  ]);
  step(
    "2/2",
    `installing ${spec.what} with pip`,
    `install ${spec.what}`,
    spec.expect ?? "usually under 3 minutes",
    own,
    [
      "-m",
      "pip",
      "install",
      "--disable-pip-version-check",
      // pip retries an unreachable index five times with back-off by default; two is enough to ride
      // out a blip, and the user's own PIP_RETRIES still wins.
      ...(env.PIP_RETRIES ? [] : ["--retries", "2"]),
      ...(spec.constraints ? ["-c", spec.constraints] : []),
      ...requirements,
    ],
  );
  if (!spec.ready(own)) {
    fs.rmSync(venvDir, { recursive: true, force: true });
    throw new KitError(
      "sandbox.install",
      `pip finished but ${own} still cannot run ${spec.what}. ${spec.advice}`,
    );
  }
  fs.writeFileSync(path.join(venvDir, MARKER), JSON.stringify({ requirements, constraints: pins, base }));
  return own;
}

/**
 * The environment holds the constraints' versions: as its marker says, or, for one made before
 * the marker recorded them, as `pip freeze` says (then the marker is completed). The marker's
 * `requirements` keep their meaning, so a checkout without constraints still accepts it.
 */
function pinsMatch(
  venvDir: string,
  python: string,
  pins: string[] | undefined,
  env: NodeJS.ProcessEnv,
): boolean {
  if (!pins) return true;
  const file = path.join(venvDir, MARKER);
  const marker = JSON.parse(fs.readFileSync(file, "utf8")) as { constraints?: string[] };
  if (JSON.stringify(marker.constraints) === JSON.stringify(pins)) return true;
  const r = spawnSync(python, ["-m", "pip", "freeze", "--disable-pip-version-check"], {
    env,
    encoding: "utf8",
  });
  if (r.status !== 0 || JSON.stringify(pinLines(r.stdout)) !== JSON.stringify(pins)) return false;
  fs.writeFileSync(file, JSON.stringify({ ...marker, constraints: pins }));
  return true;
}

function pinLines(text: string): string[] {
  return text
    .split("\n")
    .map((l) => l.trim().toLowerCase().replace(/_/g, "-"))
    .filter((l) => l && !l.startsWith("#"))
    .sort();
}

/** Where pip fetches from, as its configuration says (for messages; never a password). */
export function pipIndexes(python: string, env: NodeJS.ProcessEnv): string {
  const get = (key: string) => {
    const r = spawnSync(python, ["-m", "pip", "config", "get", key], {
      env,
      encoding: "utf8",
      timeout: 20_000,
    });
    return r.status === 0 ? r.stdout.trim() : "";
  };
  const index = env.PIP_INDEX_URL || get("global.index-url") || "https://pypi.org/simple (pip's default)";
  const extra = env.PIP_EXTRA_INDEX_URL || get("global.extra-index-url");
  const hide = (u: string) => u.replace(/\/\/[^/@\s]*@/g, "//***@");
  return hide(extra ? `${index}, then ${extra.split(/\s+/).join(", ")}` : index);
}
