/**
 * Pay for what you use (issue 24) and the Node.js floor (issue 20, item 22): importing the main
 * entry loads no polars, no chart renderer and no DynamoDB/EC2/IAM client until a function that
 * needs one is called; a package a feature needs and the project lacks is named with the command
 * that adds it; below Node 22, importing the kit says so at once. Each case runs in a child
 * process, so what this test process already loaded does not count.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { sdkPackage } from "../../src/paginator/operations";
import { KitError } from "../../src/util/errors";
import { NODE_FLOOR, nodeVersionError } from "../../src/util/node-version";
import { missingPackageError, missingPackageName, needPackages } from "../../src/util/optional";
import { PACKAGE_ROOT } from "../../src/util/paths";

/** The heavy packages, as folders under node_modules, and why each is heavy. */
const HEAVY: Record<string, string> = {
  "nodejs-polars": "polars (115 MB of native code)",
  vega: "the chart renderer",
  "vega-lite": "the chart renderer",
  "@resvg/resvg-js": "the PNG renderer",
  "@aws-sdk/client-ec2": "the EC2 client (28 MB, tutorials only)",
  "@aws-sdk/client-iam": "the IAM client (tutorials only)",
  "@aws-sdk/client-dynamodb": "the DynamoDB client (tutorials only)",
};

/**
 * Imports `entry` in one child process (its sources, through tsx) and runs `steps` in order; after
 * the import and after each step, which heavy packages have a file in require.cache.
 */
function heavyLoaded(steps: string[], entry = "src/index.ts"): string[][] {
  const script = [
    `const names = ${JSON.stringify(Object.keys(HEAVY))};`,
    'const sep = require("node:path").sep;',
    "const seen = [];",
    "const look = () => seen.push(names.filter((n) => Object.keys(require.cache).some((f) => f.includes(sep + 'node_modules' + sep + n + sep))));",
    `const kit = require(${JSON.stringify(path.join(PACKAGE_ROOT, entry))});`,
    "look();",
    ...steps.map((step) => `${step}\nlook();`),
    "console.log(JSON.stringify(seen));",
  ].join("\n");
  const r = spawnSync(process.execPath, ["--import", "tsx", "-e", script], {
    cwd: PACKAGE_ROOT,
    encoding: "utf8",
  });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as string[][];
}

describe("importing the main entry", () => {
  const [imported, used, called] = heavyLoaded([
    [
      'const { S3Client } = require("@aws-sdk/client-s3");',
      'const client = new S3Client({ region: "us-east-1", endpoint: "http://127.0.0.1:9" });',
      'kit.getPaginator(client, "list_objects_v2").paginate({ Bucket: "b" });',
      'kit.conditionName(37); kit.STOCK_TRADE_CONDITIONS.length; kit.findDataset("us_stocks_sip/day_aggs_v1");',
      "kit.downloadFile; kit.loadDay; kit.renderChart;",
    ].join("\n"),
    'kit.parseOptionTicker("O:SPY251112C00675000");',
  ]);

  it("loads no polars, no chart renderer and no DynamoDB/EC2/IAM client", () => {
    assert.deepEqual(
      imported.map((n) => `${n}: ${HEAVY[n]}`),
      [],
      "import the package where a function needs it (src/util/lazy.ts, src/util/polars.ts)",
    );
  });

  it("nor does paging, downloading or the condition table touch them", () => {
    assert.deepEqual(used, []);
  });

  it("loads polars when a function that needs it is called (so the check above can see it)", () => {
    assert.deepEqual(called, ["nodejs-polars"], "the options module needs polars: called, it loads");
  });

  it("the testing entry loads none of them either", () => {
    assert.deepEqual(heavyLoaded([], "src/testing.ts"), [[]]);
  });

  it("a lazy function has the name and the result of the one it stands for", async () => {
    const kit = await import("../../src/index");
    const options = await import("../../src/flatfiles/options");
    assert.equal(kit.parseOptionTicker.name, "parseOptionTicker");
    assert.deepEqual(
      kit.parseOptionTicker("O:SPY251112C00675000"),
      options.parseOptionTicker("O:SPY251112C00675000"),
    );
  });
});

