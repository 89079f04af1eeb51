/**
 * A download cache of its own for each test run. Tests download days and make Parquet copies of
 * files in temporary folders; with the default cache all of it went into the user's own
 * (~/.cache/flatfiles-kit/files: after a day of runs, 586 stray lake folders and a dozen more named
 * after temporary folders), where a test could also read, replace or delete a real download.
 * `npm test` and `npm run check` give their tests a fresh folder through FLATFILES_CACHE_DIR and
 * remove it at the end; test/unit/test-cache.test.ts fails in a test process that would use the
 * user's cache. (The sandbox's generated data stays in the user's cache on purpose: it is the
 * same for every run and costs minutes to make.)
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export function testCache(): { env: { FLATFILES_CACHE_DIR: string }; remove: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "flatfiles-kit-test-cache-"));
  return {
    env: { FLATFILES_CACHE_DIR: dir },
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
