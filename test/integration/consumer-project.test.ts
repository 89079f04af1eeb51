/**
 * The kit as a learner's own project gets it (issue 24): `npm pack`, then `npm install <tarball>`
 * into a fresh project (from the local npm cache when it can), on Node 24 (the project's) and on
 * Node 22 with its npm 10 (the floor, both fetched from the npm registry). There, a consumer
 * script and the README's smallest example are type-checked under `nodenext` and `bundler`
 * resolution and run against this run's sandbox: list with a paginator, resume from its token,
 * download a day, load it, scan it lazily, meet an optional package that is not installed, and use
 * the CLI through `npx flatfiles`. Nothing may be written inside the installed package.
 *
 * About two minutes on 2 busy cores (116 s measured): two installs of ~145 MB from the npm cache
 * (in parallel, ~30 s), two strict type-checks (~10-20 s each), the runs and the CLI (~30 s).
 */
import assert from "node:assert/strict";
import { type SpawnOptions, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { PACKAGE_ROOT } from "../../src/util/paths";

const DATASET = "us_stocks_sip/day_aggs_v1";
const OPTIONAL_PEERS = [
  "vega",
  "vega-lite",
  "@resvg/resvg-js",
  "@aws-sdk/client-ec2",
  "@aws-sdk/client-iam",
  "@aws-sdk/client-dynamodb",
];
/** What the issue measured before: a consumer's node_modules of 266 MB. */
const BEFORE_BYTES = 266e6;

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end (asynchronously, so the Node 22 project installs meanwhile). */
function run(cmd: string, args: string[], options: SpawnOptions = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d) => {
      stdout += d;
    });
    child.stderr!.on("data", (d) => {
      stderr += d;
    });
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

function ok(r: Run, what: string): Run {
  assert.equal(r.status, 0, `${what} failed:\n${r.stderr.slice(-3000)}\n${r.stdout.slice(-2000)}`);
  return r;
}

/** An environment whose `node` (and so npm, npx and the CLI's shebang) is `nodeBin`. */
function envWith(nodeBin: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  // npm's own settings from the `npm test` that started us would leak into the nested installs.
  for (const k of Object.keys(env)) if (k.startsWith("npm_")) delete env[k];
  env.PATH = [path.dirname(nodeBin), process.env.PATH].join(path.delimiter);
  return env;
}

const NPM_QUIET = ["--no-audit", "--no-fund", "--prefer-offline", "--loglevel=warn"];

/** How to run npm (and npx): the machine's own, or a given npm-cli.js under a given Node. */
interface Npm {
  npm: string[];
  npx: string[];
}
const SYSTEM_NPM: Npm = { npm: ["npm"], npx: ["npx"] };

/** A fresh project with the packed kit installed by `npm` running on `nodeBin`. */
async function consumerProject(root: string, name: string, tarball: string, nodeBin: string, npm: Npm) {
  const app = path.join(root, name);
  fs.mkdirSync(app, { recursive: true });
  fs.writeFileSync(
    path.join(app, "package.json"),
    JSON.stringify({ name: `consumer-${name}`, version: "1.0.0", private: true, type: "module" }),
  );
  const install = ok(
    await run(npm.npm[0], [...npm.npm.slice(1), "install", ...NPM_QUIET, tarball], {
      cwd: app,
      env: envWith(nodeBin),
    }),
    `npm install of the packed kit (${name})`,
  );
  return { app, install, npm, kit: path.join(app, "node_modules", "flatfiles-kit") };
}

/** Every file under `dir` with its size and modification time, to see that nothing changed. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const rel of fs.readdirSync(dir, { recursive: true }) as string[]) {
    const st = fs.lstatSync(path.join(dir, rel));
    out.set(rel, `${st.isDirectory() ? "dir" : st.size}@${st.mtimeMs}`);
  }
  return out;
}

/** Bytes on disk under `p` (what `du` counts), without following symlinks. */
function diskBytes(p: string): number {
  const st = fs.lstatSync(p);
  if (!st.isDirectory()) return st.blocks * 512;
  let total = st.blocks * 512;
  for (const e of fs.readdirSync(p)) total += diskBytes(path.join(p, e));
  return total;
}

