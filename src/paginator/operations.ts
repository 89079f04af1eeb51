/**
 * Paginated operations as data, transcribed from botocore's paginators-1.json (plus its
 * sdk-extras for non-aggregate keys). The engine reads nothing else: supporting another
 * operation is adding a row.
 *
 * Tokens and result keys are JMESPath expressions over the response, exactly as in botocore,
 * so `NextMarker || Contents[-1].Key` works unchanged.
 */

export interface OperationDef {
  /** The SDK's service id (`client.config.serviceId`). */
  service: "S3" | "DynamoDB" | "EC2" | "IAM";
  /** Package that holds the command class, under `@aws-sdk/`. */
  sdkPackage: string;
  /** The SDK operation name; the command class is `${operation}Command`. */
  operation: string;
  inputToken: string[];
  outputToken: string[];
  limitKey?: string;
  /** The first is the primary key: MaxItems counts it, StartingToken truncates it. */
  resultKeys: string[];
  moreResults?: string;
  nonAggregateKeys?: string[];
}

const S3_EXTRA = ["RequestCharged", "Prefix"];

export const OPERATIONS: readonly OperationDef[] = [
  {
    service: "S3",
    sdkPackage: "client-s3",
    operation: "ListObjectsV2",
    inputToken: ["ContinuationToken"],
    outputToken: ["NextContinuationToken"],
    limitKey: "MaxKeys",
    resultKeys: ["Contents", "CommonPrefixes"],
    moreResults: "IsTruncated",
    nonAggregateKeys: S3_EXTRA,
  },
  {
    service: "S3",
    sdkPackage: "client-s3",
    operation: "ListObjects",
    inputToken: ["Marker"],
    // S3 sends NextMarker only with a Delimiter; otherwise the last key is the marker.
    outputToken: ["NextMarker || Contents[-1].Key"],
    limitKey: "MaxKeys",
    resultKeys: ["Contents", "CommonPrefixes"],
    moreResults: "IsTruncated",
    nonAggregateKeys: S3_EXTRA,
  },
  {
    service: "S3",
    sdkPackage: "client-s3",
    operation: "ListObjectVersions",
    inputToken: ["KeyMarker", "VersionIdMarker"],
    outputToken: ["NextKeyMarker", "NextVersionIdMarker"],
    limitKey: "MaxKeys",
    resultKeys: ["Versions", "DeleteMarkers", "CommonPrefixes"],
    moreResults: "IsTruncated",
    nonAggregateKeys: S3_EXTRA,
  },
  {
    service: "S3",
    sdkPackage: "client-s3",
    operation: "ListMultipartUploads",
    inputToken: ["KeyMarker", "UploadIdMarker"],
    outputToken: ["NextKeyMarker", "NextUploadIdMarker"],
    limitKey: "MaxUploads",
    resultKeys: ["Uploads", "CommonPrefixes"],
    moreResults: "IsTruncated",
    nonAggregateKeys: S3_EXTRA,
  },
  {
    service: "S3",
    sdkPackage: "client-s3",
    operation: "ListParts",
    inputToken: ["PartNumberMarker"],
    outputToken: ["NextPartNumberMarker"],
    limitKey: "MaxParts",
    resultKeys: ["Parts"],
    moreResults: "IsTruncated",
    nonAggregateKeys: ["ChecksumAlgorithm", "Initiator", "Owner", "StorageClass", "ChecksumType"],
  },
  {
    service: "DynamoDB",
    sdkPackage: "client-dynamodb",
    operation: "Scan",
    inputToken: ["ExclusiveStartKey"],
    outputToken: ["LastEvaluatedKey"],
    limitKey: "Limit",
    resultKeys: ["Items", "Count", "ScannedCount"],
    nonAggregateKeys: ["ConsumedCapacity"],
  },
  {
    service: "DynamoDB",
    sdkPackage: "client-dynamodb",
    operation: "Query",
    inputToken: ["ExclusiveStartKey"],
    outputToken: ["LastEvaluatedKey"],
    limitKey: "Limit",
    resultKeys: ["Items", "Count", "ScannedCount"],
    nonAggregateKeys: ["ConsumedCapacity"],
  },
  {
    service: "DynamoDB",
    sdkPackage: "client-dynamodb",
    operation: "ListTables",
    inputToken: ["ExclusiveStartTableName"],
    outputToken: ["LastEvaluatedTableName"],
    limitKey: "Limit",
    resultKeys: ["TableNames"],
  },
  {
    // One of the few operations with no page-size parameter: PageSize is refused for it.
    service: "DynamoDB",
    sdkPackage: "client-dynamodb",
    operation: "ListTagsOfResource",
    inputToken: ["NextToken"],
    outputToken: ["NextToken"],
    resultKeys: ["Tags"],
  },
  {
    service: "EC2",
    sdkPackage: "client-ec2",
    operation: "DescribeInstances",
    inputToken: ["NextToken"],
    outputToken: ["NextToken"],
    limitKey: "MaxResults",
    resultKeys: ["Reservations"],
  },
  {
    service: "IAM",
    sdkPackage: "client-iam",
    operation: "ListUsers",
    inputToken: ["Marker"],
    outputToken: ["Marker"],
    limitKey: "MaxItems",
    resultKeys: ["Users"],
    moreResults: "IsTruncated",
  },
  {
    service: "IAM",
    sdkPackage: "client-iam",
    operation: "ListRoles",
    inputToken: ["Marker"],
    outputToken: ["Marker"],
    limitKey: "MaxItems",
    resultKeys: ["Roles"],
    moreResults: "IsTruncated",
  },
];

/** Compare names ignoring case and underscores: `list_objects_v2` matches `ListObjectsV2`. */
const fold = (name: string) => String(name).replace(/_/g, "").toLowerCase();

export function findOperation(service: string, name: string): OperationDef | undefined {
  return OPERATIONS.find((o) => o.service === service && fold(o.operation) === fold(name));
}

export function operationsOf(service: string): OperationDef[] {
  return OPERATIONS.filter((o) => o.service === service);
}

/** boto3's name for an operation (`ListObjectsV2` -> `list_objects_v2`). */
export function botoName(operation: string): string {
  return operation
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .toLowerCase();
}