describe("optional packages (peer dependencies npm does not install)", () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, "package.json"), "utf8")) as {
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
    peerDependencies: Record<string, string>;
    peerDependenciesMeta: Record<string, { optional?: boolean }>;
  };
  const optional = [
    "vega",
    "vega-lite",
    "@resvg/resvg-js",
    "@aws-sdk/client-ec2",
    "@aws-sdk/client-iam",
    "@aws-sdk/client-dynamodb",
  ];

  for (const name of optional) {
    it(`${name}: an optional peer, a devDependency here, not a dependency`, () => {
      assert.equal(manifest.dependencies[name], undefined);
      assert.ok(manifest.peerDependencies[name], "declared as a peer");
      assert.equal(manifest.peerDependenciesMeta[name]?.optional, true);
      assert.ok(manifest.devDependencies[name], "installed here, for the notebooks and tests");
    });
  }

  it("a missing one is a KitError that names it and the command to add it", () => {
    assert.throws(
      () => needPackages(["no-such-package-flatfiles-kit"], "renderChart()"),
      (e: unknown) =>
        e instanceof KitError &&
        e.code === "install.missing-package" &&
        e.message.includes("renderChart() needs the package no-such-package-flatfiles-kit") &&
        e.message.includes("`npm install no-such-package-flatfiles-kit`") &&
        !e.message.includes("\n"),
    );
    assert.doesNotThrow(() => needPackages(["vega", "vega-lite", "@resvg/resvg-js"], "renderChart()"));
  });

  it("a DynamoDB/EC2/IAM package missing when its first page is requested is named", async () => {
    const pkg = sdkPackage("Nothing", () => import("@aws-sdk/client-no-such-service" as string));
    await assert.rejects(pkg.load(), (e: unknown) => {
      assert.ok(e instanceof KitError, String(e));
      assert.match(
        e.message,
        /^Paging Nothing operations needs the package @aws-sdk\/client-no-such-service/,
      );
      assert.match(e.message, /npm install @aws-sdk\/client-no-such-service/);
      return true;
    });
  });

  it("only a missing package itself counts: a file missing inside one is not blamed on the project", () => {
    let inner: unknown;
    try {
      require("vega/no-such-file-inside");
    } catch (e) {
      inner = e;
    }
    assert.equal(missingPackageName(inner), null);
    let bare: unknown;
    try {
      require("@scope-none/no-such-package");
    } catch (e) {
      bare = e;
    }
    assert.equal(missingPackageName(bare), "@scope-none/no-such-package");
    assert.equal(missingPackageError("x", "f()").code, "install.missing-package");
  });
});

describe("below the Node.js floor", () => {
  const expected = `flatfiles-kit needs Node.js ${NODE_FLOOR} or newer (this is 20.x)`;

  it("says so in one line, naming the version and the fix", () => {
    const e = nodeVersionError("20.20.2");
    assert.ok(e instanceof KitError);
    assert.ok(e.message.startsWith(expected), e.message);
    assert.match(e.message, /nodejs\.org/);
    assert.equal(nodeVersionError("22.0.0"), null);
    assert.equal(nodeVersionError("24.21.0"), null);
    assert.ok(nodeVersionError("garbage")?.message.includes("(this is garbage.x)"));
  });

  /** Imports an entry in a child that reports `version` as its Node version. */
  function importAs(version: string, entry: string) {
    const script = `Object.defineProperty(process.versions, "node", { value: ${JSON.stringify(version)} }); require(${JSON.stringify(path.join(PACKAGE_ROOT, entry))});`;
    return spawnSync(process.execPath, ["--import", "tsx", "-e", script], {
      cwd: PACKAGE_ROOT,
      encoding: "utf8",
    });
  }

  for (const entry of ["src/index.ts", "src/testing.ts", "src/cli/main.ts"]) {
    it(`${entry}: importing it fails at once with that message`, () => {
      const r = importAs("20.20.2", entry);
      assert.notEqual(r.status, 0);
      assert.ok(r.stderr.includes(expected), r.stderr);
    });
  }

  it("on a real Node.js below the floor (the machine's own node, when it is one)", (t) => {
    const old = oldNode();
    if (!old) {
      t.diagnostic("no Node.js below 22 on PATH here: the simulated version above covers it");
      return;
    }
    const r = spawnSync(
      old.bin,
      ["--import", "tsx", "-e", `require(${JSON.stringify(path.join(PACKAGE_ROOT, "src/index.ts"))})`],
      {
        cwd: PACKAGE_ROOT,
        encoding: "utf8",
      },
    );
    assert.notEqual(r.status, 0);
    assert.ok(r.stderr.includes(`needs Node.js 22 or newer (this is ${old.major}.x)`), r.stderr);
  });
});

/** A `node` on PATH, outside any node_modules/.bin, older than the floor. */
function oldNode(): { bin: string; major: number } | null {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (!dir || dir.split(path.sep).includes("node_modules")) continue;
    const bin = path.join(dir, "node");
    if (!fs.existsSync(bin)) continue;
    const r = spawnSync(bin, ["-p", "process.versions.node"], { encoding: "utf8" });
    const major = Number.parseInt(r.stdout, 10);
    if (r.status === 0 && major < NODE_FLOOR) return { bin, major };
  }
  return null;
}
