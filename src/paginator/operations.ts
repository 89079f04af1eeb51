/**
 * Paginated operations as data, transcribed from botocore's paginators-1.json (plus its
 * sdk-extras for non-aggregate keys). Everything else derives from this table: the engine reads
 * nothing else, the supported-operations messages and the service list come from it, and so do
 * the types (types.ts: both spellings of each name, and the SDK's input and page types). Supporting
 * another operation is adding a row, its SDK package, SDK name and botocore's paginator fields:
 *
 *     op(iam, "ListPolicies", { inputToken: ["Marker"], outputToken: ["Marker"], limitKey: "MaxItems",
 *       resultKeys: ["Policies"], moreResults: "IsTruncated" }),
 *
 * Tokens and result keys are JMESPath expressions over the response, exactly as in botocore,
 * so `NextMarker || Contents[-1].Key` works unchanged.
 */
import type * as S3 from "@aws-sdk/client-s3";
import { missingPackageError, missingPackageName } from "../util/optional";
import type * as DynamoDB from "./sdk-shapes/dynamodb";
import type * as EC2 from "./sdk-shapes/ec2";
import type * as IAM from "./sdk-shapes/iam";
import type { BotoNameOfRow } from "./types";

/**
 * An SDK v3 command class, as far as the engine and the types need it: constructed from its input,
 * it resolves to its output.
 */
// A row stores commands of every input and output type; with `unknown` defaults no SDK command
// class would be assignable (its constructor takes a specific input).
// biome-ignore lint/suspicious/noExplicitAny: defaults that admit every command class
export type CommandClass<I = any, O = any> = new (
  input: I,
) => {
  readonly input: I;
  // biome-ignore lint/suspicious/noExplicitAny: the SDK's middleware types are internal; only the output type is read
  resolveMiddleware(stack: any, configuration: any, options: any): (args: any) => Promise<{ output: O }>;
};

/** The input type of an SDK command class (`ListObjectsV2Command` -> `ListObjectsV2CommandInput`). */
export type CommandInput<C> = C extends abstract new (
  ...args: never
) => { readonly input: infer I }
  ? I
  : never;
/** The output type of an SDK command class (`ListObjectsV2Command` -> `ListObjectsV2CommandOutput`). */
export type CommandOutput<C> = C extends abstract new (
  ...args: never
) => { resolveMiddleware(...args: never): (args: never) => Promise<{ output: infer O }> }
  ? O
  : never;

/** The operations an SDK package has a command class for: `ListObjectsV2` for `ListObjectsV2Command`. */
export type CommandName<M> = Exclude<
  keyof M extends infer K ? (K extends `${infer N}Command` ? N : never) : never,
  "$"
>;

/** An SDK client package and its service id, loaded on first use (`@aws-sdk/client-ec2` alone takes 0.16 s). */
export interface SdkPackage<S extends string = string, M = unknown> {
  /** The SDK's service id, as `client.config.serviceId` reports it. */
  readonly service: S;
  readonly load: () => Promise<M>;
}

export function sdkPackage<const S extends string, M>(service: S, load: () => Promise<M>): SdkPackage<S, M> {
  let loaded: Promise<M> | undefined;
  // A client package the project lacks (they are optional peers of the kit) is named, with the fix.
  const named = (e: unknown): never => {
    const missing = missingPackageName(e);
    throw missing ? missingPackageError(missing, `Paging ${service} operations`) : e;
  };
  return { service, load: () => (loaded ??= load().catch(named)) };
}

/** One paginated operation: the SDK's command, and botocore's recipe for paging it. */
// biome-ignore lint/suspicious/noExplicitAny: a row of any operation, as in CommandClass
export interface OperationDef<N extends string = string, I = any, O = any> {
  /** The SDK's service id (`client.config.serviceId`). */
  service: string;
  /** The SDK operation name; the command class is `${operation}Command`. */
  operation: N;
  /** boto3's name, only where botocore's differs from `botoName(operation)`. */
  botoNameOverride?: string;
  inputToken: string[];
  outputToken: string[];
  limitKey?: string;
  /**
   * The limit key's [min, max] where botocore's service model bounds it (default [1, 2^31 - 1],
   * the model's 32-bit `integer`): PageSize outside it is refused before any request.
   */
  limitRange?: readonly [number, number];
  /**
   * Input tokens that are not text, as the SDK's input types say: DynamoDB's ExclusiveStartKey is
   * an object, S3's PartNumberMarker a whole number (or its digits). A StartingToken carrying
   * another type is refused instead of sent.
   */
  tokenTypes?: Readonly<Record<string, "object" | "integer">>;
  /** The first is the primary key: MaxItems counts it, StartingToken truncates it. */
  resultKeys: string[];
  moreResults?: string;
  nonAggregateKeys?: string[];
  /**
   * The SDK command class, imported with its package on first use. Not enumerable, so a printed
   * row shows botocore's recipe; a row copied with `{...row}` loses it: make rows with `op()`.
   */
  readonly command: () => Promise<CommandClass<I, O>>;
}

