/**
 * Habit 3 of issue 31, local file errors: one translator (`util/file-errors.ts`) turns what the
 * file system says into a KitError naming the path and what to do, and nothing local is ever
 * labelled as the service's (`aws.*`). Every errno is produced for real on disk; the lake's entry
 * points, `notebooks:restore` and the CLI's explanation path are walked as a user meets them; a
 * source scan fails on the next module that touches files without a way to the translator.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { explainAwsError } from "../../../src/aws/explain";
import { kitEnv } from "../../../src/config/env";
import { defaultCacheDir } from "../../../src/flatfiles/download";
import { ensureParquet, loadDay, scanDays } from "../../../src/flatfiles/load";
import { KitError } from "../../../src/util/errors";
import { fileError, isLocalFileError } from "../../../src/util/file-errors";
import { PACKAGE_ROOT } from "../../../src/util/paths";
import { envFile, gz, tmp } from "./helpers";

/** Run a file system call that must fail; its error. */
function errorOf(f: () => unknown): NodeJS.ErrnoException {
  try {
    f();
  } catch (e) {
    return e as NodeJS.ErrnoException;
  }
  throw new Error("no error");
}

/** Each errno the kit can meet, produced for real: [name, the call, the path the message must name, code]. */
function scenarios(): [string, () => unknown, string, string][] {
  const dir = tmp();
  const file = path.join(dir, "a-file");
  fs.writeFileSync(file, "x");
  const full = path.join(dir, "full");
  fs.mkdirSync(full);
  fs.writeFileSync(path.join(full, "x"), "x");
  const dangling = path.join(dir, "dangling");
  fs.symlinkSync(path.join(dir, "nowhere"), dangling);
  const loopA = path.join(dir, "loop-a");
  fs.symlinkSync(path.join(dir, "loop-b"), loopA);
  fs.symlinkSync(loopA, path.join(dir, "loop-b"));
  const long = path.join(dir, "n".repeat(300));
  return [
    [
      "a missing file",
      () => fs.readFileSync(path.join(dir, "missing")),
      path.join(dir, "missing"),
      "file.missing",
    ],
    [
      "a folder under a dangling link",
      () => fs.mkdirSync(path.join(dangling, "sub")),
      dangling,
      "file.missing",
    ],
    ["a folder under a file", () => fs.mkdirSync(path.join(file, "sub")), file, "file.not-a-folder"],
    ["a folder where a file was", () => fs.mkdirSync(file), file, "file.exists"],
    ["a folder that is not empty", () => fs.rmdirSync(full), full, "file.not-empty"],
    ["a name too long", () => fs.writeFileSync(long, ""), long.slice(0, 40), "file.name-too-long"],
    ["links in a loop", () => fs.statSync(loopA), loopA, "file.link-loop"],
    ["writing a folder", () => fs.writeFileSync(full, "x"), full, "file.is-a-folder"],
  ];
}

describe("the file-error translator, on errors the file system really gives", () => {
  for (const [what, call, named, code] of scenarios()) {
    it(`${what}: ${code}, naming the path, never aws.*`, () => {
      const raw = errorOf(call);
      assert.ok(isLocalFileError(raw), `${raw.code} is local`);
      const said = fileError(raw, { action: "testing", setting: "FLATFILES_CACHE_DIR" }) as KitError;
      assert.ok(said instanceof KitError);
      assert.equal(said.code, code, said.message);
      assert.ok(said.message.includes(named), said.message);
      assert.match(said.message, /\. [A-Z][^.]*(\.|\))/, "says what to do");
      assert.doesNotMatch(said.message, /\n/);
      // The CLI and every SDK path explain errors through explainAwsError: a local errno is not the service's.
      const explained = explainAwsError(raw, { action: "listing" });
      assert.equal(explained.code, code);
      assert.ok(!explained.code.startsWith("aws."));
    });
  }

  it("a full disk or a read-only one as polars reports it (text with an os error) is said the same way", () => {
    const full = new Error("parquet: External error: No space left on device (os error 28)");
    full.name = "GenericFailure";
    assert.equal((fileError(full, { path: "/lake" }) as KitError).code, "file.disk-full");
    const ro = new Error("failed to create directory: Read-only file system (os error 30)");
    assert.equal((fileError(ro, { path: "/lake" }) as KitError).code, "file.read-only");
    assert.match((fileError(ro, { path: "/lake" }) as KitError).message, /\/lake/);
  });

  it("network errors stay the service's and the network's", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), {
      code: "ECONNREFUSED",
      syscall: "connect",
      address: "127.0.0.1",
      port: 9,
    });
    const reset = Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET", syscall: "read" });
    for (const e of [refused, reset]) {
      assert.ok(!isLocalFileError(e));
      assert.match(explainAwsError(e).code, /^aws\./);
    }
  });
});

