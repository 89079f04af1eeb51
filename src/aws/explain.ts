/**
 * Turn an SDK or network failure into one message that says what is wrong and what to do.
 * S3 answers 403 for several different problems; the error code tells them apart.
 */
import { KitError, UNEXPECTED, isBug } from "../util/errors";
import { fileError, isLocalFileError } from "../util/file-errors";

interface AwsLikeError {
  name?: string;
  code?: string;
  message?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { statusCode?: number };
}

export interface ErrorContext {
  endpoint?: string;
  bucket?: string;
  /** Where the bucket name came from: the configuration (FLATFILES_BUCKET) or the caller's code. */
  bucketFrom?: "config" | "code";
  key?: string;
  /** What we were doing, for example "listing us_stocks_sip/". */
  action?: string;
  /** Where a redirect pointed (S3's `Endpoint` in its error document) and the bucket's region. */
  redirect?: { to?: string; region?: string };
}

/** The service's error code (`SignatureDoesNotMatch`, ...), an errno (`ECONNREFUSED`) or the name. */
export function errorCode(err: unknown): string {
  const e = (err ?? {}) as AwsLikeError & { cause?: AwsLikeError; errors?: AwsLikeError[] };
  return e.Code || e.code || e.cause?.code || e.errors?.[0]?.code || e.name || "Error";
}

export function httpStatus(err: unknown): number | undefined {
  const e = (err ?? {}) as AwsLikeError;
  return e.$metadata?.httpStatusCode ?? e.$response?.statusCode;
}

const ADVICE: Record<string, (c: ErrorContext) => string> = {
  SignatureDoesNotMatch: () =>
    "The secret access key does not match the access key id. Check FLATFILES_SECRET_ACCESS_KEY for a typo or " +
    "stray characters, and that the two values are not swapped (the id is the shorter one).",
  InvalidAccessKeyId: (c) =>
    `The access key id is not known to ${c.endpoint ?? "the endpoint"}. Check FLATFILES_ACCESS_KEY_ID: it is the ` +
    "S3 'Access Key ID' from the dashboard's Flat Files section, not the REST API key; check that the id and the secret are not " +
    "swapped. If you regenerated keys, use the new pair.",
  AccessDenied: (c) =>
    `Access denied${c.key ? ` to ${c.key}` : ""}. The keys are valid, but your plan does not include this ` +
    "dataset (or this far back in time). Pick a dataset your plan covers, or check the plan on the dashboard.",
  // A HEAD answer has no body, so a 403 there carries no code: plan or keys cannot be told apart.
  Forbidden: (c) =>
    `Access to ${c.key ?? "this object"} is forbidden. Most often your plan does not include this dataset ` +
    "(or this far back); if listings fail too, the keys are wrong instead: run notebook 00 to tell which.",
  NoSuchBucket: (c) =>
    `The bucket ${c.bucket === undefined ? "" : `"${c.bucket}" `}does not exist at ${c.endpoint ?? "the endpoint"}. ` +
    (c.bucketFrom === "config"
      ? "Set FLATFILES_BUCKET=flatfiles (the default)."
      : 'Check the bucket name you passed: the flat files are in "flatfiles".'),
  PreconditionFailed: (c) =>
    `${c.key ?? "The object"} changed on the server while it was being downloaded (it was published again). ` +
    "Run the download again: it starts over on the new version.",
  NoSuchKey: (c) =>
    `There is no file ${c.key ?? ""} - the date may be a weekend, a holiday, in the future or before the dataset starts. ` +
    "List the dataset's dates to see which exist.",
  NotFound: (c) => ADVICE.NoSuchKey(c),
  ECONNREFUSED: (c) =>
    `Nothing is listening at ${c.endpoint ?? "the endpoint"}. If this is the sandbox, start it with \`npm run sandbox\`; otherwise check FLATFILES_ENDPOINT.`,
  ECONNRESET: (c) =>
    `The connection to ${c.endpoint ?? "the endpoint"} was cut off (reset), again after retries. Check your network ` +
    "(a proxy or VPN that drops long transfers), then run again: a download resumes from the parts it finished.",
  ENOTFOUND: (c) =>
    `The host of ${c.endpoint ?? "the endpoint"} could not be found. Check FLATFILES_ENDPOINT (https://files.massive.com) and your network.`,
  EAI_AGAIN: (c) => ADVICE.ENOTFOUND(c),
  ETIMEDOUT: (c) =>
    `${c.endpoint ?? "The endpoint"} did not answer in time. Check your network or FLATFILES_ENDPOINT.`,
  EPROTO: (c) => ADVICE.ERR_SSL_WRONG_VERSION_NUMBER(c),
  ERR_SSL_WRONG_VERSION_NUMBER: (c) =>
    `${c.endpoint ?? "The endpoint"} does not speak HTTPS (the TLS handshake failed: "wrong version number"). ` +
    "A local server such as the sandbox is plain HTTP: write its address with http://, not https://.",
  TimeoutError: (c) => ADVICE.ETIMEDOUT(c),
  RequestTimeTooSkewed: () =>
    "Your computer's clock is too far off for request signing: set the time correctly.",
  // S3 answers 301 PermanentRedirect / 307 TemporaryRedirect for a bucket in another region or
  // behind another endpoint; the SDK does not follow them (the signature names the region).
  Redirect: (c) =>
    `${c.endpoint ?? "The endpoint"} redirected the request${c.redirect?.to ? ` to ${c.redirect.to}` : ""}: ` +
    "the bucket is in another region or behind another endpoint, and a signed request is not followed there. " +
    "Set FLATFILES_ENDPOINT to the bucket's endpoint (https://files.massive.com for flat files) and " +
    (c.redirect?.region
      ? `FLATFILES_REGION=${c.redirect.region}.`
      : "FLATFILES_REGION to the bucket's region (us-east-1 for flat files)."),
  PermanentRedirect: (c) => ADVICE.Redirect(c),
  TemporaryRedirect: (c) => ADVICE.Redirect(c),
  SlowDown: () =>
    "The service is throttling requests (503 SlowDown): retries were exhausted; wait a little and lower concurrency.",
};

