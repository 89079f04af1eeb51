/**
 * A node:test reporter for `npm run check`: the seconds of each test file's top-level tests, added
 * to node_modules/.cache/flatfiles-kit/unit-test-seconds.json, which test-times.ts reads to start
 * the slowest files first next time. It prints nothing; the dot reporter beside it does.
 */
import * as fs from "node:fs";

const FILE = new URL("../../node_modules/.cache/flatfiles-kit/unit-test-seconds.json", import.meta.url);

export default async function* reporter(source) {
  const seconds = {};
  for await (const event of source) {
    const { nesting, file, details } = event.data ?? {};
    if ((event.type === "test:pass" || event.type === "test:fail") && nesting === 0 && file)
      seconds[file] = (seconds[file] ?? 0) + (details?.duration_ms ?? 0) / 1000;
  }
  let last = {};
  try {
    last = JSON.parse(fs.readFileSync(FILE, "utf8"));
  } catch {}
  fs.mkdirSync(new URL(".", FILE), { recursive: true });
  fs.writeFileSync(FILE, JSON.stringify({ ...last, ...seconds }, null, 1));
  yield "";
}
