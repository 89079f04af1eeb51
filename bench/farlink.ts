/**
 * Downloads over a far link and a fast one, the kit beside `aws s3 cp` in the same run:
 * - far: a stand-in (bench/standin.ts) that waits ~30 ms before each answer, carries ~16 MB/s per
 *   connection and ~100 MB/s for the whole link, like a real endpoint far from its users, where a
 *   client with too few connections cannot fill the link;
 * - fast: the same stand-in without limits (loopback from the page cache: not the bottleneck).
 * Each side: one big object (`aws s3 cp`), and a month of small day files under a prefix
 * (`aws s3 cp --recursive`; the kit lists once, then `downloadFiles`). Runs alternate kit and
 * CLI; median of 3 with the spread (min-max). The kit verifies every byte (MD5 / multipart ETag);
 * the CLI verifies nothing on download.
 *
 *   npm run bench -- farlink          (FARLINK_RUNS=5, FARLINK_BIG_MIB=512 to change)
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { type BenchResult, median } from "./lib";
import { type Run, WORK, buildKit, measured, startStandInProcess } from "./realsize";

const MIB = 1 << 20;
const FAR = { firstByteMs: 30, perConnection: 16e6, total: 100e6 };

function randomFile(file: string, bytes: number): void {
  if (fs.existsSync(file) && fs.statSync(file).size === bytes) return;
  const fd = fs.openSync(file, "w");
  for (let at = 0; at < bytes; at += 64 * MIB) fs.writeSync(fd, randomBytes(Math.min(64 * MIB, bytes - at)));
  fs.closeSync(fd);
}

const spread = (runs: Run[]) => {
  const s = runs.map((r) => r.ms / 1000).sort((a, b) => a - b);
  return `${s[0].toFixed(2)}–${s[s.length - 1].toFixed(2)}`;
};

export async function benchFarLink(runs = Number(process.env.FARLINK_RUNS ?? 3)): Promise<BenchResult[]> {
  fs.mkdirSync(WORK, { recursive: true });
  // The kit as a user runs it: compiled (farlink-child.cjs loads dist/).
  buildKit();
  const bigMiB = Number(process.env.FARLINK_BIG_MIB ?? 256);
  const big = path.join(WORK, `random-${bigMiB}.bin`);
  randomFile(big, bigMiB * MIB);
  // A month of day files: 21 trading days, 1.5 to 4 MiB each (single uploads, as small files are).
  const days = Array.from({ length: 21 }, (_, i) => {
    const file = path.join(WORK, `day-${i + 1}.bin`);
    randomFile(file, Math.round((1.5 + ((i * 7) % 11) / 4) * MIB));
    return { key: `month/2026-11-${String(i + 1).padStart(2, "0")}.csv.gz`, file };
  });
  const objects = [{ key: `big/${bigMiB}.bin`, file: big, partSize: 8 * MIB }, ...days];
  const awsEnv = {
    ...process.env,
    AWS_ACCESS_KEY_ID: "bench",
    AWS_SECRET_ACCESS_KEY: "bench",
    AWS_DEFAULT_REGION: "us-east-1",
  };
  const cache = path.join(WORK, "farlink-cache");
  const out = path.join(WORK, "farlink-out");
  const rows: Record<string, string | number>[] = [];
  for (const [name, link] of [
    ["far (30 ms, 16 MB/s a connection, 100 MB/s the link)", FAR],
    ["fast (loopback, no limits)", undefined],
  ] as const) {
    const server = await startStandInProcess(objects, link);
    try {
      for (const what of ["big", "month"] as const) {
        const kit: Run[] = [];
        const fixed: Run[] = [];
        const cli: Run[] = [];
        const kitArgs = {
          endpoint: server.endpoint,
          bucket: "flatfiles",
          cacheDir: cache,
          ...(what === "big" ? { key: `big/${bigMiB}.bin` } : { prefix: "month/" }),
        };
        const cliArgs =
          what === "big"
            ? ["s3", "cp", `s3://flatfiles/big/${bigMiB}.bin`, path.join(out, "big.bin")]
            : ["s3", "cp", "--recursive", "s3://flatfiles/month/", out];
        for (let i = 0; i < runs; i++) {
          const kitRun = (options: object) => {
            fs.rmSync(cache, { recursive: true, force: true });
            const args = JSON.stringify({ ...kitArgs, options });
            const r = measured(
              process.execPath,
              [path.join(__dirname, "farlink-child.cjs"), args],
              process.env,
              true,
            );
            const said = JSON.parse(r.stdout!.trim().split("\n").pop()!);
            if (said.verified.some((v: string) => v !== "md5" && v !== "multipart-etag"))
              throw new Error(`the kit did not verify every byte: ${said.verified}`);
            return r;
          };
          kit.push(kitRun({}));
          // The kit before issue 23: 4 GETs a file, 4 files at once, nothing shared or learnt.
          fixed.push(kitRun({ concurrency: 4, files: 4 }));
          fs.rmSync(out, { recursive: true, force: true });
          cli.push(
            measured("aws", [...cliArgs, "--endpoint-url", server.endpoint, "--only-show-errors"], awsEnv),
          );
        }
        // The CLI's copies are the same bytes (sizes; the kit checked its own against the ETags).
        const expected =
          what === "big" ? bigMiB * MIB : days.reduce((n, d) => n + fs.statSync(d.file).size, 0);
        const got = (fs.readdirSync(out, { recursive: true }) as string[])
          .map((f) => path.join(out, f))
          .filter((f) => fs.statSync(f).isFile())
          .reduce((n, f) => n + fs.statSync(f).size, 0);
        if (got !== expected) throw new Error(`aws s3 cp wrote ${got} bytes, expected ${expected}`);
        const k = median(kit.map((r) => r.ms));
        const c = median(cli.map((r) => r.ms));
        rows.push({
          link: name,
          download:
            what === "big"
              ? `one ${bigMiB} MiB file (multipart ETag, 8 MiB parts)`
              : "21 day files, 1.5-4 MiB (MD5 ETags)",
          "kit s (median)": k / 1000,
          "kit spread s": spread(kit),
          "aws s3 cp s (median)": c / 1000,
          "cli spread s": spread(cli),
          "kit / cli": k / c,
          "kit fixed 4 s (before)": median(fixed.map((r) => r.ms)) / 1000,
          "fixed 4 / cli": median(fixed.map((r) => r.ms)) / c,
          goal: name.startsWith("far") ? "<= 0.8" : "<= 1.0",
          "kit CPU s": median(kit.map((r) => r.cpuMs)) / 1000,
          "cli CPU s": median(cli.map((r) => r.cpuMs)) / 1000,
          "kit RSS MB": Math.max(...kit.map((r) => r.rssMB)),
        });
      }
    } finally {
      server.stop();
    }
  }
  fs.rmSync(cache, { recursive: true, force: true });
  fs.rmSync(out, { recursive: true, force: true });
  return [
    {
      name: "far link and fast link: kit vs aws s3 cp (one file, and --recursive over a month)",
      rows,
      notes:
        `median of ${runs}, alternated kit/CLI, each in a fresh process (start-up included: Node and the compiled kit, Python and the CLI); ` +
        "the kit with its defaults (adaptive connections shared per endpoint, 8 MiB pieces, every byte verified), and as before issue 23 (`concurrency: 4` a file, `files: 4`); the CLI with its defaults (10 threads, 8 MiB chunks, no verification).",
    },
  ];
}
