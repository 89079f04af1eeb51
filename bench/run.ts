/**
 * `npm run bench [-- name ...]`: run benchmarks side by side with their baselines on this
 * machine and print markdown for docs/benchmarks.md. Names: sandbox, listing, flatfiles (downloads
 * from the sandbox, emulator-bound, and loading), loading, download (a local stand-in server, real
 * sizes), farlink (a far-server stand-in and a fast one: the kit vs aws s3 cp, one file and
 * --recursive), bigday (a generated multi-GB trades day), vwap (minute VWAP of 5 tickers from that day,
 * lazy vs whole), chain (one underlying's option chain from a generated real-size options day, lazy
 * vs whole), lake (the Parquet lake build vs DuckDB's own COPY of the same generated day), install
 * (the packed kit in a fresh project: installed size, import time), startup (the CLI's start-up
 * beside the AWS CLI's), kernel (open notebook → kernel idle, first cell; beside a tslab kernel
 * without the kit), kernel-browser (the same in Chromium in Notebook 7: read 10 s then the first
 * cell, and Run All at once; beside tslab without the warm-up and without the kit), warmup
 * (tslab's compile of the kit's declarations, beside them naming the SDK packages whole), check
 * (npm run check, and its compile by TypeScript 7 beside 6), tests.
 */
import { spawnSync } from "node:child_process";
import { PACKAGE_ROOT } from "../src/util/paths";
import { type BenchResult, machine, markdown, save } from "./lib";
import { benchFlatFiles, benchLoading } from "./flatfiles";
import { benchBigDay, benchDownload } from "./realsize";
import { benchFarLink } from "./farlink";
import { benchListing } from "./pagination";
import { benchChain, benchVwap } from "./analysis";
import { benchKernel } from "./kernel";
import { benchKernelBrowser } from "./kernel-browser";
import { benchSandbox } from "./sandbox";
import { benchLake } from "./lake";
import { benchLakeMonth } from "./lake-month";
import { benchInstall } from "./install";
import { benchStartup } from "./startup";
import { benchWarmUp } from "./warmup";
import { benchCheck } from "./check";

async function benchTests(): Promise<BenchResult> {
  const t0 = performance.now();
  const r = spawnSync("npm", ["test"], { cwd: PACKAGE_ROOT, stdio: "ignore" });
  const s = (performance.now() - t0) / 1000;
  return {
    name: "full test command",
    rows: [
      {
        case: "npm test (everything, sandbox data cached)",
        seconds: s,
        "exit code": r.status ?? -1,
        budget: "CI limit 5,400 s",
      },
    ],
  };
}

const ALL: Record<string, () => Promise<BenchResult | BenchResult[]>> = {
  sandbox: () => benchSandbox(),
  listing: () => benchListing(),
  flatfiles: () => benchFlatFiles(),
  loading: () => benchLoading(),
  download: () => benchDownload(),
  farlink: () => benchFarLink(),
  bigday: () => benchBigDay(),
  vwap: () => benchVwap(),
  chain: () => benchChain(),
  lake: () => benchLake(),
  lakemonth: () => benchLakeMonth(),
  kernel: () => benchKernel(),
  "kernel-browser": () => benchKernelBrowser(),
  install: () => benchInstall(),
  tests: benchTests,
  startup: () => benchStartup(),
  warmup: () => benchWarmUp(),
  check: () => benchCheck(),
};

async function main() {
  const names = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(ALL);
  const results: BenchResult[] = [];
  console.log(`Machine: ${machine()}\n`);
  for (const n of names) {
    if (!ALL[n]) throw new Error(`Unknown benchmark "${n}": choose from ${Object.keys(ALL).join(", ")}`);
    for (const r of [await ALL[n]()].flat()) {
      results.push(r);
      console.log(markdown(r) + "\n");
    }
  }
  console.log(`saved ${save(results)}`);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
