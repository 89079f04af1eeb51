/**
 * Sandbox start-up: cold (no data cache: generate + load) and warm (cache present), against a
 * bare `python3 -m moto.server` start on the same machine as the baseline.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DescribeInstancesCommand, EC2Client } from "@aws-sdk/client-ec2";
import { startSandbox } from "../src/testing";
import { median, type BenchResult } from "./lib";
import { ensureSandboxPython } from "../src/sandbox/python";

async function bareMoto(python: string): Promise<number> {
  const t0 = performance.now();
  const port = 20000 + Math.floor(Math.random() * 20000);
  const child = spawn(python, ["-m", "moto.server", "-H", "127.0.0.1", "-p", String(port)], {
    stdio: "ignore",
  });
  for (;;) {
    try {
      await fetch(`http://127.0.0.1:${port}/moto-api/`);
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  const ms = performance.now() - t0;
  child.kill("SIGKILL");
  return ms;
}

async function timedStart(
  cacheDir: string,
): Promise<{ ms: number; servicesMs: number; phases: Record<string, number> }> {
  const t0 = performance.now();
  const sb = await startSandbox({ cacheDir, stateFile: null });
  const ms = performance.now() - t0;
  // EC2 and DynamoDB are seeded after "ready"; their first answer waits for that.
  const ec2 = new EC2Client({
    endpoint: sb.endpoint,
    region: sb.region,
    credentials: { accessKeyId: sb.accessKeyId, secretAccessKey: sb.secretAccessKey },
  });
  const out = await ec2.send(new DescribeInstancesCommand({}));
  const servicesMs = performance.now() - t0;
  if ((out.Reservations ?? []).length !== 12)
    throw new Error("EC2 answered before its seed data was complete");
  ec2.destroy();
  await sb.stop();
  return { ms, servicesMs, phases: sb.phases };
}

export async function benchSandbox(runs = 3): Promise<BenchResult> {
  const python = ensureSandboxPython();
  const cold: number[] = [];
  const warm: number[] = [];
  const bare: number[] = [];
  const services: number[] = [];
  let phases: Record<string, number> = {};
  for (let i = 0; i < runs; i++) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kit-bench-sandbox-"));
    cold.push((await timedStart(dir)).ms);
    const w = await timedStart(dir);
    warm.push(w.ms);
    services.push(w.servicesMs);
    phases = w.phases;
    bare.push(await bareMoto(python));
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const [c, w, b] = [median(cold), median(warm), median(bare)];
  return {
    name: "sandbox start-up",
    rows: [
      { case: "bare moto server (baseline)", seconds: b / 1000, ratio: 1 },
      { case: "sandbox, cold (generate data + load)", seconds: c / 1000, ratio: c / b, target: "< 10 s" },
      { case: "sandbox, warm (data cached)", seconds: w / 1000, ratio: w / b, target: "< 5 s" },
      {
        case: "warm, until EC2 and DynamoDB also answer",
        seconds: median(services) / 1000,
        ratio: median(services) / b,
      },
    ],
    notes: `median of ${runs} runs; warm phases inside the emulator (s): ${JSON.stringify(phases)}`,
  };
}
