/**
 * Downloads against hostile and careless surroundings (issue 20): corrupt lock files, a real
 * full disk, servers that stall, resume records that are garbage, symbolic links planted in the
 * cache, and answers that are legal but unusual. Real HTTP against a local S3 stand-in
 * (bench/standin.ts, with its fault switches), real files; no sandbox needed:
 *
 *   node --import tsx --test test/reliability/download-hostile.test.ts
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import { ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import type { StandIn, StandInObject } from "../../bench/standin";
import { standInForFile } from "../helpers/stand-in";
import { flatFilesClient } from "../../src/aws/clients";
import { DEFAULT_TIMEOUTS, TIMEOUT_PHASES } from "../../src/aws/timeouts";
import { Secret } from "../../src/config/secret";
import { type DownloadOptions, cachePath, downloadFile } from "../../src/flatfiles/download";
import { KitError } from "../../src/util/errors";

const MIB = 1 << 20;
const bucket = "flatfiles";
const root = fs.mkdtempSync(path.join(os.tmpdir(), "kit-hostile-"));
const data = path.join(root, "data.bin");
const bytes = randomBytes(3 * MIB);
fs.writeFileSync(data, bytes);
const md5 = (b: Buffer) => createHash("md5").update(b).digest("hex");
const etag = md5(bytes);
const big = path.join(root, "big.bin");
fs.writeFileSync(big, randomBytes(8 * MIB));

const objects: StandInObject[] = [
  { key: "a/plain.bin", file: data },
  { key: "a/stall-head.bin", file: data, faults: { stallHead: true } },
  { key: "a/no-length.bin", file: data, faults: { noContentLength: true } },
  { key: "a/upper.bin", file: data, faults: { etag: `"${etag.toUpperCase()}"` } },
  { key: "a/weak.bin", file: data, faults: { etag: `W/"${etag}"` } },
  {
    key: "a/stall-body.bin",
    file: data,
    faults: { stallBody: { from: MIB, afterBytes: 64 << 10, times: 6 } },
  },
  {
    key: "a/stall-once.bin",
    file: data,
    faults: { stallBody: { from: MIB, afterBytes: 64 << 10, times: 1 } },
  },
  { key: "big/8m.bin", file: big },
];
const standIn = standInForFile(bucket, objects, root);
let server: StandIn;
let s3: S3Client;
before(async () => {
  ({ server, s3 } = await standIn.ready());
});
const freshCache = standIn.freshCache;

async function failure(p: Promise<unknown>): Promise<KitError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof KitError, `expected a KitError, got ${(e as Error)?.stack ?? e}`);
    return e;
  }
  assert.fail("expected the download to fail");
}

/** Every file under `dir`, relative. */
function tree(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).sort();
}

interface WorkerResult {
  ok: boolean;
  code?: string;
  message?: string;
  ms: number;
  ticks: number;
}

/** `downloadFile` in a child process, killed if it has not finished in `limitMs` (a spin would never finish). */
function inChild(args: object, limitMs = 60_000): Promise<WorkerResult | "killed"> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", path.join(__dirname, "download-worker.ts"), JSON.stringify(args)],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  child.stdout.on("data", (c) => {
    out += c;
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), limitMs);
  return new Promise((resolve) => {
    child.on("exit", (code, sig) => {
      clearTimeout(timer);
      if (sig === "SIGKILL") return resolve("killed");
      const line = out.trim().split("\n").pop() ?? "";
      resolve(line.startsWith("{") ? JSON.parse(line) : { ok: false, code: `exit ${code}`, ms: 0, ticks: 0 });
    });
  });
}

function deadPid(): number {
  const r = spawnSync(process.execPath, ["-e", "console.log(process.pid)"], { encoding: "utf8" });
  return Number(r.stdout.trim());
}

/** Write `text` to `file`, dated `m` minutes ago. */
const written = (file: string, text: string, m: number) => {
  fs.writeFileSync(file, text);
  const t = new Date(Date.now() - m * 60_000);
  fs.utimesSync(file, t, t);
};

