/**
 * Bad input, downloads and the cache: one row each, a KitError (or a one-line CLI message) with a specific
 * code and a message naming the problem and the fix. docs/reliability.md lists the same table.
 */
import { after } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { cachePath, downloadFile, downloadFiles } from "../../../src/flatfiles/download";
import { sandboxS3 } from "../../helpers/sandbox";
import { type Row, badInputTable, tmp, failure } from "./helpers";

const s3 = sandboxS3();
after(() => s3.destroy());

const ROWS: Row[] = [
  [
    "cache folder not writable",
    () => {
      const file = path.join(tmp(), "file");
      fs.writeFileSync(file, "");
      return failure(() =>
        downloadFile(s3, "flatfiles", "us_indices/day_aggs_v1/2024/03/2024-03-15.csv.gz", { cacheDir: file }),
      );
    },
    /download\.cache: .*FLATFILES_CACHE_DIR/,
  ],
  // "disk full during a download" moved to test/reliability/download-hostile.test.ts, on a real
  // tmpfs: its old form (the `.part` file replaced by a link to /dev/full) relied on the cache
  // following links, which it no longer does.
  [
    "a bucket name that climbs out of the cache (../../tmp/x)",
    () => {
      const cacheDir = tmp();
      const message = failure(() => downloadFile(s3, "../../../tmp/kit-escape", "a/b.csv.gz", { cacheDir }));
      assert.equal(
        fs.existsSync(path.join(cacheDir, "..", "..", "..", "tmp", "kit-escape")),
        false,
        "no folder made outside the cache",
      );
      return message;
    },
    /download\.bucket: .*not a bucket name.*FLATFILES_BUCKET/,
  ],
  [
    "a key with .. or . parts",
    () =>
      failure(() => downloadFile(s3, "flatfiles", "us_stocks_sip/../../../etc/passwd", { cacheDir: tmp() })),
    /download\.key: .*no empty, "\." or "\.\." parts/,
  ],
  [
    "a key that is another key's second spelling (rt/./dot.txt)",
    () => failure(() => cachePath(tmp(), "flatfiles", "rt/./dot.txt")),
    /download\.key: /,
  ],
  [
    "a key ending like the cache's own files (.meta.json)",
    () => failure(() => cachePath(tmp(), "flatfiles", "x/2024-03-15.csv.gz.meta.json")),
    /download\.key: .*ends in \.meta\.json/,
  ],
  [
    "partSize -1",
    () =>
      failure(() =>
        downloadFile(s3, "flatfiles", "us_indices/day_aggs_v1/2024/03/2024-03-15.csv.gz", {
          cacheDir: tmp(),
          partSize: -1,
        }),
      ),
    /options\.number: partSize is -1: it must be a whole number, from 65536 to 5368709120/,
  ],
  [
    "concurrency 0 for a download",
    () =>
      failure(() =>
        downloadFile(s3, "flatfiles", "us_indices/day_aggs_v1/2024/03/2024-03-15.csv.gz", {
          cacheDir: tmp(),
          concurrency: 0,
        }),
      ),
    /options\.number: concurrency is 0: .*from 1 to 64/,
  ],
  [
    "files: NaN for a batch of downloads",
    () =>
      failure(() =>
        downloadFiles(s3, "flatfiles", ["us_indices/day_aggs_v1/2024/03/2024-03-15.csv.gz"], {
          cacheDir: tmp(),
          files: Number.NaN,
        }),
      ),
    /options\.number: files is NaN/,
  ],
  [
    'a key and a "folder" of keys with the same name (a, a/b): the second cannot be cached',
    async () => {
      const cacheDir = tmp();
      await s3.send(new PutObjectCommand({ Bucket: "kit-scratch", Key: "clash/a", Body: "file" }));
      await s3.send(new PutObjectCommand({ Bucket: "kit-scratch", Key: "clash/a/b", Body: "under" }));
      await downloadFile(s3, "kit-scratch", "clash/a", { cacheDir });
      const one = await failure(() => downloadFile(s3, "kit-scratch", "clash/a/b", { cacheDir }));
      const other = tmp();
      await downloadFile(s3, "kit-scratch", "clash/a/b", { cacheDir: other });
      const two = await failure(() => downloadFile(s3, "kit-scratch", "clash/a", { cacheDir: other }));
      return `${one}\n${two}`;
    },
    /download\.key: clash\/a\/b cannot be cached: the cache already has a file \(another key\) at .*another cache folder[\s\S]*download\.key: clash\/a cannot be cached: the cache already has a folder of other keys/,
  ],
  [
    "a 1-byte partSize (a billion requests for a GB file)",
    () =>
      failure(() =>
        downloadFile(s3, "flatfiles", "us_indices/day_aggs_v1/2024/03/2024-03-15.csv.gz", {
          cacheDir: tmp(),
          partSize: 1,
        }),
      ),
    /options\.number: partSize is 1: it must be a whole number, from 65536 to 5368709120/,
  ],
];

badInputTable("downloads", ROWS);
