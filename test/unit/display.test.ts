/** Tables as a notebook shows them: numbers, -0, dates and datetimes in their own zone. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import pl from "nodejs-polars";
import { htmlTable, showFrame } from "../../src/notebook/display";

function printed(f: () => void): string {
  const out: string[] = [];
  const log = console.log;
  console.log = (...a: unknown[]) => void out.push(a.join(" "));
  try {
    f();
  } finally {
    console.log = log;
  }
  return out.join("\n");
}

describe("display", () => {
  it("writes numbers with separators, rounds to 3 places, and never shows -0", () => {
    const html = htmlTable([{ n: 1234567, x: 0.12345, z: -0.0001, w: -0 }]);
    assert.match(html, /<td>1,234,567<\/td><td>0\.123<\/td><td>0<\/td><td>0<\/td>/);
  });

  it("shows a Date column as the day and a datetime in its own zone", () => {
    const df = pl
      .DataFrame({ expiration: [new Date("2026-11-20T00:00:00Z")], n: [1] })
      .withColumns(
        pl.col("expiration").cast(pl.Date),
        pl.lit(new Date("2026-11-20T14:30:00Z")).cast(pl.Datetime("ns", "America/New_York")).alias("t"),
      );
    const text = printed(() => showFrame(df));
    assert.match(text, /^2026-11-20 +1 +2026-11-20 09:30:00 EST$/m);
    assert.doesNotMatch(text, /T00:00:00/);
  });
});
