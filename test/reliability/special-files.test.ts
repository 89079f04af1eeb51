/**
 * Settings and state files whose paths a user controls (or anyone who can write where they
 * point) are opened without blocking and read only when they are regular files. A FIFO at such a
 * path used to hang every command for good (the event loop blocked in `readFileSync`, so not even
 * Ctrl-C ended it); `/dev/zero` would read until memory ran out.
 *
 * Two checks: each such path, given a FIFO and a device, lets the CLI finish with a clear line;
 * and a scan of src/ that fails when a new `readFileSync(path)` appears that is not on the list of
 * files the kit itself owns, so the next such reader is caught when it is written.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { PACKAGE_ROOT } from "../../src/util/paths";

const CLI = path.join(PACKAGE_ROOT, "dist", "cli", "main.js");

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "kit-special-"));
}

function fifo(dir: string, name: string): string {
  const p = path.join(dir, name);
  const r = spawnSync("mkfifo", [p]);
  assert.equal(r.status, 0, `mkfifo failed: ${r.stderr}`);
  return p;
}

function runConfig(cwd: string, env: Record<string, string>) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("FLATFILES_")));
  return spawnSync(process.execPath, [CLI, "config"], {
    cwd,
    env: { ...clean, ...env },
    encoding: "utf8",
    timeout: 30_000,
  });
}

const SPECIAL: [string, (dir: string) => string][] = [
  ["a FIFO", (dir) => fifo(dir, "special")],
  [
    "a link to /dev/zero",
    (dir) => {
      const p = path.join(dir, "zero");
      fs.symlinkSync("/dev/zero", p);
      return p;
    },
  ],
];

describe("special files where the kit reads settings or state", () => {
  for (const [what, make] of SPECIAL) {
    it(`FLATFILES_SANDBOX_STATE pointing at ${what}: treated as no sandbox, no hang`, () => {
      const dir = tmp();
      try {
        const r = runConfig(dir, { FLATFILES_SANDBOX_STATE: make(dir) });
        assert.equal(r.signal, null, "the command hung and was killed");
        assert.doesNotMatch(r.stderr + r.stdout, /unexpected|bug in flatfiles-kit/i);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it(`a .env that is ${what}: named in one line, no hang`, () => {
      const dir = tmp();
      try {
        const special = make(dir);
        fs.renameSync(special, path.join(dir, ".env"));
        const r = runConfig(dir, { FLATFILES_SANDBOX_STATE: path.join(dir, "none.json") });
        assert.equal(r.signal, null, "the command hung and was killed");
        assert.match(
          r.stderr,
          /\.env is not a regular file: make it a text file of NAME=value lines, or remove it/,
        );
        assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});

/**
 * Files read by path with `readFileSync` that the kit itself owns (its package, its cache's
 * manifest, the kernel's /proc entries). Any other reader must go through `readSmallFile`
 * (src/util/small-file.ts) or open a descriptor it checked first.
 */
const OWN_FILES: Record<string, RegExp> = {
  "src/util/paths.ts": /package\.json|file, "utf8"/,
  "src/notebook/setup-check.ts": /package\.json|file, "utf8"/,
  "src/sandbox/seed.ts": /manifest\.json/,
  "src/sandbox/python.ts": /MARKER|readFileSync\(file, "utf8"\)|spec\.constraints/, // the venv's marker; the repository's pins
  // The Parquet part the kit itself just wrote, uploaded whole (a day is at most 16 MiB here).
  "src/flatfiles/load/s3/store.ts": /Body: fs\.readFileSync\(file\)/,
  // The AWS SDK packages' own declarations in node_modules.
  "src/notebook/model-docs.ts": /path\.join\(models, file\)/,
  "src/config/sandbox-state.ts": /\/proc\//,
};

describe("the habit: no blocking read of a path a user controls", () => {
  it("every readFileSync(path) in src/ is on the list of the kit's own files", () => {
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (p.endsWith(".ts")) {
          const rel = path.relative(PACKAGE_ROOT, p).split(path.sep).join("/");
          fs.readFileSync(p, "utf8")
            .split("\n")
            .forEach((line, i) => {
              const m = /readFileSync\(([^)]*)/.exec(line);
              if (!m || /^\s*(\/\/|\*)/.test(line)) return;
              if (/^fd\b/.test(m[1].trim())) return; // a descriptor already checked with fstat
              if (rel === "src/util/small-file.ts") return;
              const allowed = OWN_FILES[rel];
              if (allowed?.test(line)) return;
              offenders.push(`${rel}:${i + 1}: ${line.trim()}`);
            });
        }
      }
    };
    walk(path.join(PACKAGE_ROOT, "src"));
    assert.deepEqual(
      offenders,
      [],
      "read these through readSmallFile, or add the file to OWN_FILES with its reason",
    );
  });
});
