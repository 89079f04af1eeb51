/**
 * The paginator: one generic loop, driven by an operation's row in operations.ts, with the
 * semantics of botocore's PageIterator (MaxItems cut inside a page, resume tokens with a
 * truncate amount, StartingToken, PageSize, more-results keys, repeated-token detection,
 * full-result merging, JMESPath search) and a few things boto3 lacks (a request trace, an
 * abort signal, a resume token after a failed page, items instead of pages).
 */
import { inspect } from "node:util";
import { clientEndpoint, explainAwsError, fromServiceOrNetwork } from "../aws/explain";
import { KitError } from "../util/errors";
import { type PaginationConfig, checkInput } from "./input";
import { type CompiledExpression, compileExpression, search, setPath } from "./jmespath";
import {
  type CommandClass,
  type OperationDef,
  type OperationTable,
  OPERATIONS,
  botoNameOf,
  findOperation,
  operationsOf,
  servicesOf,
} from "./operations";
import { AsyncStream } from "./stream";
import { equalTokens, falsy, issued, requestOf } from "./issued";
import { type TokenDict, encodeToken, parseStartingToken, pythonJson, short } from "./token";
import type { InputOf, OperationName, OutputOf } from "./types";

export type { PaginationConfig };

export type Page = Record<string, unknown> & { $metadata?: { attempts?: number; totalRetryDelay?: number } };

/** One request of an iteration, as the server saw it; for drawing the conversation. */
export interface RequestEvent {
  page: number;
  operation: string;
  /** Input token values sent with the request (all null on the first page). */
  sent: TokenDict;
  /**
   * Next-token values the server sent (null when it said this was the last page). A page cut by
   * MaxItems still shows the token the server sent, although the paginator did not follow it.
   */
  received: TokenDict | null;
  /** Items of the primary result key as the server sent them. */
  itemsReceived: number;
  /** Items handed to the caller: fewer when MaxItems cut the page or a StartingToken skipped some. */
  items: number;
  /** Why items were dropped from this page, if any were. */
  cut?: "MaxItems" | "StartingToken";
  milliseconds: number;
  /** Attempts the SDK made, retries included. */
  attempts: number;
  error?: string;
}

export interface PaginateOptions {
  /** Called after every request, successful or not. */
  onRequest?: (event: RequestEvent) => void;
  /** Stops the iteration; the current request is cancelled and `resumeToken` is kept. */
  signal?: AbortSignal;
}

interface SdkClient {
  send(command: unknown, options?: { abortSignal?: AbortSignal }): Promise<unknown>;
  config?: { serviceId?: string };
}

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

export class PageIterator<P = Page> extends AsyncStream<P> {
  /** Where to resume (pass as StartingToken) once iteration stopped early, failed or was aborted. */
  resumeToken: string | undefined;
  /**
   * While iterating: the StartingToken that resumes right after the page just yielded (undefined
   * after the last page). Save it with the page's results to survive a crash.
   */
  checkpoint: string | undefined;
  /** The requests of the latest iteration, in order. */
  readonly requests: RequestEvent[] = [];
  private nonAggregate: Record<string, unknown> = {};
  private readonly primary: string;
  /** The request this iteration belongs to, as tokens are tied to it (see `issued`). */
  private readonly request: string;

  /** How a notebook shows it: the request, the pages so far and where to resume, not the SDK client. */
  [inspect.custom](): string {
    const config = Object.keys(this.config).length
      ? `, PaginationConfig: ${JSON.stringify(this.config)}`
      : "";
    const resume = this.resumeToken ? `, resumeToken ${this.resumeToken}` : "";
    return `PageIterator(${this.request}${config}): ${this.requests.length} request${this.requests.length === 1 ? "" : "s"} so far${resume}`;
  }

