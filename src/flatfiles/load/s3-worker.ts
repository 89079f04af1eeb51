/**
 * The worker thread of the synchronous reads of an object-storage lake (started by worker.ts's
 * `runOnWorker`, under worker-boot.ts): `ensure` makes a day's object current, `dates` lists the
 * days a table holds. Messages: { warning }, then { result } or { error }; each bumps
 * `counters[0]` so the waiting thread wakes.
 */
import { type MessagePort, workerData } from "node:worker_threads";
import { statDay } from "./day";
import { findDataset } from "../datasets";
import type { Place } from "./lake";
import { fromWire, type S3LakeWire } from "./s3/target";

const { op, file, dataset, lake, place, options, rel, counters, port } = workerData as {
  op: "ensure" | "dates";
  file: string;
  dataset: string;
  lake: S3LakeWire;
  place: Omit<Place, "s3">;
  options: { batchBytes?: number; rebuild?: boolean };
  rel: string;
  counters: Int32Array;
  port: MessagePort;
};

function post(message: unknown): void {
  port.postMessage(message);
  Atomics.add(counters, 0, 1);
  Atomics.notify(counters, 0);
}

(async () => {
  try {
    const l = fromWire(lake);
    if (op === "ensure") {
      const { ensureOnS3 } = await import("./s3/ensure");
      const st = statDay(file);
      const at: Place = { ...place, s3: l };
      post({
        result: await ensureOnS3(file, findDataset(dataset), st, at, (warning) => post({ warning }), options),
      });
    } else {
      const { lakeClient, listDates } = await import("./s3/store");
      const c = lakeClient(l);
      try {
        post({ result: await listDates(c, l, rel) });
      } finally {
        c.destroy();
      }
    }
  } catch (e) {
    const err = e as { code?: string; message?: string; name?: string };
    post({
      error: { code: err.name === "KitError" ? err.code : undefined, message: err.message ?? String(e) },
    });
  }
})();
