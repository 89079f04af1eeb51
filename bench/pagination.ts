/**
 * Listing benchmarks on the sandbox, run side by side in one process:
 * - 20,000 keys: the kit's paginator vs the SDK's paginateListObjectsV2 vs boto3's paginator;
 * - fan-out over sub-prefixes vs a sequential listing, through a proxy adding 50 ms a request.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { type S3Client, paginateListObjectsV2 } from "@aws-sdk/client-s3";
import { flatFilesClient } from "../src/aws/clients";
import { loadConfig, readSandboxState } from "../src/config/env";
import { getPaginator } from "../src/paginator/engine";
import { listObjectsFanOut } from "../src/paginator/fanout";
import { type Sandbox, startProxy, startSandbox } from "../src/testing";
import { type BenchResult, median } from "./lib";
import { ensureSandboxPython } from "../src/sandbox/python";

const PREFIX = "us_stocks_sip/";
const N = 20_000;

/** The S3 client the kit builds, pointed at `endpoint` (the sandbox or a proxy in front of it). */
function client(endpoint: string): S3Client {
  return flatFilesClient({ ...loadConfig({ target: "sandbox", cwd: null }), endpoint });
}

async function time(fn: () => Promise<number>, expect: number): Promise<number> {
  const t0 = performance.now();
  const n = await fn();
  if (n !== expect) throw new Error(`listed ${n} keys, expected ${expect}`);
  return performance.now() - t0;
}

async function withSandbox<T>(fn: (stateFile: string) => Promise<T>): Promise<T> {
  const running = readSandboxState();
  if (running)
    return fn(process.env.FLATFILES_SANDBOX_STATE ?? path.join(__dirname, "..", ".sandbox", "state.json"));
  const stateFile = path.join(__dirname, "..", ".sandbox", "bench-state.json");
  const sb: Sandbox = await startSandbox({ stateFile });
  try {
    process.env.FLATFILES_SANDBOX_STATE = stateFile;
    return await fn(stateFile);
  } finally {
    await sb.stop();
  }
}

export async function benchListing(runs = 9): Promise<BenchResult[]> {
  return withSandbox(async (stateFile) => {
    const st = readSandboxState()!;
    const s3 = client(st.endpoint);
    const kit = () =>
      time(async () => {
        let n = 0;
        await getPaginator(s3, "list_objects_v2")
          .paginate({ Bucket: "flatfiles", Prefix: PREFIX, PaginationConfig: { MaxItems: N } })
          .forEach((page) => {
            n += (page.Contents as unknown[]).length;
          });
        return n;
      }, N);
    const kitItems = () =>
      time(
        async () =>
          (
            await getPaginator(s3, "list_objects_v2")
              .paginate({ Bucket: "flatfiles", Prefix: PREFIX, PaginationConfig: { MaxItems: N } })
              .items()
              .toArray()
          ).length,
        N,
      );
    const sdk = () =>
      time(async () => {
        let n = 0;
        for await (const page of paginateListObjectsV2(
          { client: s3 },
          { Bucket: "flatfiles", Prefix: PREFIX },
        )) {
          n += page.Contents?.length ?? 0;
          if (n >= N) break;
        }
        return n;
      }, N);
    await kit(); // warm up connections and moto's listing cache
    const tk: number[] = [];
    const ts: number[] = [];
    const ti: number[] = [];
    for (let i = 0; i < runs; i++) {
      // Alternate so drift on the machine hits all alike.
      ts.push(await sdk());
      tk.push(await kit());
      ti.push(await kitItems());
    }
    const py = spawnSync(
      ensureSandboxPython(),
      [path.join(__dirname, "boto3_list.py"), stateFile, PREFIX, String(N), String(runs)],
      { encoding: "utf8" },
    );
    if (py.status !== 0) throw new Error(py.stderr);
    const tb = (JSON.parse(py.stdout) as number[]).map((s) => s * 1000);
    const [k, s, b, it] = [median(tk), median(ts), median(tb), median(ti)];
    const listing: BenchResult = {
      name: `listing ${N.toLocaleString("en-US")} keys (${N / 1000} pages) from the sandbox`,
      rows: [
        { lister: "AWS SDK paginateListObjectsV2 (baseline)", "median ms": s, "vs SDK": 1 },
        {
          lister: "kit paginator, page by page (forEach)",
          "median ms": k,
          "vs SDK": k / s,
          target: "<= 1.05",
        },
        { lister: "kit paginator, item by item (items())", "median ms": it, "vs SDK": it / s },
        { lister: "boto3 get_paginator('list_objects_v2')", "median ms": b, "vs SDK": b / s },
      ],
      notes: `median of ${runs} runs each, SDK and kit alternated in one process; boto3 in a Python process against the same sandbox.`,
    };

    // Fan-out through a proxy that adds 50 ms to every request: once with the emulator answering
    // every request, once with the proxy replaying answers (a server that scales like S3).
    const rows: Record<string, string | number>[] = [];
    for (const [prefix, depth, replay, delayMs] of [
      ["us_stocks_sip/day_aggs_v1/", 1, false, 50],
      ["us_stocks_sip/", 2, false, 50],
      ["us_stocks_sip/day_aggs_v1/", 1, true, 50],
      ["us_stocks_sip/", 2, true, 50],
      ["us_stocks_sip/", 2, true, 200],
    ] as const) {
      const concurrency = 32;
      const proxy = await startProxy(st.endpoint, { delayMs, replay });
      const slow = client(proxy.endpoint);
      if (replay)
        await listObjectsFanOut(slow, { Bucket: "flatfiles", Prefix: prefix, depth, concurrency }).toArray();
      const seq = await getPaginator(slow, "list_objects_v2")
        .paginate({ Bucket: "flatfiles", Prefix: prefix })
        .items<{ Key: string }>()
        .toArray();
      let subPrefixes = 0;
      const tSeq: number[] = [];
      const tFan: number[] = [];
      for (let i = 0; i < 3; i++) {
        tSeq.push(
          await time(
            async () =>
              (
                await getPaginator(slow, "list_objects_v2")
                  .paginate({ Bucket: "flatfiles", Prefix: prefix })
                  .items()
                  .toArray()
              ).length,
            seq.length,
          ),
        );
        let requests = 0;
        tFan.push(
          await time(async () => {
            const got = await listObjectsFanOut(
              slow,
              { Bucket: "flatfiles", Prefix: prefix, depth, concurrency },
              { onRequest: () => requests++ },
            ).toArray();
            if (got.some((o, j) => o.Key !== seq[j].Key))
              throw new Error("fan-out order differs from the sequential listing");
            return got.length;
          }, seq.length),
        );
        subPrefixes = requests;
      }
      const [a, f] = [median(tSeq), median(tFan)];
      rows.push({
        server: replay ? "replayed (scales)" : "emulator (one process)",
        "added ms": delayMs,
        prefix,
        keys: seq.length,
        depth,
        requests: subPrefixes,
        "sequential ms": a,
        "fan-out ms": f,
        "speed-up": a / f,
        target: ">= 4",
      });
      slow.destroy();
      await proxy.close();
    }
    s3.destroy();
    const fan: BenchResult = {
      name: "fan-out listing vs sequential, latency added per request",
      rows,
      notes:
        "median of 3 runs; concurrency 32; results compared key by key with the sequential listing on every run. " +
        "'emulator': every request reaches moto, whose per-key work runs in one Python process; 'replayed': the proxy answers from memory after a warm-up pass.",
    };
    return [listing, fan];
  });
}
