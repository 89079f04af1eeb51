/**
 * The kit's own Python environments (Jupyter, the emulator) as a first start makes them, with
 * real pip and a real venv: each step says what it does and how long it usually takes, pip's own
 * lines reach the terminal (the install used to run `--quiet`, and a learner could not tell a slow
 * install from a hang), each step ends with its time, and an index that never answers ends the
 * install within the limit with a message naming that index and PIP_INDEX_URL, leaving no
 * half-made environment. Run in a child process, as `npm start` runs it, whose output is read.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { after, it } from "node:test";
import { PACKAGE_ROOT } from "../../src/util/paths";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kit-pip-"));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** pip's environment without this machine's own pip settings, plus `extra`. */
function pipEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith("PIP_")) delete env[k];
  return { ...env, PIP_CONFIG_FILE: os.devNull, ...extra };
}

/** ensureOwnVenv in a child process; its whole output and exit code. */
function install(dir: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string }> {
  const code = `
    const { ensureOwnVenv } = require(${JSON.stringify(path.join(PACKAGE_ROOT, "src", "sandbox", "python.ts"))});
    try {
      ensureOwnVenv({ what: "six", dir: ${JSON.stringify(dir)}, requirements: ["six"], expect: "seconds",
        ready: () => true, candidates: ["python3"], env: process.env, log: console.log, advice: "ADVICE" });
    } catch (e) { console.log("FAILED " + e.code + ": " + e.message); process.exit(2); }`;
  const child = spawn(process.execPath, ["--import", "tsx", "-e", code], { cwd: PACKAGE_ROOT, env });
  let out = "";
  child.stdout.on("data", (b) => (out += b));
  child.stderr.on("data", (b) => (out += b));
  return new Promise((r) => child.once("exit", (c) => r({ code: c, out })));
}

it("shows each step, pip's own lines and the time taken", { timeout: 300_000 }, async () => {
  const dir = path.join(tmp, "ok");
  const r = await install(dir, pipEnv({ PIP_INDEX_URL: "file:///opt/pypi/simple" }));
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /\[1\/2\] creating a virtual environment \(a few seconds\)/);
  assert.match(r.out, /\[2\/2\] installing six with pip \(seconds\)/);
  assert.match(r.out, /Successfully installed six/, `pip's own lines are not shown:\n${r.out}`);
  assert.match(r.out, /\[2\/2\] done in \d+ s/);
  assert.ok(fs.existsSync(path.join(dir, "flatfiles-kit-emulator.json")));
});

it("ends an install stuck on an index that never answers, naming it and PIP_INDEX_URL", {
  timeout: 240_000,
}, async () => {
  // A server that accepts connections and never says a word: pip waits on it, as on a dead proxy.
  const sockets: net.Socket[] = [];
  const server = net.createServer((s) => sockets.push(s));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as net.AddressInfo).port;
  const index = `http://127.0.0.1:${port}/simple`;
  const dir = path.join(tmp, "stuck");
  try {
    const t0 = Date.now();
    const r = await install(dir, pipEnv({ PIP_INDEX_URL: index, FLATFILES_PIP_TIMEOUT_S: "20" }));
    const took = (Date.now() - t0) / 1000;
    assert.equal(r.code, 2, r.out);
    const failed = /FAILED (\S+): (.*)/.exec(r.out);
    assert.ok(failed, r.out);
    assert.equal(failed[1], "sandbox.install");
    assert.ok(failed[2].includes(index), `the message does not name the index: ${failed[2]}`);
    assert.match(failed[2], /PIP_INDEX_URL=/);
    assert.match(failed[2], /had not finished after \d+ s/);
    assert.ok(took < 200, `the install was stopped only after ${took} s`);
    assert.ok(!fs.existsSync(dir), "a half-made environment was left behind");
  } finally {
    for (const s of sockets) s.destroy();
    server.close();
  }
});
