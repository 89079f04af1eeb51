/**
 * The notebooks read as a tutorial: short code cells that fit the page, a "what you will learn"
 * list, numbered sections, a recap, exercises whose solutions exist (the notebook test runs them)
 * and a link to the next notebook.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { join, readNotebook } from "../../scripts/lib/notebook-file";
import { readSolutions } from "../../scripts/lib/solutions";
import { PACKAGE_ROOT } from "../../src/util/paths";

const dir = path.join(PACKAGE_ROOT, "notebooks");
const names = fs
  .readdirSync(dir)
  .filter((f) => /^\d\d-.*\.ipynb$/.test(f))
  .sort();
const MAX_LINES = 10;
const MAX_WIDTH = 90;

function tooLong(code: string): string[] {
  const lines = code.split("\n");
  const problems = lines
    .filter((l) => l.length > MAX_WIDTH)
    .map((l) => `${l.length} characters: ${l.trim().slice(0, 60)}…`);
  if (lines.length > MAX_LINES) problems.push(`${lines.length} lines (at most ${MAX_LINES})`);
  return problems;
}

describe("notebooks read as a tutorial", () => {
  for (const name of names) {
    describe(name, () => {
      const nb = readNotebook(path.join(dir, name));
      const markdown = nb.cells
        .filter((c) => c.cell_type === "markdown")
        .map((c) => join(c.source))
        .join("\n\n");

      it(`has code cells of at most ${MAX_LINES} lines and ${MAX_WIDTH} characters`, () => {
        const problems = nb.cells.flatMap((c, i) =>
          c.cell_type === "code" ? tooLong(join(c.source)).map((p) => `cell ${i + 1}: ${p}`) : [],
        );
        assert.deepEqual(problems, []);
      });

      it("saves nothing that changes on every run: no timing metadata, speeds or machine paths", () => {
        const timed = nb.cells.filter((c) => "execution" in (c.metadata ?? {})).length;
        assert.equal(timed, 0, "cells with nbconvert's timing metadata (refresh with record_timing off)");
        const saved = JSON.stringify(nb.cells.map((c) => c.outputs ?? []));
        assert.doesNotMatch(saved, /\d MB\/s|\/(?:home|root|Users|tmp|work)\/[\w.-]+\//);
      });

      it("says what you will learn, in numbered sections, and ends with a recap", () => {
        assert.match(markdown, /\*\*What you will learn\*\*/);
        const sections = [...markdown.matchAll(/^## (\d+) · /gm)].map((m) => Number(m[1]));
        assert.ok(sections.length >= 3, `numbered sections: ${sections}`);
        assert.deepEqual(
          sections,
          sections.map((_, i) => i + 1),
          "sections numbered 1, 2, 3… in order",
        );
        assert.match(markdown, /^## Recap$/m);
      });

      it("links to the next notebook, which exists", () => {
        const next = /\*\*Next:\*\* \[[^\]]+\]\(([^)]+)\)/.exec(markdown);
        assert.ok(next, "a **Next:** link at the end");
        assert.ok(fs.existsSync(path.resolve(dir, next[1])), `${next[1]} does not exist`);
      });

      it("has 2-3 exercises, each with a solution that fits the same limits", () => {
        const block = /^## Exercises\n\n((?:\d\. .*\n?)+)/m.exec(markdown);
        assert.ok(block, "an ## Exercises section with a numbered list");
        const count = block[1].trim().split("\n").length;
        assert.ok(count >= 2 && count <= 3, `${count} exercises`);
        const solutions = readSolutions(name);
        assert.equal(
          solutions.length,
          count,
          `docs/solutions/${name.replace(".ipynb", ".md")} has ${solutions.length} solutions`,
        );
        assert.match(
          markdown,
          new RegExp(`docs/solutions/${name.replace(".ipynb", "\\.md")}`),
          "a link to the solutions",
        );
        for (const s of solutions) {
          assert.ok(s.expect, `solution ${s.exercise} says what it should show`);
          assert.deepEqual(tooLong(s.code), [], `solution ${s.exercise}`);
        }
      });
    });
  }
});
