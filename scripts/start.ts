/**
 * `npm start`: the kit's main job. Builds the library, registers the tslab kernel, makes the
 * learner's copy of the notebooks (first start), starts the sandbox and Jupyter Notebook 7 on
 * loopback, and prints the URL to open. Ctrl-C stops all of it.
 */
import * as path from "node:path";
import { describeConfig, kitEnv, loadConfig, readSandboxState } from "../src/config/env";
import { startSandbox } from "../src/testing";
import { PACKAGE_ROOT, sandboxStateFile } from "../src/util/paths";
import { buildLibrary } from "./lib/build";
import { ensureJupyter, writeKernelSpec } from "./lib/jupyter";
import { type JupyterServer, startJupyterServer } from "./lib/jupyter-server";
import { ensureLearnerCopies, learnerDir } from "./lib/learner-notebooks";
import { onShutdown } from "./lib/shutdown";

async function main() {
  ensureJupyter();
  console.log("building the library (dist/)...");
  buildLibrary();
  writeKernelSpec();
  const copied = ensureLearnerCopies();
  const folder = path.relative(PACKAGE_ROOT, learnerDir());
  if (copied.length) console.log(`copied ${copied.length} notebooks to ${folder}/ (yours to edit)`);
  // A sandbox already running (`npm run sandbox` in another terminal) is used, and left running.
  const running = readSandboxState(kitEnv());
  console.log(
    running ? `using the sandbox already running at ${running.endpoint}` : "starting the sandbox...",
  );
  const sb = running
    ? { ...running, stateFile: sandboxStateFile(kitEnv()), stop: async () => {} }
    : await startSandbox({ log: (m) => console.log(`  ${m}`) });
  let jupyter: JupyterServer | null = null;
  onShutdown(async () => {
    await jupyter?.stop();
    await sb.stop();
  });

  let target: string;
  try {
    target = describeConfig(loadConfig());
  } catch (e) {
    target = `not usable: ${(e as Error).message}`;
  }
  jupyter = await startJupyterServer({ env: { FLATFILES_SANDBOX_STATE: sb.stateFile } });
  jupyter.child.once("exit", (code) => {
    console.log(`Jupyter exited (code ${code}); stopping the sandbox.`);
    void sb.stop().then(() => process.exit(code ?? 1));
  });
  const url = `${jupyter.base}/tree/${folder}?token=${jupyter.token}`;
  console.log(`
Jupyter Notebook is ready. Open:

    ${url}

Your notebooks: ${folder}/ (the course stays in notebooks/; \`npm run notebooks:restore [name]\` gets one back)
Flat files: ${target}
Sandbox:    ${sb.endpoint} (DynamoDB, EC2 and IAM examples always run here)
Ctrl-C stops Jupyter, its kernels${running ? "" : " and the sandbox"}.`);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