describe("the lake's entry points report local file errors through the translator", () => {
  const DATASET = "us_stocks_sip/day_aggs_v1";
  const day = () =>
    gz(
      "ticker,volume,open,close,high,low,window_start,transactions\nAAPL,10,1,2,3,0.5,1710460800000000000,4\n",
    );
  const places: [string, () => string][] = [
    [
      "a file",
      () => {
        const f = path.join(tmp(), "lake");
        fs.writeFileSync(f, "x");
        return f;
      },
    ],
    [
      "under a file",
      () => {
        const f = path.join(tmp(), "lake");
        fs.writeFileSync(f, "x");
        return path.join(f, "inner");
      },
    ],
    [
      "a dangling link",
      () => {
        const d = tmp();
        fs.symlinkSync(path.join(d, "gone"), path.join(d, "lake"));
        return path.join(d, "lake");
      },
    ],
  ];
  const entries: [string, (file: string, lake: string) => unknown][] = [
    ["ensureParquet", (file, lake) => ensureParquet(file, DATASET, () => {}, { lake })],
    ["loadDay", (file, lake) => loadDay(file, DATASET, { lake, onWarning: () => {} })],
    ["scanDays", (file, lake) => scanDays([file], DATASET, { lake })],
  ];
  for (const [entry, call] of entries) {
    for (const [what, place] of places) {
      it(`${entry} with the lake ${what}: a KitError naming it, not aws.* or a raw errno`, async () => {
        const lake = place();
        let error: unknown;
        try {
          await call(day(), lake);
        } catch (e) {
          error = e;
        }
        assert.ok(error instanceof KitError, `not a KitError: ${error}`);
        assert.ok(!/^(aws\.|unexpected)/.test(error.code), `${error.code}: ${error.message}`);
        assert.ok(error.message.includes(path.dirname(lake)), error.message);
        assert.doesNotMatch(error.message, /^E[A-Z]+: /);
      });
    }
  }
});