/**
 * Answers whose body is not an S3 error document (a proxy's or web server's page): the SDK can
 * only say it could not parse them, so the status is all there is to go on.
 */
const BY_STATUS: Record<number, string> = {
  400: "The server refused the request as malformed.",
  413: "The request was too large for the server.",
  414: "The request's address is too long for the server: the key or prefix is too long.",
  431: "The request's headers are too large for the server.",
  500: "The server failed while answering (an internal error); try again in a moment.",
  502: "A gateway in front of the server got no valid answer from it; try again in a moment.",
  503: "The server is unavailable or overloaded; try again in a moment.",
  504: "A gateway in front of the server timed out; try again in a moment.",
};

/** The endpoint a client was given (its `endpoint` option), as text; undefined for AWS's own. */
export async function clientEndpoint(client: unknown): Promise<string | undefined> {
  const ep = (client as { config?: { endpoint?: unknown } })?.config?.endpoint;
  if (typeof ep !== "function") return undefined;
  try {
    const e = (await ep()) as { protocol?: string; hostname?: string; port?: number; path?: string };
    if (!e?.hostname) return undefined;
    return `${e.protocol ?? "https:"}//${e.hostname}${e.port ? `:${e.port}` : ""}${e.path && e.path !== "/" ? e.path : ""}`;
  } catch {
    return undefined;
  }
}

/** The endpoint a network error names (address and port, or host), when the caller did not say. */
function endpointOf(err: unknown): string | undefined {
  const e = (err ?? {}) as {
    address?: string;
    port?: number;
    hostname?: string;
    cause?: unknown;
    errors?: unknown[];
  };
  if (e.address) return e.port ? `${e.address}:${e.port}` : e.address;
  if (e.hostname) return e.hostname;
  if (e.cause) return endpointOf(e.cause);
  if (e.errors?.length) return endpointOf(e.errors[0]);
  return undefined;
}

/** Where a redirect answer points: S3's error document names the endpoint, a header the region. */
function redirectOf(err: unknown): ErrorContext["redirect"] {
  const e = (err ?? {}) as { Endpoint?: unknown; $response?: { headers?: Record<string, string> } };
  const to = typeof e.Endpoint === "string" && /^[\w.-]{1,253}$/.test(e.Endpoint) ? e.Endpoint : undefined;
  const header = e.$response?.headers?.["x-amz-bucket-region"];
  const region =
    (typeof header === "string" && /^[a-z0-9-]{1,50}$/.test(header) ? header : undefined) ??
    /\.s3[.-]([a-z]{2}-[a-z]+-\d+)\.amazonaws\.com$/.exec(to ?? "")?.[1];
  return to || region ? { to, region } : undefined;
}

