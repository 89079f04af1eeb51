/**
 * A long job that the crash test kills with SIGKILL, then runs again.
 * list <outFile>: lists a dataset page by page, appending one JSON line per page (its keys and the
 *   checkpoint token) and resuming from the last complete line when started again.
 * download <cacheDir> <endpoint>: downloads a large object in small parts through <endpoint>.
 */
import * as fs from "node:fs";
import { flatFilesClient } from "../../src/aws/clients";
import { loadConfig } from "../../src/config/env";
import { downloadFile } from "../../src/flatfiles/download";
import { getPaginator } from "../../src/paginator/engine";

const [mode, target, endpoint] = process.argv.slice(2);
const sandbox = loadConfig({ target: "sandbox", cwd: null });
const client = flatFilesClient({ ...sandbox, endpoint: endpoint ?? sandbox.endpoint });

async function list(out: string) {
  const lines = fs.existsSync(out)
    ? fs
        .readFileSync(out, "utf8")
        .split("\n")
        .filter((l) => l.endsWith("}"))
    : [];
  const last = lines.length ? (JSON.parse(lines[lines.length - 1]) as { next?: string }) : null;
  if (last && !last.next) return; // finished earlier
  const pages = getPaginator(client, "list_objects_v2").paginate({
    Bucket: "flatfiles",
    Prefix: "us_stocks_sip/day_aggs_v1/",
    PaginationConfig: { PageSize: 100, StartingToken: last?.next },
  });
  await pages.forEach(async (page) => {
    // One line holds the page's keys and where to resume after it: written together, or not at all.
    fs.appendFileSync(
      out,
      JSON.stringify({ keys: (page.Contents ?? []).map((o) => o.Key), next: pages.checkpoint }) + "\n",
    );
    await new Promise((r) => setTimeout(r, 30));
  });
}

(mode === "list"
  ? list(target)
  : downloadFile(client, "flatfiles", "us_stocks_sip/minute_aggs_v1/2026/11/2026-11-20.csv.gz", {
      cacheDir: target,
      partSize: 1 << 20,
      concurrency: 2,
    })
).then(
  (result) => {
    if (result) process.stdout.write(JSON.stringify({ fetched: result.fetched, size: result.size }) + "\n");
    process.exit(0);
  },
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
