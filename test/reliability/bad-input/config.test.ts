/**
 * Bad input, configuration: `.env`, the FLATFILES_* variables: one row each, a KitError (or a one-line CLI message) with a specific
 * code and a message naming the problem and the fix. docs/reliability.md lists the same table.
 */
import assert from "node:assert/strict";
import { loadConfig } from "../../../src/config/env";
import { type Row, badInputTable, tmp, noSandbox, envFile, failure } from "./helpers";

const ROWS: Row[] = [
  [
    "no .env and no sandbox",
    () => failure(() => loadConfig({ env: noSandbox, cwd: tmp() })),
    /config\.missing: .*No \.env file.*FLATFILES_ACCESS_KEY_ID.*npm run sandbox/,
  ],
  [
    "half-filled .env",
    () =>
      failure(() => loadConfig({ env: noSandbox, cwd: envFile("FLATFILES_ACCESS_KEY_ID=AKIAEXAMPLE\n") })),
    /config\.half: .*FLATFILES_SECRET_ACCESS_KEY is empty/,
  ],
  [
    "endpoint that is not a URL",
    () =>
      failure(() =>
        loadConfig({
          env: noSandbox,
          cwd: envFile(
            "FLATFILES_ACCESS_KEY_ID=a\nFLATFILES_SECRET_ACCESS_KEY=b\nFLATFILES_ENDPOINT=files.massive.com\n",
          ),
        }),
      ),
    /config\.endpoint: .*not a URL.*https:\/\/files\.massive\.com/,
  ],
  [
    "FLATFILES_TARGET=massive with no keys",
    () => failure(() => loadConfig({ env: { ...noSandbox, FLATFILES_TARGET: "massive" }, cwd: null })),
    /config\.missing: FLATFILES_TARGET is massive, but neither FLATFILES_ACCESS_KEY_ID nor FLATFILES_SECRET_ACCESS_KEY is set/,
  ],
  [
    "a secret pasted into FLATFILES_ENDPOINT (not echoed)",
    async () => {
      const pasted = "wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEYabcd";
      const message = await failure(() =>
        loadConfig({
          env: {
            ...noSandbox,
            FLATFILES_ACCESS_KEY_ID: "a",
            FLATFILES_SECRET_ACCESS_KEY: "b",
            FLATFILES_ENDPOINT: pasted,
          },
          cwd: null,
        }),
      );
      assert.ok(!message.includes(pasted), "the pasted value is not in the message");
      return message;
    },
    /config\.endpoint: FLATFILES_ENDPOINT is \(not shown: it looks like a key\), which is not a URL/,
  ],
  [
    "user:password@ in FLATFILES_ENDPOINT (not echoed)",
    async () => {
      const message = await failure(() =>
        loadConfig({
          env: {
            ...noSandbox,
            FLATFILES_ACCESS_KEY_ID: "a",
            FLATFILES_SECRET_ACCESS_KEY: "b",
            FLATFILES_ENDPOINT: "https://me:hunter22@files.massive.com",
          },
          cwd: null,
        }),
      );
      assert.ok(!message.includes("hunter22"));
      return message;
    },
    /config\.endpoint: FLATFILES_ENDPOINT has a user name or password in it/,
  ],
  [
    "unknown FLATFILES_TARGET",
    () => failure(() => loadConfig({ env: { ...noSandbox, FLATFILES_TARGET: "prod" }, cwd: null })),
    /config\.target: .*auto, sandbox or massive/,
  ],
];

badInputTable("config", ROWS);
