/**
 * Turn an SDK or network failure into one message that says what is wrong and what to do.
 * S3 answers 403 for several different problems; the error code tells them apart.
 */
import { KitError } from "../util/errors";

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
  key?: string;
  /** What we were doing, for example "listing us_stocks_sip/". */
  action?: string;
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
  NoSuchBucket: (c) => `The bucket "${c.bucket}" does not exist at ${c.endpoint}. Set FLATFILES_BUCKET=flatfiles (the default).`,
  NoSuchKey: (c) =>
    `There is no file ${c.key ?? ""} - the date may be a weekend, a holiday, in the future or before the dataset starts. ` +
    "List the dataset's dates to see which exist.",
  NotFound: (c) => ADVICE.NoSuchKey(c),
  ECONNREFUSED: (c) =>
    `Nothing is listening at ${c.endpoint}. If this is the sandbox, start it with \`npm run sandbox\`; otherwise check FLATFILES_ENDPOINT.`,
  ENOTFOUND: (c) =>
    `The host of ${c.endpoint} could not be found. Check FLATFILES_ENDPOINT (https://files.massive.com) and your network.`,
  EAI_AGAIN: (c) => ADVICE.ENOTFOUND(c),
  ETIMEDOUT: (c) => `${c.endpoint} did not answer in time. Check your network or FLATFILES_ENDPOINT.`,
  TimeoutError: (c) => ADVICE.ETIMEDOUT(c),
  RequestTimeTooSkewed: () => "Your computer's clock is too far off for request signing: set the time correctly.",
  SlowDown: () => "The service is throttling requests (503 SlowDown): retries were exhausted; wait a little and lower concurrency.",
};

/** A KitError carrying the original error as `cause`, with advice when the code is known. */
export function explainAwsError(err: unknown, context: ErrorContext = {}): KitError {
  if (err instanceof KitError) return err;
  const status = httpStatus(err);
  let code = errorCode(err);
  // HEAD answers have no body, so the SDK knows only the status: name it from that.
  if (/^Unknown/.test(code) && status) code = ({ 403: "Forbidden", 404: "NotFound", 503: "SlowDown" } as Record<number, string>)[status] ?? code;
  const advice = ADVICE[code]?.(context);
  const what = context.action ? `While ${context.action}: ` : "";
  const raw = (err as Error)?.message ?? String(err);
  const head = `${what}${code}${status ? ` (HTTP ${status})` : ""}`;
  const message = advice ? `${head}. ${advice}` : `${head}: ${raw}`;
  return new KitError(`aws.${code}`, message, { cause: err });
}
