/**
 * SIGKILL in the middle of a long listing and of a large download, then start again: the listing
 * resumes from its saved checkpoint with nothing lost or repeated; the download resumes from what
 * was already written and verifies the result.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe, it } from "node:test";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { cachePath } from "../../src/flatfiles/download";
import { getPaginator } from "../../src/paginator/engine";
import { startProxy } from "../../src/testing";
import { sandboxS3, sandboxState } from "../helpers/sandbox";

const s3 = sandboxS3();
after(() => s3.destroy());
const worker = path.join(__dirname, "crash-worker.ts");

function run(args: string[]): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", worker, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    env: process.env,
  });
}

async function until(cond: () => boolean, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
}

const exit = (c: ChildProcess) =>
  new Promise<number | null>((r) =>
    c.exitCode !== null ? r(c.exitCode) : c.once("exit", (code) => r(code)),
  );

describe("crashes", () => {
  it("a listing killed mid-way resumes from its checkpoint: every key once", {
    timeout: 120_000,
  }, async () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "kit-crash-")), "pages.jsonl");
    const first = run(["list", out]);
    await until(() => fs.existsSync(out) && fs.readFileSync(out, "utf8").split("\n").length > 15);
    first.kill("SIGKILL");
    await exit(first);
    const pagesBefore = fs.readFileSync(out, "utf8").split("\n").filter(Boolean).length;
    const second = run(["list", out]);
    assert.equal(await exit(second), 0);
    const keys = fs
      .readFileSync(out, "utf8")
      .split("\n")
      .filter((l) => l.endsWith("}"))
      .flatMap((l) => (JSON.parse(l) as { keys: string[] }).keys);
    const expected = (
      await getPaginator(s3, "list_objects_v2")
        .paginate({ Bucket: "flatfiles", Prefix: "us_stocks_sip/day_aggs_v1/" })
        .items<{ Key: string }>()
        .toArray()
    ).map((o) => o.Key);
    assert.ok(pagesBefore > 10 && pagesBefore < 59, `killed after ${pagesBefore} of 59 pages`);
    assert.deepEqual(keys, expected);
  });

  it("a download killed mid-way resumes from what was written and verifies the result", {
    timeout: 120_000,
  }, async () => {
    const key = "us_stocks_sip/minute_aggs_v1/2026/11/2026-11-20.csv.gz";
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "kit-crash-"));
    const target = cachePath(cacheDir, "flatfiles", key);
    const slow = await startProxy(sandboxState().endpoint, { delayMs: 40 });
    const first = run(["download", cacheDir, slow.endpoint]);
    const done = () => {
      try {
        return (JSON.parse(fs.readFileSync(`${target}.part.json`, "utf8")) as { done: number[] }).done.length;
      } catch {
        return 0;
      }
    };
    await until(() => done() >= 6);
    first.kill("SIGKILL");
    await exit(first);
    await slow.close();
    const partsBefore = done();
    assert.equal(fs.existsSync(target), false, "nothing at the final path after the crash");
    const second = run(["download", cacheDir]);
    let report = "";
    second.stdout!.on("data", (b) => (report += b));
    assert.equal(await exit(second), 0);
    const { fetched, size } = JSON.parse(report) as { fetched: number; size: number };
    assert.ok(fetched <= size - partsBefore * (1 << 20), `resumed: fetched ${fetched} of ${size} bytes`);
    const body = Buffer.from(
      await (
        await s3.send(new GetObjectCommand({ Bucket: "flatfiles", Key: key }))
      ).Body!.transformToByteArray(),
    );
    assert.ok(fs.readFileSync(target).equals(body), "byte-identical after the resume");
    assert.ok(partsBefore >= 6 && partsBefore < 30, `${partsBefore} of 30 parts were kept`);
    assert.equal(fs.existsSync(`${target}.part`), false);
  });
});
