/**
 * The worker thread of `ensureParquet` for large files (started by load/worker.ts): it writes a
 * day's Parquet files batch by batch and lets its event loop turn after each, so polars'
 * finalizers free the frames already written. Messages: { warning }, { progress }, then
 * { result } or { error }; every message bumps `counters[0]` so the waiting thread wakes, and
 * `counters[1]` becomes 1 when the thread exits.
 */
import { type MessagePort, workerData } from "node:worker_threads";

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

// The waiting thread cannot see this thread's `exit` event while it blocks: mark it in shared memory.
process.on("exit", () => {
  Atomics.store(counters, 1, 1);
  Atomics.add(counters, 0, 1);
  Atomics.notify(counters, 0);
});
post({ started: true });

(async () => {
  let writeParquetFiles: typeof import("./load/day").writeParquetFiles;
  try {
    // Loaded here, not imported, so a failure to load (polars' native module on an old Node.js)
    // becomes a message instead of a silent death.
    ({ writeParquetFiles } = require("./load/day") as typeof import("./load/day"));
  } catch (e) {
    post({
      error: {
        message: `its worker thread could not load the kit (${(e as Error).message}); the kit needs Node.js 22 or newer`,
      },
    });
    return;
  }
  try {
    const it = writeParquetFiles(file, dataset, dir, (warning) => post({ warning }), options);
    for (;;) {
      const r = it.next();
      if (r.done) {
        post({ result: r.value });
        return;
      }
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