/** What a row says beyond its package and operation name. */
export type OperationFields<B extends string = string> = Omit<
  OperationDef,
  "service" | "operation" | "botoNameOverride" | "command"
> & {
  botoNameOverride?: B;
};

/** The row `op()` makes: an OperationDef that keeps its service, name and boto3 override as literal types. */
export type OperationRow<S extends string, N extends string, I, O, B extends string> = OperationDef<
  N,
  I,
  O
> & {
  service: S;
} & ([B] extends [never] ? unknown : { botoNameOverride: B });

/**
 * A row: the operation of an SDK package (its command class `${operation}Command`, input and
 * output types follow from the name, which the compiler checks against the package) and
 * botocore's paginator fields.
 */
export function op<S extends string, M, const N extends CommandName<M>, const B extends string = never>(
  sdk: SdkPackage<S, M>,
  operation: N,
  fields: OperationFields<B>,
): OperationRow<
  S,
  N,
  CommandInput<M[`${N}Command` & keyof M]>,
  CommandOutput<M[`${N}Command` & keyof M]>,
  B
> {
  const row = { service: sdk.service, operation, ...fields };
  const command = async () => {
    const cls = (await sdk.load())[`${operation}Command` as keyof M];
    if (typeof cls !== "function")
      throw new TypeError(`The ${sdk.service} SDK package has no ${operation}Command.`);
    return cls as CommandClass;
  };
  return Object.defineProperty(row, "command", { value: command, enumerable: false }) as never;
}

/**
 * The command classes of the table's operations in a package, from the shapes copied out of it
 * (sdk-shapes/, scripts/lib/sdk-shapes.ts): `{ ScanCommand: CommandClass<ScanCommandInput, ...> }`.
 */
export type CommandsOf<O> = {
  [N in keyof O & string as `${N}Command`]: O[N] extends { input: infer I; output: infer Out }
    ? CommandClass<I, Out>
    : never;
};

// Typed by name, so the emitted declarations say `typeof S3` rather than spell out the package.
// S3's whole package: the kit's declarations import its client anyway. DynamoDB, EC2 and IAM only
// as far as the table's rows go (their shapes are copied in sdk-shapes/): naming their packages here
// made every notebook's first compile parse 13.5 MB of declarations for seven operations. The
// loaders' packages are checked against those shapes where they are assigned.
const s3: SdkPackage<"S3", typeof S3> = sdkPackage("S3", () => import("@aws-sdk/client-s3"));
const dynamodb: SdkPackage<"DynamoDB", CommandsOf<DynamoDB.Operations>> = sdkPackage(
  "DynamoDB",
  () => import("@aws-sdk/client-dynamodb"),
);
const ec2: SdkPackage<"EC2", CommandsOf<EC2.Operations>> = sdkPackage(
  "EC2",
  () => import("@aws-sdk/client-ec2"),
);
const iam: SdkPackage<"IAM", CommandsOf<IAM.Operations>> = sdkPackage(
  "IAM",
  () => import("@aws-sdk/client-iam"),
);

/**
 * The SDK packages of the table's rows, for rows added elsewhere. S3's has every S3 operation:
 * `op(SDK_PACKAGES.S3, "ListBuckets", {...})`; the others have the table's operations only. A row
 * for another operation names its package, which types it from the package itself:
 * `op(sdkPackage("IAM", () => import("@aws-sdk/client-iam")), "ListPolicies", {...})`.
 */
export const SDK_PACKAGES = { S3: s3, DynamoDB: dynamodb, EC2: ec2, IAM: iam } as const;

const S3_EXTRA = ["RequestCharged", "Prefix"];

