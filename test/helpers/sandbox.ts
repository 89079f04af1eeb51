/** The sandbox that `npm test` started for this run, found through FLATFILES_SANDBOX_STATE. */
import type { S3Client } from "@aws-sdk/client-s3";
import { type FlatFilesConfig, type SandboxState, loadConfig, readSandboxState } from "../../src/config/env";
import { Secret } from "../../src/config/secret";
import { flatFilesClient } from "../../src/aws/clients";

export function sandboxState(): SandboxState {
  const state = readSandboxState();
  if (!state)
    throw new Error("No sandbox for this test run: run the tests with `npm test`, which starts one.");
  return state;
}

export function sandboxConfig(): FlatFilesConfig {
  sandboxState();
  return loadConfig({ target: "sandbox", cwd: null });
}

export function sandboxS3(): S3Client {
  return flatFilesClient(sandboxConfig());
}

/** An S3 client for the sandbox endpoint with keys of the caller's choosing. */
export function s3With(accessKeyId: string, secretAccessKey: string): S3Client {
  return flatFilesClient(
    {
      ...sandboxConfig(),
      accessKeyId: new Secret(accessKeyId),
      secretAccessKey: new Secret(secretAccessKey),
    },
    { maxAttempts: 1 },
  );
}

/** An S3 client with the sandbox's keys that talks to `endpoint` (a proxy in front of the sandbox). */
export function s3Via(endpoint: string, maxAttempts: number): S3Client {
  return flatFilesClient({ ...sandboxConfig(), endpoint }, { maxAttempts });
}
