/**
 * Configuration: which flat-files endpoint to talk to and with which keys.
 *
 * Variables come from the process environment first, then from the nearest `.env` file (searched
 * upwards from the working directory, so a notebook in notebooks/ finds the project's one).
 * With no keys at all, the local sandbox is used when it is running.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as dotenv from "dotenv";
import { KitError } from "../util/errors";
import { displayPath, sandboxStateFile } from "../util/paths";
import {
  DEFAULT_BUCKET,
  DEFAULT_ENDPOINT,
  DEFAULT_REGION,
  type Origin,
  parseBucket,
  parseEndpoint,
  parseKey,
  parsePath,
  parseProgram,
  parseRegion,
  shownValue,
} from "./parse";
import { Secret } from "./secret";
import { type SandboxState, runningSandbox } from "./sandbox-state";
import { readSmallFile } from "../util/small-file";

export { DEFAULT_BUCKET, DEFAULT_ENDPOINT, DEFAULT_REGION };
export const LEGACY_ENDPOINT = "https://files.polygon.io";

/** Every variable the kit reads, with what it is for; `.env.example` documents the same list. */
export const VARIABLES = {
  FLATFILES_ACCESS_KEY_ID: "S3 access key id of your flat-files plan (dashboard, 'Flat Files' section)",
  FLATFILES_SECRET_ACCESS_KEY: "S3 secret access key shown next to it",
  FLATFILES_ENDPOINT: `S3 endpoint, default ${DEFAULT_ENDPOINT} (the legacy ${LEGACY_ENDPOINT} works too)`,
  FLATFILES_BUCKET: `bucket name, default ${DEFAULT_BUCKET}`,
  FLATFILES_REGION: `signing region, default ${DEFAULT_REGION}`,
  FLATFILES_TARGET: "auto (default: real endpoint when keys are set, else the sandbox), sandbox or massive",
  FLATFILES_CACHE_DIR: "where downloads are kept, default ~/.cache/flatfiles-kit",
  FLATFILES_SANDBOX_STATE:
    "file where a running sandbox describes itself, default .sandbox/state.json in the kit's checkout; " +
    "installed as a dependency, $XDG_STATE_HOME (default ~/.local/state)/flatfiles-kit/sandbox-state.json",
  FLATFILES_SANDBOX_PYTHON: "a Python with moto for the sandbox, if the first python3 on PATH lacks it",
  FLATFILES_LAKE_ENDPOINT:
    "S3 endpoint of an s3:// lake (your bucket, not the flat files'), default AWS's for the region; sandbox: the local sandbox",
  FLATFILES_LAKE_REGION: "signing region of an s3:// lake, default AWS_REGION, else us-east-1",
  FLATFILES_LAKE_ACCESS_KEY_ID: "access key id for an s3:// lake, default AWS_ACCESS_KEY_ID",
  FLATFILES_LAKE_SECRET_ACCESS_KEY: "secret access key for an s3:// lake, default AWS_SECRET_ACCESS_KEY",
} as const;

export type Target = "massive" | "sandbox";

export interface FlatFilesConfig {
  target: Target;
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: Secret;
  secretAccessKey: Secret;
  /** Where the keys came from, in words (never the keys themselves). */
  source: string;
  /** The `.env` file that was read, if any. */
  envFile: string | null;
}

export interface ConfigOptions {
  /** Variables to use instead of `process.env` (tests, or a caller's own settings). */
  env?: NodeJS.ProcessEnv;
  /** Where to start looking for `.env`; `null` reads no file. */
  cwd?: string | null;
  /** Force a target, as FLATFILES_TARGET does. */
  target?: "auto" | Target;
}

const WHERE_KEYS =
  "Get them from your Massive (formerly Polygon.io) dashboard, section 'Flat Files' / 'Accessing Flat Files (S3)': " +
  "they are a separate S3 key pair, not your REST API key, and need a plan with flat files (Stocks Starter or above).";
const SANDBOX_HINT =
  "Or use the local sandbox, which needs no account: run `npm run sandbox` (or `npm start`) in the project folder.";

/**
 * The nearest `.env` file at or above a folder. A folder named `.env` (a Python virtual
 * environment, often) is not a settings file: it is passed over and the search goes on upwards.
 */
export function findEnvFile(from: string): string | null {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, ".env");
    // Anything else named .env (a FIFO, a device) is returned, so reading it can say what it is.
    const st = fs.statSync(candidate, { throwIfNoEntry: false });
    if (st && !st.isDirectory()) return candidate;
    if (path.dirname(dir) === dir) return null;
  }
}

