/**
 * A project that uses the installed kit (test/integration/consumer-project.test.ts copies this
 * into a fresh project, type-checks it under `nodenext` and `bundler` resolution, and runs it
 * against the sandbox). Everything it finds is printed as one JSON line for the test to check.
 */
import {
  type DayFile,
  KitError,
  downloadDay,
  flatFilesClient,
  getPaginator,
  listDays,
  loadConfig,
  loadDay,
  renderChart,
  scanDays,
} from "flatfiles-kit";
import type { Sandbox } from "flatfiles-kit/testing";

const DATASET = "us_stocks_sip/day_aggs_v1";
const config = loadConfig();
const client = flatFilesClient(config);
const bucket = { client, bucket: config.bucket };
const paginator = getPaginator(client, "list_objects_v2");
const input = { Bucket: config.bucket, Prefix: `${DATASET}/2024/03/` };

const keysOf = async (pages: AsyncIterable<{ Contents?: { Key?: string }[] }>) => {
  const keys: string[] = [];
  for await (const page of pages) for (const o of page.Contents ?? []) keys.push(o.Key ?? "");
  return keys;
};

// List with a paginator, stop after three keys, resume from the token.
const first = paginator.paginate({ ...input, PaginationConfig: { PageSize: 2, MaxItems: 3 } });
const firstKeys = await keysOf(first);
const resumed = await keysOf(
  paginator.paginate({
    ...input,
    PaginationConfig: { PageSize: 2, MaxItems: 3, StartingToken: first.resumeToken },
  }),
);
const whole = await keysOf(paginator.paginate({ ...input, PaginationConfig: { MaxItems: 6 } }));

// The days of a week, one downloaded, loaded, and scanned lazily.
const days: DayFile[] = await listDays(bucket, DATASET, "2024-03-11", "2024-03-15");
const day = await downloadDay(bucket, DATASET, "2024-03-15");
const frame = loadDay(day.path, DATASET);
const ticker = String(frame.getColumn("ticker").get(0));
const scanned = scanDays([day.path], DATASET, {
  tickers: [ticker],
  columns: ["ticker", "close"],
}).collectSync();

// An optional package the project did not add: the message names it.
let chartError: { code: string; message: string } | null = null;
try {
  await renderChart({ mark: "point", data: { values: [] } });
} catch (e) {
  if (!(e instanceof KitError)) throw e;
  chartError = { code: e.code, message: e.message };
}

const sandboxType: Sandbox["endpoint"] | undefined = undefined; // the testing entry's types resolve
console.log(
  JSON.stringify({
    node: process.versions.node,
    firstKeys,
    resumeToken: first.resumeToken,
    resumed,
    whole,
    days: days.map((d) => d.date),
    downloaded: day.path,
    rows: frame.height,
    columns: frame.columns,
    ticker,
    scanned: {
      rows: scanned.height,
      columns: scanned.columns,
      tickers: [...new Set(scanned.getColumn("ticker").toArray())],
    },
    chartError,
    sandboxType: sandboxType ?? null,
  }),
);
