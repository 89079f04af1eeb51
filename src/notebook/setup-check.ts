/** What notebook 00 shows: versions, the configuration in use, and whether the bucket answers. */
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import * as fs from "node:fs";
import * as path from "node:path";
import { flatFilesClient } from "../aws/clients";
import { explainAwsError } from "../aws/explain";
import type { FlatFilesConfig } from "../config/env";
import { PACKAGE_ROOT, findPackageJson } from "../util/paths";
import { type Row, showNote, showTable } from "./display";

/**
 * An installed package's version as Node resolves it from `bases`, wherever npm put it (hoisted
 * beside the kit when the kit is itself a dependency, or in the kit's own node_modules).
 */
export function packageVersion(name: string, bases?: readonly string[]): string {
  const file = findPackageJson(name, bases);
  if (!file) return "not installed";
  try {
    return (JSON.parse(fs.readFileSync(file, "utf8")) as { version: string }).version;
  } catch {
    return "not installed";
  }
}

/**
 * Versions of what the notebooks run on. The kit's dependencies are looked up as the kit itself
 * loads them (from its own folder first), tslab from the running program first (the kernel, which
 * may be installed globally or in another project), then the working folder.
 */
export function versions(options: { bases?: readonly string[] } = {}): Row[] {
  const kit = JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, "package.json"), "utf8")) as {
    name: string;
    version: string;
  };
  const bases = options.bases ?? [PACKAGE_ROOT, process.cwd(), ...programDir()];
  const kernel = options.bases ?? [...programDir(), PACKAGE_ROOT, process.cwd()];
  return [
    { component: "Node.js", version: process.version.slice(1) },
    { component: kit.name, version: kit.version },
    { component: "tslab (kernel)", version: packageVersion("tslab", kernel) },
    {
      component: "TypeScript in tslab",
      version: packageVersion("@tslab/typescript-for-tslab", [...tslabDir(kernel), ...kernel]),
    },
    { component: "@aws-sdk/client-s3", version: packageVersion("@aws-sdk/client-s3", bases) },
    { component: "jmespath", version: packageVersion("jmespath", bases) },
    { component: "nodejs-polars", version: packageVersion("nodejs-polars", bases) },
  ];
}

/** The folder of the script Node is running (tslab's, in a notebook), if it is a file. */
function programDir(): string[] {
  try {
    return process.argv[1] ? [path.dirname(fs.realpathSync(process.argv[1]))] : [];
  } catch {
    return [];
  }
}

/** tslab's own folder, where its TypeScript may be nested rather than hoisted. */
function tslabDir(bases: readonly string[]): string[] {
  const file = findPackageJson("tslab", bases);
  return file ? [path.dirname(file)] : [];
}

/** The configuration as rows that are safe to show: no secret, not even the key id. */
export function configRows(c: FlatFilesConfig): Row[] {
  return [
    {
      setting: "target",
      value: c.target === "sandbox" ? "local sandbox (no account needed)" : "real flat-files endpoint",
    },
    { setting: "endpoint", value: c.endpoint },
    { setting: "bucket", value: c.bucket },
    { setting: "region", value: c.region },
    { setting: "keys from", value: c.source },
    { setting: "access key id", value: `set (${c.accessKeyId.reveal().length} characters, hidden)` },
    { setting: "secret access key", value: "set (hidden)" },
  ];
}

export interface BucketCheck {
  ok: boolean;
  milliseconds: number;
  prefixes: string[];
  code?: string;
  message?: string;
}

/** One ListObjectsV2 request with `Delimiter: "/"`: does the bucket answer, and what is at its top? */
export async function checkBucket(
  c: FlatFilesConfig,
  options: { show?: boolean } = {},
): Promise<BucketCheck> {
  const show = options.show ?? true;
  const t0 = performance.now();
  const s3 = flatFilesClient(c, { maxAttempts: 2 });
  try {
    const out = await s3.send(new ListObjectsV2Command({ Bucket: c.bucket, Delimiter: "/" }));
    const prefixes = (out.CommonPrefixes ?? []).map((p) => p.Prefix!);
    const result = { ok: true, milliseconds: Math.round(performance.now() - t0), prefixes };
    if (show) {
      showTable(
        prefixes.map((p) => ({ "top-level prefix": p })),
        { caption: `${c.bucket} answered: ${prefixes.length} top-level prefixes` },
      );
    }
    return result;
  } catch (err) {
    const e = explainAwsError(err, {
      endpoint: c.endpoint,
      bucket: c.bucket,
      bucketFrom: "config",
      action: `listing the bucket ${c.bucket}`,
    });
    const result = {
      ok: false,
      milliseconds: Math.round(performance.now() - t0),
      prefixes: [],
      code: e.code,
      message: e.message,
    };
    if (show) showNote(`**The bucket did not answer.** ${e.message}`);
    return result;
  } finally {
    s3.destroy();
  }
}
