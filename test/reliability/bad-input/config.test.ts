/**
 * Bad input, configuration (`.env`, the FLATFILES_* variables): one row each, a KitError with a
 * specific code and a message naming the variable, the problem and the fix.
 * docs/reliability.md lists the same table; hostile-config.test.ts tries every variable.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { inspect } from "node:util";
import { describeConfig, kitEnv, loadConfig } from "../../../src/config/env";
import { defaultCacheDir } from "../../../src/flatfiles/download";
import { configRows } from "../../../src/notebook/setup-check";
import { PACKAGE_ROOT } from "../../../src/util/paths";
import { type Row, badInputTable, tmp, noSandbox, envFile, failure } from "./helpers";

const KEYS = { FLATFILES_ACCESS_KEY_ID: "AKIDEXAMPLE", FLATFILES_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG" };
/** loadConfig with both keys and `extra` in the environment, no .env and no sandbox. */
const withKeys = (extra: NodeJS.ProcessEnv) => () =>
  loadConfig({ env: { ...noSandbox, ...KEYS, ...extra }, cwd: null });

/** A state file describing a sandbox with this pid, as a crash or a hand edit can leave it. */
function staleState(pid: number): string {
  const file = path.join(tmp(), "state.json");
  const state = { endpoint: "http://127.0.0.1:9", region: "us-east-1", bucket: "flatfiles", pid };
  fs.writeFileSync(file, JSON.stringify({ ...state, accessKeyId: "K", secretAccessKey: "S" }));
  return file;
}

/** Start the sandbox in a child process whose working folder holds `envText` as .env. */
function startSandboxIn(envText: string): Promise<string> {
  const dir = envFile(envText);
  const script =
    `require(${JSON.stringify(path.join(PACKAGE_ROOT, "src", "sandbox", "launcher.ts"))})` +
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a template literal of the child's script
    ".startSandbox({ stateFile: null }).then((s) => { console.log('started'); return s.stop(); }, (e) => console.log(`${e.code}: ${e.message}`));";
  return new Promise((resolve) => {
    const tsx = pathToFileURL(
      path.join(path.dirname(require.resolve("tsx/package.json")), "dist", "loader.mjs"),
    );
    const child = spawn(process.execPath, ["--import", tsx.href, "-e", script], {
      cwd: dir,
      env: { ...process.env, FLATFILES_SANDBOX_PYTHON: "" },
    });
    let out = "";
    child.stdout.on("data", (b) => (out += b));
    // Ignoring the variable means building and starting a real sandbox: a few seconds is enough to tell.
    const timer = setTimeout(() => child.kill("SIGKILL"), 8000);
    child.on("exit", () => {
      clearTimeout(timer);
      resolve(out.trim() || "no answer within 8 s (the variable was not used)");
    });
  });
}

