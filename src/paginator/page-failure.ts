/** A failed request of an iteration as one KitError: aborted, a missing parameter, a token refused, or the service's answer explained. */
import { explainAwsError, fromServiceOrNetwork } from "../aws/explain";
import { KitError } from "../util/errors";
import type { PaginationConfig } from "./input";
import type { OperationDef } from "./operations";
import { short } from "./token";

export interface FailureContext {
  definition: OperationDef;
  config: PaginationConfig;
  params: Record<string, unknown>;
  signal?: AbortSignal;
  resumeToken: string | undefined;
  pageNo: number;
  /** The first request carried a StartingToken that was not one of boto3's: sent raw. */
  rawStart: boolean;
  endpoint: string | undefined;
}

export function pageFailure(err: unknown, c: FailureContext): KitError {
  // A resume hint only where resuming saves something: after the first page, or from a token.
  const resumable = c.pageNo > 1 || c.config.StartingToken !== undefined;
  const how = resumable
    ? `Resume with PaginationConfig: { StartingToken: "${c.resumeToken}" } (also in .resumeToken).`
    : "";
  if ((err as Error)?.name === "AbortError" || c.signal?.aborted) {
    return new KitError(
      "paginator.aborted",
      `Pagination was aborted before page ${c.pageNo}.${how ? ` ${how}` : ""}`,
      { cause: err },
    );
  }
  // The SDK's serializer, before anything is sent: a parameter the request's address needs.
  const label = /No value provided for input HTTP label: (\w+)/.exec(String((err as Error)?.message));
  if (label && !fromServiceOrNetwork(err)) {
    return new KitError(
      "paginator.input",
      `${label[1]} is missing: ${c.definition.operation} needs it, for example paginate({ ${label[1]}: ${label[1] === "Bucket" ? '"flatfiles"' : '"…"'} }).`,
      { cause: err },
    );
  }
  if (c.rawStart) {
    return new KitError(
      "token.rejected",
      `The service rejected StartingToken "${short(c.config.StartingToken!)}": it is not a token from this kit, boto3 or the AWS CLI, ` +
        `and the service did not accept it as a raw ${c.definition.inputToken.join("/")} either (${(err as Error).name}).`,
      { cause: err },
    );
  }
  const bucket = typeof c.params.Bucket === "string" ? c.params.Bucket : undefined;
  const e = explainAwsError(err, {
    endpoint: c.endpoint,
    bucket,
    bucketFrom: "code",
    action: `requesting page ${c.pageNo} of ${c.definition.operation}`,
  });
  return new KitError(e.code, how ? `${e.message} ${how}` : e.message, { cause: err });
}
