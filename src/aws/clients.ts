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
import { type Timeouts, phaseOfSdkTimeout, timeoutError, timeoutsOf } from "./timeouts";

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
  /**
   * Network timeouts of every request (timeouts.ts; defaults: connect 10 s, first byte 30 s,
   * idle body 30 s). Each attempt has them; the SDK retries one that ran out.
   */
  timeouts?: Timeouts;
}

/** The S3 client for the flat-files bucket (the sandbox's or the real one, as configured). */
export function flatFilesClient(config: FlatFilesConfig = loadConfig(), retry: RetryOptions = {}): S3Client {
  const t = timeoutsOf(retry.timeouts);
  const client = new S3Client({
    // The options of the SDK's Node handler (smithy): its requestTimeout ends when the answer's
    // headers arrive, so it is the first-byte wait; socketTimeout is the idle wait.
    requestHandler: {
      connectionTimeout: t.connectMs,
      requestTimeout: t.firstByteMs,
      throwOnRequestTimeout: true,
      socketTimeout: t.idleMs,
    },
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
  namedTimeouts(client, t, config.endpoint);
  return client;
}

/**
 * A timeout that outlasted the SDK's retries, as a KitError naming the wait that ran out and
 * the option that allows longer (the SDK's own message names neither the phase in words nor
 * the kit's option). Outermost in the stack, so it sees only the final failure.
 */
function namedTimeouts(client: S3Client, t: Required<Timeouts>, endpoint: string): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      try {
        return await next(args);
      } catch (e) {
        const phase = phaseOfSdkTimeout(e);
        if (!phase) throw e;
        const err = timeoutError(
          "aws.timeout",
          phase,
          t[phase],
          `${context.commandName ?? "A request"} to ${endpoint} failed, again after retries`,
          "flatFilesClient(config, {})",
        );
        throw Object.assign(err, { cause: e });
      }
    },
    { step: "initialize", name: "flatfilesKitNamedTimeouts", priority: "high" },
  );
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
