/**
 * One measurement for bench/warmup.ts, in a fresh process as a kernel is: tslab's converter created
 * in notebooks/ (as the kernel does), then the kernel's warm-up code compiled, then a first cell.
 * Prints CPU seconds of each as one JSON line. argv: the dist folder to import.
 */
import * as path from "node:path";
import { createConverter } from "tslab/dist/converter";
import { PACKAGE_ROOT } from "../src/util/paths";

const dist = process.argv[2];
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
process.chdir(path.join(PACKAGE_ROOT, "notebooks"));
const c0 = cpu();
const conv = createConverter({ isJS: false, isBrowser: false });
const c1 = cpu();
const warm = conv.convert("", `import * as kit from ${JSON.stringify(dist)};`);
const c2 = cpu();
const first = conv.convert(
  "",
  [
    `import * as kit from ${JSON.stringify(dist)};`,
    "const client = kit.flatFilesClient(kit.loadConfig());",
    'const pages = kit.getPaginator(client, "list_objects_v2").paginate({ Bucket: "b" });',
    'const ec2 = kit.getPaginator(client, "describe_instances").paginate({});',
  ].join("\n"),
);
const c3 = cpu();
conv.close();
const diagnostics = [...warm.diagnostics, ...first.diagnostics].map((d) => d.messageText);
console.log(JSON.stringify({ create: c1 - c0, warmUp: c2 - c1, firstCell: c3 - c2, diagnostics }));
