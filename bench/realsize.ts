/**
 * Real-size benchmarks, each beside a baseline that is not the bottleneck:
 * - download of 256 MiB, 512 MiB and 1 GiB objects from a local S3 stand-in (bench/standin.ts,
 *   which serves from the page cache): the kit vs `aws s3 cp` vs `curl` (one stream, no checks),
 *   with the spread of the runs and the machine's load beside them;
 * - converting a generated trades day of >= 2 GB of CSV (made here, kept in the temp folder,
 *   never committed) to Parquet: the kit vs `zcat` of the same file, with the old whole-file
 *   paths beside it.
 * Every command runs under /usr/bin/time, so wall time, CPU (user + system) and peak RSS are
 * measured the same way for all.
 */
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createGzip } from "node:zlib";
import { type BenchResult, median } from "./lib";

const ROOT = path.join(__dirname, "..");
export const WORK = path.join(os.tmpdir(), "flatfiles-kit-bench");
const MIB = 1 << 20;

export interface Run {
  ms: number;
  cpuMs: number;
  rssMB: number;
  /** What the command printed, when asked for (`capture`). */
  stdout?: string;
}

/** Run a command under /usr/bin/time; its wall, CPU and peak RSS (and its output, with `capture`). */
export function measured(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  capture = false,
): Run {
  const out = path.join(WORK, "time.txt");
  const t0 = performance.now();
  const r = spawnSync("/usr/bin/time", ["-o", out, "-f", "%U %S %M", cmd, ...args], {
    env,
    stdio: ["ignore", capture ? "pipe" : "ignore", "pipe"],
    encoding: "utf8",
  });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed: ${r.stderr}`);
  const [user, sys, kb] = fs.readFileSync(out, "utf8").trim().split("\n").pop()!.split(" ").map(Number);
  return { ms, cpuMs: (user + sys) * 1000, rssMB: kb / 1024, ...(capture ? { stdout: r.stdout } : {}) };
}

export function summary(runs: Run[]): Run {
  return {
    ms: median(runs.map((r) => r.ms)),
    cpuMs: median(runs.map((r) => r.cpuMs)),
    rssMB: Math.max(...runs.map((r) => r.rssMB)),
  };
}

function randomFile(file: string, bytes: number): void {
  if (fs.existsSync(file) && fs.statSync(file).size === bytes) return;
  const fd = fs.openSync(file, "w");
  for (let at = 0; at < bytes; at += 64 * MIB) fs.writeSync(fd, randomBytes(Math.min(64 * MIB, bytes - at)));
  fs.closeSync(fd);
}

/** The stand-in server (bench/standin.ts) in a child process, so its work is not on the measured process's CPU; `link` shapes it like a far server. */
export async function startStandInProcess(
  objects: object[],
  link?: object,
): Promise<{ endpoint: string; stop: () => void }> {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      path.join(__dirname, "standin.ts"),
      JSON.stringify({ bucket: "flatfiles", objects, link }),
    ],
    { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] },
  );
  const endpoint = await new Promise<string>((resolve, reject) => {
    let text = "";
    child.stdout!.on("data", (c) => {
      text += c;
      const line = text.split("\n").find((l) => l.startsWith("{"));
      if (line) resolve(JSON.parse(line).endpoint);
    });
    child.on("exit", (code) => reject(new Error(`the stand-in server exited (${code})`)));
  });
  return { endpoint, stop: () => child.kill() };
}

/** The sizes the download bench measures (and docs/benchmarks.md shows): issue 32's. */
export const DOWNLOAD_SIZES_MIB = [256, 512, 1024];

/** The machine's load (1-minute average) and cores, for the notes beside timings. */
export function loadNote(): string {
  return `load ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores`;
}

/** min-max of per-run ratios (each run of one tool against the other's run beside it). */
function spread(a: Run[], b: Run[]): string {
  const r = a.map((x, i) => x.ms / b[i].ms);
  return `${Math.min(...r).toFixed(2)}-${Math.max(...r).toFixed(2)}`;
}

let built = false;

/**
 * The kit as a user runs it (`flatfiles get`, a notebook's import): compiled, dist/, built once
 * per bench process. Measured from the TypeScript sources, each process and each worker thread
 * would also pay tsx's start-up, which no user pays.
 */
export function buildKit(): void {
  if (built) return;
  if (spawnSync("npm", ["run", "build"], { cwd: path.join(__dirname, ".."), stdio: "ignore" }).status !== 0)
    throw new Error("npm run build failed");
  built = true;
}

/** A module of the compiled kit (dist/), typed as its source. */
export function compiled<T>(modulePath: string): Promise<T> {
  return import(path.join(__dirname, "..", "dist", `${modulePath}.js`)) as Promise<T>;
}

/** A kit run counts only if it fetched the whole object and verified every byte of it. */
function kitChecked(run: Run, bytes: number): void {
  const r = JSON.parse(String(run.stdout).trim().split("\n").pop() ?? "{}") as {
    bytes?: number;
    verified?: string[];
  };
  const ok =
    r.bytes === bytes && r.verified?.length === 1 && ["md5", "multipart-etag"].includes(r.verified[0]);
  if (!ok) throw new Error(`the kit's download was not whole and verified: ${run.stdout}`);
}

