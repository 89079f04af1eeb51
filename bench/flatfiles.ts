/**
 * Flat-files benchmarks, each side by side with its baseline on this machine:
 * - download of large objects from the sandbox: the kit vs `aws s3 cp` (AWS CLI, multi-threaded),
 *   time and the kit's peak memory at two sizes;
 * - loading a cached minute-aggregates day: the kit vs nodejs-polars directly, zcat as the floor,
 *   and the Parquet copy on the second read;
 * - a lazy multi-day query for two tickers vs loading the same days whole (peak memory).
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { flatFilesClient } from "../src/aws/clients";
import { loadConfig, readSandboxState } from "../src/config/env";
import { listDays } from "../src/flatfiles/catalog";
import { downloadFiles } from "../src/flatfiles/download";
import { ensureParquet } from "../src/flatfiles/load";
import { type BenchResult, median } from "./lib";

const ROOT = path.join(__dirname, "..");

function child(task: string, args: object): { ms: number; maxRssMB: number } {
  const r = spawnSync(
    process.execPath,
    ["--import", "tsx", path.join(__dirname, "child.ts"), task, JSON.stringify(args)],
    {
      encoding: "utf8",
      cwd: ROOT,
      env: process.env,
      maxBuffer: 1 << 20,
    },
  );
  if (r.status !== 0) throw new Error(`${task}: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!);
}

function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): number {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { stdio: "ignore", env });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed`);
  return performance.now() - t0;
}

async function putBigObject(key: string, mb: number): Promise<void> {
  const s3 = flatFilesClient(loadConfig({ target: "sandbox" }));
  const Bucket = "kit-scratch";
  const part = randomBytes(64 << 20);
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: key }));
  const parts = [];
  for (let i = 1; i <= mb / 64; i++) {
    const out = await s3.send(
      new UploadPartCommand({ Bucket, Key: key, UploadId, PartNumber: i, Body: part }),
    );
    parts.push({ ETag: out.ETag, PartNumber: i });
  }
  await s3.send(
    new CompleteMultipartUploadCommand({ Bucket, Key: key, UploadId, MultipartUpload: { Parts: parts } }),
  );
  s3.destroy();
}

export async function benchFlatFiles(runs = 3): Promise<BenchResult[]> {
  const st = readSandboxState();
  if (!st) throw new Error("Start the sandbox first: npm run sandbox");
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kit-bench-ff-"));
  const awsEnv = {
    ...process.env,
    AWS_ACCESS_KEY_ID: st.accessKeyId,
    AWS_SECRET_ACCESS_KEY: st.secretAccessKey,
    AWS_DEFAULT_REGION: st.region,
  };

  const download: Record<string, string | number>[] = [];
  for (const mb of [128, 512]) {
    const key = `bench/big-${mb}.bin`;
    await putBigObject(key, mb);
    const kit: number[] = [];
    const cli: number[] = [];
    let rss = 0;
    for (let i = 0; i < runs; i++) {
      const dir = fs.mkdtempSync(path.join(tmp, "dl-"));
      const r = child("download", { bucket: "kit-scratch", key, cacheDir: dir });
      kit.push(r.ms);
      rss = Math.max(rss, r.maxRssMB);
      fs.rmSync(dir, { recursive: true, force: true });
      const out = path.join(tmp, `cli-${mb}.bin`);
      cli.push(
        timed(
          "aws",
          ["s3", "cp", `s3://kit-scratch/${key}`, out, "--endpoint-url", st.endpoint, "--only-show-errors"],
          awsEnv,
        ),
      );
      fs.rmSync(out, { force: true });
    }
    const [k, c] = [median(kit), median(cli)];
    download.push({
      object: `${mb} MB`,
      "aws s3 cp ms": c,
      "kit ms": k,
      "kit / cli": k / c,
      "kit peak RSS MB": rss,
      targets: "ratio <= 1, RSS < 200 MB, flat with size",
    });
  }

  fs.rmSync(tmp, { recursive: true, force: true });
  return [
    {
      name: "download from the sandbox: kit vs aws s3 cp",
      rows: download,
      notes: `median of ${runs}; kit with 8 MiB ranged GETs, 8 in flight, in its own process (peak RSS is that process's)`,
    },
    ...(await benchLoading(runs)),
  ];
}

/** Loading a cached minute day (~1.6 M rows) several ways, and a lazy query against whole days. */
export async function benchLoading(runs = 3): Promise<BenchResult[]> {
  if (!readSandboxState()) throw new Error("Start the sandbox first: npm run sandbox");
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kit-bench-load-"));
  const s3 = flatFilesClient(loadConfig({ target: "sandbox" }));
  const week = await listDays(
    { client: s3, bucket: "flatfiles" },
    "us_stocks_sip/minute_aggs_v1",
    "2026-11-16",
    "2026-11-20",
  );
  const files = (
    await downloadFiles(
      s3,
      "flatfiles",
      week.map((d) => d.key),
      { cacheDir: path.join(tmp, "cache") },
    )
  ).map((f) => f.path);
  s3.destroy();
  const day = files[files.length - 1];
  const dataset = "us_stocks_sip/minute_aggs_v1";
  // Alternated, so drift on the machine touches every variant alike.
  const tasks = ["load-polars-gz", "load-direct", "load-kit"];
  const samples = new Map(tasks.map((t) => [t, [] as { ms: number; maxRssMB: number }[]]));
  for (let i = 0; i < runs; i++)
    for (const t of tasks) samples.get(t)!.push(child(t, { file: day, dataset }));
  const ms = (t: string) => median(samples.get(t)!.map((s) => s.ms));
  const rss = (t: string) => Math.max(...samples.get(t)!.map((s) => s.maxRssMB));
  const zcat = median(Array.from({ length: runs }, () => timed("sh", ["-c", `zcat '${day}' > /dev/null`])));
  const direct = ms("load-polars-gz");
  ensureParquet(day, dataset);
  const parquet = child("load-parquet", { file: day, dataset });
  const row = (read: string, t: string, extra: object = {}) => ({
    read,
    ms: ms(t),
    "vs polars on .csv.gz": ms(t) / direct,
    "peak RSS MB": rss(t),
    ...extra,
  });
  const load: Record<string, string | number>[] = [
    {
      read: "zcat of the file (decompression floor, one thread)",
      ms: zcat,
      "vs polars on .csv.gz": zcat / direct,
      "peak RSS MB": "",
    },
    row("nodejs-polars reads the .csv.gz itself (no checks)", "load-polars-gz"),
    row("nodejs-polars after gunzip in JavaScript (no checks)", "load-direct"),
    row(
      "kit loadDay: batches gunzipped and checked on a worker thread, typed by header, strict",
      "load-kit",
      { target: "<= 2" },
    ),
    {
      read: "kit loadDay, second read (Parquet copy)",
      ms: parquet.ms,
      "vs polars on .csv.gz": parquet.ms / direct,
      "peak RSS MB": parquet.maxRssMB,
    },
  ];

  for (const f of files) ensureParquet(f, dataset);
  const lazy = child("scan-lazy", { files, dataset });
  const whole = child("load-whole", { files, dataset });
  const memory: Record<string, string | number>[] = [
    { query: "5 days, AAPL and MSFT, 3 columns, lazy (scanDays)", "peak RSS MB": lazy.maxRssMB, ms: lazy.ms },
    { query: "the same 5 days loaded whole", "peak RSS MB": whole.maxRssMB, ms: whole.ms },
  ];
  fs.rmSync(tmp, { recursive: true, force: true });
  return [
    {
      name: `loading a cached minute-aggregates day (${path.basename(day)})`,
      rows: load,
      notes: `median of ${runs}, alternated, each in a fresh process`,
    },
    {
      name: "lazy multi-day query vs whole days (peak memory)",
      rows: memory,
      notes: "each in a fresh process; Parquet copies already made",
    },
  ];
}
