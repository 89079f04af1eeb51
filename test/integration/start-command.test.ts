/**
 * The README's main command as a user runs it: it prints a URL, Jupyter answers with token
 * authentication on, a tslab kernel starts, and Ctrl-C (SIGINT to the terminal's process group)
 * leaves no process behind and frees the ports.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { PACKAGE_ROOT } from "../../src/util/paths";

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, "127.0.0.1");
    s.once("connect", () => (s.destroy(), resolve(true)));
    s.once("error", () => resolve(false));
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Every process whose command line mentions a string (our state file makes it unique). */
function pidsMentioning(text: string): number[] {
  const out = spawnSync("ps", ["-eo", "pid=,args="], { encoding: "utf8" }).stdout;
  return out
    .split("\n")
    .filter((l) => l.includes(text))
    .map((l) => Number(l.trim().split(/\s+/)[0]));
}

describe("npm start", () => {
  it("serves the notebooks with a tslab kernel and stops everything on Ctrl-C", { timeout: 180_000 }, async () => {
    const stateFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "kit-start-")), "state.json");
    // detached: its own process group, like a terminal's foreground job.
    const child = spawn("npm", ["start"], {
      cwd: PACKAGE_ROOT,
      detached: true,
      env: { ...process.env, FLATFILES_SANDBOX_STATE: stateFile },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let log = "";
    child.stdout!.on("data", (b) => (log += b));
    child.stderr!.on("data", (b) => (log += b));
    const exited = new Promise<void>((r) => child.once("exit", () => r()));

    const deadline = Date.now() + 150_000;
    while (!/Jupyter Notebook is ready/.test(log)) {
      assert.ok(Date.now() < deadline && child.exitCode === null, `npm start did not get ready:\n${log}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const m = /http:\/\/127\.0\.0\.1:(\d+)\/tree\?token=([0-9a-f]+)/.exec(log)!;
    assert.ok(m, "prints the URL with its token");
    const [port, token] = [Number(m[1]), m[2]];
    const state = JSON.parse(fs.readFileSync(stateFile, "utf8")) as { endpoint: string; pid: number };
    const sandboxPort = Number(new URL(state.endpoint).port);

    assert.equal((await fetch(`http://127.0.0.1:${port}/api/status`)).status, 403, "token authentication stays on");
    const kernel = await fetch(`http://127.0.0.1:${port}/api/kernels?token=${token}`, {
      method: "POST",
      body: JSON.stringify({ name: "tslab" }),
    });
    assert.equal(kernel.status, 201);
    const { id } = (await kernel.json()) as { id: string };
    await new Promise((r) => setTimeout(r, 2000));
    const kernelPids = pidsMentioning(`kernel-${id}`);
    assert.equal(kernelPids.length, 1, "the tslab kernel process is running");

    process.kill(-child.pid!, "SIGINT");
    await exited;
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(alive(state.pid), false, "sandbox stopped");
    assert.deepEqual(kernelPids.filter(alive), [], "kernel stopped");
    assert.deepEqual(pidsMentioning(`--port=${port}`), [], "Jupyter stopped");
    assert.equal(await portOpen(port), false, "Jupyter's port released");
    assert.equal(await portOpen(sandboxPort), false, "sandbox port released");
    assert.equal(fs.existsSync(stateFile), false, "sandbox state file removed");
  });
});
