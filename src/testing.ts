/**
 * flatfiles-kit/testing: test and benchmark tooling, kept out of the main entry.
 *
 * The sandbox launcher (the Python emulator plus generated flat files, with a state file that
 * `loadConfig()` finds) and a fault-injecting loopback proxy to put in front of it: latency,
 * error answers, broken bodies, rewritten bodies, replayed GETs. Import it as
 * `require("flatfiles-kit/testing")` (dist/testing.js); the repository's tests, benchmarks and
 * scripts use it from `src/testing`.
 */

import "./util/node-version"; // the Node.js floor, checked before anything else loads

// The sandbox
/** Start the sandbox (moto on loopback, flat files generated once per user) and write its state file. */
export { startSandbox } from "./sandbox/launcher";
/** A running sandbox: endpoint, bucket, throwaway keys, pid, its state file and `stop()`. */
export type { Sandbox } from "./sandbox/launcher";
/** The options of `startSandbox`: data cache, state file, port, log. */
export type { StartOptions } from "./sandbox/launcher";
/** The running sandbox's description from its state file, or null when none is running. */
export { readSandboxState } from "./config/env";
/** What a sandbox state file holds. */
export type { SandboxState } from "./config/env";
/** Where the state file is: FLATFILES_SANDBOX_STATE, the checkout's `.sandbox/state.json`, or per user. */
export { sandboxStateFile } from "./util/paths";

// Fault injection
/** A loopback proxy in front of an endpoint, with hooks for delays, faults, broken or rewritten bodies and replay. */
export { startProxy } from "./sandbox/proxy";
/** A proxy injecting one kind of fault (503, 500, 429, reset, truncate, delay) into a share of requests. */
export { startFaultProxy } from "./sandbox/proxy";
/** S3's throttling answer (503 SlowDown), as a `respond` hook returns it. */
export { SLOW_DOWN } from "./sandbox/proxy";
/** The hooks of `startProxy`: delayMs, replay, breakBody, respond, rewrite. */
export type { ProxyHooks } from "./sandbox/proxy";
/** A running proxy: `endpoint`, `requests`, `close()`. */
export type { Proxy } from "./sandbox/proxy";
/** The faults `startFaultProxy` injects. */
export type { Fault } from "./sandbox/proxy";