  constructor(
    private readonly client: SdkClient,
    readonly definition: OperationDef,
    private readonly params: Record<string, unknown>,
    readonly config: PaginationConfig,
    private readonly options: PaginateOptions,
  ) {
    super(() => this.run() as AsyncGenerator<P>);
    this.primary = definition.resultKeys[0];
    this.request = requestOf(definition, params);
    // A malformed token is reported now, before any request; so is one this process issued for
    // another request (another prefix, bucket or operation), which would silently skip or
    // repeat results: a token is only a position in the listing it came from.
    if (config.StartingToken !== undefined) {
      parseStartingToken(
        config.StartingToken,
        definition.inputToken,
        definition.operation,
        definition.tokenTypes,
      );
      const from = issued.requestsFor(config.StartingToken);
      if (from !== undefined && !from.has(this.request)) {
        throw new KitError(
          "token.mismatch",
          `This StartingToken continues another listing: it was issued for ${[...from].at(-1)}, and this request is ${this.request}. ` +
            "A token is a position in the listing it came from: resume with the same parameters, or start this listing without a token.",
        );
      }
    }
  }

  private commandClass?: CommandClass;

  /** The request for one page: the row's command class (its SDK package loads on first use). */
  private async command(input: Record<string, unknown>): Promise<unknown> {
    this.commandClass ??= await this.definition.command();
    return new this.commandClass(input);
  }

  private encodeResume(tokens: TokenDict, truncate?: number): string {
    const ordered: TokenDict = {};
    for (const k of this.definition.inputToken) ordered[k] = tokens[k] ?? null;
    if (truncate !== undefined) ordered.boto_truncate_amount = truncate;
    const token = encodeToken(ordered);
    // A token with no position (no service token, nothing to skip) fits every listing: not recorded.
    if (Object.values(ordered).some((v) => v !== null && v !== 0)) issued.remember(token, this.request);
    return token;
  }

  /** The tokens a page hands back for the next request (none when it is the last page). */
  private nextToken(page: Page): TokenDict {
    const d = this.definition;
    if (d.moreResults && !search(page, d.moreResults)) return {};
    const out: TokenDict = {};
    d.outputToken.forEach((expr, i) => {
      const v = search(page, expr);
      out[d.inputToken[i]] = falsy(v) ? null : v;
    });
    return out;
  }

  /**
   * The token that requested the page just yielded, and how many of its items were dropped by
   * a StartingToken's truncate amount: an item-level resume point is this plus an offset.
   */
  private pageStart: { tokens: TokenDict; dropped: number } | undefined;

  /** After an early exit from `items()` in the middle of a page: resume at the next item. */
  private stoppedAtItem(offset: number): void {
    if (this.pageStart)
      this.resumeToken = this.encodeResume(this.pageStart.tokens, this.pageStart.dropped + offset);
  }

  private async *run(): AsyncGenerator<Page> {
    // Leaving the loop early (a `break`, a `return`, an exception in the loop body) resumes after
    // the last page handed out, which the consumer has in full.
    let settled = false;
    try {
      yield* this.pages();
      settled = true;
    } catch (e) {
      settled = true;
      throw e;
    } finally {
      if (!settled && this.resumeToken === undefined) this.resumeToken = this.checkpoint;
    }
  }

