/**
 * The learner's copy (scripts/lib/learner-notebooks.ts): made on first start beside notebooks/
 * (so `../dist` and `../docs` links work from it), never overwritten by a later start, and
 * restored to the course's original by `npm run notebooks:restore`, keeping the learner's version.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, it } from "node:test";
import {
  COURSE_DIR,
  courseNotebooks,
  ensureLearnerCopies,
  learnerDir,
  restoreNotebooks,
} from "../../scripts/lib/learner-notebooks";
import { PACKAGE_ROOT } from "../../src/util/paths";

const env = { ...process.env, FLATFILES_LEARNER_DIR: `my-notebooks-unit-${process.pid}` };
const dir = learnerDir(env);
after(() => fs.rmSync(dir, { recursive: true, force: true }));

it("copies every course notebook beside notebooks/, and git ignores the copy", () => {
  assert.equal(path.dirname(dir), PACKAGE_ROOT, "same depth as notebooks/: ../dist and ../docs resolve");
  assert.deepEqual(ensureLearnerCopies(env), courseNotebooks());
  for (const name of courseNotebooks())
    assert.ok(fs.readFileSync(path.join(dir, name)).equals(fs.readFileSync(path.join(COURSE_DIR, name))));
  const ignored = spawnSync("git", ["check-ignore", "-q", path.join(dir, courseNotebooks()[0])], {
    cwd: PACKAGE_ROOT,
  });
  assert.equal(ignored.status, 0, "the learner's folder is ignored by git");
  const mine = spawnSync("git", ["check-ignore", "-q", "my-notebooks/01.ipynb"], { cwd: PACKAGE_ROOT });
  assert.equal(mine.status, 0, "my-notebooks/ is ignored by git");
});

it("keeps the learner's edits on the next start, and restores one notebook on demand", () => {
  const name = courseNotebooks()[1];
  const file = path.join(dir, name);
  fs.writeFileSync(file, '{"edited": true}');
  assert.deepEqual(ensureLearnerCopies(env), [], "a second start copies nothing over");
  assert.equal(fs.readFileSync(file, "utf8"), '{"edited": true}');

  const [r] = restoreNotebooks([name.slice(0, 2)], env);
  assert.equal(r.name, name);
  assert.ok(
    fs.readFileSync(file).equals(fs.readFileSync(path.join(COURSE_DIR, name))),
    "the original is back",
  );
  assert.equal(fs.readFileSync(r.keptAs!, "utf8"), '{"edited": true}', "the learner's version is kept");
});

it("restores all notebooks with no name, and refuses a name that is not a course notebook", () => {
  fs.rmSync(path.join(dir, courseNotebooks()[0]));
  assert.deepEqual(
    restoreNotebooks([], env).map((r) => r.name),
    courseNotebooks(),
  );
  assert.ok(fs.existsSync(path.join(dir, courseNotebooks()[0])));
  assert.throws(() => restoreNotebooks(["99"], env), /No course notebook is called "99"; name one of: 00-/);
  assert.throws(() => learnerDir({ FLATFILES_LEARNER_DIR: "../elsewhere" }), /must be a folder name/);
});
