/**
 * One iteration of a paginator: botocore's PageIterator (MaxItems cut inside a page, resume
 * tokens with a truncate amount, StartingToken, PageSize, more-results keys, full-result
 * merging, JMESPath search), in named steps, plus what boto3 lacks (a request trace, an abort
 * signal, a resume token after a failed page, items instead of pages, and a stop on any token
 * the server hands out twice in one run).
 */
import { inspect } from "node:util";
import { clientEndpoint } from "../aws/explain";
import { KitError } from "../util/errors";
import type { PaginationConfig } from "./input";
import { SeenTokens, falsy, issued, requestOf } from "./issued";
import { type CompiledExpression, compileExpression, search, setPath } from "./jmespath";
import type { CommandClass, OperationDef } from "./operations";
import { pageFailure } from "./page-failure";
import {
  type Page,
  type PaginateOptions,
  type RequestEvent,
  type SdkClient,
  attemptsOf,
  countOf,
} from "./request-event";
import { AsyncStream } from "./stream";
import { type TokenDict, encodeToken, parseStartingToken, pythonJson } from "./token";

/** Where the first request starts: a StartingToken's service tokens and items to skip. */
type Start = ReturnType<typeof parseStartingToken>;

/** The state of one run through the pages. */
interface Run {
  kwargs: Record<string, unknown>;
  /** The tokens that request the current page (the first page's come from the StartingToken). */
  pageTokens: TokenDict;
  startTruncation: number;
  total: number;
  pageNo: number;
  /** Every next token of this run: one handed out again means the server is going round in a cycle. */
  seen: SeenTokens;
}

const noToken = (tokens: TokenDict) => Object.values(tokens).every((v) => v === null || v === undefined);

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
      this.startingPosition();
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

  private startingPosition(): Start | null {
    const d = this.definition;
    const token = this.config.StartingToken;
    return token !== undefined ? parseStartingToken(token, d.inputToken, d.operation, d.tokenTypes) : null;
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

  /** Step 1: a fresh run, its first request's parameters built from the input and the StartingToken. */
  private begin(start: Start | null): Run {
    const d = this.definition;
    this.resumeToken = undefined;
    this.checkpoint = undefined;
    this.pageStart = undefined;
    this.requests.length = 0;
    this.nonAggregate = {};
    const run: Run = {
      kwargs: structuredClone(this.params),
      pageTokens: start ? start.tokens : Object.fromEntries(d.inputToken.map((k) => [k, null])),
      startTruncation: start?.truncate ?? 0,
      total: 0,
      pageNo: 0,
      seen: new SeenTokens(),
    };
    // The position resumed from is a token of this listing too: handed out again, it is a cycle.
    if (!noToken(run.pageTokens)) run.seen.add(run.pageTokens);
    this.inject(run, run.pageTokens);
    if (this.config.PageSize !== undefined) run.kwargs[d.limitKey!] = this.config.PageSize;
    return run;
  }

  private inject(run: Run, tokens: TokenDict): void {
    for (const [k, v] of Object.entries(tokens)) {
      if (v !== null && v !== undefined && v !== "None") run.kwargs[k] = v;
      else delete run.kwargs[k];
    }
  }

  /** Step 2: one request. A failure is recorded, keeps where to resume, and is explained. */
  private async fetch(run: Run, start: Start | null, sent: TokenDict, t0: number): Promise<Page> {
    try {
      this.options.signal?.throwIfAborted();
      return (await this.client.send(await this.command(run.kwargs), {
        abortSignal: this.options.signal,
      })) as Page;
    } catch (err) {
      // Resume at the request that failed: nothing was yielded from it.
      this.resumeToken = this.encodeResume(
        run.pageTokens,
        run.pageNo === 1 && run.startTruncation ? run.startTruncation : undefined,
      );
      const event = this.record({
        page: run.pageNo,
        sent,
        received: null,
        itemsReceived: 0,
        items: 0,
        t0,
        attempts: attemptsOf(err),
      });
      event.error = (err as Error).name;
      throw pageFailure(err, {
        definition: this.definition,
        config: this.config,
        params: this.params,
        signal: this.options.signal,
        resumeToken: this.resumeToken,
        pageNo: run.pageNo,
        rawStart: start?.raw === true && run.pageNo === 1,
        endpoint: await clientEndpoint(this.client),
      });
    }
  }

  /** Step 3 (first page only): a StartingToken's skipped items, and the keys that are not merged. */
  private firstPage(run: Run, start: Start | null, page: Page): void {
    if (run.pageNo === 1) {
      if (start) this.dropStartingItems(page, run.startTruncation);
      for (const k of this.definition.nonAggregateKeys ?? [])
        setPath(this.nonAggregate, k, search(page, k) ?? null);
    } else run.startTruncation = 0;
  }

  /** Step 5: the next request's tokens, refused when this run was handed them before. */
  private advance(run: Run, received: TokenDict): void {
    if (!run.seen.add(received)) {
      this.resumeToken = this.encodeResume(received);
      throw new KitError(
        "paginator.repeated-token",
        `The next token ${pythonJson(received)} was received before in this listing (page ${run.pageNo} of ${run.seen.size + 1} distinct tokens). ` +
          "The service is going round in a cycle; stopping here instead of looping forever.",
      );
    }
    this.inject(run, received);
    run.pageTokens = received;
  }

  private async *pages(): AsyncGenerator<Page> {
    const maxItems = this.config.MaxItems;
    const start = this.startingPosition();
    const run = this.begin(start);
    for (;;) {
      run.pageNo++;
      const sent = Object.fromEntries(
        this.definition.inputToken.map((k) => [k, (run.kwargs[k] as unknown) ?? null]),
      );
      const t0 = performance.now();
      const page = await this.fetch(run, start, sent, t0);
      const itemsReceived = countOf(search(page, this.primary));
      this.firstPage(run, start, page);

      this.pageStart = { tokens: run.pageTokens, dropped: run.pageNo === 1 ? run.startTruncation : 0 };
      const items = (search(page, this.primary) as unknown[] | null) ?? [];
      const excess = maxItems !== undefined ? run.total + items.length - maxItems : 0;
      const received = this.nextToken(page);
      const last = noToken(received);
      const seen = {
        page: run.pageNo,
        sent,
        received: last ? null : received,
        itemsReceived,
        t0,
        attempts: attemptsOf(page),
      };
      // Step 4: MaxItems reached inside this page: cut it, and resume inside it (its own token
      // plus the items already handed out), not at the next one.
      if (excess > 0) {
        const keep = items.length - excess;
        setPath(page, this.primary, items.slice(0, keep));
        this.resumeToken = this.encodeResume(run.pageTokens, keep + run.startTruncation);
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
      run.total += items.length;
      if (last) return;
      if (maxItems !== undefined && run.total === maxItems) {
        this.resumeToken = this.encodeResume(received);
        return;
      }
      this.advance(run, received);
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