const ROWS: Row[] = [
  [
    "no .env and no sandbox",
    () => failure(() => loadConfig({ env: noSandbox, cwd: tmp() })),
    /config\.missing: .*No \.env file.*FLATFILES_ACCESS_KEY_ID.*npm run sandbox/,
  ],
  [
    "half-filled .env",
    () =>
      failure(() => loadConfig({ env: noSandbox, cwd: envFile("FLATFILES_ACCESS_KEY_ID=AKIAEXAMPLE\n") })),
    /config\.half: .*FLATFILES_SECRET_ACCESS_KEY is empty/,
  ],
  [
    "endpoint that is not a URL",
    () =>
      failure(() =>
        loadConfig({
          env: noSandbox,
          cwd: envFile(
            "FLATFILES_ACCESS_KEY_ID=a\nFLATFILES_SECRET_ACCESS_KEY=b\nFLATFILES_ENDPOINT=files.massive.com\n",
          ),
        }),
      ),
    /config\.endpoint: .*not a URL.*https:\/\/files\.massive\.com/,
  ],
  [
    "FLATFILES_TARGET=massive with no keys",
    () => failure(() => loadConfig({ env: { ...noSandbox, FLATFILES_TARGET: "massive" }, cwd: null })),
    /config\.missing: FLATFILES_TARGET is massive, but neither FLATFILES_ACCESS_KEY_ID nor FLATFILES_SECRET_ACCESS_KEY is set/,
  ],
  [
    "a secret pasted into FLATFILES_ENDPOINT (not echoed)",
    async () => {
      const pasted = "wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEYabcd";
      const message = await failure(() =>
        loadConfig({
          env: {
            ...noSandbox,
            FLATFILES_ACCESS_KEY_ID: "a",
            FLATFILES_SECRET_ACCESS_KEY: "b",
            FLATFILES_ENDPOINT: pasted,
          },
          cwd: null,
        }),
      );
      assert.ok(!message.includes(pasted), "the pasted value is not in the message");
      return message;
    },
    /config\.endpoint: FLATFILES_ENDPOINT is \(not shown: it looks like a key.*\), which is not a URL/,
  ],
  [
    "user:password@ in FLATFILES_ENDPOINT (not echoed)",
    async () => {
      const message = await failure(() =>
        loadConfig({
          env: {
            ...noSandbox,
            FLATFILES_ACCESS_KEY_ID: "a",
            FLATFILES_SECRET_ACCESS_KEY: "b",
            FLATFILES_ENDPOINT: "https://me:hunter22@files.massive.com",
          },
          cwd: null,
        }),
      );
      assert.ok(!message.includes("hunter22"));
      return message;
    },
    /config\.endpoint: FLATFILES_ENDPOINT has a user name or password in it/,
  ],
  [
    "unknown FLATFILES_TARGET",
    () => failure(() => loadConfig({ env: { ...noSandbox, FLATFILES_TARGET: "prod" }, cwd: null })),
    /config\.target: .*auto, sandbox or massive/,
  ],
  [
    "https://ID:SECRET@host in FLATFILES_ENDPOINT, the secret holding a / (not echoed anywhere)",
    async () => {
      const endpoint = "https://AKIDEXAMPLE:wJalrXUtnFEMI/K7MDENG+bPxRfiCY@files.massive.com";
      const message = await failure(withKeys({ FLATFILES_ENDPOINT: endpoint }));
      assert.ok(!message.includes("K7MDENG"), message);
      return message;
    },
    /^config\.endpoint: FLATFILES_ENDPOINT has a user name or password in it .*not shown/,
  ],
  [
    'FLATFILES_REGION="us east 1"',
    () => failure(withKeys({ FLATFILES_REGION: "us east 1" })),
    /^config\.region: FLATFILES_REGION is "us east 1", which is not a region name \("us-east-1"\?\).*like us-east-1/,
  ],
  [
    "a port of 99999 in FLATFILES_ENDPOINT",
    () => failure(withKeys({ FLATFILES_ENDPOINT: "https://files.massive.com:99999" })),
    /^config\.endpoint: FLATFILES_ENDPOINT has the port "99999": a port is a number from 1 to 65535/,
  ],
  [
    "a zero-width space in the key id (pasted from a web page)",
    async () => {
      const message = await failure(withKeys({ FLATFILES_ACCESS_KEY_ID: "AKID\u200bEXAMPLE" }));
      assert.ok(!message.includes("AKID"), "the key is not shown");
      return message;
    },
    /^config\.key: FLATFILES_ACCESS_KEY_ID has a zero-width space \(U\+200B\) at character 5/,
  ],
  [
    "HTTPS://FILES.MASSIVE.COM/ (capitals, a trailing slash)",
    () =>
      loadConfig({
        env: { ...noSandbox, ...KEYS, FLATFILES_ENDPOINT: "HTTPS://FILES.MASSIVE.COM/" },
        cwd: null,
      }).endpoint,
    /^https:\/\/files\.massive\.com$/,
  ],
  [
    "an endpoint with the bucket as its path, FLATFILES_BUCKET already flatfiles",
    async () => {
      const message = await failure(
        withKeys({
          FLATFILES_ENDPOINT: "https://files.massive.com/flatfiles",
          FLATFILES_BUCKET: "flatfiles",
        }),
      );
      assert.ok(!/Set FLATFILES_BUCKET/i.test(message), message);
      return message;
    },
    /^config\.endpoint: FLATFILES_ENDPOINT has the path "\/flatfiles" after the server: the endpoint is the server alone, https:\/\/files\.massive\.com\. The bucket is given apart, in FLATFILES_BUCKET \(now "flatfiles"\)/,
  ],
  [
    "FLATFILES_CACHE_DIR=~/x in .env (no folder named ~)",
    () => {
      const dir = envFile("FLATFILES_CACHE_DIR=~/flatfiles-x\n");
      const got = defaultCacheDir(kitEnv(dir, {}));
      assert.equal(got, path.join(os.homedir(), "flatfiles-x"));
      return got;
    },
    /flatfiles-x$/,
  ],
  [
    "FLATFILES_CACHE_DIR=~someone/x (no shell to ask for ~someone)",
    () => failure(() => kitEnv(envFile("FLATFILES_CACHE_DIR=~someone/x\n"), {})),
    /^config\.path: FLATFILES_CACHE_DIR is "~someone\/x": only ~ \(your home folder\) is expanded/,
  ],
  [
    "a folder named .env (a Python venv) in the working folder, a real .env above it",
    () => {
      const top = envFile(
        `FLATFILES_ACCESS_KEY_ID=${KEYS.FLATFILES_ACCESS_KEY_ID}\nFLATFILES_SECRET_ACCESS_KEY=${KEYS.FLATFILES_SECRET_ACCESS_KEY}\n`,
      );
      const project = path.join(top, "project");
      fs.mkdirSync(path.join(project, ".env", "bin"), { recursive: true });
      const c = loadConfig({ env: noSandbox, cwd: project });
      return `${c.target} from ${c.envFile}`;
    },
    /^massive from .*kit-bad-[^/]+\/\.env$/,
  ],
  [
    "a folder named .env and no .env file anywhere",
    () => {
      const dir = tmp();
      fs.mkdirSync(path.join(dir, ".env"));
      return failure(() => loadConfig({ env: noSandbox, cwd: dir }));
    },
    /^config\.missing: No flat-files credentials/,
  ],
  ...([0, -1, "reused"] as const).map(
    (pid) =>
      [
        `a stale sandbox state file with pid ${pid}`,
        () =>
          failure(() =>
            loadConfig({
              env: { FLATFILES_SANDBOX_STATE: staleState(pid === "reused" ? process.pid : pid) },
              cwd: null,
              target: "sandbox",
            }),
          ),
        /^config\.sandbox: The local sandbox is not running/,
      ] as Row,
  ),
  [
    "FLATFILES_SANDBOX_PYTHON written in .env, as .env.example invites",
    () => startSandboxIn("FLATFILES_SANDBOX_PYTHON=/no/such/python3\n"),
    /^sandbox\.python: FLATFILES_SANDBOX_PYTHON is \/no\/such\/python3/,
  ],
  [
    "a key in FLATFILES_ENDPOINT never reaches describeConfig, configRows or util.inspect",
    () => {
      const shown: string[] = [];
      for (const endpoint of [
        "https://a:b/c@files.massive.com",
        "https://files.massive.com/x@y",
        "https://u:p@h",
      ]) {
        try {
          const c = withKeys({ FLATFILES_ENDPOINT: endpoint })();
          shown.push(describeConfig(c), JSON.stringify(configRows(c)), inspect(c));
        } catch (e) {
          shown.push(`${(e as { code: string }).code}`);
        }
      }
      assert.ok(!shown.some((s) => /b\/c|:p@|x@y/.test(s)), shown.join("\n"));
      return shown.join(" ");
    },
    /^config\.endpoint config\.endpoint config\.endpoint$/,
  ],
];

badInputTable("config", ROWS);
