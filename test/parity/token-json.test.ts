/**
 * Tokens are byte-identical to boto3's: pythonJson is checked against the machine's Python
 * json.dumps (which is what botocore uses to write a token). In the parity suite because it
 * needs Python; `npm run check` stays Node-only.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, it } from "node:test";
import { pythonJson } from "../../src/paginator/token";
import { ensureSandboxPython } from "../../src/sandbox/python";

const SAMPLES: unknown[] = [
  { ContinuationToken: "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=", boto_truncate_amount: 17 },
  { KeyMarker: "reports/007.csv", VersionIdMarker: null },
  { ExclusiveStartKey: { ticker: { S: "TAAB001" }, date: { N: "20240315" } } },
  { Marker: 'quote " backslash \\ tab \t newline \n' },
  { Marker: "unicode é ü 東京 😀 \u0001" },
  { n: 1.5, m: 1e-7, big: 12345678901234, neg: -3, flag: true, list: [1, "a", null] },
];

describe("resume tokens against Python", () => {
  it("serialise JSON exactly as Python's json.dumps does", () => {
    const py = spawnSync(
      ensureSandboxPython(),
      ["-c", "import json,sys\nfor o in json.load(sys.stdin): print(json.dumps(o))"],
      {
        input: JSON.stringify(SAMPLES),
        encoding: "utf8",
      },
    );
    assert.equal(py.status, 0, py.stderr);
    assert.deepEqual(SAMPLES.map(pythonJson), py.stdout.trimEnd().split("\n"));
  });
});
