/**
 * What every bad-input table shares: how a row's failure is read ("code: message"), the checks
 * every row gets (a KitError, no stack trace in the message, no key in it), and small fixtures.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { gzipSync } from "node:zlib";
import { readSandboxState } from "../../../src/config/env";
import { PACKAGE_ROOT } from "../../../src/util/paths";

/** One row: what is tried, how, and the pattern its "code: message" must match. */
export type Row = [string, () => Promise<string> | string, RegExp];

export const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), "kit-bad-"));
export const today = "2026-11-23";
export const noSandbox = { FLATFILES_SANDBOX_STATE: path.join(os.tmpdir(), "none.json") };

/** A gzipped CSV file in a fresh folder. */
export function gz(csv: string): string {
  const file = path.join(tmp(), "day.csv.gz");
  fs.writeFileSync(file, gzipSync(csv));
  return file;
}

/** A fresh folder holding a `.env` with `text`. */
export function envFile(text: string): string {
  const dir = tmp();
  fs.writeFileSync(path.join(dir, ".env"), text);
  return dir;
}

/** Run `f`, return "code: message" of the error it throws (sync or async). */
export async function failure(f: () => unknown): Promise<string> {
  try {
    await f();
  } catch (e) {
    const err = e as Error & { code?: string };
    assert.equal(err?.name, "KitError", `not a KitError: ${err?.name}: ${err?.message}`);
    assert.ok(!/\n\s+at /.test(err.message), "no stack trace in the message");
    return `${err.code}: ${err.message}`;
  }
  return "no error";
}

export function cli(...args: string[]): string {
  return cliWith({}, ...args);
}

/** The built CLI with extra variables: "exit N: stderr stdout". */
export function cliWith(env: NodeJS.ProcessEnv, ...args: string[]): string {
  const r = spawnSync(process.execPath, [path.join(PACKAGE_ROOT, "dist", "cli", "main.js"), ...args], {
    encoding: "utf8",
    env: { ...process.env, ...env },
  });
  return `exit ${r.status}: ${r.stderr}${r.stdout}`;
}

/**
 * The table as tests. When this run has a sandbox, no message may hold its keys; the tables that
 * need none (configuration) run without one too.
 */
export function badInputTable(area: string, rows: Row[]): void {
  describe(`bad input (${area}): a clear, specific message and no side effect`, () => {
    for (const [what, run, expected] of rows) {
      it(what, async () => {
        const got = await run();
        assert.match(got, expected);
        const st = readSandboxState();
        if (st)
          assert.ok(
            !got.includes(st.secretAccessKey) && !got.includes(st.accessKeyId),
            "no key in the message",
          );
      });
    }
  });
}