export async function benchDownload(
  runs = 3,
  sizesMiB = (process.env.FLATFILES_BENCH_SIZES ?? "").split(",").filter(Boolean).map(Number),
): Promise<BenchResult[]> {
  fs.mkdirSync(WORK, { recursive: true });
  buildKit(); // farlink-child.cjs loads dist/
  const sizes = (sizesMiB.length ? sizesMiB : DOWNLOAD_SIZES_MIB).map((n) => n * MIB);
  const loadBefore = loadNote();
  const objects = sizes.flatMap((n) => {
    const file = path.join(WORK, `random-${n / MIB}.bin`);
    randomFile(file, n);
    return [
      { key: `bench/${n / MIB}-single.bin`, file },
      { key: `bench/${n / MIB}-multipart.bin`, file, partSize: 8 * MIB },
    ];
  });
  const server = await startStandInProcess(objects);
  const awsEnv = {
    ...process.env,
    AWS_ACCESS_KEY_ID: "bench",
    AWS_SECRET_ACCESS_KEY: "bench",
    AWS_DEFAULT_REGION: "us-east-1",
  };
  const out = path.join(WORK, "out.bin");
  const cache = path.join(WORK, "cache");
  const rows: Record<string, string | number>[] = [];
  try {
    const kinds = (process.env.FLATFILES_BENCH_KINDS ?? "multipart,single").split(",") as (
      | "multipart"
      | "single"
    )[];
    for (const n of sizes) {
      for (const kind of kinds) {
        const key = `bench/${n / MIB}-${kind}.bin`;
        const kit: Run[] = [];
        const cli: Run[] = [];
        const curl: Run[] = [];
        // Alternated, so drift on the machine touches every tool alike.
        for (let i = 0; i < runs; i++) {
          fs.rmSync(cache, { recursive: true, force: true });
          const args = JSON.stringify({
            endpoint: server.endpoint,
            bucket: "flatfiles",
            key,
            cacheDir: cache,
          });
          const run = measured(
            process.execPath,
            [path.join(__dirname, "farlink-child.cjs"), args],
            process.env,
            true,
          );
          kitChecked(run, n);
          kit.push(run);
          fs.rmSync(cache, { recursive: true, force: true });
          cli.push(
            measured(
              "aws",
              [
                "s3",
                "cp",
                `s3://flatfiles/${key}`,
                out,
                "--endpoint-url",
                server.endpoint,
                "--only-show-errors",
              ],
              awsEnv,
            ),
          );
          fs.rmSync(out, { force: true });
          curl.push(measured("curl", ["-sf", "-o", out, `${server.endpoint}/flatfiles/${key}`]));
          fs.rmSync(out, { force: true });
        }
        const [k, c, u] = [summary(kit), summary(cli), summary(curl)];
        rows.push({
          object: `${n / MIB} MiB, ${kind === "multipart" ? "multipart ETag (8 MiB parts)" : "MD5 ETag"}`,
          "kit s": k.ms / 1000,
          "aws s3 cp s": c.ms / 1000,
          "curl s": u.ms / 1000,
          "kit / cli wall": k.ms / c.ms,
          "ratio spread": spread(kit, cli),
          "kit CPU s": k.cpuMs / 1000,
          "cli CPU s": c.cpuMs / 1000,
          "kit / cli CPU": k.cpuMs / c.cpuMs,
          "kit RSS MB": k.rssMB,
          "cli RSS MB": c.rssMB,
          "kit checks": kind === "multipart" ? "multipart ETag" : "MD5",
        });
      }
    }
  } finally {
    server.stop();
    fs.rmSync(cache, { recursive: true, force: true });
  }
  return [
    {
      name: "download from a local stand-in server (not the bottleneck): kit vs aws s3 cp vs curl",
      rows,
      notes:
        `median of ${runs}, alternated; ratio spread = min-max of the per-run kit/CLI wall ratios; machine ${loadBefore} before, ${loadNote()} after; ` +
        "CPU = user + system of the whole process (the hashing thread included), start-up included (Node and the compiled kit, dist/, as `flatfiles get` runs it; Python for the CLI); " +
        "kit with its defaults (8 MiB pieces, the adaptive link) and every byte verified (MD5 or multipart ETag, hashed from the page cache on a worker thread); aws s3 cp verifies nothing on download; curl is one stream, no checks (the loopback floor).",
    },
  ];
}

const TICKERS = 6000;

/** The generated trades day's name for its t-th ticker block (bench/analysis.ts picks its tickers by it). */
export function tradesDayTicker(t: number): string {
  return `T${t.toString(36).toUpperCase().padStart(4, "A")}`;
}

