/**
 * flatfiles-kit: AWS-style pagination and Polygon/Massive flat files for TypeScript notebooks.
 *
 * The public API, grouped as the notebooks meet it; every export has a one-line comment
 * (test/unit/public-api.test.ts checks, and that every `kit.X` in the notebooks and their
 * solutions is here). Test and benchmark tooling (the sandbox launcher, the fault-injecting
 * proxy) is in `flatfiles-kit/testing` (src/testing.ts), not here.
 */

// The node floor first: below it, importing the kit says so and nothing else runs.
import "./util/node-version";
import { lazyModule } from "./util/lazy";
import { CHART_PACKAGES } from "./util/optional";

// Modules that load polars (and, for charts, the renderer) are loaded when one of their functions
// is first called: `const x = load.fn("x")` has x's exact type. Importing the kit to paginate or
// download loads neither (test/package/entry-cost.test.ts).
const load = lazyModule(() => require("./flatfiles/load") as typeof import("./flatfiles/load"));
const analysis = lazyModule(() => require("./flatfiles/analysis") as typeof import("./flatfiles/analysis"));
const options = lazyModule(() => require("./flatfiles/options") as typeof import("./flatfiles/options"));
const charts = lazyModule(() => require("./notebook/charts") as typeof import("./notebook/charts"));

// 00 · Setup: configuration, keys, the setup check
/** The configuration from the environment, the nearest `.env` or the running sandbox, or what is missing. */
export { loadConfig } from "./config/env";
/** A configuration in one line that is safe to print: endpoint, bucket, where the keys came from. */
export { describeConfig } from "./config/env";
/** What `loadConfig` returns: target, endpoint, bucket, region, keys (as Secrets), their source. */
export type { FlatFilesConfig } from "./config/env";
/** The options of `loadConfig`: other variables, where to look for `.env`, a forced target. */
export type { ConfigOptions } from "./config/env";
/** A value (a key) that never prints itself; `reveal()` gives it back. */
export { Secret } from "./config/secret";
/** Versions of Node.js, the kit, tslab, the SDK, jmespath and polars, as table rows. */
export { versions } from "./notebook/setup-check";
/** The configuration as table rows with no secret in them, not even the key id. */
export { configRows } from "./notebook/setup-check";
/** One listing of the bucket's top level: does it answer, how fast, what is there, or why not. */
export { checkBucket } from "./notebook/setup-check";
/** What `checkBucket` found. */
export type { BucketCheck } from "./notebook/setup-check";
/** The kit's errors: a `code` and one actionable message. */
export { KitError } from "./util/errors";
/** An SDK error as a KitError with advice for its code (wrong keys, unknown bucket, no endpoint...). */
export { explainAwsError } from "./aws/explain";

// 01 · Requests and paginators
/** The S3 client for the flat-files bucket, real or sandbox as configured, with the SDK's retries. */
export { flatFilesClient } from "./aws/clients";
/** Any AWS SDK client (DynamoDB, EC2, IAM...) pointed at the sandbox with its throwaway keys. */
export { sandboxClient } from "./aws/clients";
/** The SDK retry settings `flatFilesClient` and `sandboxClient` accept (`maxAttempts`...). */
export type { RetryOptions } from "./aws/clients";
/** Network timeouts (connect, first byte, idle body) for `flatFilesClient` and `downloadFile`, each with a default. */
export type { Timeouts } from "./aws/timeouts";
/** A paginator for an operation named as boto3 (`list_objects_v2`) or the SDK (`ListObjectsV2`) names it. */
export { getPaginator } from "./paginator/engine";
/** What `getPaginator` returns: `paginate(input)` gives a PageIterator. */
export { Paginator } from "./paginator/engine";
/** The pages of one listing: `for await`, `forEach`, `items()`, `search()`, `resumeToken`, `requests`. */
export { PageIterator } from "./paginator/engine";
/** `MaxItems`, `PageSize` and `StartingToken`, as boto3's PaginationConfig takes them. */
export type { PaginationConfig } from "./paginator/engine";
/** One request of a listing as `requests` and `onRequest` report it. */
export type { RequestEvent } from "./paginator/engine";
/** The operation names `getPaginator` accepts. */
export type { OperationName } from "./paginator/types";
/** A paginator's requests as a table: tokens sent and received, items, milliseconds, attempts. */
export { showRequests } from "./notebook/trace";
/** Send a command and return how its request was signed (SigV4 taken apart), as table rows. */
export { signedRequestRows } from "./notebook/signing";

