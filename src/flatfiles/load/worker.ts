/**
 * Work on a worker thread (a conversion, parquet-worker.ts; an object-storage step,
 * s3-worker.ts), waited for in one of two ways.
 *
 * Blocked (`runOnWorker`, for the synchronous `ensureParquet`/`loadDay`/`scanDays`): this thread
 * cannot receive the worker's `error` and `exit` events, so the worker reports them through
 * shared memory instead (worker-boot.ts): it says it started, turns a failure to load or a later
 * uncaught error into an error message, and marks its exit in `counters[1]`. A worker that dies
 * is noticed at once, not after minutes of silence.
 *
 * Awaited (`runOnWorkerAsync`, for ranges and the CLI): the event loop turns while the worker
 * runs, so an AbortSignal (Ctrl-C) reaches it and ends the thread; what it left in the staging
 * folder is swept by the next run.
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
  result?: unknown;
  error?: { code?: string; message: string };
}

const TS = __filename.endsWith(".ts");
const ext = TS ? ".ts" : ".js";

/** A script of this folder's parent (`flatfiles/`) or of this folder, by name. */
export function scriptPath(name: string, inLoad = false): string {
  return path.join(__dirname, inLoad ? "" : "..", `${name}${ext}`);
}

function start(script: string, data: Record<string, unknown>) {
  const counters = new Int32Array(new SharedArrayBuffer(8));
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(path.join(__dirname, `worker-boot${ext}`), {
    workerData: { ...data, script, counters, port: port2 },
    transferList: [port2],
    // Run from TypeScript sources (tests, benchmarks), the worker needs the same loader.
    execArgv: TS ? ["--import", "tsx"] : [],
  });
  return { counters, port1, worker };
}

function settle(
  msg: WorkerMessage,
  warn: Warn,
  failed: (m: string) => Error,
): { done: boolean; value?: unknown } {
  if (msg.warning) warn(msg.warning);
  if (msg.result !== undefined) return { done: true, value: msg.result };
  if (msg.error)
    throw msg.error.code ? new KitError(msg.error.code, msg.error.message) : failed(msg.error.message);
  return { done: false };
}

/** Run `script` on a worker thread with this thread blocked until it answers. */
export function runOnWorker<T>(script: string, data: Record<string, unknown>, warn: Warn, what: string): T {
  const { counters, port1, worker } = start(script, data);
  const failed = (message: string) => new Error(`${what} failed: ${message}`);
  let started = false;
  const since = Date.now();
  try {
    for (;;) {
      const seen = Atomics.load(counters, 0);
      const exited = Atomics.load(counters, 1) === 1;
      for (let m = receiveMessageOnPort(port1); m; m = receiveMessageOnPort(port1)) {
        const msg = m.message as WorkerMessage;
        if (msg.started) started = true;
        const r = settle(msg, warn, failed);
        if (r.done) return r.value as T;
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

/** Run `script` on a worker thread and await its answer; the signal ends the thread. */
export async function runOnWorkerAsync<T>(
  script: string,
  data: Record<string, unknown>,
  warn: Warn,
  what: string,
  signal?: AbortSignal,
): Promise<T> {
  signal?.throwIfAborted();
  const { port1, worker } = start(script, data);
  const failed = (message: string) => new Error(`${what} failed: ${message}`);
  let onAbort = () => {};
  try {
    return await new Promise<T>((resolve, reject) => {
      onAbort = () => reject(signal?.reason ?? new DOMException("aborted", "AbortError"));
      signal?.addEventListener("abort", onAbort, { once: true });
      const take = (msg: WorkerMessage) => {
        try {
          const r = settle(msg, warn, failed);
          if (r.done) resolve(r.value as T);
        } catch (e) {
          reject(e);
        }
      };
      port1.on("message", take);
      worker.on("error", (e) => reject(failed(e.message)));
      // The exit can be seen before the last messages it sent: read those first, then an exit
      // with no answer is a thread that died.
      worker.on("exit", () => {
        for (let m = receiveMessageOnPort(port1); m; m = receiveMessageOnPort(port1))
          take(m.message as WorkerMessage);
        reject(failed("its worker thread stopped without finishing (out of memory, or killed)."));
      });
    });
  } finally {
    // One signal serves a whole range: a listener left per day would pile up.
    signal?.removeEventListener("abort", onAbort);
    port1.close();
    await worker.terminate();
  }
}

/** The worker's data for a conversion (parquet-worker.ts). */
function conversion(file: string, d: Dataset, dir: string, options: BatchOptions) {
  return { file, dataset: d.id, dir, options: { batchBytes: options.batchBytes } };
}

export function convertOnWorker(
  file: string,
  d: Dataset,
  dir: string,
  warn: Warn,
  options: BatchOptions,
  script = scriptPath("parquet-worker"),
): { rows: number; files: number } {
  return runOnWorker(script, conversion(file, d, dir, options), warn, `Converting ${file} to Parquet`);
}

export function convertOnWorkerAsync(
  file: string,
  d: Dataset,
  dir: string,
  warn: Warn,
  options: BatchOptions,
  signal?: AbortSignal,
): Promise<{ rows: number; files: number }> {
  return runOnWorkerAsync(
    scriptPath("parquet-worker"),
    conversion(file, d, dir, options),
    warn,
    `Converting ${file} to Parquet`,
    signal,
  );
}
