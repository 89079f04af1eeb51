/**
 * What `paginate()` is given, checked before any request: the parameters are an object of plain
 * values (a function or a 10,000-level object failed deep inside structuredClone or the SDK), and
 * PaginationConfig is an object whose numbers fit what the service's model accepts.
 */
import { KitError, echo } from "../util/errors";
import type { OperationDef } from "./operations";

export interface PaginationConfig {
  /** Stop after this many items of the primary result key, across pages. */
  MaxItems?: number;
  /** Items per request: sets the operation's limit key (MaxKeys, Limit, MaxResults...). */
  PageSize?: number;
  /** Resume where an earlier iteration stopped (its `resumeToken`, or a boto3/AWS CLI token). */
  StartingToken?: string;
}

/** Parameters nest at most this deep (DynamoDB's own limit is 32 levels of attribute values). */
export const MAX_DEPTH = 64;

/**
 * The limit key's range where botocore's service model gives none: the model's `integer` is a
 * 32-bit signed number (S3 MaxKeys, MaxUploads, MaxParts; EC2 MaxResults have no min or max).
 */
export const INT32_MAX = 2 ** 31 - 1;

/** S3 parameters that are text: the SDK calls string methods on them (`Bucket: 5` failed as a TypeError). */
const S3_TEXT = [
  "Bucket",
  "Prefix",
  "Delimiter",
  "StartAfter",
  "KeyMarker",
  "Marker",
  "UploadIdMarker",
  "Key",
];

const CONFIG_EXAMPLE = "{ MaxItems: 100, PageSize: 50 }";

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (!v || typeof v !== "object" || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** A parameter value: text, numbers, true/false, dates, bytes, lists and objects of those. */
function checkValue(value: unknown, at: string, depth: number): void {
  if (depth > MAX_DEPTH) {
    throw new KitError(
      "paginator.input",
      `${at.split(/[.[]/)[0]} is nested more than ${MAX_DEPTH} levels deep: no operation's parameters go that deep.`,
    );
  }
  const t = typeof value;
  if (value === null || value === undefined || t === "string" || t === "boolean") return;
  if (t === "number" || value instanceof Date || value instanceof Uint8Array) return;
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) checkValue(v, `${at}[${i}]`, depth + 1);
    return;
  }
  if (isPlainObject(value)) {
    for (const [k, v] of Object.entries(value)) checkValue(v, `${at}.${k}`, depth + 1);
    return;
  }
  throw new KitError(
    "paginator.input",
    `${at} is ${echo(value)}: parameters are plain values (text, numbers, true/false, dates, bytes, lists and objects of those).`,
  );
}

/** The operation's parameters and PaginationConfig, checked. */
export function checkInput(
  input: unknown,
  def: OperationDef,
): { params: Record<string, unknown>; config: PaginationConfig } {
  if (!isPlainObject(input)) {
    throw new KitError(
      "paginator.input",
      `paginate() takes the operation's parameters as an object (for S3, paginate({ Bucket: "flatfiles", Prefix: "us_stocks_sip/" })); it was given ${echo(input)}.`,
    );
  }
  const { PaginationConfig: config, ...params } = input;
  for (const [k, v] of Object.entries(params)) {
    checkValue(v, k, 1);
    if (def.service === "S3" && S3_TEXT.includes(k) && v !== undefined && typeof v !== "string") {
      throw new KitError(
        "paginator.input",
        `${k} is ${echo(v)}: it is text, for example paginate({ Bucket: "flatfiles", Prefix: "us_stocks_sip/" }).`,
      );
    }
  }
  return { params, config: checkConfig(config, def) };
}

function checkConfig(config: unknown, def: OperationDef): PaginationConfig {
  if (config === undefined) return {};
  if (!isPlainObject(config)) {
    const what = typeof config === "string" ? `text (${echo(config, 40)})` : echo(config);
    throw new KitError(
      "paginator.config",
      `PaginationConfig is ${what}: write it as an object, for example ${CONFIG_EXAMPLE}, or leave it out.`,
    );
  }
  const unknown = Object.keys(config).filter((k) => !["MaxItems", "PageSize", "StartingToken"].includes(k));
  if (unknown.length) {
    throw new KitError(
      "paginator.config",
      `PaginationConfig has ${unknown.map((k) => echo(k, 30)).join(", ")}; it accepts only MaxItems, PageSize and StartingToken.`,
    );
  }
  const pageSize = wholeIn("PageSize", config.PageSize, def);
  if (pageSize !== undefined && !def.limitKey) {
    throw new KitError(
      "paginator.config",
      `PageSize is not supported for ${def.operation}: the operation has no page-size parameter.`,
    );
  }
  return {
    MaxItems: wholeIn("MaxItems", config.MaxItems),
    PageSize: pageSize,
    StartingToken: config.StartingToken as string | undefined,
  };
}

/**
 * A whole number in range, or undefined when absent. PageSize is checked against the limit
 * key's range in the service model (the row's `limitRange`), MaxItems against whole numbers a
 * JavaScript number holds exactly; text such as "5" is read as the number.
 */
function wholeIn(name: "MaxItems" | "PageSize", value: unknown, def?: OperationDef): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  const [min, max] = def?.limitKey ? (def.limitRange ?? [1, INT32_MAX]) : [1, Number.MAX_SAFE_INTEGER];
  if (typeof n === "number" && Number.isInteger(n) && n >= min && n <= max) return n;
  const shown = typeof value === "string" ? echo(value, 30) : echo(value);
  const range =
    def?.limitKey && name === "PageSize"
      ? `${def.operation} takes a ${def.limitKey} from ${min} to ${max}`
      : `it must be a whole number from ${min} to ${max}`;
  const zero = typeof n === "number" && n <= 0 ? " (above zero)" : "";
  throw new KitError("paginator.config", `PaginationConfig.${name} is ${shown}: ${range}${zero}.`);
}
