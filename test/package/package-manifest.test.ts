/**
 * Ready to publish (issue 24): the manifest has what a registry page and a consumer's tools read,
 * the tarball holds the compiled library and nothing of the repository's own tooling, and
 * `npm publish --dry-run` is clean. Whether to publish is a separate decision.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { NODE_FLOOR } from "../../src/util/node-version";
import { PACKAGE_ROOT } from "../../src/util/paths";

const manifest = JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, "package.json"), "utf8"));

/** npm with npm's own settings from an enclosing `npm test` removed. */
function npm(args: string[]) {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith("npm_")) delete env[k];
  return spawnSync("npm", args, { cwd: PACKAGE_ROOT, encoding: "utf8", env });
}

describe("package.json", () => {
  it("is publishable: no private flag, a name, a semver version, a license", () => {
    assert.equal(manifest.private, undefined);
    assert.equal(manifest.name, "flatfiles-kit");
    assert.match(manifest.version, /^\d+\.\d+\.\d+(-[\w.]+)?$/);
    assert.ok(manifest.license);
  });

  it("has what a registry page shows: description, keywords, repository, homepage, bugs", () => {
    assert.ok(manifest.description.length > 20);
    assert.ok(manifest.keywords.length >= 5);
    assert.match(manifest.repository.url, /^git\+https:\/\/.+\.git$/);
    assert.ok(manifest.homepage && manifest.bugs?.url);
  });

  it("states the Node floor the kit checks at import", () => {
    assert.equal(manifest.engines.node, `>=${NODE_FLOOR}`);
  });

  it("maps each entry to built files with their types first", () => {
    for (const [sub, target] of Object.entries(manifest.exports) as [string, unknown][]) {
      if (typeof target === "string") continue;
      const t = target as Record<string, string>;
      assert.equal(Object.keys(t)[0], "types", `${sub}: "types" must come first for TypeScript`);
      assert.match(t.types, /^\.\/dist\/.+\.d\.ts$/);
      assert.match(t.default, /^\.\/dist\/.+\.js$/);
    }
    assert.equal(manifest.main, "dist/index.js");
    assert.equal(manifest.types, "dist/index.d.ts");
  });

  it("runs no script in a consumer's install (the tslab patch and native polars are this checkout's prepare)", () => {
    for (const s of ["preinstall", "install", "postinstall"]) assert.equal(manifest.scripts[s], undefined, s);
    assert.match(manifest.scripts.prepare, /patch-package/);
    assert.match(manifest.scripts.prepare, /scripts\/lib\/native\.ts/);
  });
});

describe("the tarball", () => {
  const packed = npm(["pack", "--dry-run", "--json", "--ignore-scripts"]);
  const files: string[] =
    packed.status === 0 ? (JSON.parse(packed.stdout)[0].files as { path: string }[]).map((f) => f.path) : [];

  it("packs", () => assert.equal(packed.status, 0, packed.stderr));

  it("holds the entries, the CLI, the emulator, README and CHANGELOG", () => {
    for (const f of [
      "dist/index.js",
      "dist/index.d.ts",
      "dist/testing.js",
      "dist/testing.d.ts",
      manifest.bin.flatfiles,
      "emulator/server.py",
      "README.md",
      "CHANGELOG.md",
      "package.json",
    ])
      assert.ok(files.includes(f), `${f} is not in the tarball`);
  });

  it("holds nothing of the repository's tooling, sources, tests or source maps", () => {
    const stray = files.filter((f) =>
      /^(src|test|scripts|bench|notebooks|patches|docs)\/|\.map$|^\.env/.test(f),
    );
    assert.deepEqual(stray, []);
  });

  it("holds no stale build output: every compiled module has its source", () => {
    const stale = files
      .filter((f) => f.startsWith("dist/") && f.endsWith(".js"))
      .filter((f) => !fs.existsSync(path.join(PACKAGE_ROOT, "src", f.slice(5).replace(/\.js$/, ".ts"))));
    assert.deepEqual(stale, [], "rebuild from a clean dist/ (rm -rf dist && npm run build) before packing");
  });

  it("npm publish --dry-run is clean", () => {
    const r = npm(["publish", "--dry-run", "--ignore-scripts"]);
    assert.equal(r.status, 0, r.stderr);
    const warnings = r.stderr
      .split("\n")
      .filter((l) => /\bwarn\b/i.test(l) && !/requires you to be logged in/.test(l));
    assert.deepEqual(warnings, []);
  });
});

describe("README and CHANGELOG", () => {
  it('README has "Use the kit in your own project" with an example (run by the consumer test)', () => {
    const readme = fs.readFileSync(path.join(PACKAGE_ROOT, "README.md"), "utf8");
    assert.match(readme, /^## Use the kit in your own project$/m);
    assert.match(readme, /npm install flatfiles-kit/);
  });

  it("CHANGELOG.md has an entry for the version in package.json or an Unreleased one", () => {
    const log = fs.readFileSync(path.join(PACKAGE_ROOT, "CHANGELOG.md"), "utf8");
    assert.match(log, new RegExp(`^## (${manifest.version.replace(/\./g, "\\.")}|Unreleased)\\b`, "m"));
  });
});
