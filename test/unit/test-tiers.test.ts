/**
 * `npm run check` runs test/unit and must stay the fast loop while editing (issue #32: it had
 * grown to 73 s on a quiet machine, most of it tests that start a tslab kernel or compiler,
 * generate whole sandbox days or pack the kit). Such a test belongs in the folder named for what
 * it starts, where `npm test` still runs it; this fails when one lands in test/unit again.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { it } from "node:test";
import { PACKAGE_ROOT } from "../../src/util/paths";

/** What a unit test must not start, and the folder it goes to instead. */
const ELSEWHERE: { starts: RegExp; what: string; folder: string }[] = [
  {
    starts: /from "tslab\/|helpers\/tslab-kernel"/,
    what: "a tslab kernel or compiler",
    folder: "test/kernel",
  },
  {
    starts: /\bsandboxDayFile\(|\bstartSandbox\(/,
    what: "a whole sandbox day or a sandbox",
    folder: "test/sandbox",
  },
  {
    starts: /["'`]pack["'`]|npm pack|installPacked/,
    what: "`npm pack` or an install",
    folder: "test/package",
  },
];

it("test/unit starts no kernel, whole sandbox day or npm pack (those tests have folders of their own)", () => {
  const dir = path.join(PACKAGE_ROOT, "test", "unit");
  const wrong: string[] = [];
  for (const f of fs.readdirSync(dir).filter((n) => n.endsWith(".ts") && n !== path.basename(__filename))) {
    const text = fs.readFileSync(path.join(dir, f), "utf8");
    for (const e of ELSEWHERE)
      if (e.starts.test(text)) wrong.push(`${f} starts ${e.what}: move it to ${e.folder}`);
  }
  assert.deepEqual(wrong, []);
});

it("every test folder that check leaves out is run by npm test (it walks all of test/)", () => {
  const runner = fs.readFileSync(path.join(PACKAGE_ROOT, "scripts", "test.ts"), "utf8");
  assert.match(runner, /testFiles\(args\.length \? args : \["test"\]\)/);
  for (const e of ELSEWHERE)
    assert.ok(fs.existsSync(path.join(PACKAGE_ROOT, e.folder)), `${e.folder} exists`);
});
