/**
 * The project's patched tslab kernel started as Jupyter starts it (its kernel spec, in the
 * notebooks' folder, the spec's environment), spoken to over its real ZeroMQ sockets.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createHmac, randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as zmq from "zeromq";
import { kernelSpec } from "../../scripts/lib/jupyter";
import { freePort } from "../../scripts/lib/net";
import { PACKAGE_ROOT } from "../../src/util/paths";

export interface Msg {
  header: { msg_type: string; msg_id: string };
  parent_header: { msg_id?: string };
  content: Record<string, unknown>;
}

export interface KernelUnderTest {
  process: ChildProcess;
  /** Send a shell request and resolve with its reply. */
  request(msg_type: string, content?: object): Promise<Msg>;
  /** Send a shell message that has no reply (comm_open, comm_msg, comm_close). */
  send(msg_type: string, content: object): Promise<void>;
  /** What the kernel wrote on stderr so far. */
  stderr(): string;
  /** Resolve once stderr matches, or fail after timeoutMs saying what it did print. */
  waitForStderr(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray>;
  iopub: Msg[];
  stop(): void;
}

/** The kernel's CPU time so far (user + system), in seconds, from /proc. */
export function cpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (100/s)
}

export async function startTslabKernel(): Promise<KernelUnderTest> {
  const key = randomUUID();
  const session = randomUUID();
  const replies = new Map<string, (m: Msg) => void>();
  const iopubSeen: Msg[] = [];
  let stderr = "";
  const sign = (parts: string[]) => {
    const h = createHmac("sha256", key);
    for (const p of parts) h.update(p);
    return h.digest("hex");
  };
  const decode = (frames: Buffer[]): Msg => {
    const i = frames.findIndex((f) => f.toString() === "<IDS|MSG>");
    const [header, parent, , content] = frames.slice(i + 2, i + 6).map((f) => JSON.parse(f.toString()));
    return { header, parent_header: parent, content };
  };
  const ports = await Promise.all([1, 2, 3, 4, 5].map(() => freePort()));
  const conn = {
    transport: "tcp",
    ip: "127.0.0.1",
    shell_port: ports[0],
    iopub_port: ports[1],
    control_port: ports[2],
    stdin_port: ports[3],
    hb_port: ports[4],
    key,
    signature_scheme: "hmac-sha256",
  };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kit-kernel-"));
  const connFile = path.join(dir, "connection.json");
  fs.writeFileSync(connFile, JSON.stringify(conn));
  const spec = kernelSpec() as { argv: string[]; env: Record<string, string> };
  const argv = spec.argv.map((a) => (a === "{connection_file}" ? connFile : a));
  const kernel = spawn(argv[0], argv.slice(1), {
    cwd: path.join(PACKAGE_ROOT, "notebooks"),
    env: { ...process.env, ...spec.env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  kernel.stderr!.on("data", (b) => (stderr += b));
  const shell = new zmq.Dealer({ routingId: session });
  shell.connect(`tcp://127.0.0.1:${conn.shell_port}`);
  const iopub = new zmq.Subscriber();
  iopub.connect(`tcp://127.0.0.1:${conn.iopub_port}`);
  iopub.subscribe();
  void (async () => {
    for await (const frames of shell) {
      const m = decode(frames as Buffer[]);
      replies.get(m.parent_header.msg_id ?? "")?.(m);
    }
  })().catch(() => {});
  void (async () => {
    for await (const frames of iopub) iopubSeen.push(decode(frames as Buffer[]));
  })().catch(() => {});

  const frame = (msg_type: string, content: object) => {
    const header = {
      msg_id: randomUUID(),
      msg_type,
      session,
      username: "test",
      date: new Date().toISOString(),
      version: "5.3",
    };
    const parts = [header, {}, {}, content].map((p) => JSON.stringify(p));
    return { id: header.msg_id, frames: ["<IDS|MSG>", sign(parts), ...parts] };
  };
  return {
    process: kernel,
    iopub: iopubSeen,
    stderr: () => stderr,
    async request(msg_type, content = {}) {
      const f = frame(msg_type, content);
      const reply = new Promise<Msg>((r) => replies.set(f.id, r));
      await shell.send(f.frames);
      return reply;
    },
    async send(msg_type, content) {
      await shell.send(frame(msg_type, content).frames);
    },
    async waitForStderr(pattern, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const m = pattern.exec(stderr);
        if (m) return m;
        if (Date.now() > deadline || kernel.exitCode !== null)
          throw new Error(
            `the kernel did not print ${pattern} in ${timeoutMs / 1000} s; it printed:\n${stderr}`,
          );
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    stop() {
      shell.close();
      iopub.close();
      kernel.kill("SIGKILL");
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
