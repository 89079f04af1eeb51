/**
 * The kit installed as a dependency (`<app>/node_modules/flatfiles-kit`) rather than run from its
 * checkout: its dependencies are hoisted beside it, not in its own node_modules, and its folder is
 * npm's, so the library must find packages the way Node does and write its state elsewhere.
 * Nothing is installed: the layouts are made of folders and symlinks in a temporary directory.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe, it } from "node:test";
import { packageVersion, versions } from "../../src/notebook/setup-check";
import {
  PACKAGE_ROOT,
  findPackageJson,
  isSourceCheckout,
  sandboxStateFile,
  userStateDir,
} from "../../src/util/paths";

const temporary: string[] = [];
after(() => {
  for (const dir of temporary) fs.rmSync(dir, { recursive: true, force: true });
});

/** A fresh temporary folder, removed after the tests. */
function tmp(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  temporary.push(dir);
  return dir;
}

function write(file: string, content: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
}

/** `<tmp>/app/node_modules/` with a fake kit and packages hoisted beside it, in the shapes npm leaves. */
function appTree(): { app: string; kit: string } {
  const app = path.join(tmp("kit-installed-"), "app");
  const nm = path.join(app, "node_modules");
  const kit = path.join(nm, "flatfiles-kit");
  write(path.join(kit, "package.json"), { name: "flatfiles-kit", version: "0.1.0", main: "dist/index.js" });
  write(path.join(kit, "dist", "index.js"), "");
  write(path.join(kit, "scripts", "sandbox.ts"), ""); // even with the repository's scripts shipped
  // A plain package.
  write(path.join(nm, "plain", "package.json"), { name: "plain", version: "1.2.3", main: "index.js" });
  write(path.join(nm, "plain", "index.js"), "");
  // "exports" hides package.json; the entry point sits under a folder with its own nameless package.json.
  write(path.join(nm, "hidden", "package.json"), {
    name: "hidden",
    version: "2.0.0",
    exports: { ".": "./lib/main.js" },
  });
  write(path.join(nm, "hidden", "lib", "package.json"), { type: "commonjs" });
  write(path.join(nm, "hidden", "lib", "main.js"), "");
  // ESM only: require() cannot resolve it at all.
  write(path.join(nm, "esm-only", "package.json"), {
    name: "esm-only",
    version: "3.0.0",
    type: "module",
    exports: { ".": { import: "./x.js" } },
  });
  write(path.join(nm, "esm-only", "x.js"), "");
  // Scoped.
  write(path.join(nm, "@scope", "pkg", "package.json"), {
    name: "@scope/pkg",
    version: "4.0.0",
    main: "i.js",
  });
  write(path.join(nm, "@scope", "pkg", "i.js"), "");
  // One of the packages versions() reports.
  write(path.join(nm, "jmespath", "package.json"), { name: "jmespath", version: "9.9.9", main: "j.js" });
  write(path.join(nm, "jmespath", "j.js"), "");
  return { app, kit };
}

describe("package versions when the kit is a dependency", () => {
  const { app, kit } = appTree();
  const from = [path.join(kit, "dist")];

  it("finds packages hoisted beside the kit, not only in <kit>/node_modules", () => {
    assert.equal(
      fs.existsSync(path.join(kit, "node_modules")),
      false,
      "the old lookup, <kit>/node_modules/<pkg>, finds nothing here",
    );
    assert.equal(
      findPackageJson("plain", from),
      fs.realpathSync(path.join(app, "node_modules", "plain", "package.json")),
    );
    assert.equal(packageVersion("plain", from), "1.2.3");
    assert.equal(packageVersion("@scope/pkg", from), "4.0.0");
  });

  it("finds packages whose exports hide package.json, or that require() cannot resolve", () => {
    assert.throws(() => require.resolve("hidden/package.json", { paths: from }), {
      code: "ERR_PACKAGE_PATH_NOT_EXPORTED",
    });
    assert.equal(packageVersion("hidden", from), "2.0.0");
    assert.throws(() => require.resolve("esm-only", { paths: from }));
    assert.equal(packageVersion("esm-only", from), "3.0.0");
  });

  it("says 'not installed' for a package that is not there", () => {
    assert.equal(packageVersion("no-such-package-anywhere", from), "not installed");
  });

  it("versions() resolves from the folders it is given", () => {
    const rows = versions({ bases: from });
    assert.equal(rows.find((r) => r.component === "jmespath")?.version, "9.9.9");
  });

  it("versions() in this checkout finds the real packages", () => {
    const rows = versions();
    for (const r of rows) assert.notEqual(r.version, "not installed", `${r.component}`);
  });
});

