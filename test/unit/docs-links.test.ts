/**
 * Every relative link in the README, docs and notebooks leads somewhere: the file exists, and an
 * anchor names a heading of that notebook (Jupyter's anchors) or Markdown page (GitHub's).
 * Notebook sections get renumbered; the links into them must follow.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { join, readNotebook } from "../../scripts/lib/notebook-file";
import { PACKAGE_ROOT } from "../../src/util/paths";

function markdownFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    // Hidden folders are not docs: Jupyter leaves .ipynb_checkpoints/ copies beside a page it opened.
    if (e.name.startsWith(".")) return [];
    const p = path.join(dir, e.name);
    return e.isDirectory() ? markdownFiles(p) : e.name.endsWith(".md") ? [p] : [];
  });
}

const notebooksDir = path.join(PACKAGE_ROOT, "notebooks");
const notebooks = fs
  .readdirSync(notebooksDir)
  .filter((f) => /^\d\d-.*\.ipynb$/.test(f))
  .map((f) => path.join(notebooksDir, f));

/** The text a reader sees of each place that holds links. */
function sources(): { file: string; text: string }[] {
  const md = [path.join(PACKAGE_ROOT, "README.md"), ...markdownFiles(path.join(PACKAGE_ROOT, "docs"))];
  return [
    ...md.map((file) => ({ file, text: fs.readFileSync(file, "utf8") })),
    ...notebooks.map((file) => ({
      file,
      text: readNotebook(file)
        .cells.filter((c) => c.cell_type === "markdown")
        .map((c) => join(c.source))
        .join("\n\n"),
    })),
  ];
}

const headings = (markdown: string) =>
  [...markdown.matchAll(/^#{1,6} (.+)$/gm)].map((m) => m[1].replace(/[`*]/g, "").trim());

/** Jupyter (classic Notebook, nbviewer): the heading's text with spaces turned into hyphens. */
const jupyterAnchor = (h: string) => h.replace(/ /g, "-");
/** GitHub: lower case, punctuation dropped except hyphens, spaces turned into hyphens. */
const githubAnchor = (h: string) =>
  h
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, "")
    .replace(/ /g, "-");

function anchorsOf(file: string): string[] {
  if (file.endsWith(".ipynb")) {
    const nb = readNotebook(file);
    return headings(
      nb.cells
        .filter((c) => c.cell_type === "markdown")
        .map((c) => join(c.source))
        .join("\n"),
    ).map(jupyterAnchor);
  }
  return headings(fs.readFileSync(file, "utf8").replace(/```[\s\S]*?```/g, "")).map(githubAnchor);
}

describe("links in the README, docs and notebooks", () => {
  const all = sources();
  it("finds the pages", () => assert.ok(all.length > 10));
  for (const { file, text } of all) {
    it(path.relative(PACKAGE_ROOT, file), () => {
      const broken: string[] = [];
      const prose = text.replace(/```[\s\S]*?```/g, "");
      for (const [, target] of prose.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^(https?|mailto):/.test(target)) continue;
        const [rel, anchor] = target.split("#");
        const dest = rel ? path.resolve(path.dirname(file), decodeURIComponent(rel)) : file;
        if (!fs.existsSync(dest)) {
          broken.push(`${target}: no such file`);
          continue;
        }
        if (
          anchor &&
          !fs.statSync(dest).isDirectory() &&
          !anchorsOf(dest).includes(decodeURIComponent(anchor))
        ) {
          broken.push(`${target}: no heading with that anchor`);
        }
      }
      assert.deepEqual(broken, []);
    });
  }
});
