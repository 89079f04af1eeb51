/** No credential in any committed file: the running sandbox's keys, or anything shaped like a real key. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
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
    const hits = files.filter((f) => read(f).includes(st.accessKeyId) || read(f).includes(st.secretAccessKey));
    assert.deepEqual(hits, []);
  });

  it("has nothing shaped like a real access key id or an assigned secret", () => {
    const fake = /UNKNOWN|EXAMPLE|XXXX|0000/;
    const found: string[] = [];
    for (const f of files) {
      const text = read(f);
      for (const m of text.matchAll(/\b(AKIA|ASIA)[0-9A-Z]{16}\b/g)) if (!fake.test(m[0])) found.push(`${f}: ${m[0]}`);
      for (const m of text.matchAll(/(secret[_a-z]*)["']?\s*[:=]\s*["']?([A-Za-z0-9/+]{32,})/gi)) if (!fake.test(m[2])) found.push(`${f}: ${m[1]}=${m[2].slice(0, 6)}…`);
    }
    assert.deepEqual(found, []);
  });

  it("keeps .env out of git", () => {
    assert.ok(!files.includes(".env"));
    assert.match(read(".gitignore"), /^\.env$/m);
  });
});
