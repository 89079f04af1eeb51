/**
 * The learner's copy of the course. `notebooks/` is the course as committed; a learner works in
 * `my-notebooks/` (ignored by git), made on first start, so their edits and Jupyter's autosave
 * never change the tracked notebooks, and `npm run notebooks:restore` gets the original back.
 *
 * The copy sits beside `notebooks/`, at the same depth, so the notebooks' relative links
 * (`../docs/...`, `02-....ipynb`) and imports (`../dist`) work unchanged from it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fileError } from "../../src/util/file-errors";
import { PACKAGE_ROOT } from "../../src/util/paths";

export const COURSE_DIR = path.join(PACKAGE_ROOT, "notebooks");
export const LEARNER_DIR_NAME = "my-notebooks";

/** The course's notebooks, `NN-name.ipynb`, in order. */
export function courseNotebooks(dir: string = COURSE_DIR): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => /^\d\d-.*\.ipynb$/.test(f))
    .sort();
}

/**
 * The learner's folder: `my-notebooks/`, or FLATFILES_LEARNER_DIR (a folder name directly in the
 * project, as the tests use, so `../dist` still resolves).
 */
export function learnerDir(env: NodeJS.ProcessEnv = process.env): string {
  const name = env.FLATFILES_LEARNER_DIR || LEARNER_DIR_NAME;
  if (!/^[A-Za-z0-9][\w.-]*$/.test(name) || name === "notebooks")
    throw new Error(
      `FLATFILES_LEARNER_DIR must be a folder name in the project, like "my-notebooks" (got ${JSON.stringify(name.slice(0, 80))}).`,
    );
  return path.join(PACKAGE_ROOT, name);
}

/** Copy each course notebook the learner does not have yet; returns the ones copied. */
export function ensureLearnerCopies(env: NodeJS.ProcessEnv = process.env): string[] {
  const dir = learnerDir(env);
  fs.mkdirSync(dir, { recursive: true });
  const copied: string[] = [];
  for (const name of courseNotebooks()) {
    const target = path.join(dir, name);
    if (fs.existsSync(target)) continue;
    copyNotebook(name, target);
    copied.push(name);
  }
  return copied;
}

/** The course notebook a name means: "04", "04-exploring-flat-files" or the file name. */
export function resolveNotebook(name: string): string {
  const all = courseNotebooks();
  const base = path.basename(name);
  const hit = all.filter((f) => f === base || f === `${base}.ipynb` || f.startsWith(`${base}-`));
  if (hit.length === 1) return hit[0];
  throw new Error(
    `No course notebook is called ${JSON.stringify(name.slice(0, 80))}; name one of: ${all.join(", ")} (or its number, like 04).`,
  );
}

export interface Restored {
  name: string;
  /** Where the learner's version was kept, if there was one. */
  keptAs?: string;
}

/**
 * Put the original of one notebook (or all) back in the learner's folder. The learner's version
 * is kept as `<name>.before-restore-<time>.ipynb` beside it, so a restore loses nothing.
 */
export function restoreNotebooks(names: string[], env: NodeJS.ProcessEnv = process.env): Restored[] {
  const dir = learnerDir(env);
  fs.mkdirSync(dir, { recursive: true });
  const which = names.length ? names.map(resolveNotebook) : courseNotebooks();
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  return which.map((name) => {
    const target = path.join(dir, name);
    // Node's EISDIR from a read names no path: the notebook's place is the one to name.
    try {
      let keptAs: string | undefined;
      if (fs.existsSync(target)) {
        if (fs.readFileSync(target).equals(fs.readFileSync(path.join(COURSE_DIR, name)))) return { name };
        keptAs = path.join(dir, `${name.replace(/\.ipynb$/, "")}.before-restore-${stamp}.ipynb`);
        fs.renameSync(target, keptAs);
      }
      copyNotebook(name, target);
      return { name, keptAs };
    } catch (e) {
      throw fileError(e, { action: `restoring ${name}`, path: target });
    }
  });
}

/** Copy through a temporary file, so a copy cut short is never taken for the learner's notebook. */
function copyNotebook(name: string, target: string): void {
  const tmp = `${target}.${process.pid}.tmp`;
  fs.copyFileSync(path.join(COURSE_DIR, name), tmp);
  fs.renameSync(tmp, target);
}