// 02-03 · Pagination step by step, and the paginator reference
/** botocore's paginator definitions, one row per operation (tokens, limit key, result keys). */
export { OPERATIONS } from "./paginator/operations";
/** The boto3 name of an SDK operation (`ListObjectsV2` → `list_objects_v2`). */
export { botoName } from "./paginator/operations";
/** One row of the operation table: `op(iam, "ListPolicies", { inputToken, outputToken, ... })`. */
export { op } from "./paginator/operations";
/** An SDK package the table can use, loaded when its first page is requested. */
export { sdkPackage } from "./paginator/operations";
/** The SDK packages the table uses (S3, DynamoDB, EC2, IAM), for `op(SDK_PACKAGES.IAM, ...)`. */
export { SDK_PACKAGES } from "./paginator/operations";
/** `getPaginator`'s third argument: `{ operations: [...OPERATIONS, row] }` pages an operation the kit lacks. */
export type { GetPaginatorOptions } from "./paginator/engine";
/** Decode a boto3-format resume token, or null when the text is a raw service token. */
export { tryDecodeToken } from "./paginator/token";
/** Encode a resume token exactly as boto3 writes it. */
export { encodeToken } from "./paginator/token";
/** Every object under a prefix, listed concurrently by sub-prefix, in sequential order. */
export { listObjectsFanOut } from "./paginator/fanout";
/** Count the response bytes of every request a client sends from now on. */
export { meterTraffic } from "./notebook/traffic";
/** What the AWS service model documents as an operation's default page size, beside which a sandbox answer can be set. */
export { documentedPageSize } from "./notebook/model-docs";
/** Iterate pages, keeping or dropping each, and read the heap held along the way. */
export { memoryHeldWhilePaging } from "./notebook/memory";
/** For teaching: a proxy refusing a share of requests with 503 SlowDown, to watch the SDK retry. */
export { startTeachingThrottler } from "./notebook/throttler";
/** @deprecated The old name of `startTeachingThrottler`. */
export { startThrottlingProxy } from "./notebook/throttler";
/** A running teaching throttler: `endpoint`, `requests`, `close()`. */
export type { TeachingThrottler } from "./notebook/throttler";

