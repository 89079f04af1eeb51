/**
 * Run writeParquetFiles on a worker thread (parquet-worker.ts) and wait for it here, blocked
 * (ensureParquet is synchronous). Blocked, this thread cannot receive the worker's `error` and
 * `exit` events, so the worker reports them through shared memory instead (worker-boot.ts): it
 * says it started, turns a failure to load or a later uncaught error into an error message, and
 * marks its exit in `counters[1]`. A worker that dies is noticed at once, not after minutes of
 * silence.
 */
import * as path from "node:path";
import { MessageChannel, Worker, receiveMessageOnPort } from "node:worker_threads";
import { KitError } from "../../util/errors";
import type { Dataset } from "../datasets";
import type { BatchOptions } from "./day";
import type { Warn } from "./header";

interface WorkerMessage {
  started?: boolean;
  warning?: string;
  result?: { rows: number; files: number };
  error?: { code?: string; message: string };
}

export function convertOnWorker(
  file: string,
  d: Dataset,
  dir: string,
  warn: Warn,
  options: BatchOptions,
  script = path.join(__dirname, "..", `parquet-worker${__filename.endsWith(".ts") ? ".ts" : ".js"}`),
): { rows: number; files: number } {
  const counters = new Int32Array(new SharedArrayBuffer(8));
  const { port1, port2 } = new MessageChannel();
  const ts = __filename.endsWith(".ts");
  const worker = new Worker(path.join(__dirname, `worker-boot${ts ? ".ts" : ".js"}`), {
    workerData: {
      script,
      file,
      dataset: d.id,
      dir,
      options: { batchBytes: options.batchBytes },
      counters,
      port: port2,
    },
    transferList: [port2],
    // Run from TypeScript sources (tests, benchmarks), the worker needs the same loader.
    execArgv: ts ? ["--import", "tsx"] : [],
  });
  const failed = (message: string) => new Error(`Converting ${file} to Parquet failed: ${message}`);
  let started = false;
  const since = Date.now();
  try {
    for (;;) {
      const seen = Atomics.load(counters, 0);
      const exited = Atomics.load(counters, 1) === 1;
      for (let m = receiveMessageOnPort(port1); m; m = receiveMessageOnPort(port1)) {
        const msg = m.message as WorkerMessage;
        if (msg.started) started = true;
        if (msg.warning) warn(msg.warning);
        if (msg.result) return msg.result;
        if (msg.error) {
          throw msg.error.code ? new KitError(msg.error.code, msg.error.message) : failed(msg.error.message);
        }
      }
      // Exited, and every message it sent before that has been read: it stopped without an answer.
      if (exited) throw failed("its worker thread stopped without finishing (out of memory, or killed).");
      // Only a thread that cannot even run its first line says nothing at all.
      if (!started && Date.now() - since > 60_000)
        throw failed("its worker thread did not start within a minute (the kit needs Node.js 22 or newer).");
      Atomics.wait(counters, 0, seen, 1000);
    }
  } finally {
    port1.close();
    void worker.terminate();
  }
}
