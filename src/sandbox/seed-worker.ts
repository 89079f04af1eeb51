/** Worker thread body: builds the packs of the datasets it is given (see seed.ts). */
import * as path from "node:path";
import { parentPort, workerData } from "node:worker_threads";
import { findDataset } from "../flatfiles/datasets";
import { buildDatasetPack } from "./seed";

const { dir, ids } = workerData as { dir: string; ids: string[] };
const objects = ids.flatMap((id) => {
  const d = findDataset(id);
  return buildDatasetPack(d, path.join(dir, `${d.asset}.${d.name}.pack`));
});
parentPort!.postMessage(objects);
