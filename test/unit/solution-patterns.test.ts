/**
 * Each exercise's expected-output pattern (scripts/lib/solution-checks.json) must be able to
 * fail: the notebook test checks a solution's output against it, and a pattern loose enough to
 * accept a wrong answer would pass a wrong solution. Every solution lists plausible wrong answers
 * (`reject`), and its pattern must turn each one down. The checks are kept out of the pages the
 * learner reads (docs/solutions): no test annotation is left there, and every exercise of a page
 * has its checks, with none left for an exercise that is gone.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { describe, it } from "node:test";
import { courseNotebooks } from "../../scripts/lib/learner-notebooks";
import { allSolutionChecks, readSolutions, solutionsFile } from "../../scripts/lib/solutions";

const notebooks = courseNotebooks();

describe("each solution's expected pattern rejects a plausible wrong answer", () => {
  it("finds the notebooks", () => assert.ok(notebooks.length >= 8));
  for (const name of notebooks) {
    for (const s of readSolutions(name)) {
      it(`${name.slice(0, 2)} exercise ${s.exercise}`, () => {
        assert.ok(s.expect, "an `expect` pattern in solution-checks.json");
        assert.ok(s.rejects.length > 0, "at least one `reject` wrong answer in solution-checks.json");
        for (const wrong of s.rejects) {
          assert.doesNotMatch(wrong, s.expect, `the pattern accepts the wrong answer: ${wrong}`);
        }
      });
    }
  }
});

describe("the solution pages show the learner nothing meant for the tests", () => {
  for (const name of notebooks) {
    it(`${name.slice(0, 2)}: no HTML comment on the page, and checks for exactly its exercises`, () => {
      const file = solutionsFile(name);
      if (!fs.existsSync(file)) return;
      const text = fs.readFileSync(file, "utf8");
      assert.doesNotMatch(text, /<!--/, `${file} has an HTML comment (shown raw by some viewers)`);
      const exercises = readSolutions(name).map((s) => String(s.exercise));
      const checked = Object.keys(allSolutionChecks()[name.replace(/\.ipynb$/, "")] ?? {});
      assert.deepEqual(
        checked.sort(),
        [...exercises].sort(),
        "solution-checks.json lists other exercises than the page",
      );
    });
  }
  it("has no checks for a notebook that has no solutions page", () => {
    const pages = new Set(notebooks.map((n) => n.replace(/\.ipynb$/, "")));
    assert.deepEqual(
      Object.keys(allSolutionChecks()).filter((k) => !pages.has(k)),
      [],
    );
  });
});
