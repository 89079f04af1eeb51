/**
 * The sandbox against the real market (issue #29): each statistic of docs/sandbox-vs-real.md
 * computed from the files the running sandbox serves, downloaded and loaded through the kit as a
 * user would, must fall in its real range; and the doc's table must be what these values render
 * (regenerate it with `npx tsx scripts/sandbox-vs-real.ts`).
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import {
  STATISTICS,
  TABLE_END,
  TABLE_START,
  computeAll,
  kitLoader,
  renderTable,
} from "../../scripts/lib/sandbox-vs-real";
import { sandboxConfig, sandboxS3 } from "../helpers/sandbox";

const s3 = sandboxS3();
const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "sandbox-vs-real-"));
let values: number[] = [];
before(async () => {
  values = await computeAll(kitLoader(s3, sandboxConfig().bucket, cacheDir));
});
after(() => {
  s3.destroy();
  fs.rmSync(cacheDir, { recursive: true, force: true });
});

describe("the sandbox against the real market", () => {
  STATISTICS.forEach((s, i) => {
    if (!s.checked) return;
    it(`${s.name}: in ${s.range[0]} to ${s.range[1]} (real: ${s.real})`, () => {
      const v = values[i];
      assert.ok(Number.isFinite(v) && v >= s.range[0] && v <= s.range[1], `${s.name}: ${v}, real ${s.real}`);
    });
  });

  it("docs/sandbox-vs-real.md shows these values (regenerate with npx tsx scripts/sandbox-vs-real.ts)", () => {
    const doc = fs.readFileSync(path.join(__dirname, "..", "..", "docs", "sandbox-vs-real.md"), "utf8");
    const table = doc.split(TABLE_START)[1]?.split(TABLE_END)[0]?.trim();
    assert.equal(table, renderTable(values));
  });
});
