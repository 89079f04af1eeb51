/**
 * The first script of a conversion's worker thread: it reports what the blocked waiting thread
 * (worker.ts) cannot see as events. It says it started, turns a failure to load the converting
 * script (polars' native module on an old Node.js) or a later uncaught error into an error
 * message, and marks the thread's exit in shared memory (`counters[1]`), then loads the script.
 */
import { type MessagePort, workerData } from "node:worker_threads";

const { counters, port, script } = workerData as { counters: Int32Array; port: MessagePort; script: string };

function bump(): void {
  Atomics.add(counters, 0, 1);
  Atomics.notify(counters, 0);
}

function say(message: unknown): void {
  port.postMessage(message);
  bump();
}

const text = (e: unknown) => (e instanceof Error ? e.message : String(e));

process.on("exit", () => {
  Atomics.store(counters, 1, 1);
  bump();
});
process.on("uncaughtException", (e) => {
  say({ error: { message: `its thread failed: ${text(e)}` } });
  process.exit(1);
});
say({ started: true });
try {
  // A require, not an import: the script is chosen at run time, and its failure must be caught here.
  require(script);
} catch (e) {
  say({ error: { message: `its thread could not start (${text(e)}); the kit needs Node.js 22 or newer` } });
}
