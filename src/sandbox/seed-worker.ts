/** Worker thread body: builds the pack of each dataset id it is sent (see seed.ts). */
import * as path from "node:path";
import { parentPort, workerData } from "node:worker_threads";
import { sandboxDataset } from "./description";
import { buildDatasetPack } from "./seed";

const { dir } = workerData as { dir: string };
parentPort!.on("message", (id: string) => {
  const d = sandboxDataset(id);
  parentPort!.postMessage(buildDatasetPack(d, path.join(dir, `${d.asset}.${d.name}.pack`)));
});
