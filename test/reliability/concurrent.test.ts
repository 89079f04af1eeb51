/**
 * Two processes downloading the same day into one cache (two notebooks, a notebook and the CLI):
 * one fetches, the other waits for it and finds the file cached; nothing half-written is left.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, it } from "node:test";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { cachePath } from "../../src/flatfiles/download";
import { sandboxS3 } from "../helpers/sandbox";

const KEY = "us_stocks_sip/minute_aggs_v1/2026/11/2026-11-20.csv.gz";
const s3 = sandboxS3();
after(() => s3.destroy());

function worker(cacheDir: string): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", path.join(__dirname, "crash-worker.ts"), "download", cacheDir],
      { env: process.env },
    );
    let out = "";
    let err = "";
    child.stdout.on("data", (b) => (out += b));
    child.stderr.on("data", (b) => (err += b));
    child.on("exit", (code) => resolve({ code, out, err }));
  });
}

it("two processes downloading the same file: one fetches, the other waits and reuses it", async () => {
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "kit-concurrent-"));
  const [a, b] = await Promise.all([worker(cacheDir), worker(cacheDir)]);
  assert.equal(a.code, 0, a.err);
  assert.equal(b.code, 0, b.err);
  const fetched = [a, b].map((r) => JSON.parse(r.out.trim()).fetched as number).sort((x, y) => x - y);
  const size = JSON.parse(a.out.trim()).size as number;
  assert.deepEqual(fetched, [0, size], "one download, one cache hit");
  const file = cachePath(cacheDir, "flatfiles", KEY);
  const body = Buffer.from(
    await (
      await s3.send(new GetObjectCommand({ Bucket: "flatfiles", Key: KEY }))
    ).Body!.transformToByteArray(),
  );
  const md5 = (b: Buffer) => createHash("md5").update(b).digest("hex");
  assert.equal(md5(fs.readFileSync(file)), md5(body), "the cached file is the object, byte for byte");
  const leftovers = fs.readdirSync(path.dirname(file)).filter((f) => /\.(part|part\.json|lock|tmp)$/.test(f));
  assert.deepEqual(leftovers, []);
});
