/**
 * A lake in object storage: `s3://bucket/prefix` on any S3-compatible endpoint, with settings of
 * its own (FLATFILES_LAKE_*), never the flat-files keys: the lake is the user's bucket, the flat
 * files are the provider's. Resolved once, here, into one settings object that every step takes.
 */
import { kitEnv, readSandboxState } from "../../../config/env";
import { Secret } from "../../../config/secret";
import { KitError } from "../../../util/errors";
import { clip } from "../header";

/** The lake option: a folder, `s3://bucket/prefix`, or the S3 settings spelled out. */
export type LakeOption = string | S3LakeSettings;

export interface S3LakeSettings {
  /** `s3://bucket` or `s3://bucket/prefix`. */
  url: string;
  /** S3 endpoint; default FLATFILES_LAKE_ENDPOINT, else AWS's for the region. `sandbox`: the running sandbox (its endpoint and keys). */
  endpoint?: string;
  /** Signing region; default FLATFILES_LAKE_REGION, else AWS_REGION, else us-east-1. */
  region?: string;
  /** Default FLATFILES_LAKE_ACCESS_KEY_ID, else AWS_ACCESS_KEY_ID. */
  accessKeyId?: string;
  /** Default FLATFILES_LAKE_SECRET_ACCESS_KEY, else AWS_SECRET_ACCESS_KEY. */
  secretAccessKey?: string;
}

/** A resolved object-storage lake. */
export interface S3Lake {
  kind: "s3";
  bucket: string;
  /** Key prefix without slashes at either end; "" for the bucket's root. */
  prefix: string;
  endpoint: string;
  region: string;
  accessKeyId: Secret;
  secretAccessKey: Secret;
  /** The sandbox's S3: the bucket is made when missing. */
  sandbox: boolean;
}

/** The plain form a worker thread receives (a Secret does not cross threads). */
export interface S3LakeWire {
  bucket: string;
  prefix: string;
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  sandbox: boolean;
}

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export function isS3Option(lake: unknown): boolean {
  return (
    (typeof lake === "string" && /^s3:\/\//i.test(lake)) ||
    (typeof lake === "object" && lake !== null && typeof (lake as S3LakeSettings).url === "string")
  );
}

/** The lake's settings, checked, or a KitError saying which one is wrong and how to set it. */
export function resolveS3Lake(lake: LakeOption, env: NodeJS.ProcessEnv = kitEnv()): S3Lake {
  const given: S3LakeSettings = typeof lake === "string" ? { url: lake } : lake;
  const m = /^s3:\/\/([^/]+)(?:\/(.*))?$/i.exec(given.url);
  if (!m || !BUCKET.test(m[1]))
    throw new KitError(
      "lake.url",
      `The lake "${clip(given.url, 80)}" is not an S3 address: write it as s3://bucket or s3://bucket/prefix (a bucket name of 3-63 lower-case letters, digits, dots and hyphens).`,
    );
  const prefix = (m[2] ?? "").replace(/^\/+|\/+$/g, "");
  if (prefix.split("/").some((p) => p === "." || p === ".." || (p === "" && prefix !== "")))
    throw new KitError(
      "lake.url",
      `The lake "${clip(given.url, 80)}" has an empty, "." or ".." folder in its prefix: write the prefix as folder names separated by single slashes.`,
    );
  const pick = (own: string | undefined, ...names: string[]) =>
    own?.trim() || names.map((n) => env[n]?.trim()).find((v) => v) || "";
  const endpoint = pick(given.endpoint, "FLATFILES_LAKE_ENDPOINT");
  if (endpoint === "sandbox") {
    const state = readSandboxState(env);
    if (!state)
      throw new KitError(
        "lake.sandbox",
        "The lake's endpoint is the sandbox, which is not running: start it with `npm run sandbox` (or `npm start`).",
      );
    return {
      kind: "s3",
      bucket: m[1],
      prefix,
      endpoint: state.endpoint,
      region: state.region,
      accessKeyId: new Secret(state.accessKeyId),
      secretAccessKey: new Secret(state.secretAccessKey),
      sandbox: true,
    };
  }
  const region = pick(given.region, "FLATFILES_LAKE_REGION", "AWS_REGION") || "us-east-1";
  if (!/^[a-z0-9-]{2,32}$/.test(region))
    throw new KitError(
      "lake.region",
      `The lake's region "${clip(region, 40)}" is not a region name such as us-east-1.`,
    );
  let url: URL;
  try {
    url = new URL(endpoint || `https://s3.${region}.amazonaws.com`);
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error("scheme");
  } catch {
    throw new KitError(
      "lake.endpoint",
      `The lake's endpoint "${clip(endpoint, 80)}" is not an http(s) address: set FLATFILES_LAKE_ENDPOINT to one such as https://s3.us-east-1.amazonaws.com, or to "sandbox".`,
    );
  }
  const keyId = pick(given.accessKeyId, "FLATFILES_LAKE_ACCESS_KEY_ID", "AWS_ACCESS_KEY_ID");
  const secret = pick(given.secretAccessKey, "FLATFILES_LAKE_SECRET_ACCESS_KEY", "AWS_SECRET_ACCESS_KEY");
  if (!keyId || !secret)
    throw new KitError(
      "lake.credentials",
      `The lake ${given.url.slice(0, 100)} needs keys for its bucket: set FLATFILES_LAKE_ACCESS_KEY_ID and FLATFILES_LAKE_SECRET_ACCESS_KEY (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY); the flat-files keys are not used for your own bucket.`,
    );
  return {
    kind: "s3",
    bucket: m[1],
    prefix,
    endpoint: url.origin,
    region,
    accessKeyId: new Secret(keyId),
    secretAccessKey: new Secret(secret),
    sandbox: false,
  };
}

export function toWire(l: S3Lake): S3LakeWire {
  return { ...l, accessKeyId: l.accessKeyId.reveal(), secretAccessKey: l.secretAccessKey.reveal() };
}

export function fromWire(w: S3LakeWire): S3Lake {
  return {
    ...w,
    kind: "s3",
    accessKeyId: new Secret(w.accessKeyId),
    secretAccessKey: new Secret(w.secretAccessKey),
  };
}

/** The object key of a path inside the lake (`rel` uses `/`). */
export function keyOf(l: S3Lake | S3LakeWire, rel: string): string {
  return l.prefix ? `${l.prefix}/${rel}` : rel;
}

/** The lake's address of a path inside it, `s3://bucket/prefix/rel`. */
export function urlOf(l: S3Lake | S3LakeWire, rel = ""): string {
  const key = keyOf(l, rel);
  return `s3://${l.bucket}${key ? `/${key}` : ""}`;
}

/** What polars (object_store) needs to read or write the lake. */
export function cloudOptions(l: S3Lake): Record<string, string> {
  return {
    aws_endpoint_url: l.endpoint,
    aws_region: l.region,
    aws_access_key_id: l.accessKeyId.reveal(),
    aws_secret_access_key: l.secretAccessKey.reveal(),
    ...(l.endpoint.startsWith("http:") ? { aws_allow_http: "true" } : {}),
    // A custom endpoint (MinIO, the sandbox) rarely resolves bucket-in-host names.
    ...(/amazonaws\.com$/.test(new URL(l.endpoint).hostname)
      ? {}
      : { aws_virtual_hosted_style_request: "false" }),
  };
}
