/**
 * Exercise solutions live in docs/solutions/<notebook>.md, one "## Exercise N" section each: a
 * ```ts block to paste at the end of the notebook, and an `<!-- expect: regex -->` comment that
 * says what it must show. The notebook test appends them to the notebook and checks the output.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { PACKAGE_ROOT } from "../../src/util/paths";

export interface Solution {
  exercise: number;
  code: string;
  expect: RegExp | null;
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
      return { exercise: Number.parseInt(section, 10), code, expect: expect ? new RegExp(expect) : null };
    });
}
