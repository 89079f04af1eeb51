/**
 * Exercise solutions live in docs/solutions/<notebook>.md, one "## Exercise N" section each: a
 * ```ts block to paste at the end of the notebook, an `<!-- expect: regex -->` comment that says
 * what it must show, and one or more `<!-- reject: text -->` comments, each a plausible wrong
 * answer (as the cell would print it; `\n` for a line break) that the pattern must not accept.
 * The notebook test appends the solutions to the notebook and checks the output; a unit test
 * checks that each pattern turns its wrong answers down.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { PACKAGE_ROOT } from "../../src/util/paths";

export interface Solution {
  exercise: number;
  code: string;
  expect: RegExp | null;
  /** Wrong answers the expected pattern must not match. */
  rejects: string[];
}

export function solutionsFile(notebook: string): string {
  return path.join(PACKAGE_ROOT, "docs", "solutions", notebook.replace(/\.ipynb$/, ".md"));
}

export function readSolutions(notebook: string): Solution[] {
  const file = solutionsFile(notebook);
  if (!fs.existsSync(file)) return [];
  const text = fs.readFileSync(file, "utf8");
  return text
    .split(/^## Exercise /m)
    .slice(1)
    .map((section) => {
      const code = /```ts\n([\s\S]*?)\n```/.exec(section)?.[1] ?? "";
      const expect = /<!-- expect: (.+?) -->/.exec(section)?.[1];
      const rejects = [...section.matchAll(/<!-- reject: (.+?) -->/g)].map((m) => m[1].replace(/\\n/g, "\n"));
      return {
        exercise: Number.parseInt(section, 10),
        code,
        expect: expect ? new RegExp(expect) : null,
        rejects,
      };
    });
}
