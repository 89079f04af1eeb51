/**
 * What a command runs with: where its output goes (so tests run commands in-process), and the
 * bucket from the configuration. The configuration and the S3 client are loaded only by the
 * commands that talk to the bucket, when they run.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import type { FlatFilesConfig } from "../config/env";
import { KitError } from "../util/errors";

export interface Io {
  /** One line (or block) of the command's result, on stdout. */
  out(text: string): void;
  /** Progress and notes, on stderr. */
  err(text: string): void;
  /** A live progress line may be redrawn (stderr is a terminal). */
  live: boolean;
  /** The terminal's width in characters, when stdout is one (a table fits it). */
  width?: number;
  /** Ctrl-C. */
  signal?: AbortSignal;
}

export interface Session {
  config: FlatFilesConfig;
  client: S3Client;
  ref: { client: S3Client; bucket: string };
  /** An error as the user should see it: a KitError as it is, anything else explained. */
  explain(e: unknown, action?: string): unknown;
  close(): void;
}

export async function openSession(): Promise<Session> {
  const [{ loadConfig }, { flatFilesClient }, { explainAwsError }] = await Promise.all([
    import("../config/env"),
    import("../aws/clients"),
    import("../aws/explain"),
  ]);
  const config = loadConfig();
  const client = flatFilesClient(config);
  return {
    config,
    client,
    ref: { client, bucket: config.bucket },
    explain(e, action) {
      if (e instanceof KitError && !(action && e.code.startsWith("aws.") && e.cause)) return e;
      // A listing's aws.* error is explained again with the configuration's context: the bucket
      // came from FLATFILES_BUCKET, and a StartingToken hint means nothing on a command line.
      const cause = e instanceof KitError ? e.cause : e;
      return explainAwsError(cause, {
        endpoint: config.endpoint,
        bucket: config.bucket,
        bucketFrom: "config",
        ...(action ? { action } : {}),
      });
    },
    close: () => client.destroy(),
  };
}

/** Run `work` with a session, closing it after and explaining what went wrong. */
export async function withSession<T>(work: (s: Session) => Promise<T>): Promise<T> {
  const s = await openSession();
  try {
    return await work(s);
  } catch (e) {
    throw s.explain(e);
  } finally {
    s.close();
  }
}
