/**
 * `npm run notebooks:restore [name...]`: put the course's original notebook (one, several, or all)
 * back in your folder (`my-notebooks/`). Your version is kept beside it, renamed.
 */
import * as path from "node:path";
import { fileError } from "../src/util/file-errors";
import { PACKAGE_ROOT } from "../src/util/paths";
import { learnerDir, restoreNotebooks } from "./lib/learner-notebooks";

let folder = "my-notebooks";
try {
  folder = path.relative(PACKAGE_ROOT, learnerDir());
  for (const r of restoreNotebooks(process.argv.slice(2))) {
    console.log(
      r.keptAs
        ? `${folder}/${r.name}: restored; your version is now ${path.basename(r.keptAs)}`
        : `${folder}/${r.name}: the original`,
    );
  }
  console.log("A notebook open in Jupyter: reload its page (and do not save the old tab over it).");
} catch (e) {
  // A file error (the folder a dangling link, a file; a notebook's place a folder) names the path and what to do.
  const said = fileError(e, {
    action: `restoring notebooks into ${folder}`,
    setting: "or set FLATFILES_LEARNER_DIR to another folder name",
  });
  console.error(said instanceof Error ? said.message : said);
  process.exit(1);
}
