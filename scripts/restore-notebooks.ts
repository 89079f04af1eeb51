/**
 * `npm run notebooks:restore [name...]`: put the course's original notebook (one, several, or all)
 * back in your folder (`my-notebooks/`). Your version is kept beside it, renamed.
 */
import * as path from "node:path";
import { PACKAGE_ROOT } from "../src/util/paths";
import { learnerDir, restoreNotebooks } from "./lib/learner-notebooks";

try {
  const folder = path.relative(PACKAGE_ROOT, learnerDir());
  for (const r of restoreNotebooks(process.argv.slice(2))) {
    console.log(
      r.keptAs
        ? `${folder}/${r.name}: restored; your version is now ${path.basename(r.keptAs)}`
        : `${folder}/${r.name}: the original`,
    );
  }
  console.log("A notebook open in Jupyter: reload its page (and do not save the old tab over it).");
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
}
