/**
 * Starts and stops the sandbox: the Python emulator host (emulator/server.py) plus its data.
 *
 * The emulator boots and seeds the small services while this process builds the flat-file
 * packs on the other core; then it loads them and reports its endpoint and throwaway keys.
 * It exits when our end of its stdin closes, so it cannot outlive us, even after a SIGKILL.
 */
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as readline from "node:readline";
import { type SandboxState, kitEnv, readSandboxState } from "../config/env";
import { KitError } from "../util/errors";
import { PACKAGE_ROOT, sandboxStateFile, userCacheDir } from "../util/paths";
import { ensureSandboxPython } from "./python";
import { ensureSeedData } from "./seed";
import { readSmallFile } from "../util/small-file";

export interface SandboxInfo extends SandboxState {
  objects: number;
  seconds: number;
  phases: Record<string, number>;
}

export interface Sandbox extends SandboxInfo {
  stateFile: string;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Where the generated data is kept (default: the user cache, shared by all clones). */
  cacheDir?: string;
  /**
   * Where to write the state file (default FLATFILES_SANDBOX_STATE, else `.sandbox/state.json` in
   * the kit's checkout, else a per-user file: `sandboxStateFile()`); null writes none.
   */
  stateFile?: string | null;
  port?: number;
  log?: (message: string) => void;
}

const SERVER = path.join(PACKAGE_ROOT, "emulator", "server.py");

export function defaultSandboxCacheDir(): string {
  return path.join(userCacheDir(), "sandbox");
}

export async function startSandbox(options: StartOptions = {}): Promise<Sandbox> {
  const log = options.log ?? (() => {});
  const cacheDir = options.cacheDir ?? defaultSandboxCacheDir();
  // The variables as .env.example documents them: the environment, then the nearest .env.
  const env = kitEnv();
  const stateFile = options.stateFile === undefined ? sandboxStateFile(env) : options.stateFile;
  // Two sandboxes writing one state file would overwrite, then delete, each other's description.
  const other = stateFile ? readSandboxState({ FLATFILES_SANDBOX_STATE: stateFile }) : null;
  if (other) {
    throw new KitError(
      "sandbox.running",
      `A sandbox is already running at ${other.endpoint} (process ${other.pid}, described in ${stateFile}). ` +
        "Use it (the notebooks and the CLI find it), or stop it with Ctrl-C in its terminal first; " +
        "to run a second one, set FLATFILES_SANDBOX_STATE to another file.",
    );
  }
  const python = ensureSandboxPython({ log, env });
  // -B: Python writes no __pycache__ beside server.py, which is inside node_modules when the kit is a dependency.
  const args = ["-B", SERVER, "--cache-dir", cacheDir, "--port", String(options.port ?? 0)];
  const child = spawn(python, args, { stdio: ["pipe", "pipe", "pipe"] });
  const stderr: string[] = [];
  child.stderr!.on("data", (b: Buffer) => {
    stderr.push(b.toString());
    if (stderr.length > 200) stderr.splice(0, 100);
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const failure = (what: string) =>
    new KitError(
      "sandbox.start",
      `The sandbox ${what}. Its last output:\n${stderr.join("").split("\n").slice(-15).join("\n")}`,
    );

  try {
    const seeding = ensureSeedData(cacheDir, log).then(() => child.stdin!.write("load\n"));
    const ready = firstJsonLine(child);
    const info = await Promise.race([
      Promise.all([seeding, ready]).then(([, i]) => i),
      exited.then((code) => {
        throw failure(`stopped during start-up (exit code ${code})`);
      }),
    ]);
    const sandbox: Sandbox = {
      ...info,
      stateFile: stateFile ?? "",
      stop: () => stopChild(child, exited, stateFile),
    };
    if (stateFile) writeState(stateFile, info);
    return sandbox;
  } catch (e) {
    child.kill("SIGKILL");
    throw e instanceof KitError ? e : failure(`could not start: ${(e as Error).message}`);
  }
}

function firstJsonLine(child: ChildProcess): Promise<SandboxInfo> {
  return new Promise((resolve) => {
    const rl = readline.createInterface({ input: child.stdout! });
    rl.on("line", (line) => {
      if (line.startsWith("{")) {
        const msg = JSON.parse(line) as SandboxInfo & { ready?: boolean };
        if (msg.ready) {
          rl.close();
          resolve(msg);
        }
      }
    });
  });
}

function writeState(file: string, info: SandboxInfo): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  // The sandbox's keys are throwaway, but the file is still readable by its owner only.
  fs.writeFileSync(tmp, JSON.stringify(info, null, 2), { mode: 0o600 });
  fs.renameSync(tmp, file);
}

async function stopChild(
  child: ChildProcess,
  exited: Promise<number | null>,
  stateFile: string | null,
): Promise<void> {
  if (stateFile) {
    try {
      const read = readSmallFile(stateFile);
      const st = (read.ok ? JSON.parse(read.bytes.toString("utf8")) : {}) as { pid?: number };
      if (st.pid === child.pid) fs.rmSync(stateFile, { force: true });
    } catch {
      /* already gone */
    }
  }
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.stdin!.end();
  const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
  await exited;
  clearTimeout(timer);
}
