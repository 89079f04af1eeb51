/**
 * The input and output shapes of the operations table's DynamoDB, EC2 and IAM rows, copied from
 * the SDK packages' own declarations into src/paginator/sdk-shapes/ (`npm run types:sdk-shapes`).
 *
 * Why a copy: a notebook's kernel type-checks the kit's declarations before its first cell, and
 * `import type * as EC2 from "@aws-sdk/client-ec2"` made that parse all 10.5 MB of EC2's (plus
 * IAM's and DynamoDB's 3 MB): more than half of the warm-up, for seven operations. The copy is the
 * closure of those operations' shapes only (interfaces, unions, enums as string unions), the same
 * declarations with their documentation, so the types are the SDK's to the letter:
 * test/unit/sdk-shapes.test.ts fails when the copy differs from what this script makes from the
 * installed SDK, and operations.test.ts checks each row's types equal the SDK's.
 *
 * Parsed with tslab's TypeScript (the kit's own compiler, TypeScript 7, has no JavaScript API).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "@tslab/typescript-for-tslab";
import { PACKAGE_ROOT } from "../../src/util/paths";

/** The table's operations per SDK package (S3 is not copied: the kit imports its client anyway). */
export const SHAPE_PACKAGES = {
  dynamodb: {
    pkg: "@aws-sdk/client-dynamodb",
    operations: ["Scan", "Query", "ListTables", "ListTagsOfResource"],
  },
  ec2: { pkg: "@aws-sdk/client-ec2", operations: ["DescribeInstances"] },
  iam: { pkg: "@aws-sdk/client-iam", operations: ["ListUsers", "ListRoles"] },
} as const;

export const SHAPES_DIR = path.join(PACKAGE_ROOT, "src", "paginator", "sdk-shapes");

/** Names every TypeScript program knows: never looked up in the SDK's models. */
const GLOBALS = new Set(["Record", "Date", "Uint8Array", "Array", "Partial", "Readonly"]);

interface Decl {
  /** The declaration's text, with its documentation comment. */
  text: string;
  node: ts.Node;
}

function sdkDir(pkg: string): string {
  return path.join(
    path.dirname(require.resolve(`${pkg}/package.json`, { paths: [PACKAGE_ROOT] })),
    "dist-types",
  );
}

/** Every top-level declaration of the SDK's models, by name; an enum's const becomes its union type. */
function modelDeclarations(dir: string): Map<string, Decl> {
  const out = new Map<string, Decl>();
  const models = path.join(dir, "models");
  for (const f of fs
    .readdirSync(models)
    .filter((f) => f.endsWith(".d.ts"))
    .sort()) {
    const src = ts.createSourceFile(
      f,
      fs.readFileSync(path.join(models, f), "utf8"),
      ts.ScriptTarget.ES2022,
      true,
    );
    const enums = new Map<string, string[]>();
    for (const st of src.statements) {
      const full = st.getFullText(src);
      const docStart = full.lastIndexOf("/**", full.indexOf(st.getText(src)));
      const text = (docStart >= 0 ? full.slice(docStart) : st.getText(src)).trim();
      if (ts.isVariableStatement(st)) {
        // `export declare const X: { readonly A: "a"; ... }`: an enum's values.
        for (const d of st.declarationList.declarations) {
          if (!ts.isIdentifier(d.name) || !d.type || !ts.isTypeLiteralNode(d.type)) continue;
          enums.set(
            d.name.text,
            d.type.members.map((m) => {
              const t = (m as ts.PropertySignature).type;
              return t ? t.getText(src) : "never";
            }),
          );
        }
      } else if (ts.isTypeAliasDeclaration(st) && enums.has(st.name.text)) {
        // `export type X = (typeof X)[keyof typeof X]`: the same union, written out.
        const doc = text.slice(0, text.indexOf("export")).trim();
        const values = [...new Set(enums.get(st.name.text))];
        out.set(st.name.text, {
          text: `${doc}\nexport type ${st.name.text} = ${values.join(" | ")};`,
          node: st,
        });
      } else if (
        ts.isInterfaceDeclaration(st) ||
        ts.isTypeAliasDeclaration(st) ||
        ts.isModuleDeclaration(st)
      ) {
        const name = st.name.getText(src);
        const prev = out.get(name);
        // A union type and its namespace of members (DynamoDB's AttributeValue) share a name.
        out.set(name, prev ? { text: `${prev.text}\n${text}`, node: st } : { text, node: st });
      }
    }
  }
  return out;
}

