/**
 * Whether a sandbox state file describes a sandbox that is running now. A sandbox killed hard
 * leaves its file behind; its pid may since belong to another program (pids are reused), and a
 * damaged or hand-edited file may hold pid 0 or -1, which `process.kill(pid, 0)` reports as alive
 * (they name a process group). So a state is believed only when its fields have their types, its
 * endpoint is a loopback http URL, and its pid is a live process running the emulator host.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { alive } from "../util/process";
import { readSmallFile } from "../util/small-file";

export interface SandboxState {
  endpoint: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  pid: number;
  deniedPrefix?: string;
}

/** The script the launcher runs; a process whose command line holds it is an emulator. */
const EMULATOR_SCRIPT = path.join("emulator", "server.py");

/** The state in `file` when it describes a running sandbox, else null. */
export function runningSandbox(file: string): SandboxState | null {
  let state: unknown;
  try {
    const read = readSmallFile(file);
    if (!read.ok) return null; // a FIFO or device here must not hang every command
    state = JSON.parse(read.bytes.toString("utf8"));
  } catch {
    return null;
  }
  if (!wellFormed(state)) return null;
  return alive(state.pid) && isEmulator(state.pid) ? state : null;
}

function wellFormed(s: unknown): s is SandboxState {
  if (!s || typeof s !== "object") return false;
  const st = s as Record<string, unknown>;
  const texts = ["endpoint", "region", "bucket", "accessKeyId", "secretAccessKey"];
  if (!texts.every((k) => typeof st[k] === "string" && st[k] !== "")) return false;
  // pid 0 and negative pids name process groups, pid 1 is init: none is ever the emulator.
  if (!Number.isSafeInteger(st.pid) || (st.pid as number) <= 1) return false;
  try {
    const url = new URL(st.endpoint as string);
    return url.protocol === "http:" && ["127.0.0.1", "[::1]", "localhost"].includes(url.hostname);
  } catch {
    return false;
  }
}

/**
 * Whether a live pid runs the emulator host (a reused pid runs something else): its command
 * line, from /proc on Linux, from `ps` elsewhere; where neither answers, alive is all we know.
 */
export function isEmulator(pid: number): boolean {
  const line = commandLine(pid);
  return line === null || line.includes(EMULATOR_SCRIPT);
}

function commandLine(pid: number): string | null {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch (e) {
    // The process is gone, or /proc does not exist (macOS, BSD, Windows).
    if ((e as NodeJS.ErrnoException).code !== "ENOENT" || fs.existsSync("/proc/self")) return "";
  }
  const ps = spawnSync("ps", ["-p", String(pid), "-o", "command="], { encoding: "utf8" });
  if (ps.error) return null;
  return ps.status === 0 ? ps.stdout : "";
}
