/**
 * SDK clients built from the kit's configuration.
 *
 * Flat files: S3 with SigV4, path-style addressing (the endpoint is not AWS, so bucket-in-host
 * names are not assumed to resolve) and the SDK's own retry strategy. The pagination guide's
 * services (DynamoDB, EC2, IAM) exist only in the sandbox, unless pointed at a real account.
 */
import { S3Client } from "@aws-sdk/client-s3";
import { type FlatFilesConfig, loadConfig, readSandboxState } from "../config/env";
import { KitError } from "../util/errors";

export interface RetryOptions {
  /** Attempts per request, first included (SDK default 3). */
  maxAttempts?: number;
  /** `standard` (exponential backoff with jitter) or `adaptive` (adds client-side rate limiting). */
  retryMode?: "standard" | "adaptive";
  /**
   * Milliseconds to add to this computer's clock when signing (the SDK's own option). The SDK
   * sets it by itself after a clock-skew error; set it to see what a wrong clock does.
   */
  systemClockOffset?: number;
}

/** The S3 client for the flat-files bucket (the sandbox's or the real one, as configured). */
export function flatFilesClient(config: FlatFilesConfig = loadConfig(), retry: RetryOptions = {}): S3Client {
  return new S3Client({
    endpoint: config.endpoint,
    region: config.region,
    forcePathStyle: true,
    credentials: {
      accessKeyId: config.accessKeyId.reveal(),
      secretAccessKey: config.secretAccessKey.reveal(),
    },
    maxAttempts: retry.maxAttempts ?? 5,
    retryMode: retry.retryMode ?? "standard",
    ...(retry.systemClockOffset !== undefined ? { systemClockOffset: retry.systemClockOffset } : {}),
  });
}

type ClientCtor<C> = new (config: {
  endpoint?: string;
  region?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  maxAttempts?: number;
  retryMode?: string;
}) => C;

/**
 * Any AWS SDK client pointed at the running sandbox, e.g. `sandboxClient(DynamoDBClient)`;
 * `endpoint` sends it through something in front of the sandbox instead (a fault proxy).
 * On a real account, construct the client directly instead: `new DynamoDBClient({ region })`
 * picks up your AWS credentials from the usual places.
 */
export function sandboxClient<C>(Client: ClientCtor<C>, retry: RetryOptions & { endpoint?: string } = {}): C {
  const state = readSandboxState();
  if (!state) {
    throw new KitError(
      "config.sandbox",
      "The local sandbox is not running, and the DynamoDB, EC2 and IAM examples live there. Start it with `npm run sandbox` (or `npm start`).",
    );
  }
  return new Client({
    endpoint: retry.endpoint ?? state.endpoint,
    region: state.region,
    credentials: { accessKeyId: state.accessKeyId, secretAccessKey: state.secretAccessKey },
    maxAttempts: retry.maxAttempts ?? 5,
    retryMode: retry.retryMode ?? "standard",
  });
}