// Rows run four at a time: each starts a process (several seconds on a loaded machine).
describe("a bad lock file never hangs a download", { concurrency: 4 }, () => {
  // Each row plants `<file>.lock`; the download must end on its own (taken over or reported with
  // the lock's path), with its timers firing throughout. A spin shows as a killed child.
  const rows: {
    lock: string;
    plant: (lock: string) => void;
    expect: "ok" | string;
    abortAfterMs?: number;
  }[] = [
    {
      lock: "empty, left by a crash or a full disk",
      plant: (l) => written(l, "", 1),
      expect: "ok",
    },
    {
      lock: "empty, just created (a writer between open and write)",
      plant: (l) => fs.writeFileSync(l, ""),
      expect: "ok",
    },
    { lock: 'holding "abc"', plant: (l) => fs.writeFileSync(l, "abc"), expect: "download.lock" },
    {
      lock: "a dead pid with a trailing newline",
      plant: (l) => fs.writeFileSync(l, `${deadPid()}\n`),
      expect: "ok",
    },
    { lock: "pid 0", plant: (l) => fs.writeFileSync(l, "0"), expect: "download.lock" },
    { lock: "pid -1", plant: (l) => fs.writeFileSync(l, "-1"), expect: "download.lock" },
    {
      lock: "a pid beyond any pid (1e30)",
      plant: (l) => fs.writeFileSync(l, "1000000000000000000000000000000"),
      expect: "download.lock",
    },
    { lock: "a folder", plant: (l) => fs.mkdirSync(l), expect: "download.lock" },
    {
      lock: "a symbolic link",
      plant: (l) => fs.symlinkSync(path.join(root, "nowhere"), l),
      expect: "download.lock",
    },
    {
      lock: "1 MB of digits",
      plant: (l) => fs.writeFileSync(l, "7".repeat(1 << 20)),
      expect: "download.lock",
    },
    {
      lock: "a live pid not refreshed for 10 minutes (a reused pid)",
      plant: (l) => written(l, String(process.pid), 10),
      expect: "ok",
    },
    {
      lock: "a live writer, and the caller aborts after 500 ms",
      plant: (l) => fs.writeFileSync(l, String(process.pid)),
      expect: "download.aborted",
      abortAfterMs: 500,
    },
  ];
  for (const row of rows) {
    it(`${row.lock}: ${row.expect === "ok" ? "taken over" : row.expect}`, async () => {
      const cacheDir = freshCache();
      const key = "a/plain.bin";
      const target = cachePath(cacheDir, bucket, key);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      const lock = `${target}.lock`;
      row.plant(lock);
      const r = await inChild({
        endpoint: server.endpoint,
        bucket,
        key,
        cacheDir,
        abortAfterMs: row.abortAfterMs,
      });
      assert.notEqual(r, "killed", "the download never ended (a spin: no timer or signal could fire)");
      if (r === "killed") return;
      if (r.ms > 200) assert.ok(r.ticks > 0, "timers did not run while the download waited");
      if (row.expect === "ok") {
        assert.ok(r.ok, `expected the stale lock to be taken over, got ${r.code}: ${r.message}`);
        assert.equal(md5(fs.readFileSync(target)), etag);
        assert.ok(!fs.existsSync(lock), "the lock is released");
      } else {
        assert.equal(r.code, row.expect, r.message);
        if (row.expect === "download.lock") {
          assert.ok(r.message?.includes(lock), `names the lock's path: ${r.message}`);
          assert.ok((r.message?.length ?? 0) < 600, "a short message");
        }
        if (row.abortAfterMs) assert.ok(r.ms < 5_000, `the abort ended the wait (${r.ms} ms)`);
      }
    });
  }
});

