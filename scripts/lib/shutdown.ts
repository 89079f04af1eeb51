/** Run clean-up once on Ctrl-C, SIGTERM or a closed terminal, then exit. */
export function onShutdown(cleanup: () => Promise<void> | void): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping...`);
    Promise.resolve()
      .then(cleanup)
      .catch((e) => console.error(e))
      .finally(() => process.exit(0));
  };
  for (const s of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(s, handler);
}
