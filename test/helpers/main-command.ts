/** The README's main command (`npm start`) run as from a terminal, for the tests that need it. */
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PACKAGE_ROOT } from "../../src/util/paths";

export interface MainCommand {
  child: ChildProcess;
  /** Jupyter's base URL, `http://127.0.0.1:PORT`. */
  base: string;
  port: number;
  token: string;
  /** This run's sandbox state file (kept apart from a sandbox the developer may be running). */
  stateFile: string;
  exited: Promise<void>;
  /** Everything npm start printed so far (its Jupyter's and kernels' lines included). */
  log(): string;
  /** Ctrl-C: SIGINT to the process group, as a terminal sends it; resolves once npm exited. */
  stop(): Promise<void>;
}

export async function startMainCommand(timeoutMs = 150_000): Promise<MainCommand> {
  const stateFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "kit-start-")), "state.json");
  // detached: its own process group, like a terminal's foreground job.
  const child = spawn("npm", ["start"], {
    cwd: PACKAGE_ROOT,
    detached: true,
    // The tests' own learner folder: a learner's my-notebooks/ is never touched by a test run.
    env: { ...process.env, FLATFILES_SANDBOX_STATE: stateFile, FLATFILES_LEARNER_DIR: "my-notebooks-test" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout!.on("data", (b) => (log += b));
  child.stderr!.on("data", (b) => (log += b));
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const deadline = Date.now() + timeoutMs;
  while (!/Jupyter Notebook is ready/.test(log)) {
    if (Date.now() > deadline || child.exitCode !== null)
      throw new Error(`npm start did not get ready:\n${log}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  const m = /(http:\/\/127\.0\.0\.1:(\d+))\/tree[^?\s]*\?token=([0-9a-f]+)/.exec(log);
  if (!m) throw new Error(`npm start printed no URL with a token:\n${log}`);
  return {
    child,
    base: m[1],
    port: Number(m[2]),
    token: m[3],
    stateFile,
    exited,
    log: () => log,
    stop: async () => {
      if (child.exitCode === null) process.kill(-child.pid!, "SIGINT");
      await exited;
      fs.rmSync(path.join(PACKAGE_ROOT, "my-notebooks-test"), { recursive: true, force: true });
    },
  };
}
