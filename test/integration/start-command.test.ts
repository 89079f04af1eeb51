/**
 * The README's main command as a user runs it: it prints a URL, Jupyter answers with token
 * authentication on, a tslab kernel starts, and Ctrl-C (SIGINT to the terminal's process group)
 * leaves no process behind and frees the ports. The tslab kernel is the only one offered.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import { describe, it } from "node:test";
import { startMainCommand } from "../helpers/main-command";

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, "127.0.0.1");
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
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
  it("serves the notebooks with a tslab kernel and stops everything on Ctrl-C", {
    timeout: 180_000,
  }, async () => {
    const { port, token, stateFile, stop } = await startMainCommand();
    const state = JSON.parse(fs.readFileSync(stateFile, "utf8")) as { endpoint: string; pid: number };
    const sandboxPort = Number(new URL(state.endpoint).port);

    assert.equal(
      (await fetch(`http://127.0.0.1:${port}/api/status`)).status,
      403,
      "token authentication stays on",
    );
    // Any local user can read a command line (`ps`); the token must not be on one (issue 20, item 5).
    const server = pidsMentioning("jupyter-notebook").filter((pid) => {
      try {
        return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(`server-${port}`);
      } catch {
        return false;
      }
    });
    assert.equal(server.length, 1, "the Jupyter server process is found");
    for (const pid of [server[0], ...pidsMentioning("tslab")]) {
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
      assert.ok(!cmdline.includes(token), `the token is on the command line of process ${pid}`);
    }
    const version = (await (
      await fetch(`http://127.0.0.1:${port}/api/status?token=${token}`)
    ).json()) as object;
    assert.ok(version, "Jupyter answers with the token");
    const docs = await fetch(
      `http://127.0.0.1:${port}/files/docs/solutions/01-flat-files-requests-and-paginators.md?token=${token}`,
    );
    assert.equal(docs.status, 200, "the docs the notebooks link to are served");
    const specs = (await (await fetch(`http://127.0.0.1:${port}/api/kernelspecs?token=${token}`)).json()) as {
      default: string;
      kernelspecs: Record<string, unknown>;
    };
    assert.deepEqual(
      { default: specs.default, names: Object.keys(specs.kernelspecs) },
      { default: "tslab", names: ["tslab"] },
      "the TypeScript kernel is the only one offered, and the default",
    );
    const kernel = await fetch(`http://127.0.0.1:${port}/api/kernels?token=${token}`, {
      method: "POST",
      body: JSON.stringify({ name: "tslab" }),
    });
    assert.equal(kernel.status, 201);
    const { id } = (await kernel.json()) as { id: string };
    await new Promise((r) => setTimeout(r, 2000));
    const kernelPids = pidsMentioning(`kernel-${id}`);
    assert.equal(kernelPids.length, 1, "the tslab kernel process is running");

    await stop();
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(alive(state.pid), false, "sandbox stopped");
    assert.deepEqual(kernelPids.filter(alive), [], "kernel stopped");
    assert.deepEqual(server.filter(alive), [], "Jupyter stopped");
    assert.equal(await portOpen(port), false, "Jupyter's port released");
    assert.equal(await portOpen(sandboxPort), false, "sandbox port released");
    assert.equal(fs.existsSync(stateFile), false, "sandbox state file removed");
  });
});
