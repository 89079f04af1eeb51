/** `npm run sandbox`: run the sandbox alone and print how to reach it from other tools. */
import { startSandbox } from "../src/testing";
import { fileError } from "../src/util/file-errors";
import { onShutdown } from "./lib/shutdown";

async function main() {
  const t0 = performance.now();
  const sb = await startSandbox({ log: (m) => console.log(m) });
  onShutdown(() => sb.stop());
  const secs = ((performance.now() - t0) / 1000).toFixed(1);
  console.log(`
Sandbox ready in ${secs} s at ${sb.endpoint} (loopback only)
  bucket ${sb.bucket}: ${sb.objects.toLocaleString("en-US")} flat files; DynamoDB table "tickers", EC2 instances, IAM users
  throwaway keys: ${sb.accessKeyId} / ${sb.secretAccessKey}
  ${sb.deniedPrefix} is denied (403), as for a plan without that dataset

Notebooks and the kit find it through ${sb.stateFile}. From other tools, for example:
  AWS_ACCESS_KEY_ID=${sb.accessKeyId} AWS_SECRET_ACCESS_KEY=${sb.secretAccessKey} \\
    aws --endpoint-url ${sb.endpoint} --region ${sb.region} s3 ls s3://${sb.bucket}/

Ctrl-C stops it.`);
}

main().catch((e) => {
  // A local file error (the cache or the state file's folder unusable) names the path and what to do.
  const said = fileError(e, { action: "starting the sandbox", setting: "FLATFILES_CACHE_DIR" });
  console.error(said instanceof Error ? said.message : said);
  process.exit(1);
});
