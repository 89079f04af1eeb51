/**
 * Writes the table of docs/sandbox-vs-real.md from the files the sandbox serves: starts a
 * sandbox, downloads and loads the days each statistic needs through the kit, and replaces the
 * generated table. `test/integration/sandbox-vs-real.test.ts` fails when the doc drifts.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { flatFilesClient } from "../src/aws/clients";
import { Secret } from "../src/config/secret";
import type { FlatFilesConfig } from "../src/config/env";
import { startSandbox } from "../src/testing";
import { TABLE_END, TABLE_START, computeAll, kitLoader, renderTable } from "./lib/sandbox-vs-real";

async function main() {
  const sb = await startSandbox({ stateFile: null });
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "sandbox-vs-real-"));
  try {
    const config: FlatFilesConfig = {
      target: "sandbox",
      endpoint: sb.endpoint,
      bucket: sb.bucket,
      region: sb.region,
      accessKeyId: new Secret(sb.accessKeyId),
      secretAccessKey: new Secret(sb.secretAccessKey),
      source: "a sandbox started for this script",
      envFile: null,
    };
    const client = flatFilesClient(config);
    const values = await computeAll(kitLoader(client, config.bucket, cacheDir));
    client.destroy();
    const doc = path.join(__dirname, "..", "docs", "sandbox-vs-real.md");
    const text = fs.readFileSync(doc, "utf8");
    const [head, rest] = text.split(TABLE_START);
    const tail = rest.split(TABLE_END)[1];
    fs.writeFileSync(doc, `${head}${TABLE_START}\n${renderTable(values)}\n${TABLE_END}${tail}`);
    console.log(renderTable(values));
  } finally {
    fs.rmSync(cacheDir, { recursive: true, force: true });
    await sb.stop();
  }
}

void main();
