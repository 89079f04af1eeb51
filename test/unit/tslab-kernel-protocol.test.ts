/**
 * The patched tslab kernel (patches/tslab+1.0.22.patch) as Jupyter talks to it, over its real
 * ZeroMQ sockets: it answers `kernel_info` with `status: "ok"` before its warm-up (the warm-up
 * type-checks the kit, seconds of CPU, behind the reply), answers `history_request`, drops comm
 * messages without complaint, and replies to `comm_info_request` with the right type.
 *
 * "Before the warm-up" is measured in the kernel's own CPU time, not the wall clock, so a busy
 * machine does not change the verdict: unpatched, the kernel bound its sockets only after the
 * warm-up, so its first reply came after nearly all the CPU it spends until its first cell.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { createHmac, randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import * as zmq from "zeromq";
import { freePort } from "../../scripts/lib/net";
import { kernelSpec } from "../../scripts/lib/jupyter";
import { PACKAGE_ROOT } from "../../src/util/paths";

interface Msg {
  header: { msg_type: string; msg_id: string };
  parent_header: { msg_id?: string };
  content: Record<string, unknown>;
}

/** The kernel's CPU time so far (user + system), in seconds, from /proc. */
function cpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (100/s)
}

describe("the patched tslab kernel over ZeroMQ", {
  skip: process.platform !== "linux" && "reads /proc",
}, () => {
  const key = randomUUID();
  const session = randomUUID();
  let kernel: ChildProcess;
  let shell: zmq.Dealer;
  let iopub: zmq.Subscriber;
  let stderr = "";
  const replies = new Map<string, (m: Msg) => void>();
  const iopubSeen: Msg[] = [];

  const sign = (parts: string[]) => {
    const h = createHmac("sha256", key);
    for (const p of parts) h.update(p);
    return h.digest("hex");
  };
  function decode(frames: Buffer[]): Msg {
    const i = frames.findIndex((f) => f.toString() === "<IDS|MSG>");
    const [header, parent, , content] = frames.slice(i + 2, i + 6).map((f) => JSON.parse(f.toString()));
    return { header, parent_header: parent, content };
  }
  async function request(msg_type: string, content: object = {}): Promise<Msg> {
    const msg_id = randomUUID();
    const header = {
      msg_id,
      msg_type,
      session,
      username: "test",
      date: new Date().toISOString(),
      version: "5.3",
    };
    const parts = [header, {}, {}, content].map((p) => JSON.stringify(p));
    const reply = new Promise<Msg>((r) => replies.set(msg_id, r));
    await shell.send(["<IDS|MSG>", sign(parts), ...parts]);
    return reply;
  }
  async function send(msg_type: string, content: object): Promise<void> {
    const header = {
      msg_id: randomUUID(),
      msg_type,
      session,
      username: "test",
      date: new Date().toISOString(),
      version: "5.3",
    };
    const parts = [header, {}, {}, content].map((p) => JSON.stringify(p));
    await shell.send(["<IDS|MSG>", sign(parts), ...parts]);
  }

  before(async () => {
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
    // As Jupyter starts it: in the notebooks' folder, with the spec's warm-up (the kit's library).
    kernel = spawn(argv[0], argv.slice(1), {
      cwd: path.join(PACKAGE_ROOT, "notebooks"),
      env: { ...process.env, ...spec.env },
      stdio: ["ignore", "ignore", "pipe"],
    });
    kernel.stderr!.on("data", (b) => (stderr += b));
    shell = new zmq.Dealer({ routingId: session });
    shell.connect(`tcp://127.0.0.1:${conn.shell_port}`);
    iopub = new zmq.Subscriber();
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
  });

  after(() => {
    shell?.close();
    iopub?.close();
    kernel?.kill("SIGKILL");
  });

  it("answers kernel_info with status ok at once, and warms up behind it", {
    timeout: 300_000,
  }, async (t) => {
    const info = await request("kernel_info_request");
    const cpuAtInfo = cpuSeconds(kernel.pid!);

    // A first cell that imports the kit: by its end the kit is type-checked, by the warm-up or by
    // the cell itself (it cancels a warm-up not yet begun), so the CPU spent is the same either way.
    const code = 'import { versions } from "../dist";\nversions().length';
    const done = await request("execute_request", { code, silent: false, store_history: true });
    assert.equal(done.content.status, "ok");
    const cpuAtFirstCell = cpuSeconds(kernel.pid!);
    t.diagnostic(
      `kernel CPU: ${cpuAtInfo.toFixed(2)} s at kernel_info, ${cpuAtFirstCell.toFixed(2)} s after the first kit cell`,
    );
    assert.ok(
      cpuAtInfo < cpuAtFirstCell / 3,
      `kernel_info came after ${cpuAtInfo} s of the kernel's CPU, of ${cpuAtFirstCell} s until its first kit cell was done: it waited for the warm-up`,
    );
    assert.equal(info.header.msg_type, "kernel_info_reply");
    assert.equal(info.content.status, "ok");
    assert.ok(Number(info.content.protocol_version) >= 5.3, `protocol ${info.content.protocol_version}`);
    assert.equal((info.content.language_info as { name: string }).name, "typescript");
  });

  it("answers history_request (empty) and comm_info_request, and drops comm messages quietly", {
    timeout: 60_000,
  }, async () => {
    const history = await request("history_request", {
      output: false,
      raw: true,
      hist_access_type: "tail",
      n: 10,
    });
    assert.equal(history.header.msg_type, "history_reply");
    assert.deepEqual(history.content, { status: "ok", history: [] });

    await send("comm_open", { comm_id: randomUUID(), target_name: "jupyter.widget", data: {} });
    await send("comm_msg", { comm_id: randomUUID(), data: {} });
    await send("comm_close", { comm_id: randomUUID(), data: {} });
    const comms = await request("comm_info_request", { target_name: "jupyter.widget" });
    assert.equal(comms.header.msg_type, "comm_info_reply");
    assert.deepEqual(comms.content, { status: "ok", comms: {} });
    assert.doesNotMatch(stderr, /unknown msg_type/, stderr);
  });
});
