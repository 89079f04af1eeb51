/**
 * `npm run bench -- kernel`: how long a learner waits for the tslab kernel in the Jupyter that
 * `npm start` runs, beside a baseline in the same run: the same Jupyter and tslab starting a kernel
 * without the kit's warm-up for a tiny TypeScript cell. Measured as the browser does it, through
 * Jupyter's REST API (a session for a notebook in notebooks/) and the kernel's WebSocket:
 *
 * - open → idle: from creating the session to the kernel's kernel_info_reply (Jupyter shows it
 *   idle then, and runs cells);
 * - first cell, run at idle: the notebook's first cell sent the moment the kernel is idle (Run
 *   All at once: it waits for the warm-up);
 * - first cell, run after the warm-up: on a new kernel left to finish its warm-up (a reader who
 *   reads the introduction first).
 */
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { kernelSpec, PROJECT_JUPYTER_PATH, writeKernelSpec } from "../scripts/lib/jupyter";
import { type JupyterServer, startJupyterServer } from "../scripts/lib/jupyter-server";
import type { BenchResult } from "./lib";

const KIT_CELL = 'import * as kit from "../dist";\nkit.versions().length';
const TINY_CELL = "const x: number = 1;\nx + 1";

interface Kernel {
  id: string;
  ws: WebSocket;
  request(type: string, content: object): Promise<void>;
  close(): Promise<void>;
}

async function openKernel(server: JupyterServer, name: string): Promise<{ kernel: Kernel; idle: number }> {
  const auth = { Authorization: `token ${server.token}`, "Content-Type": "application/json" };
  const t0 = performance.now();
  const res = await fetch(`${server.base}/api/sessions`, {
    method: "POST",
    headers: auth,
    body: JSON.stringify({
      path: `notebooks/bench-${randomUUID()}.ipynb`,
      type: "notebook",
      name: "",
      kernel: { name },
    }),
  });
  const session = (await res.json()) as { id: string; kernel: { id: string } };
  const id = session.kernel.id;
  const clientSession = randomUUID();
  const ws = new WebSocket(
    `ws://127.0.0.1:${server.port}/api/kernels/${id}/channels?session_id=${clientSession}&token=${server.token}`,
  );
  const waiting = new Map<string, () => void>();
  ws.addEventListener("message", (ev) => {
    const m = JSON.parse(String(ev.data)) as { channel: string; parent_header: { msg_id?: string } };
    if (m.channel === "shell") waiting.get(m.parent_header.msg_id ?? "")?.();
  });
  await new Promise((r, j) => {
    ws.addEventListener("open", r, { once: true });
    ws.addEventListener("error", j, { once: true });
  });
  const request = (type: string, content: object) =>
    new Promise<void>((resolve) => {
      const msg_id = randomUUID();
      waiting.set(msg_id, resolve);
      ws.send(
        JSON.stringify({
          header: {
            msg_id,
            msg_type: type,
            session: clientSession,
            username: "bench",
            version: "5.3",
            date: "",
          },
          parent_header: {},
          metadata: {},
          content,
          channel: "shell",
          buffers: [],
        }),
      );
    });
  await request("kernel_info_request", {});
  const idle = (performance.now() - t0) / 1000;
  const close = async () => {
    ws.close();
    await fetch(`${server.base}/api/sessions/${session.id}`, { method: "DELETE", headers: auth });
  };
  return { kernel: { id, ws, request, close }, idle };
}

async function runCell(kernel: Kernel, code: string): Promise<number> {
  const t0 = performance.now();
  await kernel.request("execute_request", { code, silent: false, store_history: true, allow_stdin: false });
  return (performance.now() - t0) / 1000;
}

/** The kernel's process, found by its connection file's name, and its CPU seconds so far. */
function kernelCpu(id: string): number {
  for (const pid of fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      if (!fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(`kernel-${id}`)) continue;
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      return (Number(f[11]) + Number(f[12])) / 100;
    } catch {}
  }
  return Number.NaN;
}

/** Wait until the kernel's CPU time stops growing (its warm-up is over). */
async function settled(id: string): Promise<void> {
  let last = -1;
  for (let i = 0; i < 240; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    const now = kernelCpu(id);
    if (now === last) return;
    last = now;
  }
}

async function measure(server: JupyterServer, name: string, code: string) {
  const a = await openKernel(server, name);
  const atOnce = await runCell(a.kernel, code);
  const cpu = kernelCpu(a.kernel.id);
  await a.kernel.close();
  const b = await openKernel(server, name);
  await settled(b.kernel.id);
  const afterWarmUp = await runCell(b.kernel, code);
  await b.kernel.close();
  return { idle: a.idle, atOnce, afterWarmUp, cpu };
}

export async function benchKernel(): Promise<BenchResult> {
  writeKernelSpec();
  // The baseline: the same tslab without the warm-up, offered only to this benchmark's server.
  const bare = { ...(kernelSpec() as object), env: {}, display_name: "TypeScript (tslab, no warm-up)" };
  const dir = path.join(PROJECT_JUPYTER_PATH, "kernels", "tslab-bare");
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "kernel.json"), JSON.stringify(bare, null, 2));
  const server = await startJupyterServer({
    stdio: "ignore",
    settings: { KernelSpecManager: { allowed_kernelspecs: ["tslab", "tslab-bare"] } },
  });
  try {
    const kit = await measure(server, "tslab", KIT_CELL);
    const base = await measure(server, "tslab-bare", TINY_CELL);
    const row = (what: string, r: typeof kit) => ({
      case: what,
      "open → idle s": r.idle,
      "first cell, run at idle, s": r.atOnce,
      "first cell, run after warm-up, s": r.afterWarmUp,
      "kernel CPU to first cell, s": r.cpu,
    });
    return {
      name: "kernel start in npm start's Jupyter (Notebook 7)",
      rows: [
        row("kit notebook (warm-up of the kit, first cell imports it)", kit),
        row("baseline: tiny TypeScript cell, no kit, no warm-up", base),
      ],
      notes:
        "Aim on a quiet machine: idle under 2 s, the first kit cell under 1 s once warmed up. " +
        "The warm-up is mostly parsing the AWS SDK's type declarations (client-ec2 alone is 10.5 MB).",
    };
  } finally {
    await server.stop();
  }
}
