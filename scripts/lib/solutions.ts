/**
 * Exercise solutions live in docs/solutions/<notebook>.md, one "## Exercise N" section each, with
 * a ```ts block to paste at the end of the notebook; the learner reads those pages. What the test
 * suite checks them with lives here, out of the learner's view, in solution-checks.json: per
 * notebook and exercise, an `expect` pattern the output must match and `reject`, plausible wrong
 * answers (as the cell would print them) that the pattern must turn down. The notebook test
 * appends the solutions to the notebook and checks the output; a unit test checks that each
 * pattern turns its wrong answers down and that every exercise has its checks.
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

export type Checks = Record<string, Record<string, { expect: string | null; reject: string[] }>>;

export const SOLUTION_CHECKS_FILE = path.join(PACKAGE_ROOT, "scripts", "lib", "solution-checks.json");

export function solutionsFile(notebook: string): string {
  return path.join(PACKAGE_ROOT, "docs", "solutions", notebook.replace(/\.ipynb$/, ".md"));
}

/** The checks of one notebook's exercises, by exercise number (as written in the JSON). */
export function solutionChecks(notebook: string): Checks[string] {
  return allSolutionChecks()[notebook.replace(/\.(ipynb|md)$/, "")] ?? {};
}

/** Every notebook's checks, as the JSON file has them. */
export function allSolutionChecks(): Checks {
  return JSON.parse(fs.readFileSync(SOLUTION_CHECKS_FILE, "utf8")) as Checks;
}

export function readSolutions(notebook: string): Solution[] {
  const file = solutionsFile(notebook);
  if (!fs.existsSync(file)) return [];
  const text = fs.readFileSync(file, "utf8");
  const byExercise = solutionChecks(notebook);
  return text
    .split(/^## Exercise /m)
    .slice(1)
    .map((section) => {
      const exercise = Number.parseInt(section, 10);
      const code = /```ts\n([\s\S]*?)\n```/.exec(section)?.[1] ?? "";
      const check = byExercise[String(exercise)];
      return {
        exercise,
        code,
        expect: check?.expect ? new RegExp(check.expect) : null,
        rejects: check?.reject ?? [],
      };
    });
}
