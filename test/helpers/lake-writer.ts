/**
 * A writer of an object-storage lake in its own process, for tests that kill it midway:
 * `tsx test/helpers/lake-writer.ts <json>` with { cacheDir, lake, dataset, from, to, conversions }.
 * Prints one line per day written, then "done".
 */
import { loadConfig } from "../../src/config/env";
import { flatFilesClient } from "../../src/aws/clients";
import { downloadRange } from "../../src/flatfiles/range";

const args = JSON.parse(process.argv[2]) as {
  cacheDir: string;
  lake: { url: string; endpoint: string };
  dataset: string;
  from: string;
  to: string;
  conversions?: number;
};

(async () => {
  const config = loadConfig({ target: "sandbox", cwd: null });
  const ref = { client: flatFilesClient(config), bucket: config.bucket };
  const r = await downloadRange(
    ref,
    { dataset: args.dataset, from: args.from, to: args.to },
    { cacheDir: args.cacheDir, parquet: true, lake: args.lake, conversions: args.conversions ?? 1 },
  );
  ref.client.destroy();
  for (const d of r.done) console.log(`day ${d.date}`);
  if (r.failed.length) console.log(JSON.stringify(r.failed));
  console.log("done");
})();
