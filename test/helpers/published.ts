/**
 * The published sample files (test/fixtures/published/) for tests that check the kit's analyses
 * against their text: a reader of their own (not polars) and a gzipped copy for loadDay.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { gzipSync } from "node:zlib";
import { PACKAGE_ROOT } from "../../src/util/paths";

export const PUBLISHED_DIR = path.join(PACKAGE_ROOT, "test", "fixtures", "published");

export interface PublishedEntry {
  file: string;
  dataset: string;
  kind: "real-head" | "docs-sample" | "test-rows" | "outdated";
}

/** The files of fixtures.json (outdated ones left out: real files no longer look like them). */
export function publishedFiles(datasetPrefix: string): PublishedEntry[] {
  const all: PublishedEntry[] = JSON.parse(
    fs.readFileSync(path.join(PUBLISHED_DIR, "fixtures.json"), "utf8"),
  ).files;
  return all.filter((e) => e.kind !== "outdated" && e.dataset.startsWith(datasetPrefix));
}

/** RFC 4180 fields of one line: commas split, double quotes group, "" is a quote. */
export function csvFields(line: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted && ch === '"' && line[i + 1] === '"') {
      cur += '"';
      i++;
    } else if (ch === '"') quoted = !quoted;
    else if (ch === "," && !quoted) {
      out.push(cur);
      cur = "";
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/** A published file's rows as records of text, keyed by the header's names. */
export function publishedRows(file: string): Record<string, string>[] {
  const lines = fs
    .readFileSync(path.join(PUBLISHED_DIR, file), "utf8")
    .split(/\r?\n/)
    .filter((l) => l !== "");
  const header = csvFields(lines[0]).map((h) => h.toLowerCase());
  return lines.slice(1).map((l) => {
    const values = csvFields(l);
    return Object.fromEntries(header.map((h, i) => [h, values[i]]));
  });
}

let tmp: string | undefined;

/** A gzipped copy of a published file in a temporary folder, for loadDay. */
export function gzPublished(file: string): string {
  tmp ??= fs.mkdtempSync(path.join(os.tmpdir(), "kit-published-helpers-"));
  const out = path.join(tmp, `${file}.csv.gz`);
  if (!fs.existsSync(out)) fs.writeFileSync(out, gzipSync(fs.readFileSync(path.join(PUBLISHED_DIR, file))));
  return out;
}
