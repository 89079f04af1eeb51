/**
 * How long the installed `flatfiles` command takes to start, beside the machine's AWS CLI:
 * `--help` (nothing but the entry), `ls` (configuration, the S3 client, one listing of the
 * sandbox) against `aws --version` and `aws s3 ls`, and `head` of a small cached day (polars
 * loaded) for scale. Each run is a new process, as a user's is; runs alternate, median reported.
 * Needs a built `dist/` and a running sandbox (`npm run sandbox`).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { readSandboxState } from "../src/config/env";
import { PACKAGE_ROOT } from "../src/util/paths";
import { type BenchResult, median } from "./lib";

function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv): number {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { env, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status}): ${r.stderr}`);
  return ms;
}

export async function benchStartup(runs = 7): Promise<BenchResult> {
  const st = readSandboxState();
  if (!st) throw new Error("Start the sandbox first: npm run sandbox");
  const bin = path.join(PACKAGE_ROOT, "dist", "cli", "main.js");
  if (!fs.existsSync(bin)) throw new Error("Build first: npm run build");
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "kit-bench-startup-"));
  const env = { ...process.env, FLATFILES_CACHE_DIR: cacheDir, FLATFILES_TARGET: "sandbox" };
  const awsEnv = {
    ...process.env,
    AWS_ACCESS_KEY_ID: st.accessKeyId,
    AWS_SECRET_ACCESS_KEY: st.secretAccessKey,
    AWS_DEFAULT_REGION: st.region,
  };
  const node = process.execPath;
  const day = ["us_stocks_sip/day_aggs_v1", "2026-11-13"];
  timed(node, [bin, "get", ...day], env); // cached, so head measures start-up, not a download

  const cases: [string, () => number, string, () => number][] = [
    [
      "flatfiles --help",
      () => timed(node, [bin, "--help"], env),
      "aws --version",
      () => timed("aws", ["--version"], awsEnv),
    ],
    [
      "flatfiles ls",
      () => timed(node, [bin, "ls"], env),
      "aws s3 ls s3://flatfiles/",
      () => timed("aws", ["s3", "ls", `s3://${st.bucket}/`, "--endpoint-url", st.endpoint], awsEnv),
    ],
    [
      "flatfiles head (cached day)",
      () => timed(node, [bin, "head", ...day, "-n", "3"], env),
      "aws --version",
      () => timed("aws", ["--version"], awsEnv),
    ],
  ];
  const rows: Record<string, string | number>[] = [];
  for (const [kitName, kit, cliName, cli] of cases) {
    kit();
    cli(); // warm the file cache for both
    const [k, c] = [[] as number[], [] as number[]];
    for (let i = 0; i < runs; i++) {
      k.push(kit());
      c.push(cli());
    }
    rows.push({
      kit: kitName,
      "kit ms": median(k),
      "AWS CLI": cliName,
      "AWS CLI ms": median(c),
      "kit / CLI": median(k) / median(c),
    });
  }
  fs.rmSync(cacheDir, { recursive: true, force: true });
  return {
    name: "CLI start-up: flatfiles vs the AWS CLI",
    rows,
    notes: `median of ${runs} alternated runs, each a new process (${path.basename(node)} ${process.version}); ls and aws s3 ls list the sandbox's top level; target: --help and ls well under 1 s`,
  };
}
