/**
 * pyarrow in the project's Python environment (the one that runs the sandbox's emulator),
 * installed there by pip when missing, as the kit installs moto: tests read the kit's Parquet
 * lake with an engine it did not write. pip follows the user's own configuration (a local
 * wheel mirror here), so no index is named.
 */
import { spawnSync } from "node:child_process";
import { ensureSandboxPython } from "../../src/sandbox/python";

let found: string | undefined;

export function pythonWithPyarrow(): string {
  if (found) return found;
  const py = ensureSandboxPython();
  if (spawnSync(py, ["-c", "import pyarrow"], { stdio: "ignore" }).status !== 0) {
    const r = spawnSync(py, ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "pyarrow"], {
      encoding: "utf8",
    });
    if (r.status !== 0)
      throw new Error(`pyarrow could not be installed into ${py}: ${(r.stderr || r.stdout).slice(-800)}`);
  }
  found = py;
  return py;
}

/** Run a Python program with pyarrow and parse the JSON it prints. */
export function runPython<T>(program: string, args: string[] = []): T {
  const r = spawnSync(pythonWithPyarrow(), ["-c", program, ...args], {
    encoding: "utf8",
    maxBuffer: 256 << 20,
  });
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr.slice(-2000)}`);
  return JSON.parse(r.stdout) as T;
}
