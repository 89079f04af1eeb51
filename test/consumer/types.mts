/**
 * The kit's published types, as a consumer's compiler sees them (test/integration/consumer-project
 * .test.ts type-checks this under each TypeScript a consumer may use): exact, never `any`. The
 * EC2 operation is typed although the consumer has not installed @aws-sdk/client-ec2: the kit's
 * declarations carry the table's shapes themselves.
 */
import type { _Object, ListObjectsV2CommandInput, ListObjectsV2CommandOutput } from "@aws-sdk/client-s3";
import { type Paginator, getPaginator } from "flatfiles-kit";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type PageOf<X> = X extends Paginator<infer _I, infer P> ? P : never;
type InputOf<X> = X extends Paginator<infer I, infer _P> ? I : never;
const exact = <_T extends true>(): void => {};
const client: unknown = null;

const s3 = getPaginator(client, "list_objects_v2");
exact<Equal<PageOf<typeof s3>, ListObjectsV2CommandOutput>>();
exact<Equal<InputOf<typeof s3>, ListObjectsV2CommandInput>>();
exact<Equal<NonNullable<PageOf<typeof s3>["Contents"]>[number], _Object>>();

const ec2 = getPaginator(client, "DescribeInstances");
type Reservation = NonNullable<PageOf<typeof ec2>["Reservations"]>[number];
type Instance = NonNullable<Reservation["Instances"]>[number];
exact<Equal<Instance["InstanceId"], string | undefined>>();
exact<
  Equal<
    NonNullable<Instance["State"]>["Name"],
    "pending" | "running" | "shutting-down" | "stopped" | "stopping" | "terminated" | undefined
  >
>();
exact<Equal<InputOf<typeof ec2>["MaxResults"], number | undefined>>();

const ddb = getPaginator(client, "scan");
exact<Equal<PageOf<typeof ddb>["Count"], number | undefined>>();
// @ts-expect-error a page has only the operation's fields
type _NoContents = PageOf<typeof ddb>["Contents"];

export {};