describe("a real full disk (a small tmpfs)", () => {
  const root = process.getuid?.() === 0;
  const mounted = (size: string) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kit-full-"));
    const r = spawnSync("mount", ["-t", "tmpfs", "-o", `size=${size}`, "tmpfs", dir], { encoding: "utf8" });
    assert.equal(r.status, 0, `mount a tmpfs: ${r.stderr}`);
    return {
      dir,
      done: () => {
        spawnSync("umount", [dir]);
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  };
  const leftovers = (dir: string) => tree(dir).filter((f) => /\.tmp$|\.lock$/.test(f));

  it("running out midway (another program fills the disk): download.disk-full, the record intact, no temporary file", {
    skip: !root && "mounting a tmpfs needs root",
  }, async () => {
    const fsys = mounted("12m");
    try {
      let filled = false;
      const e = await failure(
        downloadFile(s3, bucket, "big/8m.bin", {
          cacheDir: fsys.dir,
          partSize: MIB,
          concurrency: 1,
          onProgress: (p) => {
            // Room for the file when it started; gone once its first MiB is on disk.
            if (filled || p.bytes === 0) return;
            filled = true;
            const fd = fs.openSync(path.join(fsys.dir, "filler"), "w");
            try {
              for (;;) fs.writeSync(fd, Buffer.alloc(64 << 10));
            } catch {
              /* full */
            } finally {
              fs.closeSync(fd);
            }
          },
        }),
      );
      assert.ok(filled, "the disk was filled during the download");
      assert.equal(e.code, "download.disk-full", e.message);
      assert.match(e.message, /disk is full/);
      assert.deepEqual(leftovers(fsys.dir), []);
      const target = cachePath(fsys.dir, bucket, "big/8m.bin");
      assert.ok(!fs.existsSync(target), "nothing at the final path");
      const record = `${target}.part.json`;
      if (fs.existsSync(record)) JSON.parse(fs.readFileSync(record, "utf8"));
    } finally {
      fsys.done();
    }
  });

  it("a file larger than the disk's free space: download.disk-full with both sizes, before anything is written", {
    skip: !root && "mounting a tmpfs needs root",
  }, async () => {
    const fsys = mounted("4m");
    try {
      const e = await failure(downloadFile(s3, bucket, "big/8m.bin", { cacheDir: fsys.dir, partSize: MIB }));
      assert.equal(e.code, "download.disk-full", e.message);
      assert.match(e.message, /big\/8m\.bin is 8\.4 MB .* has [0-9.]+ MB free; nothing was downloaded/);
      assert.deepEqual(
        tree(fsys.dir).filter((f) => /\.part/.test(f)),
        [],
        "no .part made",
      );
    } finally {
      fsys.done();
    }
  });

  it("a disk already full: download.disk-full, and no empty lock left behind", {
    skip: !root && "mounting a tmpfs needs root",
  }, async () => {
    const fsys = mounted("1m");
    try {
      const cacheDir = path.join(fsys.dir, "cache");
      fs.mkdirSync(path.join(cacheDir, bucket, "a"), { recursive: true });
      const fd = fs.openSync(path.join(fsys.dir, "filler"), "w");
      try {
        for (;;) fs.writeSync(fd, Buffer.alloc(4096));
      } catch (e) {
        assert.equal((e as NodeJS.ErrnoException).code, "ENOSPC");
      } finally {
        fs.closeSync(fd);
      }
      const e = await failure(downloadFile(s3, bucket, "a/plain.bin", { cacheDir }));
      assert.equal(e.code, "download.disk-full", e.message);
      assert.deepEqual(leftovers(cacheDir), []);
    } finally {
      fsys.done();
    }
  });
});

describe("network timeouts", () => {
  it("every network phase has a default, in downloads and in the S3 client", async () => {
    assert.deepEqual([...TIMEOUT_PHASES].sort(), ["connectMs", "firstByteMs", "idleMs"]);
    for (const phase of TIMEOUT_PHASES) assert.ok(DEFAULT_TIMEOUTS[phase] > 0, `${phase} has a default`);
    const client = flatFilesClient({
      target: "massive",
      endpoint: "http://127.0.0.1:9",
      bucket,
      region: "us-east-1",
      accessKeyId: new Secret("id"),
      secretAccessKey: new Secret("secret"),
      source: "test",
      envFile: null,
    });
    // The handler resolves its settings lazily, into this promise (smithy's NodeHttpHandler).
    const conf = await (
      client.config.requestHandler as unknown as { configProvider: Promise<Record<string, unknown>> }
    ).configProvider;
    assert.equal(conf.connectionTimeout, DEFAULT_TIMEOUTS.connectMs);
    assert.equal(conf.requestTimeout, DEFAULT_TIMEOUTS.firstByteMs);
    assert.equal(conf.throwOnRequestTimeout, true);
    assert.equal(conf.socketTimeout, DEFAULT_TIMEOUTS.idleMs);
    client.destroy();
  });

  it("a HEAD never answered: download.timeout naming the first-byte timeout and its option", {
    timeout: 20_000,
  }, async () => {
    const e = await failure(
      downloadFile(s3, bucket, "a/stall-head.bin", {
        cacheDir: freshCache(),
        timeouts: { firstByteMs: 300 },
      }),
    );
    assert.equal(e.code, "download.timeout");
    assert.match(e.message, /first byte/);
    assert.match(e.message, /firstByteMs/);
  });

  it("a body that stalls is retried, then stops resumable with the idle timeout named", {
    timeout: 30_000,
  }, async () => {
    const cacheDir = freshCache();
    const options: DownloadOptions = { cacheDir, partSize: MIB, timeouts: { idleMs: 300 } };
    const before = server.requests;
    const e = await failure(downloadFile(s3, bucket, "a/stall-body.bin", options));
    assert.equal(e.code, "download.timeout", e.message);
    assert.match(e.message, /idle/);
    assert.match(e.message, /idleMs/);
    assert.ok(server.requests - before >= 6 + 2, "the stalled piece was tried again");
    const target = cachePath(cacheDir, bucket, "a/stall-body.bin");
    const record = JSON.parse(fs.readFileSync(`${target}.part.json`, "utf8"));
    assert.equal(record.done.length, 2, "the other pieces are kept");
    // The stall has run its course: the next call fetches only the missing piece.
    const d = await downloadFile(s3, bucket, "a/stall-body.bin", options);
    assert.equal(d.fetched, MIB);
    assert.equal(md5(fs.readFileSync(d.path)), etag);
  });

  it("a body that stalls once is retried and the download completes", { timeout: 30_000 }, async () => {
    const d = await downloadFile(s3, bucket, "a/stall-once.bin", {
      cacheDir: freshCache(),
      partSize: MIB,
      timeouts: { idleMs: 300 },
    });
    assert.equal(md5(fs.readFileSync(d.path)), etag);
  });

  it("a listing whose server never answers: aws.timeout naming the option", { timeout: 20_000 }, async () => {
    const silent = http.createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    const client = flatFilesClient(
      {
        target: "massive",
        endpoint: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`,
        bucket,
        region: "us-east-1",
        accessKeyId: new Secret("id"),
        secretAccessKey: new Secret("secret"),
        source: "test",
        envFile: null,
      },
      { maxAttempts: 1, timeouts: { firstByteMs: 300 } },
    );
    try {
      const e = await failure(client.send(new ListObjectsV2Command({ Bucket: bucket })));
      assert.equal(e.code, "aws.timeout");
      assert.match(e.message, /first byte/);
      assert.match(e.message, /firstByteMs/);
    } finally {
      client.destroy();
      silent.closeAllConnections();
      silent.close();
    }
  });
});

describe("a resume record that is garbage is discarded, never a TypeError", () => {
  const plan = `md5:1:${3 * MIB}:${MIB}`;
  const rows: [string, string][] = [
    ['"digests": "zz"', JSON.stringify({ etag, size: 3 * MIB, plan, done: [0], digests: "zz" })],
    ['"digests": ["zz"]', JSON.stringify({ etag, size: 3 * MIB, plan, done: [0], digests: ["zz"] })],
    ['"digests": {"0": 5}', JSON.stringify({ etag, size: 3 * MIB, plan, done: [0], digests: { 0: 5 } })],
    [
      '"digests": {"__proto__": …}',
      `{"etag":"${etag}","size":${3 * MIB},"plan":"${plan}","done":[0],"digests":{"__proto__":{"x":1}}}`,
    ],
    ['"done": "x"', JSON.stringify({ etag, size: 3 * MIB, plan, done: "x", digests: {} })],
    [
      '"done": [-1, 1.5, "a", 1e300]',
      JSON.stringify({ etag, size: 3 * MIB, plan, done: [-1, 1.5, "a", 1e300], digests: {} }),
    ],
    ["null", "null"],
    ["[]", "[]"],
    ['"etag": 5', JSON.stringify({ etag: 5, size: 3 * MIB, plan, done: [0], digests: {} })],
    ["cut short", `{"etag":"${etag}","size":`],
  ];
  for (const [what, text] of rows) {
    it(what, async () => {
      const cacheDir = freshCache();
      const target = cachePath(cacheDir, bucket, "a/plain.bin");
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(`${target}.part`, bytes.subarray(0, MIB));
      fs.writeFileSync(`${target}.part.json`, text);
      const d = await downloadFile(s3, bucket, "a/plain.bin", { cacheDir, partSize: MIB });
      assert.equal(md5(fs.readFileSync(d.path)), etag);
    });
  }
});

describe("the cache never follows a symbolic link", () => {
  const victim = () => {
    const f = path.join(fs.mkdtempSync(path.join(root, "outside-")), "victim.txt");
    fs.writeFileSync(f, "the user's own file");
    return f;
  };

  it("a planted `.part` link with a matching record: the link's target is untouched", async () => {
    const cacheDir = freshCache();
    const target = cachePath(cacheDir, bucket, "a/plain.bin");
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const v = victim();
    fs.symlinkSync(v, `${target}.part`);
    fs.writeFileSync(
      `${target}.part.json`,
      JSON.stringify({ etag, size: 3 * MIB, plan: `md5:1:${3 * MIB}:${MIB}`, done: [], digests: {} }),
    );
    const d = await downloadFile(s3, bucket, "a/plain.bin", { cacheDir, partSize: MIB });
    assert.equal(fs.readFileSync(v, "utf8"), "the user's own file");
    assert.equal(md5(fs.readFileSync(d.path)), etag);
    assert.ok(fs.lstatSync(d.path).isFile());
  });

  it("a planted `.part.json` link: the link's target is untouched", async () => {
    const cacheDir = freshCache();
    const target = cachePath(cacheDir, bucket, "a/plain.bin");
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const v = victim();
    fs.symlinkSync(v, `${target}.part.json`);
    await downloadFile(s3, bucket, "a/plain.bin", { cacheDir });
    assert.equal(fs.readFileSync(v, "utf8"), "the user's own file");
  });

  it("a cached file that is a link (with a matching description) is not handed out", async () => {
    const cacheDir = freshCache();
    const target = cachePath(cacheDir, bucket, "a/plain.bin");
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const other = path.join(root, "same-size.bin");
    fs.writeFileSync(other, randomBytes(3 * MIB));
    fs.symlinkSync(other, target);
    fs.writeFileSync(`${target}.meta.json`, JSON.stringify({ etag, size: 3 * MIB }));
    const d = await downloadFile(s3, bucket, "a/plain.bin", { cacheDir });
    assert.ok(fs.lstatSync(d.path).isFile(), "a real file, not the link");
    assert.equal(md5(fs.readFileSync(d.path)), etag);
  });

  it("a folder inside the cache that links outside: refused, nothing written there", async () => {
    const cacheDir = freshCache();
    const outside = fs.mkdtempSync(path.join(root, "outside-"));
    fs.mkdirSync(path.join(cacheDir, bucket), { recursive: true });
    fs.symlinkSync(outside, path.join(cacheDir, bucket, "a"));
    const e = await failure(downloadFile(s3, bucket, "a/plain.bin", { cacheDir }));
    assert.equal(e.code, "download.cache");
    assert.match(e.message, /symbolic link/);
    assert.deepEqual(tree(outside), []);
  });

  it("the cache folder itself may be a link (a cache on another disk)", async () => {
    const real = fs.mkdtempSync(path.join(root, "real-cache-"));
    const link = `${freshCache()}-link`; // a name no other test uses
    fs.symlinkSync(real, link);
    const d = await downloadFile(s3, bucket, "a/plain.bin", { cacheDir: link });
    assert.equal(md5(fs.readFileSync(d.path)), etag);
  });
});

describe("unusual answers and careless input get a message that says what to do", () => {
  it("a HEAD without Content-Length: download.size, not '0 of 0 bytes'", async () => {
    const e = await failure(downloadFile(s3, bucket, "a/no-length.bin", { cacheDir: freshCache() }));
    assert.equal(e.code, "download.size");
    assert.match(e.message, /Content-Length/);
  });

  it("an uppercase MD5 ETag is still checked as an MD5", async () => {
    const d = await downloadFile(s3, bucket, "a/upper.bin", { cacheDir: freshCache() });
    assert.equal(d.verified, "md5");
  });

  it("a weak ETag (W/…): only the size is checked, and the warning says why", async () => {
    const warned: string[] = [];
    const warn = console.warn;
    console.warn = (m: string) => warned.push(m);
    try {
      const d = await downloadFile(s3, bucket, "a/weak.bin", { cacheDir: freshCache() });
      assert.equal(d.verified, "size");
      assert.equal(md5(fs.readFileSync(d.path)), etag);
    } finally {
      console.warn = warn;
    }
    assert.match(warned.join("\n"), /weak ETag/);
  });

  for (const sidecar of [".part", ".meta.json", ".part.json"]) {
    it(`a folder where the cache keeps its ${sidecar}: download.cache naming it, not EISDIR`, async () => {
      const cacheDir = freshCache();
      const target = cachePath(cacheDir, bucket, "a/plain.bin");
      fs.mkdirSync(`${target}${sidecar}`, { recursive: true });
      const e = await failure(downloadFile(s3, bucket, "a/plain.bin", { cacheDir }));
      assert.equal(e.code, "download.cache", e.message);
      assert.ok(e.message.includes(`${target}${sidecar}`), e.message);
      assert.match(e.message, /folder/);
    });
  }

  it('cacheDir: "" is refused, not the working folder', async () => {
    const e = await failure(downloadFile(s3, bucket, "a/plain.bin", { cacheDir: "" }));
    assert.equal(e.code, "download.cache");
    assert.match(e.message, /cacheDir/);
  });
});
