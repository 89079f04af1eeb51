/**
 * `npm start`: the kit's main job. Builds the library, registers the tslab kernel, starts the
 * sandbox and Jupyter Notebook on loopback, and prints the URL to open. Ctrl-C stops all of it.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as path from "node:path";
import { describeConfig, kitEnv, loadConfig, readSandboxState } from "../src/config/env";
import { startSandbox } from "../src/testing";
import { PACKAGE_ROOT, sandboxStateFile } from "../src/util/paths";
import { buildLibrary } from "./lib/build";
import { ensureJupyter, jupyterEnv, serverKernelArgs, writeKernelSpec } from "./lib/jupyter";
import { freePort, waitForHttp } from "./lib/net";
import { onShutdown } from "./lib/shutdown";

async function main() {
  ensureJupyter();
  console.log("building the library (dist/)...");
  buildLibrary();
  writeKernelSpec();
  // A sandbox already running (`npm run sandbox` in another terminal) is used, and left running.
  const running = readSandboxState(kitEnv());
  console.log(
    running ? `using the sandbox already running at ${running.endpoint}` : "starting the sandbox...",
  );
  const sb = running
    ? { ...running, stateFile: sandboxStateFile(kitEnv()), stop: async () => {} }
    : await startSandbox({ log: (m) => console.log(`  ${m}`) });
  let jupyter: ChildProcess | null = null;
  onShutdown(async () => {
    if (jupyter) await stopProcessGroup(jupyter);
    await sb.stop();
  });

  let target: string;
  try {
    target = describeConfig(loadConfig());
  } catch (e) {
    target = `not usable: ${(e as Error).message}`;
  }
  const port = await freePort();
  const token = randomBytes(24).toString("hex");
  // Own process group, so stopping Jupyter also reaches anything it started.
  const args = ["--no-browser", "--ip=127.0.0.1", `--port=${port}`, `--NotebookApp.token=${token}`];
  args.push(`--notebook-dir=${path.join(PACKAGE_ROOT, "notebooks")}`, ...serverKernelArgs());
  if (process.getuid?.() === 0) args.push("--allow-root"); // containers and CI machines run as root
  jupyter = spawn("jupyter-notebook", args, {
    env: jupyterEnv({ FLATFILES_SANDBOX_STATE: sb.stateFile }),
    detached: true,
    stdio: ["ignore", "inherit", "inherit"],
  });
  jupyter.once("exit", (code) => {
    console.log(`Jupyter exited (code ${code}); stopping the sandbox.`);
    void sb.stop().then(() => process.exit(code ?? 1));
  });
  const url = `http://127.0.0.1:${port}/tree?token=${token}`;
  await waitForHttp(`http://127.0.0.1:${port}/api/status?token=${token}`, 60_000);
  console.log(`
Jupyter Notebook is ready. Open:

    ${url}

Flat files: ${target}
Sandbox:    ${sb.endpoint} (DynamoDB, EC2 and IAM examples always run here)
Ctrl-C stops Jupyter, its kernels${running ? "" : " and the sandbox"}.`);
}

async function stopProcessGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  child.removeAllListeners("exit");
  const gone = new Promise((r) => child.once("exit", r));
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      /* already gone */
    }
  }, 8000);
  await gone;
  clearTimeout(timer);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
