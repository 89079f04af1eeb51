/**
 * Tests never use the user's own download cache (scripts/lib/test-cache.ts): before, a day of
 * test runs left hundreds of Parquet folders in ~/.cache/flatfiles-kit/files, and a test could
 * have read or replaced a real download there.
 */
import assert from "node:assert/strict";
import * as path from "node:path";
import { it } from "node:test";
import { defaultCacheDir } from "../../src/flatfiles/download/cache-path";
import { userCacheDir } from "../../src/util/paths";

it("tests run with a download cache of their own, outside the user's", () => {
  assert.ok(
    process.env.FLATFILES_CACHE_DIR,
    "FLATFILES_CACHE_DIR is not set: run tests through `npm test` or `npm run check`, which give them a cache of their own",
  );
  const dir = path.resolve(defaultCacheDir());
  const user = path.resolve(userCacheDir());
  assert.ok(dir !== user && !dir.startsWith(user + path.sep), `${dir} is inside the user's cache ${user}`);
});
