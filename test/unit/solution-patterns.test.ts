/**
 * Each exercise's expected-output pattern (docs/solutions) must be able to fail: the notebook
 * test checks a solution's output against it, and a pattern loose enough to accept a wrong
 * answer would pass a wrong solution. Every solution lists plausible wrong answers
 * (`<!-- reject: … -->`), and its pattern must turn each one down.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { readSolutions } from "../../scripts/lib/solutions";
import { PACKAGE_ROOT } from "../../src/util/paths";

const notebooks = fs
  .readdirSync(path.join(PACKAGE_ROOT, "notebooks"))
  .filter((f) => /^\d\d-.*\.ipynb$/.test(f))
  .sort();

describe("each solution's expected pattern rejects a plausible wrong answer", () => {
  it("finds the notebooks", () => assert.ok(notebooks.length >= 8));
  for (const name of notebooks) {
    for (const s of readSolutions(name)) {
      it(`${name.slice(0, 2)} exercise ${s.exercise}`, () => {
        assert.ok(s.expect, "an <!-- expect: … --> pattern");
        assert.ok(s.rejects.length > 0, "at least one <!-- reject: … --> wrong answer");
        for (const wrong of s.rejects) {
          assert.doesNotMatch(wrong, s.expect, `the pattern accepts the wrong answer: ${wrong}`);
        }
      });
    }
  }
});
