/**
 * The kit as a learner's own project gets it (issue 24): `npm pack`, then `npm install <tarball>`
 * into a fresh project (from the local npm cache when it can), on Node 26 (the project's), Node 24
 * and Node 22 with its npm 10 (the floor; both fetched from the npm registry). There, a consumer
 * script, the README's smallest example and a file of type assertions (test/consumer/types.mts)
 * are type-checked under `nodenext` and `bundler` resolution by each TypeScript a consumer may
 * use (5.0, the notebooks' own through tslab, 5.9, 6.0 and 7.0), and the scripts run against this
 * run's sandbox on each Node: list with a paginator, resume from its token, download a day, load
 * it, scan it lazily, meet an optional package that is not installed, and use the CLI through
 * `npx flatfiles`. Nothing may be written inside the installed package.
 *
 * About three minutes on 2 busy cores: three installs of ~145 MB from the npm cache (in parallel),
 * eight strict type-checks (TypeScript 7's take a second or two), the runs and the CLI.
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

/** The Node of `npm test` (the project's own), and the others a consumer may run, with the npm each ships. */
const PROJECT_NODE = 26;
const OTHER_NODES = [
  { major: 22, npm: "npm@10" },
  { major: 24, npm: "npm@11" },
] as const;

/**
 * The TypeScript compilers a consumer may type-check the kit's declarations with: 5.0 (the one
 * tslab bundles, so every notebook's), the last 5.x, 6.0 and 7.0 (the project's own). The two in
 * between are fetched from the npm registry.
 */
const TYPESCRIPTS = [
  {
    version: "5.0",
    tsc: () => path.join(PACKAGE_ROOT, "node_modules", "@tslab", "typescript-for-tslab", "bin", "tsc"),
  },
  { version: "5.9", fetch: "typescript@5.9" },
  { version: "6.0", fetch: "typescript@6.0" },
  { version: "7.0", tsc: () => path.join(PACKAGE_ROOT, "node_modules", "typescript", "bin", "tsc") },
] as const;