/** The size of each top-level package in a node_modules folder (scoped ones by scope), largest first. */
function packageSizes(nodeModules: string): { name: string; bytes: number }[] {
  const rows: { name: string; bytes: number }[] = [];
  for (const e of fs.readdirSync(nodeModules)) {
    if (e === ".bin" || e.startsWith(".package-lock")) continue;
    rows.push({ name: e, bytes: diskBytes(path.join(nodeModules, e)) });
  }
  return rows.sort((a, b) => b.bytes - a.bytes);
}

/** The first ```ts block of the README's "Use the kit in your own project" section. */
function readmeExample(): string {
  const readme = fs.readFileSync(path.join(PACKAGE_ROOT, "README.md"), "utf8");
  const section = readme.split(/^## /m).find((s) => s.startsWith("Use the kit in your own project"));
  assert.ok(section, 'README.md has a section "Use the kit in your own project"');
  const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(code, "that section has a ```ts example");
  return code;
}

/** A tsconfig for the consumer's files under one module resolution, strict, checking the kit's .d.ts too. */
function tsconfig(app: string, resolution: "nodenext" | "bundler", files: string[]): string {
  const file = path.join(app, `tsconfig.${resolution}.json`);
  fs.writeFileSync(
    file,
    JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        module: resolution === "nodenext" ? "nodenext" : "esnext",
        moduleResolution: resolution,
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        // The consumer's own dev tooling: Node's types, as any TypeScript project has them.
        typeRoots: [path.join(PACKAGE_ROOT, "node_modules", "@types")],
        types: ["node"],
      },
      files,
    }),
  );
  return file;
}

const TSC = path.join(PACKAGE_ROOT, "node_modules", "typescript", "bin", "tsc");

