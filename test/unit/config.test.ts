import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { inspect } from "node:util";
import { describe, it } from "node:test";
import { kitEnv, loadConfig } from "../../src/config/env";
import { defaultCacheDir } from "../../src/flatfiles/download";
import { KitError } from "../../src/util/errors";

const KEY = "DISTINCTKEYID0123456";
const SECRET = "EXAMPLEdistinct/Secret+Value0123456789abcdefghij";
const noSandbox = { FLATFILES_SANDBOX_STATE: path.join(os.tmpdir(), "no-such-sandbox-state.json") };

function tmpProject(envText?: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kit-config-"));
  fs.mkdirSync(path.join(dir, "notebooks"));
  if (envText !== undefined) fs.writeFileSync(path.join(dir, ".env"), envText);
  return dir;
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof KitError, `expected a KitError, got ${e}`);
    return e.code;
  }
  assert.fail("expected an error");
}

describe("loadConfig", () => {
  it("reads keys from the .env of a parent folder (a notebook's working folder is notebooks/)", () => {
    const dir = tmpProject(`FLATFILES_ACCESS_KEY_ID=${KEY}\nFLATFILES_SECRET_ACCESS_KEY="${SECRET}"\n`);
    const c = loadConfig({ env: noSandbox, cwd: path.join(dir, "notebooks") });
    assert.equal(c.target, "massive");
    assert.equal(c.endpoint, "https://files.massive.com");
    assert.equal(c.bucket, "flatfiles");
    assert.equal(c.accessKeyId.reveal(), KEY);
    assert.equal(c.secretAccessKey.reveal(), SECRET); // quotes stripped
    assert.equal(c.envFile, path.join(dir, ".env"));
  });

  it("lets the environment override the file", () => {
    const dir = tmpProject(`FLATFILES_ACCESS_KEY_ID=${KEY}\nFLATFILES_SECRET_ACCESS_KEY=${SECRET}\n`);
    const c = loadConfig({
      env: { ...noSandbox, FLATFILES_ENDPOINT: "https://files.polygon.io/" },
      cwd: dir,
    });
    assert.equal(c.endpoint, "https://files.polygon.io");
  });

  it("explains a missing .env, naming both variables and the sandbox", () => {
    const dir = tmpProject();
    const err = (() => {
      try {
        loadConfig({ env: noSandbox, cwd: dir });
      } catch (e) {
        return e as KitError;
      }
    })()!;
    assert.equal(err.code, "config.missing");
    assert.match(err.message, /No \.env file was found/);
    assert.match(err.message, /FLATFILES_ACCESS_KEY_ID/);
    assert.match(err.message, /npm run sandbox/);
    assert.equal(err.stack, `KitError [config.missing]: ${err.message}`); // no internal frames
  });

  it("names the missing half of a half-filled .env", () => {
    const dir = tmpProject(`FLATFILES_ACCESS_KEY_ID=${KEY}\nFLATFILES_SECRET_ACCESS_KEY=\n`);
    assert.equal(
      codeOf(() => loadConfig({ env: noSandbox, cwd: dir })),
      "config.half",
    );
    try {
      loadConfig({ env: noSandbox, cwd: dir });
    } catch (e) {
      assert.match((e as Error).message, /FLATFILES_SECRET_ACCESS_KEY is empty/);
      assert.ok(!(e as Error).message.includes(KEY), "the message must not echo the key");
    }
  });

  it("rejects an endpoint that is not a URL and an unknown target", () => {
    const dir = tmpProject(
      `FLATFILES_ACCESS_KEY_ID=${KEY}\nFLATFILES_SECRET_ACCESS_KEY=${SECRET}\nFLATFILES_ENDPOINT=files.massive.com\n`,
    );
    assert.equal(
      codeOf(() => loadConfig({ env: noSandbox, cwd: dir })),
      "config.endpoint",
    );
    assert.equal(
      codeOf(() => loadConfig({ env: { ...noSandbox, FLATFILES_TARGET: "prod" }, cwd: dir })),
      "config.target",
    );
  });

  it("asks for the sandbox when it is forced but not running", () => {
    assert.equal(
      codeOf(() => loadConfig({ env: noSandbox, cwd: null, target: "sandbox" })),
      "config.sandbox",
    );
  });

  it("never shows a key when the configuration is printed", () => {
    const dir = tmpProject(`FLATFILES_ACCESS_KEY_ID=${KEY}\nFLATFILES_SECRET_ACCESS_KEY=${SECRET}\n`);
    const c = loadConfig({ env: noSandbox, cwd: dir });
    const shown = [
      inspect(c, { depth: 5 }),
      JSON.stringify(c),
      `${c.secretAccessKey}`,
      String(c.accessKeyId),
    ].join("\n");
    assert.ok(!shown.includes(KEY) && !shown.includes(SECRET), shown);
  });
});

describe("variables written in .env count like environment variables", () => {
  it("FLATFILES_SANDBOX_STATE in .env points loadConfig at that sandbox", async () => {
    const dir = tmpProject();
    const state = path.join(dir, "my-state.json");
    // A stand-in for the emulator: a live process whose command line runs emulator/server.py,
    // which is what a state file's pid must be to count as a running sandbox.
    const emulator = spawn(process.execPath, [
      "-e",
      "setTimeout(() => {}, 60000)",
      path.join(dir, "emulator", "server.py"),
    ]);
    try {
      const sandbox = {
        endpoint: "http://127.0.0.1:9",
        region: "us-east-1",
        bucket: "flatfiles",
        accessKeyId: KEY,
        secretAccessKey: SECRET,
        pid: emulator.pid,
      };
      fs.writeFileSync(state, JSON.stringify(sandbox));
      // Relative to the .env's folder, wherever the notebook runs.
      fs.writeFileSync(path.join(dir, ".env"), "FLATFILES_SANDBOX_STATE=my-state.json\n");
      const c = loadConfig({ env: {}, cwd: path.join(dir, "notebooks") });
      assert.equal(c.target, "sandbox");
      assert.match(c.source, /my-state\.json/);
    } finally {
      emulator.kill();
    }
  });

  it("FLATFILES_CACHE_DIR in .env moves the download cache; the environment still wins", () => {
    const dir = tmpProject("FLATFILES_CACHE_DIR=/srv/flatfiles-cache\n");
    assert.equal(defaultCacheDir(kitEnv(dir, {})), "/srv/flatfiles-cache");
    assert.equal(defaultCacheDir(kitEnv(dir, { FLATFILES_CACHE_DIR: "/elsewhere" })), "/elsewhere");
  });
});

describe(".env.example", () => {
  it("documents exactly the variables the kit reads, with every value empty", async () => {
    const { VARIABLES } = await import("../../src/config/env");
    const { PACKAGE_ROOT } = await import("../../src/util/paths");
    const text = fs.readFileSync(path.join(PACKAGE_ROOT, ".env.example"), "utf8");
    const assigned = [...text.matchAll(/^([A-Z_]+)=(.*)$/gm)];
    assert.deepEqual(assigned.map((m) => m[1]).sort(), Object.keys(VARIABLES).sort());
    assert.ok(
      assigned.every((m) => m[2] === ""),
      "no example value may look like a key",
    );
  });
});
