/**
 * What AWS's own service models say about a paginated operation's page size, read from the
 * documentation each SDK client package ships in its type declarations. Those comments are
 * generated from the same service models botocore uses, not by this project, so a notebook can
 * set a sandbox answer (which this project's emulator shapes) beside the real service's rule and
 * the comparison can fail.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { findOperation } from "../paginator/operations";
import { KitError } from "../util/errors";

/** The package whose declarations document each service of the operation table. */
const PACKAGE_OF: Record<string, string> = {
  S3: "@aws-sdk/client-s3",
  DynamoDB: "@aws-sdk/client-dynamodb",
  EC2: "@aws-sdk/client-ec2",
  IAM: "@aws-sdk/client-iam",
};

/** One row for a table: the operation, its page-size parameter, the model's sentence, the number in it. */
export interface DocumentedPageSize {
  operation: string;
  parameter: string;
  "the service model says": string;
  documented: number | null;
}

/**
 * The documented default page size of an operation of the kit's table (`"IAM", "ListUsers"`):
 * the sentence of the SDK's documentation of its page-size parameter that gives the default, and
 * the number in it (null when the documentation states none).
 */
export function documentedPageSize(service: string, operation: string): DocumentedPageSize {
  const def = findOperation(service, operation);
  if (!def)
    throw new KitError("docs.operation", `${service} ${operation} is not in the kit's operation table.`);
  if (!def.limitKey)
    throw new KitError(
      "docs.no-limit",
      `${service} ${def.operation} has no page-size parameter to document.`,
    );
  // Input shapes are named `...Request` in most models and `...Input` in some (DynamoDB).
  const doc = memberDoc(service, [`${def.operation}Request`, `${def.operation}Input`], def.limitKey);
  const sentence = doc.split(/(?<=\.)\s+/).find((s) => /default/i.test(s)) ?? "(no default stated)";
  const number = sentence.match(/\d[\d,]*/)?.[0];
  return {
    operation: `${service} ${def.operation}`,
    parameter: def.limitKey,
    "the service model says": sentence,
    documented: number === undefined ? null : Number(number.replace(/,/g, "")),
  };
}

/** The plain text of the doc comment above `member` in the first of `shapes` a service's declarations have. */
function memberDoc(service: string, shapes: string[], member: string): string {
  const pkg = PACKAGE_OF[service];
  let entry: string;
  try {
    entry = require.resolve(pkg);
  } catch {
    throw new KitError("docs.package", `Reading ${service}'s documentation needs ${pkg}: npm install ${pkg}`);
  }
  const models = path.join(entry.slice(0, entry.lastIndexOf(`${path.sep}dist-cjs`)), "dist-types", "models");
  for (const file of fs.readdirSync(models).filter((f) => f.endsWith(".d.ts"))) {
    const text = fs.readFileSync(path.join(models, file), "utf8");
    const start = Math.max(...shapes.map((shape) => text.indexOf(`export interface ${shape} {`)));
    if (start < 0) continue;
    const body = text.slice(start, text.indexOf("\n}", start));
    const at = body.search(new RegExp(`\\n\\s*${member}\\?:`));
    if (at < 0) break;
    const comment = body.slice(body.lastIndexOf("/**", at), at);
    return comment
      .replace(/^\s*\/?\*+\/?/gm, " ")
      .replace(/@public/g, "")
      .replace(/<[^>]+>/g, "")
      .replace(/\s+/g, " ")
      .trim();
  }
  throw new KitError("docs.member", `${pkg} documents no ${shapes[0]}.${member}.`);
}