/** A `.env` file's variables; one that cannot be read is named, with the reason. */
function readEnvFile(file: string): Record<string, string> {
  try {
    const read = readSmallFile(file);
    if (!read.ok) {
      throw new KitError(
        "config.envfile",
        `${displayPath(file)} is ${read.why === "too large" ? "over 1 MB" : "not a regular file"}: make it a text file of NAME=value lines, or remove it.`,
      );
    }
    return dotenv.parse(read.bytes);
  } catch (e) {
    if (e instanceof KitError) throw e;
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).name;
    throw new KitError(
      "config.envfile",
      `${displayPath(file)} cannot be read (${code}): make it a readable text file of NAME=value lines, or remove it.`,
      { cause: e },
    );
  }
}

export type { SandboxState };

/**
 * The running sandbox's description, or null when none is running: a state file left behind by
 * a sandbox that died (pid 0 or negative, a dead process, a pid since reused by another program)
 * is not a running sandbox (`sandbox-state.ts`).
 */
export function readSandboxState(env: NodeJS.ProcessEnv = process.env): SandboxState | null {
  return runningSandbox(sandboxStateFile(env));
}

function clean(value: string | undefined): string {
  // Quotes and spaces pasted from a web page are the commonest .env mistake.
  return (value ?? "")
    .trim()
    .replace(/^(['"])(.*)\1$/, "$2")
    .trim();
}

/**
 * The kit's variables as every part of it should see them: the process environment, then the
 * nearest `.env` for what the environment leaves unset (so FLATFILES_CACHE_DIR or
 * FLATFILES_SANDBOX_STATE written in `.env` count, as `.env.example` says they do).
 */
export function kitEnv(
  cwd: string | null = process.cwd(),
  processEnv: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  const file = cwd === null ? null : findEnvFile(cwd);
  const merged: NodeJS.ProcessEnv = { ...processEnv };
  if (file) for (const [k, v] of Object.entries(readEnvFile(file))) if (!merged[k]) merged[k] = v;
  // Paths as a shell would read them: `~/x` is in the home folder (dotenv leaves it as it is, and
  // a folder named "~" appeared), a relative path is read from the folder of the .env holding it.
  for (const [name, parse] of PATH_VARIABLES) {
    const value = clean(merged[name]);
    if (value) merged[name] = parse(value, originOf(name, processEnv, file, cwd));
  }
  return merged;
}

const PATH_VARIABLES = [
  ["FLATFILES_CACHE_DIR", parsePath],
  ["FLATFILES_SANDBOX_STATE", parsePath],
  ["FLATFILES_SANDBOX_PYTHON", parseProgram],
] as const;

/** Where a variable's value came from: the environment, or the `.env` file. */
function originOf(
  name: keyof typeof VARIABLES,
  processEnv: NodeJS.ProcessEnv,
  envFile: string | null,
  cwd: string | null,
): Origin {
  return processEnv[name] || !envFile
    ? { name, from: "the environment", base: cwd ?? process.cwd() }
    : { name, from: displayPath(envFile), base: path.dirname(envFile) };
}

/** Build the configuration, or explain precisely what is missing and how to fix it. */
export function loadConfig(options: ConfigOptions = {}): FlatFilesConfig {
  const processEnv = options.env ?? process.env;
  const cwd = options.cwd === null ? null : (options.cwd ?? process.cwd());
  const envFile = cwd === null ? null : findEnvFile(cwd);
  const merged = kitEnv(cwd, processEnv);
  const get = (name: keyof typeof VARIABLES) => clean(merged[name]);
  const from = (name: keyof typeof VARIABLES) =>
    processEnv[name] ? "the environment" : envFile ? envFile : "defaults";

  const wanted = targetOf(options.target ?? get("FLATFILES_TARGET"));
  const origin = (name: keyof typeof VARIABLES) => originOf(name, processEnv, envFile, cwd);
  // Every variable that is set is parsed, whichever target it serves: a mistake is reported
  // where it was made, not as a failed request later (or as a bug in the kit).
  const bucket = get("FLATFILES_BUCKET")
    ? parseBucket(get("FLATFILES_BUCKET"), origin("FLATFILES_BUCKET"))
    : DEFAULT_BUCKET;
  const endpoint = get("FLATFILES_ENDPOINT")
    ? parseEndpoint(get("FLATFILES_ENDPOINT"), origin("FLATFILES_ENDPOINT"), bucket)
    : DEFAULT_ENDPOINT;
  const region = get("FLATFILES_REGION")
    ? parseRegion(get("FLATFILES_REGION"), origin("FLATFILES_REGION"))
    : DEFAULT_REGION;
  // The lake's own settings (an s3:// lake) too: a mistake is named now, not at the first upload.
  const lakeEndpoint = get("FLATFILES_LAKE_ENDPOINT");
  if (lakeEndpoint && lakeEndpoint.toLowerCase() !== "sandbox")
    parseEndpoint(lakeEndpoint, origin("FLATFILES_LAKE_ENDPOINT"), bucket);
  if (get("FLATFILES_LAKE_REGION"))
    parseRegion(get("FLATFILES_LAKE_REGION"), origin("FLATFILES_LAKE_REGION"));
  for (const name of ["FLATFILES_LAKE_ACCESS_KEY_ID", "FLATFILES_LAKE_SECRET_ACCESS_KEY"] as const)
    if (get(name)) parseKey(get(name), origin(name));
  const keyId = get("FLATFILES_ACCESS_KEY_ID");
  const secret = get("FLATFILES_SECRET_ACCESS_KEY");
  if (wanted === "sandbox" || (wanted === "auto" && !keyId && !secret)) {
    return sandboxConfig(merged, envFile, wanted === "sandbox");
  }
  checkKeyPair(keyId, secret, from);
  return {
    target: "massive",
    endpoint,
    bucket,
    region,
    accessKeyId: new Secret(parseKey(keyId, origin("FLATFILES_ACCESS_KEY_ID"))),
    secretAccessKey: new Secret(parseKey(secret, origin("FLATFILES_SECRET_ACCESS_KEY"))),
    source: processEnv.FLATFILES_ACCESS_KEY_ID ? "environment variables" : `${envFile}`,
    envFile,
  };
}

/** FLATFILES_TARGET (or the option): auto, sandbox or massive, nothing else. */
function targetOf(value: string | undefined): "auto" | "sandbox" | "massive" {
  const wanted = (value || "auto").toLowerCase();
  if (wanted !== "auto" && wanted !== "sandbox" && wanted !== "massive") {
    throw new KitError(
      "config.target",
      `FLATFILES_TARGET is ${shownValue(value ?? "", 40)}: use auto, sandbox or massive.`,
    );
  }
  return wanted;
}

/**
 * The running sandbox's configuration, found through its state file. Without one, say what to
 * do: start it (when the sandbox was asked for), or put keys in .env (when nothing was set).
 */
function sandboxConfig(env: NodeJS.ProcessEnv, envFile: string | null, asked: boolean): FlatFilesConfig {
  const state = readSandboxState(env);
  if (state) {
    return {
      target: "sandbox",
      endpoint: state.endpoint,
      bucket: state.bucket,
      region: state.region,
      accessKeyId: new Secret(state.accessKeyId),
      secretAccessKey: new Secret(state.secretAccessKey),
      source: `the local sandbox (${displayPath(sandboxStateFile(env))})`,
      envFile,
    };
  }
  if (asked) {
    throw new KitError(
      "config.sandbox",
      "The local sandbox is not running. Start it with `npm run sandbox` (or `npm start`, which also opens Jupyter) in the project folder.",
    );
  }
  const fileNote = envFile
    ? `${envFile} sets neither FLATFILES_ACCESS_KEY_ID nor FLATFILES_SECRET_ACCESS_KEY.`
    : "No .env file was found (looked in the working folder and every folder above it).";
  throw new KitError(
    "config.missing",
    `No flat-files credentials. ${fileNote} Copy .env.example to .env and fill in FLATFILES_ACCESS_KEY_ID and FLATFILES_SECRET_ACCESS_KEY. ${WHERE_KEYS} ${SANDBOX_HINT}`,
  );
}

/** Both keys, or an error that names the one missing and where the other came from. */
function checkKeyPair(
  keyId: string | undefined,
  secret: string | undefined,
  from: (name: keyof typeof VARIABLES) => string,
): void {
  if (!keyId && !secret) {
    throw new KitError(
      "config.missing",
      `FLATFILES_TARGET is massive, but neither FLATFILES_ACCESS_KEY_ID nor FLATFILES_SECRET_ACCESS_KEY is set. ${WHERE_KEYS} ${SANDBOX_HINT}`,
    );
  }
  if (!keyId || !secret) {
    const missing = !keyId ? "FLATFILES_ACCESS_KEY_ID" : "FLATFILES_SECRET_ACCESS_KEY";
    const present = !keyId ? "FLATFILES_SECRET_ACCESS_KEY" : "FLATFILES_ACCESS_KEY_ID";
    throw new KitError(
      "config.half",
      `${present} is set (in ${from(present)}) but ${missing} is empty: both keys are needed. ${WHERE_KEYS} ${SANDBOX_HINT}`,
    );
  }
}

/** A one-line description that is safe to print: endpoint, bucket, source, never a secret. */
export function describeConfig(c: FlatFilesConfig): string {
  return `${c.target === "sandbox" ? "sandbox" : "flat files"} at ${c.endpoint}, bucket ${c.bucket}, keys from ${c.source}`;
}