// 04 · Flat files: datasets, calendars, days, downloads, loading
/** A dataset of the registry by `asset/name` (the `_v1` may be left out); unknown names list close matches. */
export { findDataset } from "./flatfiles/datasets";
/** Every dataset the kit knows, with its header layouts, calendar and first date. */
export { DATASETS } from "./flatfiles/datasets";
/** How each column is typed when loaded, by name, with its source. */
export { COLUMN_TYPES } from "./flatfiles/datasets";
/** A dataset of the registry. */
export type { Dataset } from "./flatfiles/datasets";
/** Asset classes and datasets as the bucket really lists them. */
export { discoverDatasets } from "./flatfiles/catalog";
/** The calendars (NYSE, weekdays, Sunday-Friday, daily, CME) as the registry states them. */
export { CALENDARS } from "./flatfiles/calendar";
/** Every date with a file between two dates under a calendar. */
export { openDays } from "./flatfiles/calendar";
/** Why a date has no file under a calendar, or null when it should have one. */
export { closedReason } from "./flatfiles/calendar";
/** NYSE full-day holidays of a year. */
export { nyseHolidays } from "./flatfiles/calendar";
/** The files of a dataset between two dates, listing only the months in range. */
export { listDays } from "./flatfiles/catalog";
/** One day's file as the bucket lists it, or why it is missing. */
export { findDay } from "./flatfiles/catalog";
/** One day's key, offline, or a KitError for a date that certainly has no file. */
export { dayKey } from "./flatfiles/catalog";
/** A day's file as listed: dataset, date, key, size, ETag. */
export type { DayFile } from "./flatfiles/catalog";
/** Download one object into the cache (or find it there), verified, resuming a partial download. */
export { downloadFile } from "./flatfiles/download";
/** Download many objects, a few at a time, results in the order asked. */
export { downloadFiles } from "./flatfiles/download";
/** Find one day of a dataset in the bucket and download it into the cache. */
export { downloadDay } from "./flatfiles/catalog";
/** A date range into the cache (and the lake): the days the bucket lists, files at once, failures listed, resumable. */
export { downloadRange } from "./flatfiles/range";
/** The days a range holds as the bucket lists them, their total size, and the open days with no file. */
export { planRange } from "./flatfiles/range";
/** The options of `downloadFile`: cache folder, part size, concurrency, progress, abort signal. */
export type { DownloadOptions } from "./flatfiles/download";
/** What a download returns: the cached file's path, its size, whether it was reused, what was verified. */
export type { Downloaded } from "./flatfiles/download";
/** The defaults of every download option (part size, connections, files at once, timeouts). */
export { DOWNLOAD_DEFAULTS } from "./flatfiles/download";
/** An `onProgress` callback for downloads, shown where the code runs. */
export { progressReporter } from "./notebook/progress";
/** One day's file into a polars DataFrame, typed by its header. */
export const loadDay = load.fn("loadDay");
/** Days as one lazy polars query over their Parquet copies (only the columns and rows asked for are read). */
export const scanDays = load.fn("scanDays");
/** The Parquet copy of a downloaded day, made once in the cache (Hive-partitioned), for polars or DuckDB. */
export const ensureParquet = load.fn("ensureParquet");
/** `ensureParquet` with an event loop kept turning (an AbortSignal stops the conversion). */
export const ensureParquetAsync = load.fn("ensureParquetAsync");
/** The dates a dataset's table holds in an object-storage lake (`s3://bucket/prefix`). */
export const lakeDates = load.fn("lakeDates");
/** Where Parquet copies go: a folder, `s3://bucket/prefix`, or S3 settings spelled out. */
export type { LakeOption } from "./flatfiles/load";
/** An object-storage lake's settings: its address, endpoint, region and keys (never the flat-files keys). */
export type { S3LakeSettings } from "./flatfiles/load";
/** The options of `loadDay`: Parquet copy or not, datetime columns, where warnings go. */
export type { LoadOptions } from "./flatfiles/load";
/** The options of `scanDays`: tickers, columns, a time range, pushed into the Parquet scans. */
export type { ScanOptions } from "./flatfiles/load";
/** The day's biggest gainers and losers from the previous close (split-adjusted), above price and dollar-volume floors. */
export const topMovers = analysis.fn("topMovers");
/** What `topMovers` takes besides the two days: n, minPrice, minDollarVolume, splits. */
export type { MoverOptions } from "./flatfiles/analysis";
/** Day bars from stock minute bars: open to close over 09:30-16:00 New York, volume over the whole day. */
export const dailyBarsFromMinutes = analysis.fn("dailyBarsFromMinutes");

