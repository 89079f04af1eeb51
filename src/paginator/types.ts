/**
 * Types only, all derived from the operations table: which names an operation answers to and
 * which SDK input and output types it means, so that `getPaginator(s3, "list_objects_v2")`
 * yields pages typed as `ListObjectsV2CommandOutput` (and `page.Contents` is `_Object[]`), under
 * either naming. Each takes the table as a parameter (default OPERATIONS), so a table with a row
 * added (`getPaginator(client, name, { operations })`) is typed the same way.
 */
import type { BOTO_NAMES, OPERATIONS, OperationDef, OperationTable } from "./operations";

type Table = typeof OPERATIONS;

type Upper =
  | "A"
  | "B"
  | "C"
  | "D"
  | "E"
  | "F"
  | "G"
  | "H"
  | "I"
  | "J"
  | "K"
  | "L"
  | "M"
  | "N"
  | "O"
  | "P"
  | "Q"
  | "R"
  | "S"
  | "T"
  | "U"
  | "V"
  | "W"
  | "X"
  | "Y"
  | "Z";
type LowerOrDigit = Lowercase<Upper> | "0" | "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8" | "9";

/** An underscore before `C`, where `botoName()`'s two rules put one (aB -> a_b, ABc -> a_bc). */
type Separator<Prev extends string, C extends string, Rest extends string> = C extends Upper
  ? Prev extends LowerOrDigit
    ? "_"
    : Prev extends Upper
      ? Rest extends `${Lowercase<Upper>}${string}`
        ? "_"
        : ""
      : ""
  : "";

/** `botoName()` as a type: `BotoName<"ListObjectsV2">` is `"list_objects_v2"`. */
export type BotoName<
  S extends string,
  Prev extends string = "",
  Done extends string = "",
> = S extends `${infer C}${infer Rest}`
  ? BotoName<Rest, C, `${Done}${Separator<Prev, C, Rest>}${Lowercase<C>}`>
  : Done;

/** A row's boto3 name: its override, or the name derived from the SDK's. */
export type BotoNameOfRow<R> = R extends { botoNameOverride: infer B extends string }
  ? B
  : R extends { operation: infer N extends string }
    ? BotoName<N>
    : never;

type InputOfRow<R> = R extends OperationDef<string, infer I, infer _O> ? I : never;
type OutputOfRow<R> = R extends OperationDef<string, infer _I, infer O> ? O : never;

/** SDK operation name -> [input type, output type], for each row. */
export type OperationTypes<T extends OperationTable = Table> = {
  [R in T[number] as R["operation"]]: [InputOfRow<R>, OutputOfRow<R>];
};

/**
 * boto3's names for the same operations. For OPERATIONS it is the type of BOTO_NAMES, which the
 * build writes out in dist's declarations: a notebook's first `getPaginator` call does not
 * derive twelve names character by character again (about 70 ms of type-checking).
 */
export type BotoNames<T extends OperationTable = Table> = T extends Table
  ? typeof BOTO_NAMES
  : BotoNamesOf<T>;
export type BotoNamesOf<T extends OperationTable> = {
  [R in T[number] as BotoNameOfRow<R>]: R["operation"];
};

/** The services of a table (`"S3" | "DynamoDB" | "EC2" | "IAM"` for OPERATIONS). */
export type ServiceOf<T extends OperationTable = Table> = T[number]["service"];

/** The SDK names of a table's operations. */
type SdkNames<T extends OperationTable> = T[number]["operation"];

export type OperationName<T extends OperationTable = Table> = SdkNames<T> | (keyof BotoNames<T> & string);
export type SdkName<N, T extends OperationTable = Table> =
  N extends SdkNames<T> ? N : N extends keyof BotoNames<T> ? BotoNames<T>[N] : never;
/** The row an operation name (either spelling) means. */
type RowOf<N, T extends OperationTable> = Extract<T[number], { operation: SdkName<N, T> }>;
export type InputOf<N, T extends OperationTable = Table> = [RowOf<N, T>] extends [never]
  ? Record<string, unknown>
  : InputOfRow<RowOf<N, T>>;
export type OutputOf<N, T extends OperationTable = Table> = [RowOf<N, T>] extends [never]
  ? Record<string, unknown>
  : OutputOfRow<RowOf<N, T>>;
