/**
 * `npm run bench -- install`: the kit as a dependency (issue 24). Packs this checkout, installs the
 * tarball into a fresh project (from the npm cache when it can), and measures what a consumer
 * pays: the size of node_modules per package, without and with the optional peers (charts and the
 * tutorials' DynamoDB/EC2/IAM clients, which is what every install carried before), and the time
 * to import the main entry in a fresh process, beside importing @aws-sdk/client-s3 alone.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PACKAGE_ROOT } from "../src/util/paths";
import { type BenchResult, median } from "./lib";

const OPTIONAL_PEERS = [
  "vega@5",
  "vega-lite@5",
  "@resvg/resvg-js@2",
  "@aws-sdk/client-ec2@3",
  "@aws-sdk/client-iam@3",
  "@aws-sdk/client-dynamodb@3",
];
const RUNS = 7;

function sh(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed: ${r.stderr.slice(-2000)}`);
  return r.stdout;
}

function diskBytes(p: string): number {
  const st = fs.lstatSync(p);
  if (!st.isDirectory()) return st.blocks * 512;
  let total = st.blocks * 512;
  for (const e of fs.readdirSync(p)) total += diskBytes(path.join(p, e));
  return total;
}

/** Sizes in MB by the groups a reader cares about. */
function sizes(nodeModules: string): Record<string, number> {
  const mb = (b: number) => b / 1e6;
  const group = (name: string) =>
    name.startsWith("nodejs-polars")
      ? "polars (native code included)"
      : name === "@aws-sdk" || name === "@smithy" || name === "@aws-crypto" || name === "@aws"
        ? "AWS SDK"
        : name.startsWith("vega") || name === "@resvg" || name.startsWith("d3")
          ? "charts (vega, resvg, d3)"
          : name === "flatfiles-kit"
            ? "the kit"
            : "other";
  const out: Record<string, number> = {};
  let total = 0;
  for (const e of fs.readdirSync(nodeModules)) {
    if (e === ".bin" || e.startsWith(".package-lock")) continue;
    const b = diskBytes(path.join(nodeModules, e));
    total += b;
    out[group(e)] = (out[group(e)] ?? 0) + mb(b);
  }
  out.total = mb(total);
  return out;
}

/** Milliseconds to `require(what)` in a fresh Node process (start-up excluded), median of RUNS. */
function importMs(app: string, code: string): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const out = sh(
      process.execPath,
      ["-e", `const t = performance.now(); ${code}; console.log(performance.now() - t);`],
      app,
    );
    times.push(Number(out.trim().split("\n").pop()));
  }
  return median(times);
}

export async function benchInstall(): Promise<BenchResult[]> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "flatfiles-bench-install-"));
  try {
    sh(
      process.execPath,
      [path.join(PACKAGE_ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"],
      PACKAGE_ROOT,
    );
    const pack = sh("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", root], PACKAGE_ROOT);
    const packed = (
      JSON.parse(pack) as { filename: string; size: number; unpackedSize: number; entryCount: number }[]
    )[0];
    const app = path.join(root, "app");
    fs.mkdirSync(app);
    fs.writeFileSync(path.join(app, "package.json"), '{"name":"bench-app","private":true}');
    const quiet = ["--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"];
    let t0 = performance.now();
    sh("npm", ["install", ...quiet, path.join(root, packed.filename)], app);
    const installSeconds = (performance.now() - t0) / 1000;
    const lean = sizes(path.join(app, "node_modules"));

    const baseline = importMs(app, 'require("@aws-sdk/client-s3")');
    const kit = importMs(app, 'require("flatfiles-kit")');
    const kitThenPolars = importMs(app, 'require("flatfiles-kit").parseOptionTicker("O:SPY251112C00675000")');
    const polars = importMs(app, 'require("nodejs-polars")');

    t0 = performance.now();
    sh("npm", ["install", ...quiet, ...OPTIONAL_PEERS], app);
    const peersSeconds = (performance.now() - t0) / 1000;
    const full = sizes(path.join(app, "node_modules"));

    const groups = [...new Set([...Object.keys(full), ...Object.keys(lean)])].filter((g) => g !== "total");
    return [
      {
        name: "Installed size of a consumer project (MB on disk)",
        rows: [
          ...groups.map((g) => ({ part: g, "kit only": lean[g] ?? 0, "with optional peers": full[g] ?? 0 })),
          { part: "total", "kit only": lean.total, "with optional peers": full.total },
        ],
        notes:
          `Tarball ${(packed.size / 1e3).toFixed(0)} kB, ${packed.entryCount} files, ${(packed.unpackedSize / 1e3).toFixed(0)} kB unpacked. ` +
          `npm install of the tarball: ${installSeconds.toFixed(1)} s; adding the optional peers (${OPTIONAL_PEERS.join(", ")}): ${peersSeconds.toFixed(1)} s (npm cache warm). ` +
          "Before (issue 24) every install carried the optional peers: 266 MB.",
      },
      {
        name: "Importing the main entry (fresh process, start-up excluded)",
        rows: [
          { case: 'require("@aws-sdk/client-s3") alone (baseline)', ms: baseline, "× baseline": 1 },
          { case: 'require("flatfiles-kit")', ms: kit, "× baseline": kit / baseline },
          {
            case: 'require("flatfiles-kit") then a polars function (what importing cost before)',
            ms: kitThenPolars,
            "× baseline": kitThenPolars / baseline,
          },
          { case: 'require("nodejs-polars") alone', ms: polars, "× baseline": polars / baseline },
        ],
        notes: `Median of ${RUNS} processes each, Node ${process.version}.`,
      },
    ];
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}