  private async *pages(): AsyncGenerator<Page> {
    const d = this.definition;
    const { MaxItems: maxItems, PageSize: pageSize, StartingToken: startingToken } = this.config;
    const kwargs = structuredClone(this.params);
    const start =
      startingToken !== undefined
        ? parseStartingToken(startingToken, d.inputToken, d.operation, d.tokenTypes)
        : null;
    // The tokens that request the current page (the first page's come from the StartingToken).
    let pageTokens: TokenDict = start ? start.tokens : Object.fromEntries(d.inputToken.map((k) => [k, null]));
    let startTruncation = start?.truncate ?? 0;
    let previous: TokenDict | null = null;
    let total = 0;
    let pageNo = 0;
    this.resumeToken = undefined;
    this.checkpoint = undefined;
    this.pageStart = undefined;
    this.requests.length = 0;
    this.nonAggregate = {};

    const inject = (tokens: TokenDict) => {
      for (const [k, v] of Object.entries(tokens)) {
        if (v !== null && v !== undefined && v !== "None") kwargs[k] = v;
        else delete kwargs[k];
      }
    };
    inject(pageTokens);
    if (pageSize !== undefined) kwargs[d.limitKey!] = pageSize;

    for (;;) {
      pageNo++;
      const sent = Object.fromEntries(d.inputToken.map((k) => [k, (kwargs[k] as unknown) ?? null]));
      const t0 = performance.now();
      let page: Page;
      try {
        this.options.signal?.throwIfAborted();
        page = (await this.client.send(await this.command(kwargs), {
          abortSignal: this.options.signal,
        })) as Page;
      } catch (err) {
        // Resume at the request that failed: nothing was yielded from it.
        this.resumeToken = this.encodeResume(
          pageTokens,
          pageNo === 1 && startTruncation ? startTruncation : undefined,
        );
        const event = this.record({
          page: pageNo,
          sent,
          received: null,
          itemsReceived: 0,
          items: 0,
          t0,
          attempts: attemptsOf(err),
        });
        event.error = (err as Error).name;
        throw this.failure(
          err,
          pageNo,
          start?.raw === true && pageNo === 1,
          await clientEndpoint(this.client),
        );
      }

      const itemsReceived = countOf(search(page, this.primary));
      if (pageNo === 1) {
        if (start) this.dropStartingItems(page, startTruncation);
        for (const k of d.nonAggregateKeys ?? []) setPath(this.nonAggregate, k, search(page, k) ?? null);
      } else startTruncation = 0;

      this.pageStart = { tokens: pageTokens, dropped: pageNo === 1 ? startTruncation : 0 };
      const items = (search(page, this.primary) as unknown[] | null) ?? [];
      const excess = maxItems !== undefined ? total + items.length - maxItems : 0;
      const received = this.nextToken(page);
      const last = Object.values(received).every((v) => v === null);
      const seen = {
        page: pageNo,
        sent,
        received: last ? null : received,
        itemsReceived,
        t0,
        attempts: attemptsOf(page),
      };
      if (excess > 0) {
        const keep = items.length - excess;
        setPath(page, this.primary, items.slice(0, keep));
        // Resume inside this page (its own token plus the items already handed out), not at the next one.
        this.resumeToken = this.encodeResume(pageTokens, keep + startTruncation);
        this.checkpoint = this.resumeToken;
        this.record({ ...seen, items: keep, cut: "MaxItems" });
        yield page;
        return;
      }
      this.record({
        ...seen,
        items: items.length,
        cut: itemsReceived > items.length ? "StartingToken" : undefined,
      });
      this.checkpoint = last ? undefined : this.encodeResume(received);
      yield page;
      total += items.length;
      if (last) return;
      if (maxItems !== undefined && total === maxItems) {
        this.resumeToken = this.encodeResume(received);
        return;
      }
      if (previous && equalTokens(previous, received)) {
        this.resumeToken = this.encodeResume(received);
        throw new KitError(
          "paginator.repeated-token",
          `The same next token was received twice: ${pythonJson(received)}. The service is not advancing; ` +
            "stopping here instead of looping forever.",
        );
      }
      inject(received);
      previous = received;
      pageTokens = received;
    }
  }

  /** botocore's first-page handling after a StartingToken: skip items already seen. */
  private dropStartingItems(page: Page, amount: number): void {
    const all = search(page, this.primary);
    setPath(page, this.primary, Array.isArray(all) || typeof all === "string" ? all.slice(amount) : null);
    // Secondary result keys were already returned with the page the token came from.
    for (const k of this.definition.resultKeys.slice(1)) {
      const sample = search(page, k);
      setPath(
        page,
        k,
        Array.isArray(sample) ? [] : typeof sample === "string" ? "" : typeof sample === "number" ? 0 : null,
      );
    }
  }

  private record(e: Omit<RequestEvent, "operation" | "milliseconds"> & { t0: number }): RequestEvent {
    const event: RequestEvent = {
      page: e.page,
      operation: this.definition.operation,
      sent: e.sent,
      received: e.received,
      itemsReceived: e.itemsReceived,
      items: e.items,
      ...(e.cut ? { cut: e.cut } : {}),
      milliseconds: Math.round((performance.now() - e.t0) * 10) / 10,
      attempts: e.attempts,
    };
    this.requests.push(event);
    this.options.onRequest?.(event);
    return event;
  }

