/**
 * The paginator: `getPaginator` finds an operation's row in operations.ts and hands out a
 * `Paginator`, whose `paginate()` checks the input and starts a `PageIterator` (page-iterator.ts:
 * the one generic loop, with botocore's semantics, in named steps).
 */
import { inspect } from "node:util";
import { KitError } from "../util/errors";
import { type PaginationConfig, checkInput } from "./input";
import {
  type OperationDef,
  type OperationTable,
  OPERATIONS,
  botoNameOf,
  findOperation,
  operationsOf,
  servicesOf,
} from "./operations";
import { PageIterator } from "./page-iterator";
import type { Page, PaginateOptions, SdkClient } from "./request-event";
import type { InputOf, OperationName, OutputOf } from "./types";

export type { PaginationConfig };
export { PageIterator };
export type { Page, PaginateOptions, RequestEvent } from "./request-event";

export interface GetPaginatorOptions<T extends OperationTable = OperationTable> {
  /**
   * The operations to choose from (default OPERATIONS). To page an operation the kit lacks, add
   * its row: `{ operations: [...OPERATIONS, op(SDK_PACKAGES.IAM, "ListPolicies", {...})] }`.
   */
  operations?: T;
}

function serviceOf(client: unknown): string {
  const c = client as SdkClient;
  if (!c || typeof c.send !== "function") {
    throw new KitError(
      "paginator.client",
      "getPaginator needs an AWS SDK v3 client, for example `flatFilesClient()` or `new S3Client({...})`.",
    );
  }
  return String(c.config?.serviceId ?? (c as object).constructor?.name?.replace(/Client$/, ""));
}

/** A paginator for `operation` (boto3's `list_objects_v2` or the SDK's `ListObjectsV2`). */
export function getPaginator<N extends OperationName>(
  client: unknown,
  operation: N,
): Paginator<InputOf<N>, OutputOf<N>>;
export function getPaginator<const T extends OperationTable, N extends OperationName<T>>(
  client: unknown,
  operation: N,
  options: GetPaginatorOptions<T> & { operations: T },
): Paginator<InputOf<N, T>, OutputOf<N, T>>;
export function getPaginator(client: unknown, operation: string, options?: GetPaginatorOptions): Paginator;
// The implementation's return type is not seen by callers; `any` lets each overload name its own page type.
export function getPaginator(
  client: unknown,
  operation: string,
  options: GetPaginatorOptions = {},
  // biome-ignore lint/suspicious/noExplicitAny: the implementation of the typed overloads above
): Paginator<any, any> {
  const table = options.operations ?? OPERATIONS;
  const service = serviceOf(client);
  const def = findOperation(service, operation, table);
  if (!def) {
    const elsewhere = servicesOf(table).filter((s) => s !== service && findOperation(s, operation, table));
    if (elsewhere.length) {
      throw new KitError(
        "paginator.service",
        `${operation} is a ${elsewhere.join("/")} operation, but this is a ${service} client. Create the paginator from a ${elsewhere[0]} client.`,
      );
    }
    const known = operationsOf(service, table).map((o) => `${botoNameOf(o)} (${o.operation})`);
    throw new KitError(
      "paginator.operation",
      `"${operation}" is not a paginated ${service} operation here. ` +
        (known.length ? `Supported: ${known.join(", ")}.` : `No ${service} operations are supported.`) +
        " Adding one is adding a row to src/paginator/operations.ts.",
    );
  }
  if (typeof def.command !== "function") {
    throw new KitError(
      "paginator.operation",
      `The row for ${def.operation} has no command class (a row copied with {...row} loses it): make rows with op() from src/paginator/operations.ts.`,
    );
  }
  return new Paginator(client as SdkClient, def);
}

export class Paginator<I = Record<string, unknown>, P = Page> {
  constructor(
    readonly client: SdkClient,
    readonly definition: OperationDef,
  ) {}

  /**
   * Pages of the operation for `input` (the operation's own parameters plus an optional
   * PaginationConfig). The input object is copied, never changed.
   */
  paginate(
    input: I & { PaginationConfig?: PaginationConfig } = {} as I & { PaginationConfig?: PaginationConfig },
    options: PaginateOptions = {},
  ): PageIterator<P> {
    const { params, config } = checkInput(input, this.definition);
    return new PageIterator<P>(this.client, this.definition, structuredClone(params), config, options);
  }

  /** How a notebook shows it: the operation, not the SDK client's internals (180 lines). */
  [inspect.custom](): string {
    return `Paginator(${this.definition.operation}): call .paginate({ ...input, PaginationConfig }) for its pages`;
  }
}