/** The type names a declaration refers to (the first part of `A.B`), less its own type parameters. */
function references(node: ts.Node): string[] {
  const names: string[] = [];
  const params = new Set<string>();
  const visit = (n: ts.Node) => {
    if (ts.isTypeParameterDeclaration(n)) params.add(n.name.text);
    if (ts.isTypeReferenceNode(n) || ts.isExpressionWithTypeArguments(n)) {
      let e: ts.Node = ts.isTypeReferenceNode(n) ? n.typeName : n.expression;
      while (ts.isQualifiedName(e) || ts.isPropertyAccessExpression(e))
        e = ts.isQualifiedName(e) ? e.left : e.expression;
      if (ts.isIdentifier(e)) names.push(e.text);
    }
    ts.forEachChild(n, visit);
  };
  visit(node);
  return names.filter((n) => !params.has(n));
}

/** What a command's file says its input and output extend: `ListUsersRequest`, `ListUsersResponse`. */
function commandShapes(dir: string, operation: string): { input: string; output: string } {
  const text = fs.readFileSync(path.join(dir, "commands", `${operation}Command.d.ts`), "utf8");
  const input = new RegExp(`interface ${operation}CommandInput extends (\\w+) \\{`).exec(text)?.[1];
  const output = new RegExp(`interface ${operation}CommandOutput extends (\\w+), __MetadataBearer \\{`).exec(
    text,
  )?.[1];
  if (!input || !output)
    throw new Error(`${operation}Command's input and output are not declared as expected.`);
  return { input, output };
}

/** The file for one SDK package: its operations' command input and output, and every shape they reach. */
export function shapesSource(key: keyof typeof SHAPE_PACKAGES): string {
  const { pkg, operations } = SHAPE_PACKAGES[key];
  const dir = sdkDir(pkg);
  const version = JSON.parse(fs.readFileSync(path.join(dir, "..", "package.json"), "utf8")).version;
  const decls = modelDeclarations(dir);
  const commands = operations.map((op) => ({ op, ...commandShapes(dir, op) }));
  const order: string[] = [];
  const queue = commands.flatMap((c) => [c.input, c.output]);
  while (queue.length) {
    const name = queue.shift()!;
    if (order.includes(name) || GLOBALS.has(name)) continue;
    const d = decls.get(name);
    if (!d) throw new Error(`${pkg}: the shape ${name} is not declared in its models.`);
    order.push(name);
    queue.push(...references(d.node));
  }
  const head = [
    "// Generated by scripts/lib/sdk-shapes.ts (`npm run types:sdk-shapes`) from the declarations of",
    `// ${pkg} ${version}: the shapes of the operations table's rows only, so the kit's`,
    "// declarations do not make every notebook parse the whole package. Do not edit.",
    "// biome-ignore-all lint/suspicious/noExplicitAny: the SDK's declarations, copied as they are",
    'import type { __MetadataBearer } from "@aws-sdk/client-s3";',
    "",
  ];
  const cmds = commands.flatMap((c) => [
    `/** The input of ${c.op}Command, as ${pkg} declares it. */`,
    `export interface ${c.op}CommandInput extends ${c.input} {}`,
    `/** The output of ${c.op}Command, as ${pkg} declares it. */`,
    `export interface ${c.op}CommandOutput extends ${c.output}, __MetadataBearer {}`,
  ]);
  const table = [
    "/** Each operation's command input and output, for the operations table's types. */",
    "export interface Operations {",
    ...commands.map((c) => `  ${c.op}: { input: ${c.op}CommandInput; output: ${c.op}CommandOutput };`),
    "}",
  ];
  return [...head, ...table, ...cmds, ...order.map((n) => decls.get(n)!.text), ""].join("\n");
}

/** Biome's formatting of a TypeScript source, so the files pass `biome ci` as written. */
export function formatted(file: string, source: string): string {
  const bin = path.join(PACKAGE_ROOT, "node_modules", "@biomejs", "biome", "bin", "biome");
  const { spawnSync } = require("node:child_process") as typeof import("node:child_process");
  const r = spawnSync(process.execPath, [bin, "format", `--stdin-file-path=${file}`], {
    input: source,
    encoding: "utf8",
    cwd: PACKAGE_ROOT,
    maxBuffer: 64 * 2 ** 20,
  });
  if (r.status !== 0) throw new Error(`Biome could not format ${file}: ${r.stderr}`);
  return r.stdout;
}

/** Each package's file as this script writes it, from the SDK packages installed now. */
export function expectedShapeFiles(): Map<string, string> {
  const out = new Map<string, string>();
  for (const key of Object.keys(SHAPE_PACKAGES) as (keyof typeof SHAPE_PACKAGES)[]) {
    const file = path.join(SHAPES_DIR, `${key}.ts`);
    out.set(file, formatted(file, shapesSource(key)));
  }
  return out;
}

if (require.main === module) {
  fs.mkdirSync(SHAPES_DIR, { recursive: true });
  for (const [file, text] of expectedShapeFiles()) {
    fs.writeFileSync(file, text);
    console.log(`${path.relative(PACKAGE_ROOT, file)}: ${(text.length / 1024).toFixed(0)} KiB`);
  }
}