describe("the packed kit installed into a fresh project", { timeout: 600_000 }, () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "flatfiles-consumer-"));
  const cache = path.join(root, "cache");
  const projectNode = process.execPath; // the project's own Node (26)
  let tarball = "";
  let project: Awaited<ReturnType<typeof consumerProject>>;
  const others = new Map<number, Promise<Awaited<ReturnType<typeof consumerProject>> & { node: string }>>();
  let compilers: Promise<Map<string, string>>;
  let projectBefore: Map<string, string>;
  const runEnv = (nodeBin: string) =>
    envWith(nodeBin, { FLATFILES_TARGET: "sandbox", FLATFILES_CACHE_DIR: cache });

  before(async () => {
    assert.ok(process.env.FLATFILES_SANDBOX_STATE, "run with `npm test`, which starts the sandbox");
    assert.equal(
      Number.parseInt(process.versions.node, 10),
      PROJECT_NODE,
      `the project's own Node (${PROJECT_NODE}) runs the tests`,
    );
    const pack = ok(
      await run(
        "npm",
        ["pack", "--ignore-scripts", "--json", "--pack-destination", root, "--loglevel=warn"],
        { cwd: PACKAGE_ROOT, env: envWith(projectNode) },
      ),
      "npm pack",
    );
    tarball = path.join(root, (JSON.parse(pack.stdout) as { filename: string }[])[0].filename);
    // The other Nodes and the npm each ships with, from the npm registry, and a project installed by each, meanwhile.
    for (const { major, npm } of OTHER_NODES) {
      const p = (async () => {
        const tools = path.join(root, `node${major}`);
        fs.mkdirSync(tools);
        fs.writeFileSync(path.join(tools, "package.json"), '{"private":true}');
        ok(
          await run("npm", ["install", ...NPM_QUIET, `node@${major}`, npm], {
            cwd: tools,
            env: envWith(projectNode),
          }),
          `npm install node@${major} ${npm}`,
        );
        const node = fs.realpathSync(path.join(tools, "node_modules", ".bin", "node"));
        const bin = path.join(tools, "node_modules", "npm", "bin");
        const own = { npm: [node, path.join(bin, "npm-cli.js")], npx: [node, path.join(bin, "npx-cli.js")] };
        return { ...(await consumerProject(root, `app${major}`, tarball, node, own)), node };
      })();
      p.catch(() => {}); // awaited by its tests
      others.set(major, p);
    }
    // The TypeScripts the project does not have, under aliases, meanwhile.
    compilers = (async () => {
      const tools = path.join(root, "typescripts");
      fs.mkdirSync(tools);
      fs.writeFileSync(path.join(tools, "package.json"), '{"private":true}');
      const fetched = TYPESCRIPTS.flatMap((t) => ("fetch" in t ? [t] : []));
      ok(
        await run("npm", ["install", ...NPM_QUIET, ...fetched.map((t) => `ts-${t.version}@npm:${t.fetch}`)], {
          cwd: tools,
          env: envWith(projectNode),
        }),
        "npm install of the TypeScripts",
      );
      return new Map(
        TYPESCRIPTS.map((t) => [
          t.version,
          "fetch" in t ? path.join(tools, "node_modules", `ts-${t.version}`, "bin", "tsc") : t.tsc(),
        ]),
      );
    })();
    compilers.catch(() => {});
    project = await consumerProject(root, "app26", tarball, projectNode, SYSTEM_NPM);
    projectBefore = snapshot(project.kit);
    fs.copyFileSync(
      path.join(PACKAGE_ROOT, "test", "consumer", "consumer.mts"),
      path.join(project.app, "consumer.mts"),
    );
    fs.writeFileSync(path.join(project.app, "readme-example.mts"), readmeExample());
    fs.copyFileSync(
      path.join(PACKAGE_ROOT, "test", "consumer", "types.mts"),
      path.join(project.app, "types.mts"),
    );
  });

  after(async () => {
    for (const p of others.values()) await p.catch(() => {});
    fs.rmSync(root, { recursive: true, force: true });
  });

  it("installs with npm alone: no install script of the kit runs, no optional peer comes along", () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(project.kit, "package.json"), "utf8"));
    for (const script of ["preinstall", "install", "postinstall"])
      assert.equal(manifest.scripts?.[script], undefined, `${script} would run in every consumer's install`);
    // npm 11 lists `prepare` among the "install scripts not yet covered by allowScripts" of a package
    // installed from a file (not from the registry), yet runs it only for links and git sources:
    // it must not have run (no lifecycle banner, nothing built or patched inside the kit).
    assert.doesNotMatch(
      project.install.stdout + project.install.stderr,
      /> flatfiles-kit@[^\n]* (prepare|install|postinstall)/,
    );
    assert.equal(
      fs.existsSync(path.join(project.kit, "node_modules")),
      false,
      "nothing installed inside the kit",
    );
    for (const name of OPTIONAL_PEERS)
      assert.equal(
        fs.existsSync(path.join(project.app, "node_modules", name)),
        false,
        `${name} was installed`,
      );
    assert.ok(fs.existsSync(path.join(project.app, "node_modules", "nodejs-polars")));
  });

  it("is well under the 266 MB it was, and says what takes the room", (t) => {
    const rows = packageSizes(path.join(project.app, "node_modules"));
    const total = rows.reduce((s, r) => s + r.bytes, 0);
    t.diagnostic(`node_modules: ${(total / 1e6).toFixed(1)} MB (was ${BEFORE_BYTES / 1e6} MB)`);
    for (const r of rows.slice(0, 8)) t.diagnostic(`  ${r.name}: ${(r.bytes / 1e6).toFixed(1)} MB`);
    assert.ok(total < BEFORE_BYTES * 0.65, `${(total / 1e6).toFixed(1)} MB`);
  });

  for (const { version } of TYPESCRIPTS)
    for (const resolution of ["nodenext", "bundler"] as const) {
      it(`TypeScript ${version} type-checks the consumer script, the README's example and the exact types under ${resolution} resolution`, async () => {
        const tsc = (await compilers).get(version)!;
        const reported = ok(await run(projectNode, [tsc, "-v"]), `tsc ${version} -v`);
        assert.match(reported.stdout, new RegExp(`Version ${version.replace(".", "\\.")}\\.`));
        const config = tsconfig(project.app, resolution, ["consumer.mts", "readme-example.mts", "types.mts"]);
        ok(
          await run(projectNode, [tsc, "-p", config], { cwd: project.app, env: envWith(projectNode) }),
          `tsc ${version} (${resolution})`,
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

  it(`on Node ${PROJECT_NODE}: lists, resumes, downloads, loads, scans lazily; a missing optional package is named`, async () => {
    await consumerRun(project.app, projectNode);
  });

  it(`on Node ${PROJECT_NODE}: the README's smallest example runs as it is`, async () => {
    await readmeRun(project.app, projectNode);
  });

  it(`on Node ${PROJECT_NODE}: the CLI through npx flatfiles`, async () => {
    const env = runEnv(projectNode);
    const npx = (...args: string[]) =>
      run("npx", ["--offline", "flatfiles", ...args], { cwd: project.app, env });
    const dates = ok(await npx("dates", DATASET, "2024-03-11", "2024-03-15"), "npx flatfiles dates");
    assert.match(dates.stdout, /2024-03-11[\s\S]*2024-03-15/);
    const ls = ok(await npx("ls", "us_stocks_sip/"), "npx flatfiles ls");
    assert.match(ls.stdout, /day_aggs_v1/);
    const head = ok(await npx("head", DATASET, "2024-03-15", "-n", "2"), "npx flatfiles head");
    assert.match(head.stdout, /ticker/);
  });

  for (const { major, npm } of OTHER_NODES)
    it(`on Node ${major} with its ${npm.replace("@", " ")}: installs and runs the same script, the README's example, the CLI`, async () => {
      const p = await others.get(major)!;
      const reported = Number.parseInt((await run(p.node, ["-p", "process.versions.node"])).stdout, 10);
      assert.equal(reported, major);
      const npmVersion = await run(p.npm.npm[0], [...p.npm.npm.slice(1), "-v"]);
      assert.match(npmVersion.stdout, new RegExp(`^${npm.split("@")[1]}\\.`));
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
          { cwd: p.app, env: runEnv(p.node) },
        ),
        `npx flatfiles on Node ${major}`,
      );
      assert.match(dates.stdout, /2024-03-12/);
      assert.deepEqual([...snapshot(p.kit)], [...beforeKit], "nothing written inside the installed package");
    });

  it(`nothing was written inside the installed package (Node ${PROJECT_NODE})`, () => {
    assert.deepEqual([...snapshot(project.kit)], [...projectBefore]);
  });
});
