/**
 * flatfiles-kit: AWS-style pagination and Polygon/Massive flat files for TypeScript notebooks.
 *
 * The public API, grouped as the notebooks use it.
 */
// Configuration and clients
export {
  DEFAULT_BUCKET,
  DEFAULT_ENDPOINT,
  LEGACY_ENDPOINT,
  VARIABLES,
  describeConfig,
  loadConfig,
  readSandboxState,
  type FlatFilesConfig,
  type LoadOptions,
  type Target,
} from "./config/env";
export { Secret } from "./config/secret";
export { flatFilesClient, sandboxClient, type RetryOptions } from "./aws/clients";
export { errorCode, explainAwsError, httpStatus } from "./aws/explain";
export { KitError } from "./util/errors";

// The flat-files catalog
export {
  CALENDARS,
  closedReason,
  isOpen,
  nextOpenDay,
  nyseHolidays,
  openDays,
  parseDate,
  todayInNewYork,
  type CalendarInfo,
  type CalendarKind,
} from "./flatfiles/calendar";
export {
  ASSET_CLASSES,
  COLUMN_TYPES,
  DATASETS,
  columnOf,
  findDataset,
  keyFor,
  parseKey,
  type AssetClass,
  type Column,
  type ColumnType,
  type Dataset,
  type Layout,
} from "./flatfiles/datasets";
export { SOURCES, type Certainty, type Fact, type Source, type SourceId } from "./flatfiles/sources";

// Notebook display
export { escapeHtml, htmlTable, inNotebook, showNote, showPng, showTable, textTable, type Row } from "./notebook/display";
export { checkBucket, configRows, versions, type BucketCheck } from "./notebook/setup-check";

// The sandbox
export { startSandbox, type Sandbox, type StartOptions } from "./sandbox/launcher";

// Pagination
export {
  PageIterator,
  Paginator,
  getPaginator,
  type Page,
  type PaginateOptions,
  type PaginationConfig,
  type RequestEvent,
} from "./paginator/engine";
export { OPERATIONS, botoName, type OperationDef } from "./paginator/operations";
export { encodeToken, parseStartingToken, tryDecodeToken } from "./paginator/token";
export { compileExpression } from "./paginator/jmespath";
export { AsyncStream } from "./paginator/stream";
export { listObjectsFanOut, mapOrdered, type FanOutInput } from "./paginator/fanout";
export { SLOW_DOWN, startProxy, startThrottlingProxy, type Proxy, type ProxyHooks } from "./sandbox/proxy";
export { requestRows, showRequests } from "./notebook/trace";
export { signedRequestRows } from "./notebook/signing";
export { meterTraffic, type TrafficMeter } from "./notebook/traffic";
export { memoryHeldWhilePaging, type HeldReading } from "./notebook/memory";
export type { BotoNames, InputOf, OperationName, OperationTypes, OutputOf } from "./paginator/types";

// Flat files: catalog and downloads
export {
  dayKey,
  discoverDatasets,
  downloadDay,
  expectedPublication,
  findDay,
  listDays,
  type BucketRef,
  type DayFile,
  type FindDayOptions,
} from "./flatfiles/catalog";
export { cachePath, defaultCacheDir, downloadFile, downloadFiles, type DownloadOptions, type Downloaded, type Progress } from "./flatfiles/download";
export {
  ensureParquet,
  loadDay,
  parquetPath,
  parseCsv,
  polarsSchema,
  scanDays,
  withDatetimes,
  type LoadOptions as DayLoadOptions,
  type ScanOptions,
} from "./flatfiles/load";
export { chainVolumeSpec, heatmapSpec, lineSpec, minuteBarsSpec, renderChart, showChart, topMoversSpec, volumeThroughDaySpec, type ChartSpec } from "./notebook/charts";
export { showFrame } from "./notebook/display";
export { topMovers } from "./flatfiles/analysis";
// Options tickers, chains and put/call ratios (notebook 05)
export { chain, parseOptionTicker, putCallRatio, withOptionColumns, type OptionContract } from "./flatfiles/options";
// Stock trade condition codes as names, with the SIP's update rules (notebook 06)
export { STOCK_TRADE_CONDITIONS, conditionName, explodeConditions, tradeCondition, withConditionNames, type TradeCondition } from "./flatfiles/conditions";
// Minute VWAP and bid-ask spread from trades and quotes (notebook 06)
export { correlationCells, dailyReturns, spreadByMinute, vwapByMinute } from "./flatfiles/analysis";
// Trading sessions per asset class in UTC and New York time, and REST tickers (notebook 07)
export { sessionOf, type Session, type SessionWindow } from "./flatfiles/sessions";
export { toRestTicker } from "./flatfiles/tickers";
export { progressReporter } from "./notebook/progress";