describe("the packed kit installed into a fresh project", { timeout: 600_000 }, () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "flatfiles-consumer-"));
  const cache = path.join(root, "cache");
  const node24 = process.execPath;
  let tarball = "";
  let p24: Awaited<ReturnType<typeof consumerProject>>;
  let p22: Promise<Awaited<ReturnType<typeof consumerProject>> & { node: string }>;
  let before24: Map<string, string>;
  const runEnv = (nodeBin: string) =>
    envWith(nodeBin, { FLATFILES_TARGET: "sandbox", FLATFILES_CACHE_DIR: cache });

  before(async () => {
    assert.ok(process.env.FLATFILES_SANDBOX_STATE, "run with `npm test`, which starts the sandbox");
    assert.ok(Number.parseInt(process.versions.node, 10) >= 24, "the project's own Node (24) runs the tests");
    const pack = ok(
      await run(
        "npm",
        ["pack", "--ignore-scripts", "--json", "--pack-destination", root, "--loglevel=warn"],
        { cwd: PACKAGE_ROOT, env: envWith(node24) },
      ),
      "npm pack",
    );
    tarball = path.join(root, (JSON.parse(pack.stdout) as { filename: string }[])[0].filename);
    // Node 22 and the npm it ships with (10) from the npm registry, and a project installed by them, meanwhile.
    p22 = (async () => {
      const tools = path.join(root, "node22");
      fs.mkdirSync(tools);
      fs.writeFileSync(path.join(tools, "package.json"), '{"private":true}');
      ok(
        await run("npm", ["install", ...NPM_QUIET, "node@22", "npm@10"], {
          cwd: tools,
          env: envWith(node24),
        }),
        "npm install node@22 npm@10",
      );
      const node = fs.realpathSync(path.join(tools, "node_modules", ".bin", "node"));
      const bin = path.join(tools, "node_modules", "npm", "bin");
      const npm10 = { npm: [node, path.join(bin, "npm-cli.js")], npx: [node, path.join(bin, "npx-cli.js")] };
      return { ...(await consumerProject(root, "app22", tarball, node, npm10)), node };
    })();
    p22.catch(() => {}); // awaited by its tests
    p24 = await consumerProject(root, "app24", tarball, node24, SYSTEM_NPM);
    before24 = snapshot(p24.kit);
    fs.copyFileSync(
      path.join(PACKAGE_ROOT, "test", "consumer", "consumer.mts"),
      path.join(p24.app, "consumer.mts"),
    );
    fs.writeFileSync(path.join(p24.app, "readme-example.mts"), readmeExample());
  });

  after(async () => {
    await p22?.catch(() => {});
    fs.rmSync(root, { recursive: true, force: true });
  });

  it("installs with npm alone: no install script of the kit runs, no optional peer comes along", () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(p24.kit, "package.json"), "utf8"));
    for (const script of ["preinstall", "install", "postinstall"])
      assert.equal(manifest.scripts?.[script], undefined, `${script} would run in every consumer's install`);
    // npm 11 lists `prepare` among the "install scripts not yet covered by allowScripts" of a package
    // installed from a file (not from the registry), yet runs it only for links and git sources:
    // it must not have run (no lifecycle banner, nothing built or patched inside the kit).
    assert.doesNotMatch(
      p24.install.stdout + p24.install.stderr,
      /> flatfiles-kit@[^\n]* (prepare|install|postinstall)/,
    );
    assert.equal(
      fs.existsSync(path.join(p24.kit, "node_modules")),
      false,
      "nothing installed inside the kit",
    );
    for (const name of OPTIONAL_PEERS)
      assert.equal(fs.existsSync(path.join(p24.app, "node_modules", name)), false, `${name} was installed`);
    assert.ok(fs.existsSync(path.join(p24.app, "node_modules", "nodejs-polars")));
  });

  it("is well under the 266 MB it was, and says what takes the room", (t) => {
    const rows = packageSizes(path.join(p24.app, "node_modules"));
    const total = rows.reduce((s, r) => s + r.bytes, 0);
    t.diagnostic(`node_modules: ${(total / 1e6).toFixed(1)} MB (was ${BEFORE_BYTES / 1e6} MB)`);
    for (const r of rows.slice(0, 8)) t.diagnostic(`  ${r.name}: ${(r.bytes / 1e6).toFixed(1)} MB`);
    assert.ok(total < BEFORE_BYTES * 0.65, `${(total / 1e6).toFixed(1)} MB`);
  });

  for (const resolution of ["nodenext", "bundler"] as const) {
    it(`type-checks the consumer script and the README's example under ${resolution} resolution`, async () => {
      const config = tsconfig(p24.app, resolution, ["consumer.mts", "readme-example.mts"]);
      ok(
        await run(node24, [TSC, "-p", config], { cwd: p24.app, env: envWith(node24) }),
        `tsc (${resolution})`,
      );
    });
  }

  /** Runs the consumer script under `nodeBin` in `app` and checks what it found. */
  async function consumerRun(app: string, nodeBin: string) {
    const r = ok(
      await run(nodeBin, ["consumer.mts"], { cwd: app, env: runEnv(nodeBin) }),
      "the consumer script",
    );
    const out = JSON.parse(r.stdout.trim().split("\n").pop()!);
    assert.equal(out.node, (await run(nodeBin, ["-p", "process.versions.node"])).stdout.trim());
    assert.equal(out.firstKeys.length, 3);
    assert.equal(typeof out.resumeToken, "string");
    assert.deepEqual(out.firstKeys, out.whole.slice(0, 3), "a paginator's first three keys");
    assert.deepEqual(out.resumed, out.whole.slice(3, 6), "resumed from the token: the next three");
    assert.deepEqual(out.days, ["2024-03-11", "2024-03-12", "2024-03-13", "2024-03-14", "2024-03-15"]);
    assert.ok(out.downloaded.startsWith(cache + path.sep), out.downloaded);
    assert.ok(out.rows > 0);
    assert.deepEqual(out.columns.slice(0, 2), ["ticker", "volume"]);
    assert.deepEqual(out.scanned.columns, ["ticker", "close"]);
    assert.deepEqual(out.scanned.tickers, [out.ticker]);
    assert.ok(out.scanned.rows >= 1);
    assert.equal(out.chartError?.code, "install.missing-package");
    assert.match(
      out.chartError.message,
      /needs the package vega\b.*npm install vega vega-lite @resvg\/resvg-js/,
    );
  }

  /** Runs the README's example and checks it printed three keys, a token and a table. */
  async function readmeRun(app: string, nodeBin: string) {
    const r = ok(
      await run(nodeBin, ["readme-example.mts"], { cwd: app, env: runEnv(nodeBin) }),
      "README example",
    );
    const lines = r.stdout.split("\n");
    assert.equal(lines.filter((l) => l.startsWith(`${DATASET}/2024/03/`)).length, 3, r.stdout);
    assert.ok(
      lines.some((l) => l.startsWith("resume with ")),
      r.stdout,
    );
    assert.match(r.stdout, /shape: \(3, \d+\)/, "the first rows of the day as a polars table");
  }

  it("on Node 24: lists, resumes, downloads, loads, scans lazily; a missing optional package is named", async () => {
    await consumerRun(p24.app, node24);
  });

  it("on Node 24: the README's smallest example runs as it is", async () => {
    await readmeRun(p24.app, node24);
  });

  it("on Node 24: the CLI through npx flatfiles", async () => {
    const env = runEnv(node24);
    const npx = (...args: string[]) => run("npx", ["--offline", "flatfiles", ...args], { cwd: p24.app, env });
    const dates = ok(await npx("dates", DATASET, "2024-03-11", "2024-03-15"), "npx flatfiles dates");
    assert.match(dates.stdout, /2024-03-11[\s\S]*2024-03-15/);
    const ls = ok(await npx("ls", "us_stocks_sip/"), "npx flatfiles ls");
    assert.match(ls.stdout, /day_aggs_v1/);
    const head = ok(await npx("head", DATASET, "2024-03-15", "-n", "2"), "npx flatfiles head");
    assert.match(head.stdout, /ticker/);
  });

  it("on Node 22 with its npm 10: installs and runs the same script, the README's example, the CLI", async () => {
    const p = await p22;
    const major = Number.parseInt((await run(p.node, ["-p", "process.versions.node"])).stdout, 10);
    assert.equal(major, 22);
    const npmVersion = await run(p.npm.npm[0], [...p.npm.npm.slice(1), "-v"]);
    assert.match(npmVersion.stdout, /^10\./);
    for (const name of OPTIONAL_PEERS)
      assert.equal(fs.existsSync(path.join(p.app, "node_modules", name)), false, `${name} was installed`);
    const beforeKit = snapshot(p.kit);
    fs.copyFileSync(
      path.join(PACKAGE_ROOT, "test", "consumer", "consumer.mts"),
      path.join(p.app, "consumer.mts"),
    );
    fs.writeFileSync(path.join(p.app, "readme-example.mts"), readmeExample());
    await consumerRun(p.app, p.node);
    await readmeRun(p.app, p.node);
    const dates = ok(
      await run(
        p.npm.npx[0],
        [...p.npm.npx.slice(1), "--offline", "flatfiles", "dates", DATASET, "2024-03-11", "2024-03-12"],
        {
          cwd: p.app,
          env: runEnv(p.node),
        },
      ),
      "npx flatfiles on Node 22",
    );
    assert.match(dates.stdout, /2024-03-12/);
    assert.deepEqual([...snapshot(p.kit)], [...beforeKit], "nothing written inside the installed package");
  });

  it("nothing was written inside the installed package (Node 24)", () => {
    assert.deepEqual([...snapshot(p24.kit)], [...before24]);
  });
});
