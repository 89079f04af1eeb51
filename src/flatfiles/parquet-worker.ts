/**
 * The worker thread of `ensureParquet` for large files (started by load/worker.ts): it writes a
 * day's Parquet files batch by batch and lets its event loop turn after each, so polars'
 * finalizers free the frames already written. Messages: { warning }, { progress }, then
 * { result } or { error }; every message bumps `counters[0]` so the waiting thread wakes. It runs
 * under load/worker-boot.ts, which reports a failure to load it and the thread's exit.
 */
import { type MessagePort, workerData } from "node:worker_threads";
import { writeParquetFiles } from "./load/day";

const { file, dataset, dir, options, counters, port } = workerData as {
  file: string;
  dataset: string;
  dir: string;
  options: { batchBytes?: number };
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
    // Overlapped: a batch is written on polars' threads while the next one is parsed here.
    const it = writeParquetFiles(file, dataset, dir, (warning) => post({ warning }), options, true);
    for (;;) {
      const r = it.next();
      if (r.done) {
        post({ result: r.value });
        return;
      }
      if (r.value) await r.value;
      post({ progress: true });
      await new Promise((resolve) => setImmediate(resolve));
    }
  } catch (e) {
    const err = e as { code?: string; message?: string; name?: string };
    post({
      error: { code: err.name === "KitError" ? err.code : undefined, message: err.message ?? String(e) },
    });
  }
})();