/** Names of JavaScript's own errors: on their own they say nothing about the service or network. */
const GENERIC_NAMES = new Set([
  "Error",
  "AggregateError",
  "TypeError",
  "RangeError",
  "ReferenceError",
  "SyntaxError",
  "EvalError",
  "URIError",
  "AssertionError",
]);

/**
 * Whether an error comes from the service or the network, which is what this module explains: an
 * SDK service error (it carries `$metadata` or the raw response), a system or TLS error with a
 * code (ECONNREFUSED, ERR_SSL_...), or one of the SDK's own named errors (TimeoutError,
 * AbortError, CredentialsProviderError...), also when wrapped as a `cause` or inside an
 * AggregateError. A programming error never is, whatever it wraps, and neither is a local file
 * error (an errno with a path or a file system call: `util/file-errors.ts` explains those).
 */
export function fromServiceOrNetwork(err: unknown, depth = 0): boolean {
  if (typeof err !== "object" || err === null || isBug(err) || depth > 5) return false;
  // A local file's errno (ENOTDIR, ENOSPC...) carries a string code too, but no service said it.
  if (isLocalFileError(err)) return false;
  const e = err as AwsLikeError & { $fault?: unknown; cause?: unknown; errors?: unknown[] };
  if (e.$metadata || e.$response || e.$fault) return true;
  if (typeof e.code === "string" || typeof e.Code === "string") return true;
  if (typeof e.name === "string" && !GENERIC_NAMES.has(e.name)) return true;
  return (
    fromServiceOrNetwork(e.cause, depth + 1) ||
    (Array.isArray(e.errors) && fromServiceOrNetwork(e.errors[0], depth + 1))
  );
}

/**
 * A KitError carrying the original error as `cause`, with advice when the code is known. An
 * error that is not from the service or the network (a bug) gets no advice and no `aws.` code:
 * it becomes an `unexpected` KitError, whose stack shows the original's.
 */
export function explainAwsError(err: unknown, context: ErrorContext = {}): KitError {
  if (err instanceof KitError) return err;
  // The local file system's, not the service's: the file translator names the path and what to do.
  if (isLocalFileError(err)) return fileError(err, { action: context.action }) as KitError;
  if (!fromServiceOrNetwork(err)) {
    const what = context.action ? `While ${context.action}: ` : "";
    const raw = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    return new KitError(
      UNEXPECTED,
      `${what}an unexpected error, not from the service or the network: ${raw}. This is most likely a bug in flatfiles-kit; please report it with the stack trace.`,
      { cause: err },
    );
  }
  const status = httpStatus(err);
  let code = errorCode(err);
  // HEAD answers have no body, so the SDK knows only the status: name it from that.
  if ((/^Unknown/.test(code) || GENERIC_NAMES.has(code)) && status)
    code =
      (
        {
          301: "Redirect",
          302: "Redirect",
          307: "Redirect",
          308: "Redirect",
          403: "Forbidden",
          404: "NotFound",
          503: "SlowDown",
        } as Record<number, string>
      )[status] ?? code;
  const raw = (err as Error)?.message ?? String(err);
  if (/wrong version number/i.test(raw)) code = "ERR_SSL_WRONG_VERSION_NUMBER";
  const ctx = { ...context, endpoint: context.endpoint ?? endpointOf(err), redirect: redirectOf(err) };
  let advice = ADVICE[code]?.(ctx);
  // A body the SDK could not read as an S3 error: say what the status means instead of quoting the parser.
  if (
    !advice &&
    status &&
    status >= 400 &&
    (/Deserialization error|not expected|XML/i.test(raw) || /^(Unknown|Error$)/.test(code))
  ) {
    code = `HTTP${status}`;
    advice = `${BY_STATUS[status] ?? "The server answered with an error page that is not an S3 error."} (Its answer was not an S3 error document, so there are no more details.)`;
  }
  const what = context.action ? `While ${context.action}: ` : "";
  const head = `${what}${code.startsWith("HTTP") ? "" : code}${status ? `${code.startsWith("HTTP") ? "" : " "}(HTTP ${status})` : ""}`;
  const message = advice ? `${head}. ${advice}` : `${head}: ${raw}`;
  return new KitError(`aws.${code}`, message, { cause: err });
}