describe("notebooks:restore says what is wrong with the learner's folder, in one line", () => {
  const notebook = fs
    .readdirSync(path.join(PACKAGE_ROOT, "notebooks"))
    .find((f) => /^01-.*\.ipynb$/.test(f))!;
  const cases: [string, (dir: string) => void, RegExp][] = [
    [
      "a dangling link",
      (dir) => fs.symlinkSync(path.join(os.tmpdir(), "kit-gone-folder"), dir),
      /symbolic link to nothing/,
    ],
    ["a file", (dir) => fs.writeFileSync(dir, "x"), /already exists \(it is a file\)/],
    [
      "a folder where the notebook goes",
      (dir) => fs.mkdirSync(path.join(dir, notebook), { recursive: true }),
      /is a folder where a file is needed/,
    ],
  ];
  for (const [what, make, said] of cases) {
    it(`the learner folder is ${what}`, () => {
      const name = `kit-restore-test-${process.pid}-${what.length}`;
      const dir = path.join(PACKAGE_ROOT, name);
      make(dir);
      try {
        const r = spawnSync(
          process.execPath,
          ["--import", "tsx", path.join(PACKAGE_ROOT, "scripts", "restore-notebooks.ts"), "01"],
          {
            cwd: PACKAGE_ROOT,
            env: { ...process.env, FLATFILES_LEARNER_DIR: name },
            encoding: "utf8",
          },
        );
        assert.equal(r.status, 1);
        const lines = r.stderr.trim().split("\n");
        assert.equal(lines.length, 1, r.stderr);
        assert.match(lines[0], said);
        assert.ok(lines[0].includes(name), lines[0]);
        assert.doesNotMatch(lines[0], /^E[A-Z]+: /);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});

describe("path variables take folder names in any script; invisible characters are still refused", () => {
  for (const name of ["données", "データ", "Ελληνικά", "Рабочий стол", "मराठी", "📈 quant", "naïve café"]) {
    it(`FLATFILES_CACHE_DIR=~/${name}`, () => {
      const got = defaultCacheDir(kitEnv(envFile(`FLATFILES_CACHE_DIR=~/${name}\n`), {}));
      assert.equal(got, path.join(os.homedir(), name));
      // And the folder is usable as it is named.
      const real = path.join(tmp(), name);
      fs.mkdirSync(real);
      fs.writeFileSync(path.join(real, "probe"), "x");
      assert.equal(fs.readFileSync(path.join(real, "probe"), "utf8"), "x");
    });
  }
  for (const [what, ch] of [
    ["a zero-width space", "\u200b"],
    ["a byte-order mark", "\ufeff"],
    ["a right-to-left mark", "\u200f"],
    ["a no-break space", "\u00a0"],
    ["a control character", "\u0007"],
  ]) {
    it(`${what} in the path is refused as config.path, named by position`, () => {
      assert.throws(
        () => kitEnv(envFile(`FLATFILES_CACHE_DIR=/srv/ca${ch}che\n`), {}),
        (e: KitError) => e.code === "config.path" && /character 8/.test(e.message),
      );
    });
  }
});

describe("every module that touches files has a way to the translator (a scan that catches the next one)", () => {
  /** Modules that import node:fs and why each may: the scan fails on one that is none of these. */
  const REASONS: Record<string, string> = {
    "src/config/env.ts": "reads .env through small-file.ts, which refuses with config.* KitErrors",
    "src/config/sandbox-state.ts": "reads the state file through small-file.ts; a bad file means no sandbox",
    "src/flatfiles/csv-stream.ts":
      "reached only through the lake's entry points (load/index.ts), which translate",
    "src/flatfiles/etag.ts":
      "hashes a download's part file: the download cache's own translation (download/failures.ts)",
    "src/notebook/setup-check.ts": "notebook 00 reports each check's failure as a row, never throws",
    "src/notebook/model-docs.ts":
      "reads the AWS SDK packages' declarations in node_modules; a missing package is a docs.package KitError",
    "src/sandbox/launcher.ts": "test and sandbox tooling (npm start explains its own failures)",
    "src/sandbox/python.ts": "test and sandbox tooling",
    "src/sandbox/seed.ts": "test and sandbox tooling",
    "src/util/paths.ts": "finds the package root and the user's folders: stat only, no error reaches a user",
    "src/util/small-file.ts": "refuses what it cannot read with its own KitErrors",
  };
  const src = path.join(PACKAGE_ROOT, "src");
  const modules = (fs.readdirSync(src, { recursive: true }) as string[])
    .filter((f) => f.endsWith(".ts"))
    .map((f) => path.join("src", f).split(path.sep).join("/"))
    .filter((f) =>
      /from "(node:)?fs(\/promises)?"|require\("(node:)?fs(\/promises)?"\)/.test(
        fs.readFileSync(path.join(PACKAGE_ROOT, f), "utf8"),
      ),
    );
  const lakeIndex = fs.readFileSync(path.join(src, "flatfiles", "load", "index.ts"), "utf8");

  it("the lake's entry points are wrapped by the translator in load/index.ts", () => {
    for (const entry of ["ensureParquet", "loadDay", "scanDays"])
      assert.match(lakeIndex, new RegExp(`export const ${entry} = withFileErrors\\(`), entry);
  });

  it("each module that imports node:fs is the cache's, uses the translator, is behind the lake's entry points, or says why not", () => {
    const unexplained = modules.filter((f) => {
      if (f.startsWith("src/flatfiles/download/")) return false; // the cache's own translation
      if (f.startsWith("src/flatfiles/load/")) return false; // behind load/index.ts's wrapped entry points
      if (f === "src/util/file-errors.ts") return false;
      if (
        /from "(\.\.\/)+util\/file-errors"|from "\.\/file-errors"/.test(
          fs.readFileSync(path.join(PACKAGE_ROOT, f), "utf8"),
        )
      )
        return false;
      return !(f in REASONS);
    });
    assert.deepEqual(
      unexplained,
      [],
      "modules touching files with no way to the translator: route their errors through fileError or withFileErrors",
    );
  });

  it("each npm script that prints a failure passes it through the translator, or says why not", () => {
    const WHY_NOT: Record<string, string> = {
      "scripts/start.ts":
        "the learner engineer's (npm start): pending, its failures are the launcher's KitErrors",
      "scripts/check.ts": "a developer's tool: prints the tools' own output",
      "scripts/test.ts": "a developer's tool: prints the test runner's output",
      "scripts/refresh-notebooks.ts": "a maintainer's tool, run once after merging",
      "scripts/jupyter-pin.ts": "a maintainer's tool: writes the Jupyter pins from the kit's own environment",
    };
    const printing = fs
      .readdirSync(path.join(PACKAGE_ROOT, "scripts"))
      .filter((f) => f.endsWith(".ts"))
      .map((f) => `scripts/${f}`)
      .filter((f) => /console\.error\(/.test(fs.readFileSync(path.join(PACKAGE_ROOT, f), "utf8")));
    const unexplained = printing.filter(
      (f) =>
        !/from "\.\.\/src\/util\/file-errors"/.test(fs.readFileSync(path.join(PACKAGE_ROOT, f), "utf8")) &&
        !(f in WHY_NOT),
    );
    assert.deepEqual(unexplained, []);
    assert.ok(printing.includes("scripts/restore-notebooks.ts") && printing.includes("scripts/sandbox.ts"));
  });

  it("the list of reasons names only modules that still touch files", () => {
    assert.deepEqual(
      Object.keys(REASONS).filter((f) => !modules.includes(f)),
      [],
    );
  });
});