// 05-07 · Asset classes: options (05), trades and quotes (06), around the clock (07)
/** The parts of an option ticker such as `O:SPY251112C00675000` (OCC symbology). */
export const parseOptionTicker = options.fn("parseOptionTicker");
/** What `parseOptionTicker` returns: underlying, root, expiration, type, strike. */
export type { OptionContract } from "./flatfiles/options";
/** Adds `underlying` (SPXW grouped under SPX), `root`, `expiration`, `type` and `strike` parsed from option tickers. */
export const withOptionColumns = options.fn("withOptionColumns");
/** One underlying's option chain (its roots together) by expiration, root and strike, calls and puts side by side. */
export const chain = options.fn("chain");
/** Put/call volume ratio per underlying. */
export const putCallRatio = options.fn("putCallRatio");
/** Per ticker and minute: VWAP, volume, trade count, from trades (a frame or a lazy query). */
export const vwapByMinute = analysis.fn("vwapByMinute");
/** Per ticker and minute: the bid-ask spread weighted by the time each two-sided, uncrossed quote stood. */
export const spreadByMinute = analysis.fn("spreadByMinute");
/** The stock trades the kit's rule takes (conditions, regular session, corrections) for VWAP, volume, high-low or open-close. */
export const eligibleTrades = analysis.fn("eligibleTrades");
/** One sentence saying which trades a rule takes, for an analysis's output. */
export const describeTradeRule = analysis.fn("describeTradeRule");
/** A use and hours of the trade rule (`{ use: "vwap", hours: "regular" }`). */
export type { TradeRule } from "./flatfiles/analysis";
/** Each trade with the quote standing strictly before it (every quote, a tolerance), and where it printed against it. */
export const tradesWithQuotes = analysis.fn("tradesWithQuotes");
/** The name of a stock trade condition code (37 → "Odd Lot Trade"). */
export { conditionName } from "./flatfiles/conditions";
/** Adds the names of each trade's condition codes. */
export { withConditionNames } from "./flatfiles/conditions";
/** One row per trade and condition code, for counting trades by condition. */
export { explodeConditions } from "./flatfiles/conditions";
/** The stock trade conditions the kit can name, with their consolidated update rules and sources. */
export { STOCK_TRADE_CONDITIONS } from "./flatfiles/conditions";
/** Adds `odd_lot`, `round_lot` and `odd_lot_rule` to stock trades: by condition 37, or by a round-lot table of the period. */
export { withOddLots } from "./flatfiles/conditions";
/** Each stock's round lot for the period in force on a date, from its evaluation month's day bars. */
export { roundLotsFromCloses } from "./flatfiles/conditions";
/** The round lot for an evaluation month's average close on a date (100 before 2025-11-03; then 100, 40, 10 or 1). */
export { roundLotOf } from "./flatfiles/round-lots";
/** The round-lot period in force on a date: evaluation month (March or September), effective, until. */
export { roundLotPeriod } from "./flatfiles/round-lots";
/** A date's trading session for an asset class or dataset, in UTC and New York time, or why it is closed. */
export { sessionOf } from "./flatfiles/sessions";
/** What `sessionOf` returns. */
export type { Session } from "./flatfiles/sessions";
/** A flat-file ticker as the REST API writes it (`C:EUR-USD` → `C:EURUSD`). */
export { toRestTicker } from "./flatfiles/tickers";
/** Daily close-to-close returns, each asset dated by its session (futures by session end, crypto and forex by UTC day). */
export const dailyReturns = analysis.fn("dailyReturns");
/** Returns of any assets priced at one New York clock time from minute bars, on the stock calendar by default. */
export const returnsAtClock = analysis.fn("returnsAtClock");
/** Pearson correlation of every pair of columns, as heatmap cells. */
export const correlationCells = analysis.fn("correlationCells");

// Display and charts
/** Rows as an HTML table in a notebook, a text table elsewhere. */
export { showTable } from "./notebook/display";
/** A polars DataFrame as a table, datetimes in their own zone. */
export { showFrame } from "./notebook/display";
/** Rows as a fixed-width text table (what the CLI prints). */
export { textTable } from "./notebook/display";
/** A table row: column name to value. */
export type { Row } from "./notebook/display";
/** Render a Vega-Lite spec to PNG and show it. */
export const showChart = charts.fn("showChart", { names: CHART_PACKAGES, async: true });
/** Render a Vega-Lite spec to PNG bytes, without a browser. */
export const renderChart = charts.fn("renderChart", { names: CHART_PACKAGES, async: true });
/** A Vega-Lite spec. */
export type { ChartSpec } from "./notebook/charts";
/** Lines over New York time, one per series or per column. */
export const lineSpec = charts.fn("lineSpec");
/** A heatmap spec from `{ row, column, value }` cells (correlations). */
export const heatmapSpec = charts.fn("heatmapSpec");
/** One ticker's minute bars: close through the day, volume underneath. */
export const minuteBarsSpec = charts.fn("minuteBarsSpec");
/** The top movers as bars, gainers green and losers red. */
export const topMoversSpec = charts.fn("topMoversSpec");
/** Volume per minute of the session, over every ticker. */
export const volumeThroughDaySpec = charts.fn("volumeThroughDaySpec");
/** Call and put volume by strike, from a chain. */
export const chainVolumeSpec = charts.fn("chainVolumeSpec");
