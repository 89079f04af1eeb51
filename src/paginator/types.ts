/**
 * Types only: which SDK input and output types each operation name means, so that
 * `getPaginator(s3, "list_objects_v2")` yields pages typed as `ListObjectsV2CommandOutput`
 * (and `page.Contents` is `_Object[]`), under either naming.
 */
import type * as ddb from "@aws-sdk/client-dynamodb";
import type * as ec2 from "@aws-sdk/client-ec2";
import type * as iam from "@aws-sdk/client-iam";
import type * as s3 from "@aws-sdk/client-s3";

export interface OperationTypes {
  ListObjectsV2: [s3.ListObjectsV2CommandInput, s3.ListObjectsV2CommandOutput];
  ListObjects: [s3.ListObjectsCommandInput, s3.ListObjectsCommandOutput];
  ListObjectVersions: [s3.ListObjectVersionsCommandInput, s3.ListObjectVersionsCommandOutput];
  ListMultipartUploads: [s3.ListMultipartUploadsCommandInput, s3.ListMultipartUploadsCommandOutput];
  ListParts: [s3.ListPartsCommandInput, s3.ListPartsCommandOutput];
  Scan: [ddb.ScanCommandInput, ddb.ScanCommandOutput];
  Query: [ddb.QueryCommandInput, ddb.QueryCommandOutput];
  ListTables: [ddb.ListTablesCommandInput, ddb.ListTablesCommandOutput];
  ListTagsOfResource: [ddb.ListTagsOfResourceCommandInput, ddb.ListTagsOfResourceCommandOutput];
  DescribeInstances: [ec2.DescribeInstancesCommandInput, ec2.DescribeInstancesCommandOutput];
  ListUsers: [iam.ListUsersCommandInput, iam.ListUsersCommandOutput];
  ListRoles: [iam.ListRolesCommandInput, iam.ListRolesCommandOutput];
}

/** boto3's names for the same operations. */
export interface BotoNames {
  list_objects_v2: "ListObjectsV2";
  list_objects: "ListObjects";
  list_object_versions: "ListObjectVersions";
  list_multipart_uploads: "ListMultipartUploads";
  list_parts: "ListParts";
  scan: "Scan";
  query: "Query";
  list_tables: "ListTables";
  list_tags_of_resource: "ListTagsOfResource";
  describe_instances: "DescribeInstances";
  list_users: "ListUsers";
  list_roles: "ListRoles";
}

export type OperationName = keyof OperationTypes | keyof BotoNames;
export type SdkName<N> = N extends keyof OperationTypes ? N : N extends keyof BotoNames ? BotoNames[N] : never;
export type InputOf<N> = SdkName<N> extends keyof OperationTypes ? OperationTypes[SdkName<N>][0] : Record<string, unknown>;
export type OutputOf<N> = SdkName<N> extends keyof OperationTypes ? OperationTypes[SdkName<N>][1] : Record<string, unknown>;