describe("where the sandbox's state file is", () => {
  const { kit } = appTree();

  it("in the kit's checkout: .sandbox/state.json there, as the repository's scripts and docs say", () => {
    assert.equal(isSourceCheckout(PACKAGE_ROOT), true);
    assert.equal(sandboxStateFile({}), path.join(PACKAGE_ROOT, ".sandbox", "state.json"));
  });

  it("installed as a dependency: a per-user file, never inside node_modules", () => {
    assert.equal(isSourceCheckout(kit), false);
    assert.equal(
      sandboxStateFile({ XDG_STATE_HOME: "/srv/state" }, kit),
      path.join("/srv/state", "flatfiles-kit", "sandbox-state.json"),
    );
    const file = sandboxStateFile({}, kit);
    assert.equal(file, path.join(os.homedir(), ".local", "state", "flatfiles-kit", "sandbox-state.json"));
    assert.ok(!file.split(path.sep).includes("node_modules"));
    assert.equal(userStateDir({}), path.dirname(file));
  });

  it("a copy without the repository's scripts (vendored, not in node_modules) is not a checkout either", () => {
    const vendored = tmp("kit-vendored-");
    write(path.join(vendored, "package.json"), { name: "flatfiles-kit" });
    assert.equal(isSourceCheckout(vendored), false);
  });

  it("FLATFILES_SANDBOX_STATE wins everywhere", () => {
    assert.equal(sandboxStateFile({ FLATFILES_SANDBOX_STATE: "/x/s.json" }, kit), "/x/s.json");
    assert.equal(sandboxStateFile({ FLATFILES_SANDBOX_STATE: "/x/s.json" }), "/x/s.json");
  });
});

describe("the kit's sources under <app>/node_modules, its dependencies hoisted beside it", () => {
  it("versions() finds every package and the state file is per user, from the app's folder", () => {
    const app = path.join(tmp("kit-app-"), "app");
    const nm = path.join(app, "node_modules");
    const kit = path.join(nm, "flatfiles-kit");
    fs.mkdirSync(kit, { recursive: true });
    fs.cpSync(path.join(PACKAGE_ROOT, "src"), path.join(kit, "src"), { recursive: true });
    // The kit's package.json without its "exports" map: the published map exposes dist/ only,
    // and this test runs the TypeScript sources in its place (no build).
    const manifest = JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, "package.json"), "utf8"));
    delete manifest.exports;
    fs.writeFileSync(path.join(kit, "package.json"), JSON.stringify(manifest));
    // npm's hoisted layout: every dependency beside the kit (symlinks to this checkout's copies).
    for (const name of fs.readdirSync(path.join(PACKAGE_ROOT, "node_modules"))) {
      if (name !== ".bin" && name !== "flatfiles-kit")
        fs.symlinkSync(path.join(PACKAGE_ROOT, "node_modules", name), path.join(nm, name));
    }
    const before = fs.readdirSync(kit, { recursive: true }).length;
    const script = [
      'const kit = require("flatfiles-kit/src/index.ts");',
      'const paths = require("flatfiles-kit/src/util/paths.ts");',
      "console.log(JSON.stringify({ versions: kit.versions(), state: paths.sandboxStateFile({ XDG_STATE_HOME: '/srv/state' }) }));",
    ].join("\n");
    const r = spawnSync(process.execPath, ["--import", "tsx", "-e", script], {
      cwd: app,
      encoding: "utf8",
      env: { ...process.env, FLATFILES_SANDBOX_STATE: "" },
    });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim().split("\n").pop()!) as {
      versions: { component: string; version: string }[];
      state: string;
    };
    for (const row of out.versions) assert.notEqual(row.version, "not installed", row.component);
    assert.equal(out.state, path.join("/srv/state", "flatfiles-kit", "sandbox-state.json"));
    assert.equal(
      fs.readdirSync(kit, { recursive: true }).length,
      before,
      "nothing written into the kit's folder",
    );
  });
});
