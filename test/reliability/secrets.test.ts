/** No credential in any committed file: the running sandbox's keys, or anything shaped like a real key. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { PACKAGE_ROOT } from "../../src/util/paths";
import { sandboxState } from "../helpers/sandbox";

const files = spawnSync("git", ["ls-files"], { cwd: PACKAGE_ROOT, encoding: "utf8" })
  .stdout.split("\n")
  .filter((f) => f && !/\.(png|parquet|gz)$/.test(f) && fs.existsSync(path.join(PACKAGE_ROOT, f)));
const read = (f: string) => fs.readFileSync(path.join(PACKAGE_ROOT, f), "utf8");

describe("secrets in committed files", () => {
  it("scans the tracked files", () => assert.ok(files.length > 50, `${files.length} files`));

  it("never contains this run's sandbox keys", () => {
    const st = sandboxState();
    const hits = files.filter(
      (f) => read(f).includes(st.accessKeyId) || read(f).includes(st.secretAccessKey),
    );
    assert.deepEqual(hits, []);
  });

  it("has nothing shaped like a real access key id or an assigned secret", () => {
    const fake = /UNKNOWN|EXAMPLE|XXXX|0000/;
    const found: string[] = [];
    for (const f of files) {
      const text = read(f);
      for (const m of text.matchAll(/\b(AKIA|ASIA)[0-9A-Z]{16}\b/g))
        if (!fake.test(m[0])) found.push(`${f}: ${m[0]}`);
      for (const m of text.matchAll(/(secret[_a-z]*)["']?\s*[:=]\s*["']?([A-Za-z0-9/+]{32,})/gi))
        if (!fake.test(m[2])) found.push(`${f}: ${m[1]}=${m[2].slice(0, 6)}…`);
    }
    assert.deepEqual(found, []);
  });

  it("keeps .env out of git", () => {
    assert.ok(!files.includes(".env"));
    assert.match(read(".gitignore"), /^\.env$/m);
  });
});

describe("secrets in what the CLI prints and caches", () => {
  const cli = (env: NodeJS.ProcessEnv, ...args: string[]) => {
    const r = spawnSync(process.execPath, [path.join(PACKAGE_ROOT, "dist", "cli", "main.js"), ...args], {
      encoding: "utf8",
      env: { ...process.env, ...env },
    });
    return r.stdout + r.stderr;
  };

  it("never prints or caches the keys in use, good or bad", () => {
    const st = sandboxState();
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "kit-secret-cache-"));
    const outputs = [
      cli({ FLATFILES_CACHE_DIR: cacheDir }, "config"),
      cli({ FLATFILES_CACHE_DIR: cacheDir }, "ls"),
      cli({ FLATFILES_CACHE_DIR: cacheDir }, "head", "us_stocks_sip/day_aggs_v1", "2024-03-15"),
      cli({ FLATFILES_CACHE_DIR: cacheDir }, "get", "us_options_opra/quotes_v1", "2026-11-20"),
    ].join("\n");
    const cached = spawnSync("grep", ["-rl", st.secretAccessKey, cacheDir], { encoding: "utf8" }).stdout;
    assert.ok(!outputs.includes(st.accessKeyId) && !outputs.includes(st.secretAccessKey), outputs);
    assert.equal(cached, "", "no cache file holds the secret");

    // Distinctive wrong keys aimed at the sandbox endpoint, as if from a user's .env.
    const distinct = {
      FLATFILES_TARGET: "massive",
      FLATFILES_ENDPOINT: st.endpoint,
      FLATFILES_ACCESS_KEY_ID: "AKIADISTINCTIVEEXAMPLE1",
      FLATFILES_SECRET_ACCESS_KEY: "Distinctive/Secret+Value/EXAMPLE/0123456789",
    };
    const refused =
      cli({ ...distinct, FLATFILES_CACHE_DIR: cacheDir }, "ls") +
      cli({ ...distinct, FLATFILES_CACHE_DIR: cacheDir }, "config");
    assert.match(refused, /InvalidAccessKeyId/);
    assert.ok(
      !refused.includes(distinct.FLATFILES_ACCESS_KEY_ID) &&
        !refused.includes(distinct.FLATFILES_SECRET_ACCESS_KEY),
      refused,
    );
  });
});