  private failure(err: unknown, pageNo: number, rawStart: boolean, endpoint: string | undefined): KitError {
    // A resume hint only where resuming saves something: after the first page, or from a token.
    const resumable = pageNo > 1 || this.config.StartingToken !== undefined;
    const how = resumable
      ? `Resume with PaginationConfig: { StartingToken: "${this.resumeToken}" } (also in .resumeToken).`
      : "";
    if ((err as Error)?.name === "AbortError" || this.options.signal?.aborted) {
      return new KitError(
        "paginator.aborted",
        `Pagination was aborted before page ${pageNo}.${how ? ` ${how}` : ""}`,
        { cause: err },
      );
    }
    // The SDK's serializer, before anything is sent: a parameter the request's address needs.
    const label = /No value provided for input HTTP label: (\w+)/.exec(String((err as Error)?.message));
    if (label && !fromServiceOrNetwork(err)) {
      return new KitError(
        "paginator.input",
        `${label[1]} is missing: ${this.definition.operation} needs it, for example paginate({ ${label[1]}: ${label[1] === "Bucket" ? '"flatfiles"' : '"…"'} }).`,
        { cause: err },
      );
    }
    if (rawStart) {
      return new KitError(
        "token.rejected",
        `The service rejected StartingToken "${short(this.config.StartingToken!)}": it is not a token from this kit, boto3 or the AWS CLI, ` +
          `and the service did not accept it as a raw ${this.definition.inputToken.join("/")} either (${(err as Error).name}).`,
        { cause: err },
      );
    }
    const bucket = typeof this.params.Bucket === "string" ? this.params.Bucket : undefined;
    const e = explainAwsError(err, {
      endpoint,
      bucket,
      bucketFrom: "code",
      action: `requesting page ${pageNo} of ${this.definition.operation}`,
    });
    return new KitError(e.code, how ? `${e.message} ${how}` : e.message, { cause: err });
  }

  /** Like boto3's `build_full_result`: every page merged into one response. */
  async buildFullResult(): Promise<Record<string, unknown>> {
    const full: Record<string, unknown> = {};
    for await (const page of this as AsyncIterable<unknown>) {
      for (const key of this.definition.resultKeys) {
        const value = search(page, key);
        if (value === null || value === undefined) continue;
        const existing = search(full, key);
        if (existing === null || existing === undefined)
          setPath(full, key, Array.isArray(value) ? [...value] : value);
        else if (Array.isArray(value)) (existing as unknown[]).push(...value);
        else if (typeof value === "number" || typeof value === "string")
          setPath(full, key, (existing as number) + (value as number));
      }
    }
    Object.assign(full, structuredClone(this.nonAggregate));
    if (this.resumeToken !== undefined) full.NextToken = this.resumeToken;
    return full;
  }

  /** boto3's `search`: each page through a JMESPath expression, lists flattened, other values (null too) as they are. */
  search(expression: string): AsyncStream<unknown> {
    const compiled: CompiledExpression = compileExpression(expression);
    const pages = this as AsyncIterable<unknown>;
    return new AsyncStream(async function* () {
      for await (const page of pages) {
        const result = compiled.search(page);
        if (Array.isArray(result)) yield* result;
        else yield result;
      }
    });
  }

  /** The primary result key's items (objects, users, instances...) one by one, across pages. */
  items<T = Record<string, unknown>>(): AsyncStream<T> {
    const pages = this as AsyncIterable<unknown>;
    const key = this.primary;
    const stoppedAt = (offset: number) => this.stoppedAtItem(offset);
    return new AsyncStream(async function* () {
      // Stopping in the middle of a page sets `resumeToken` to the next item (boto3's truncate
      // amount), so a resumed listing neither skips nor repeats an item.
      let handed = 0;
      let length = 0;
      let settled = false;
      try {
        for await (const page of pages) {
          const list = (search(page, key) as T[] | null) ?? [];
          length = list.length;
          handed = 0;
          for (const item of list) {
            handed++;
            yield item;
          }
        }
        settled = true;
      } catch (e) {
        settled = true;
        throw e;
      } finally {
        if (!settled && handed < length) stoppedAt(handed);
      }
    });
  }
}

function attemptsOf(x: unknown): number {
  return (x as Page)?.$metadata?.attempts ?? 1;
}

/** How many items a result key holds (a list, or a string that botocore would slice). */
function countOf(x: unknown): number {
  return Array.isArray(x) || typeof x === "string" ? x.length : 0;
}