export const OPERATIONS = [
  op(s3, "ListObjectsV2", {
    inputToken: ["ContinuationToken"],
    outputToken: ["NextContinuationToken"],
    limitKey: "MaxKeys",
    resultKeys: ["Contents", "CommonPrefixes"],
    moreResults: "IsTruncated",
    nonAggregateKeys: S3_EXTRA,
  }),
  op(s3, "ListObjects", {
    inputToken: ["Marker"],
    // S3 sends NextMarker only with a Delimiter; otherwise the last key is the marker.
    outputToken: ["NextMarker || Contents[-1].Key"],
    limitKey: "MaxKeys",
    resultKeys: ["Contents", "CommonPrefixes"],
    moreResults: "IsTruncated",
    nonAggregateKeys: S3_EXTRA,
  }),
  op(s3, "ListObjectVersions", {
    inputToken: ["KeyMarker", "VersionIdMarker"],
    outputToken: ["NextKeyMarker", "NextVersionIdMarker"],
    limitKey: "MaxKeys",
    resultKeys: ["Versions", "DeleteMarkers", "CommonPrefixes"],
    moreResults: "IsTruncated",
    nonAggregateKeys: S3_EXTRA,
  }),
  op(s3, "ListMultipartUploads", {
    inputToken: ["KeyMarker", "UploadIdMarker"],
    outputToken: ["NextKeyMarker", "NextUploadIdMarker"],
    limitKey: "MaxUploads",
    resultKeys: ["Uploads", "CommonPrefixes"],
    moreResults: "IsTruncated",
    nonAggregateKeys: S3_EXTRA,
  }),
  op(s3, "ListParts", {
    inputToken: ["PartNumberMarker"],
    outputToken: ["NextPartNumberMarker"],
    tokenTypes: { PartNumberMarker: "integer" },
    limitKey: "MaxParts",
    resultKeys: ["Parts"],
    moreResults: "IsTruncated",
    nonAggregateKeys: ["ChecksumAlgorithm", "Initiator", "Owner", "StorageClass", "ChecksumType"],
  }),
  op(dynamodb, "Scan", {
    inputToken: ["ExclusiveStartKey"],
    outputToken: ["LastEvaluatedKey"],
    tokenTypes: { ExclusiveStartKey: "object" },
    limitKey: "Limit",
    // botocore data/dynamodb/2012-08-10/service-2.json, shape PositiveIntegerObject: min 1, no max.
    resultKeys: ["Items", "Count", "ScannedCount"],
    nonAggregateKeys: ["ConsumedCapacity"],
  }),
  op(dynamodb, "Query", {
    inputToken: ["ExclusiveStartKey"],
    outputToken: ["LastEvaluatedKey"],
    tokenTypes: { ExclusiveStartKey: "object" },
    limitKey: "Limit",
    // botocore data/dynamodb/2012-08-10/service-2.json, shape PositiveIntegerObject: min 1, no max.
    resultKeys: ["Items", "Count", "ScannedCount"],
    nonAggregateKeys: ["ConsumedCapacity"],
  }),
  op(dynamodb, "ListTables", {
    inputToken: ["ExclusiveStartTableName"],
    outputToken: ["LastEvaluatedTableName"],
    limitKey: "Limit",
    // botocore data/dynamodb/2012-08-10/service-2.json, shape ListTablesInputLimit: min 1, max 100.
    limitRange: [1, 100],
    resultKeys: ["TableNames"],
  }),
  // One of the few operations with no page-size parameter: PageSize is refused for it.
  op(dynamodb, "ListTagsOfResource", {
    inputToken: ["NextToken"],
    outputToken: ["NextToken"],
    resultKeys: ["Tags"],
  }),
  op(ec2, "DescribeInstances", {
    inputToken: ["NextToken"],
    outputToken: ["NextToken"],
    limitKey: "MaxResults",
    resultKeys: ["Reservations"],
  }),
  op(iam, "ListUsers", {
    inputToken: ["Marker"],
    outputToken: ["Marker"],
    limitKey: "MaxItems",
    // botocore data/iam/2010-05-08/service-2.json, shape maxItemsType: min 1, max 1000.
    limitRange: [1, 1000],
    resultKeys: ["Users"],
    moreResults: "IsTruncated",
  }),
  op(iam, "ListRoles", {
    inputToken: ["Marker"],
    outputToken: ["Marker"],
    limitKey: "MaxItems",
    // botocore data/iam/2010-05-08/service-2.json, shape maxItemsType: min 1, max 1000.
    limitRange: [1, 1000],
    resultKeys: ["Roles"],
    moreResults: "IsTruncated",
  }),
] as const;

/** A table of operations: OPERATIONS, or OPERATIONS with rows added (`[...OPERATIONS, op(...)]`). */
export type OperationTable = readonly OperationDef[];

/** Compare names ignoring case and underscores: `list_objects_v2` matches `ListObjectsV2`. */
const fold = (name: string) => String(name).replace(/_/g, "").toLowerCase();

export function findOperation(
  service: string,
  name: string,
  table: OperationTable = OPERATIONS,
): OperationDef | undefined {
  return table.find(
    (o) =>
      o.service === service &&
      (fold(o.operation) === fold(name) || (o.botoNameOverride !== undefined && o.botoNameOverride === name)),
  );
}

export function operationsOf(service: string, table: OperationTable = OPERATIONS): OperationDef[] {
  return table.filter((o) => o.service === service);
}

/** The services a table has operations for, in the table's order. */
export function servicesOf(table: OperationTable = OPERATIONS): string[] {
  return [...new Set(table.map((o) => o.service))];
}

/** boto3's name for an operation (`ListObjectsV2` -> `list_objects_v2`). */
export function botoName(operation: string): string {
  return operation
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .toLowerCase();
}

/** boto3's name for a row: its override where botocore's name differs, else `botoName(operation)`. */
export function botoNameOf(def: OperationDef): string {
  return def.botoNameOverride ?? botoName(def.operation);
}

/** boto3's name -> the SDK's, for each row of a table. */
export function botoNames<const T extends OperationTable>(
  table: T,
): { [R in T[number] as BotoNameOfRow<R>]: R["operation"] } {
  return Object.fromEntries(table.map((o) => [botoNameOf(o), o.operation])) as never;
}

/**
 * boto3's names of OPERATIONS (`list_objects_v2: "ListObjectsV2"`...). Its type, derived from the
 * table, is written out in dist's declarations, and types.ts reads BotoNames from it.
 */
export const BOTO_NAMES = botoNames(OPERATIONS);
