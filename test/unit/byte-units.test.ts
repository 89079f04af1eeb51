/**
 * One byte unit everywhere: decimal (1 MB = 10^6 bytes), through `formatBytes`. A file was
 * "31.4 MB" in a notebook (MiB, labelled MB) and "32.9 MB" in the CLI; the scan below fails on
 * the next formatter of its own anywhere in src/.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { formatBytes, formatRate } from "../../src/util/bytes";
import { PACKAGE_ROOT } from "../../src/util/paths";

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : e.name.endsWith(".ts") ? [p] : [];
  });
}

/** The code of a file without its comments (a comment may say "8 MiB" of a default). */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`\\])\/\/.*$/gm, "$1");
}

/** A unit of a rounded size (an exact count written as "N bytes" is not one). */
const UNIT = String.raw`(?:[kKMGT]i?)?B(?![\w/])|[kKMGT]i?B/s`;
/**
 * A number put before a unit in a template or by concatenation, or a division by a unit's size
 * rounded for show.
 */
const FORMATTERS = [
  new RegExp(String.raw`\$\{[^}]*\}\s*(?:${UNIT})`),
  new RegExp(String.raw`\+\s*["'\`]\s*(?:${UNIT})`),
  /\/\s*(?:1e[369]|1024\b|1048576|2\s*\*\*\s*[123]0|1\s*<<\s*[123]0|1024\s*\*\*\s*[23]|MIB|MB)\b[^;\n]*toFixed/,
];

describe("byte sizes", () => {
  it("are written in decimal units, rounding carried into the next unit", () => {
    assert.equal(formatBytes(0), "0 B");
    assert.equal(formatBytes(999), "999 B");
    assert.equal(formatBytes(1000), "1.0 kB");
    assert.equal(formatBytes(3_400), "3.4 kB");
    assert.equal(formatBytes(999_960), "1.0 MB", "not 1000.0 kB");
    assert.equal(formatBytes(32_925_696), "32.9 MB", "the file that was 31.4 MB (MiB) in a notebook");
    assert.equal(formatBytes(2_150_000_000), "2.15 GB");
    assert.equal(formatBytes(1.2e12), "1.20 TB");
    assert.equal(formatRate(12_345_678), "12.3 MB/s");
  });

  it("have one formatter in src/: util/bytes.ts (a scan for templates, concatenations and divisions)", () => {
    const found: string[] = [];
    for (const file of sources(path.join(PACKAGE_ROOT, "src"))) {
      const rel = path.relative(PACKAGE_ROOT, file);
      if (rel === path.join("src", "util", "bytes.ts")) continue;
      for (const [i, line] of code(fs.readFileSync(file, "utf8")).split("\n").entries())
        if (FORMATTERS.some((re) => re.test(line))) found.push(`${rel}:${i + 1}: ${line.trim()}`);
    }
    assert.deepEqual(found, [], "format byte counts with formatBytes (src/util/bytes.ts)");
  });

  it("the scan catches the formatters it replaced", () => {
    // The old source lines, as text ("#{" stands for a template's placeholder opening).
    for (const old of [
      "const text = `#{label}: #{mb(p.bytes)} / #{mb(p.total)} MB (#{pct}%)`;",
      "if (n < 1e6) return `#{(n / 1e3).toFixed(1)} kB`;",
      "`guessed part size of #{check.segments[0].length / MIB} MiB`",
      "return (n / 2 ** 20).toFixed(1);",
      'return size + " MB";',
    ])
      assert.ok(
        FORMATTERS.some((re) => re.test(code(old.replaceAll("#{", "$" + "{")))),
        old,
      );
  });
});
