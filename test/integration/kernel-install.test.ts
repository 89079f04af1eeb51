/**
 * `npm run kernel:install` as a user runs it before opening the course in their own Jupyter: it
 * registers the kernel in their Jupyter's data folder, makes their copy of the notebooks when it
 * is missing, and sends them to that copy, never to `notebooks/` (their Jupyter autosaves what it
 * opens, so following the old message modified the tracked course). Checked with the learner
 * folder and the data folder of this test, so a developer's own are untouched.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, it } from "node:test";
import { courseNotebooks } from "../../scripts/lib/learner-notebooks";
import { PACKAGE_ROOT } from "../../src/util/paths";

const FOLDER = "my-notebooks-kernel-install";
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "kit-jupyter-data-"));

after(() => {
  fs.rmSync(path.join(PACKAGE_ROOT, FOLDER), { recursive: true, force: true });
  fs.rmSync(dataDir, { recursive: true, force: true });
});

function install(): string {
  const r = spawnSync("npm", ["run", "--silent", "kernel:install"], {
    cwd: PACKAGE_ROOT,
    encoding: "utf8",
    env: { ...process.env, JUPYTER_DATA_DIR: dataDir, FLATFILES_LEARNER_DIR: FOLDER },
    timeout: 300_000,
  });
  assert.equal(r.status, 0, r.stderr + r.stdout);
  return r.stdout;
}

it("registers the kernel, makes the learner's copy and points at it, not at the course", {
  timeout: 600_000,
}, () => {
  fs.rmSync(path.join(PACKAGE_ROOT, FOLDER), { recursive: true, force: true });
  const course = courseNotebooks().map(
    (n) => [n, fs.readFileSync(path.join(PACKAGE_ROOT, "notebooks", n))] as const,
  );
  const out = install();

  assert.ok(fs.existsSync(path.join(dataDir, "kernels", "tslab", "kernel.json")), out);
  assert.deepEqual(
    courseNotebooks(path.join(PACKAGE_ROOT, FOLDER)),
    courseNotebooks(),
    "the copy has every notebook",
  );
  // Every notebook the message tells the user to open is in their copy, and exists there.
  const opened = [...out.matchAll(/open ([\w./-]+\.ipynb)/gi)].map((m) => m[1]);
  assert.ok(opened.length > 0, `the message names no notebook to open:\n${out}`);
  for (const p of opened) {
    assert.ok(p.startsWith(`${FOLDER}/`), `it sends the user to ${p}:\n${out}`);
    assert.ok(fs.existsSync(path.join(PACKAGE_ROOT, p)), `${p} does not exist`);
  }
  assert.match(out, new RegExp(`Your notebooks: ${FOLDER}/`));
  assert.doesNotMatch(out, /open a notebook of notebooks\//i);

  // Run again after the learner has worked in the copy: their work stays, the course is unchanged.
  const mine = path.join(PACKAGE_ROOT, FOLDER, course[0][0]);
  fs.writeFileSync(mine, "{}");
  assert.match(install(), /already there/);
  assert.equal(fs.readFileSync(mine, "utf8"), "{}");
  for (const [name, bytes] of course)
    assert.ok(fs.readFileSync(path.join(PACKAGE_ROOT, "notebooks", name)).equals(bytes), `${name} changed`);
});
