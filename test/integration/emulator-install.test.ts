/**
 * The sandbox installs its own emulator: given only a Python without moto, set-up makes a virtual
 * environment and pip-installs the pinned requirements into it. Tested offline against a local
 * wheel folder of stand-in packages (pip's own PIP_NO_INDEX/PIP_FIND_LINKS), never the internet.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import { EMULATOR_REQUIREMENTS, ensureSandboxPython } from "../../src/sandbox/python";
import type { KitError } from "../../src/util/errors";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kit-emulator-"));
const wheels = path.join(tmp, "wheels");
const bare = path.join(tmp, "bare");
const barePython = path.join(bare, "bin", "python");

/** Stand-in wheels named and versioned like the pins, each an importable module and nothing more. */
const MAKE_WHEELS = `
import sys, zipfile, os
out = sys.argv[1]
os.makedirs(out, exist_ok=True)
def wheel(name, version, requires=()):
    dist = f"{name}-{version}.dist-info"
    meta = [f"Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
    if name == "moto":
        meta += ["Provides-Extra: server", 'Requires-Dist: flask; extra == "server"']
    files = {f"{name}/__init__.py": f"__version__ = '{version}'\\n", f"{dist}/METADATA": "\\n".join(meta) + "\\n",
             f"{dist}/WHEEL": "Wheel-Version: 1.0\\nGenerator: kit-test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n"}
    files[f"{dist}/RECORD"] = "".join(f"{f},,\\n" for f in files) + f"{dist}/RECORD,,\\n"
    with zipfile.ZipFile(os.path.join(out, f"{name}-{version}-py3-none-any.whl"), "w") as z:
        for f, text in files.items():
            z.writestr(f, text)
wheel("moto", "5.2.1"); wheel("boto3", "1.43.0"); wheel("flask", "3.1.0")
`;

before(() => {
  assert.equal(spawnSync("python3", ["-c", MAKE_WHEELS, wheels]).status, 0, "stand-in wheels built");
  // A Python without moto: a fresh virtual environment does not see the machine's packages.
  assert.equal(spawnSync("python3", ["-m", "venv", bare]).status, 0, "a bare venv");
  assert.notEqual(spawnSync(barePython, ["-c", "import moto"]).status, 0, "the bare Python has no moto");
});

const offline = { ...process.env, PIP_NO_INDEX: "1", PIP_FIND_LINKS: wheels, FLATFILES_SANDBOX_PYTHON: "" };

describe("the sandbox installs its emulator", () => {
  it("makes its own environment with the pinned requirements from the configured index, once", () => {
    const venvDir = path.join(tmp, "emulator-venv");
    const logs: string[] = [];
    const py = ensureSandboxPython({
      candidates: [barePython],
      venvDir,
      env: offline,
      log: (m) => logs.push(m),
    });
    assert.equal(py, path.join(venvDir, "bin", "python"));
    assert.match(logs.join("\n"), /installing the emulator \(moto\[server\]==5\.2\.1, boto3>=1\.34\)/);
    const version = spawnSync(py, ["-c", "import moto, boto3, flask; print(moto.__version__)"], {
      encoding: "utf8",
    });
    assert.equal(version.stdout.trim(), "5.2.1", "the pinned moto, from the wheel folder");
    const marker = JSON.parse(fs.readFileSync(path.join(venvDir, "flatfiles-kit-emulator.json"), "utf8"));
    assert.deepEqual(marker.requirements, EMULATOR_REQUIREMENTS);
    // A second start reuses it without pip (no index is reachable at all now).
    const again: string[] = [];
    assert.equal(
      ensureSandboxPython({
        candidates: [barePython],
        venvDir,
        env: { ...offline, PIP_FIND_LINKS: "/nonexistent" },
        log: (m) => again.push(m),
      }),
      py,
    );
    assert.deepEqual(again, []);
  });

  it("says what to install when there is no Python at all", () => {
    assert.throws(
      () =>
        ensureSandboxPython({
          candidates: ["/nonexistent/python3"],
          venvDir: path.join(tmp, "none"),
          env: offline,
        }),
      (e: KitError) => {
        assert.equal(e.code, "sandbox.python");
        assert.match(e.message, /No Python 3\.9 or newer was found \(tried \/nonexistent\/python3\)/);
        assert.match(e.message, /python3-venv|brew install python|winget/);
        assert.match(e.message, /pip install "moto\[server\]==5\.2\.1"/);
        return true;
      },
    );
  });

  it("fails cleanly when pip cannot get the packages (no network, empty index), leaving no half environment", () => {
    const empty = path.join(tmp, "empty-wheels");
    fs.mkdirSync(empty);
    const venvDir = path.join(tmp, "broken-venv");
    assert.throws(
      () =>
        ensureSandboxPython({
          candidates: [barePython],
          venvDir,
          env: { ...offline, PIP_FIND_LINKS: empty },
        }),
      (e: KitError) => {
        assert.equal(e.code, "sandbox.install");
        assert.match(e.message, /Could not install the emulator/);
        assert.match(e.message, /moto/);
        return true;
      },
    );
    assert.equal(fs.existsSync(venvDir), false);
  });
});