/** A trades day in the real column layout, sorted by ticker then time, gzipped at level 1; at least `bytes` of CSV. */
export async function tradesDay(file: string, bytes: number): Promise<void> {
  const done = `${file}.done`;
  if (fs.existsSync(done) && fs.readFileSync(done, "utf8") === String(bytes)) return;
  const gz = createGzip({ level: 1 });
  const sink = fs.createWriteStream(file);
  gz.pipe(sink);
  const write = (s: string) =>
    gz.write(s) ? Promise.resolve() : new Promise<void>((r) => gz.once("drain", () => r()));
  await write(
    "ticker,conditions,correction,exchange,id,participant_timestamp,price,sequence_number,sip_timestamp,size,tape,trf_id,trf_timestamp\n",
  );
  const open = 1763649000000000000n; // 2026-11-20 14:30 UTC
  // About 95 bytes a line; tickers continue past TICKERS until the size is reached.
  const perTicker = Math.ceil(bytes / 95 / TICKERS);
  let written = 0;
  let seq = 0;
  for (let t = 0; written < bytes; t++) {
    const ticker = tradesDayTicker(t);
    let price = 20 + (t % 400);
    const lines: string[] = [];
    for (let i = 0; i < perTicker; i++) {
      price = Math.max(1, price + ((i * 7919 + t) % 11) / 100 - 0.05);
      const sip = open + BigInt(Math.floor((i / perTicker) * 23_400_000_000_000));
      lines.push(
        `${ticker},"12,37",0,${4 + (i % 16)},${i + 1},${sip - 1500n},${price.toFixed(4)},${++seq},${sip},${1 + (i % 300)},${1 + (t % 3)},${i % 5 === 0 ? 201 : ""},${i % 5 === 0 ? sip - 800n : ""}`,
      );
    }
    const text = lines.join("\n") + "\n";
    written += text.length;
    await write(text);
  }
  await new Promise<void>((r) => {
    sink.on("close", () => r());
    gz.end();
  });
  fs.writeFileSync(done, String(bytes));
}

/** The generated trades day (made once, kept), and where it is copied in the download cache's layout. */
export async function bigTradesDay(gigabytes = 2.2): Promise<{ keep: string; file: string }> {
  fs.mkdirSync(WORK, { recursive: true });
  const file = path.join(
    WORK,
    "cache",
    "flatfiles",
    "us_stocks_sip",
    "trades_v1",
    "2026",
    "11",
    "2026-11-20.csv.gz",
  );
  const keep = path.join(WORK, "trades-day.csv.gz");
  await tradesDay(keep, gigabytes * 1e9);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  return { keep, file };
}

export async function benchBigDay(runs = 3, gigabytes = 2.2): Promise<BenchResult[]> {
  const { keep, file } = await bigTradesDay(gigabytes);
  fs.copyFileSync(keep, file);
  const csvBytes = Number(
    spawnSync("sh", ["-c", `zcat '${keep}' | wc -c`], { encoding: "utf8" }).stdout.trim(),
  );
  const dataset = "us_stocks_sip/trades_v1";
  const parquetDir = path.join(WORK, "cache", "parquet");
  const child = (task: string, args: object) =>
    measured(process.execPath, [
      "--import",
      "tsx",
      path.join(__dirname, "child.ts"),
      task,
      JSON.stringify(args),
    ]);
  const zcat: Run[] = [];
  const kit: Run[] = [];
  for (let i = 0; i < runs; i++) {
    zcat.push(measured("sh", ["-c", `zcat '${file}' > /dev/null`]));
    fs.rmSync(parquetDir, { recursive: true, force: true });
    kit.push(child("to-parquet", { file, dataset }));
  }
  const lazy = child("scan-big", { file, dataset });
  const z = summary(zcat);
  const k = summary(kit);
  // The old whole-file paths, once each: they hold the whole CSV in memory.
  const old = [
    {
      read: "polars reads the .csv.gz itself (whole file in memory, no checks)",
      r: child("load-polars-gz", { file }),
    },
    {
      read: "gunzip in JS into one Buffer, then polars (the kit's old loadDay)",
      r: child("load-direct", { file }),
    },
  ];
  const row = (read: string, r: Run, extra: object = {}) => ({
    read,
    s: r.ms / 1000,
    "vs zcat": r.ms / z.ms,
    "CPU s": r.cpuMs / 1000,
    "peak RSS MB": r.rssMB,
    ...extra,
  });
  fs.rmSync(parquetDir, { recursive: true, force: true });
  return [
    {
      name: `a trades day of ${(csvBytes / 1e9).toFixed(2)} GB of CSV (${(fs.statSync(file).size / 1e9).toFixed(2)} GB gzipped), generated`,
      rows: [
        row("zcat to /dev/null (decompression floor, one thread)", z),
        row("kit ensureParquet: batches of 32 MiB, checked and typed, to a Parquet copy", k, {
          targets: "<= 2x zcat, RSS < 1 GB",
        }),
        row("kit scanDays on the copy: 3 tickers, 1 hour, 3 columns", lazy),
        ...old.map((o) => row(o.read, o.r)),
      ],
      notes: `median of ${runs} (zcat and the kit alternated); every figure from /usr/bin/time; the generated file is kept in ${path.join("<tmp>", "flatfiles-kit-bench")} for later runs`,
    },
  ];
}
