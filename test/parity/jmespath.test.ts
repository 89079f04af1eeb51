/**
 * `search` is boto3's: a generated matrix of expressions × documents runs through jmespath.py
 * (the engine boto3's `search` uses, from the Python that has boto3) and through the kit's
 * `compileExpression(...).search`, and every outcome must be the same: the same result, or an
 * error of the same kind (syntax, at the same position; arity; type; unknown function; Python's
 * own TypeError/ValueError). The one difference allowed is documented: an unknown function
 * name is refused before any request, where jmespath.py fails only when the call is evaluated.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import { FUNCTIONS, compileExpression } from "../../src/paginator/jmespath";
import type { JmesError } from "../../src/paginator/expression/errors";
import { ExpRef } from "../../src/paginator/expression/interpreter";
import { PyRuntimeError } from "../../src/paginator/expression/values";
import { ensureSandboxPython } from "../../src/sandbox/python";
import { KitError } from "../../src/util/errors";

type Outcome = { ok: unknown } | { error: string; position?: number; python?: string };

/** Documents of the shapes boto3 pages have, and of every JSON type (no integer-like keys: JavaScript reorders those). */
const DOCUMENTS: unknown[] = [
  {
    Contents: [
      {
        Key: "us_stocks_sip/day_aggs_v1/2024/03/2024-03-14.csv.gz",
        Size: 1200,
        ETag: '"a1"',
        StorageClass: "STANDARD",
      },
      { Key: "us_stocks_sip/day_aggs_v1/2024/03/2024-03-15.csv.gz", Size: 900.5, ETag: '"b2"' },
      { Key: "README", Size: 0 },
    ],
    KeyCount: 3,
    IsTruncated: true,
    CommonPrefixes: [{ Prefix: "a/" }, { Prefix: "b/" }],
    a: 1,
    n: -2.5,
    s: "text",
    e: "",
    t: true,
    f: false,
    z: null,
    arr: [3, 1, 2],
    strs: ["b", "a", "é", "😀", "Z"],
    mixed: [1, "a", null, true, [1], { k: 1 }],
    obj: { x: 1, y: "two", nested: { deep: [1, 2, { w: "v" }] } },
    nums: [1.5, -3, 0, 2],
    empty: [],
    eo: {},
  },
  [1, 2, 3, 4, 5, 6],
  [{ a: 1, b: "x" }, { a: 3, b: "y" }, { a: 2 }, { b: "z" }, null, 5],
  "a string",
  42,
  null,
  {
    "with space": 1,
    'quo"te': 2,
    é: 3,
    a: {
      b: {
        c: [
          [1, 2],
          [3, [4, 5]],
        ],
      },
    },
  },
];

/** Values of every type (literals, raw strings, fields of the first document, the current node). */
const VALUES = [
  "`1`",
  "`-2`",
  "`1.5`",
  "`0`",
  "`2.0`",
  "'a'",
  "'B'",
  '`"é"`',
  '`""`',
  "`true`",
  "`false`",
  "`null`",
  "`[]`",
  "`[1, 2]`",
  "`{}`",
  '`{"a": 1}`',
  "@",
  "a",
  "n",
  "s",
  "arr",
  "strs",
  "obj",
  "mixed",
  "missing",
];
const OPS = ["<", "<=", ">", ">=", "==", "!="];
const EXPREFS = ["&a", "&Size", "&Key", "&@", "&b", "&missing"];

/** Templates walked over every document: paths, projections, filters, slices, pipes, multi-selects. */
const STRUCTURE = [
  "@",
  "a",
  "a.b.c",
  "a.b.c[0]",
  "a.b.c[][]",
  "a.b.c[*][1]",
  '"with space"',
  '"quo\\"te"',
  '"é"',
  "[0]",
  "[-1]",
  "[10]",
  "[-10]",
  "[1:3]",
  "[::2]",
  "[::-1]",
  "[-2:]",
  "[:-2]",
  "[5:1:-1]",
  "[::0]",
  "[:::]",
  "[1:2:3:4]",
  "[*]",
  "[*].a",
  "[]",
  "[][]",
  "*",
  "*.*",
  "[?a > `1`]",
  "[?a]",
  "[?!a]",
  "[?a == `1` || b == 'y']",
  "[?a && b]",
  "[?b > 'x']",
  "[?@ > `2`]",
  "[?@ != `null`]",
  "[?a < b]",
  "Contents[?Size > `1000`].Key",
  "Contents[?Size >= `0`] | length(@)",
  "Contents[*].[Key, Size]",
  "Contents[].{k: Key, s: Size}",
  "Contents[?StorageClass].Key",
  "Contents[?contains(Key, '2024')].Key",
  "Contents[0].Size * `2`",
  "max_by(Contents, &Size).Key",
  "min_by(Contents, &Size).Key",
  "sort_by(Contents, &Size)[].Key",
  "sort_by(Contents, &Key)[-1]",
  "sort_by(mixed, &@)",
  "max_by(mixed, &@)",
  "CommonPrefixes[].Prefix",
  "KeyCount",
  "IsTruncated && KeyCount",
  "e || z || f || s",
  "!e",
  "!`0`",
  "!`0.0`",
  "!empty",
  "obj.*",
  "obj.nested.deep[2].w",
  "keys(obj)",
  "values(obj)",
  'merge(obj, `{"x": 2}`)',
  "to_string(obj)",
  "to_string(strs)",
  "to_string(nums)",
  "length(strs[3])",
  "reverse(strs[3])",
  "sort(strs)",
  "max(strs)",
  "avg(nums)",
  "sum(nums)",
  "avg(arr)",
  "to_string(avg(arr))",
  "to_string(sum(`[0.5, 0.5]`))",
  "map(&a, @)",
  "[a, b][]",
  "{a: a, b: b}",
  "`[1, 2]` | [0]",
  "a.b | c",
  "@.a",
  "&a",
  "a | &b",
  '`{"b": 1, "a": 2}` | keys(@)',
  "{z: a, y: s} | keys(@)",
  "length(@)",
  "type(@)",
  "not_null(missing, z, a)",
];

/** Bits of syntax for random expressions: well-formed ones, and the broken ones a learner types. */
const BITS = [
  "a",
  "b",
  ".",
  "[",
  "]",
  "*",
  ":",
  "?",
  "'x'",
  "`1`",
  '`"s"`',
  "|",
  "||",
  "&&",
  "&",
  "!",
  "(",
  ")",
  "{",
  "}",
  ",",
  "-",
  "-1",
  "0",
  "2",
  "==",
  "=",
  "<",
  ">=",
  "!=",
  "@",
  '"q"',
  "[]",
  "[?",
  " ",
  "`",
  "'",
  "::",
  "length(",
  "abs(",
  "sort_by(",
  "k:",
  "\\",
  "$",
  "é",
  "`{`",
  "`[1,`",
  "`nope`",
  "` 2`",
  "\t",
];

/** A fixed pseudo-random sequence, so a failure names an expression that comes back. */
function prng(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

function cases(): [string, number][] {
  const out: [string, number][] = [];
  // Ordering and equality between values of every type (boto3: null unless numbers or texts).
  for (const l of VALUES) for (const r of VALUES) for (const op of OPS) out.push([`${l} ${op} ${r}`, 0]);
  // Every function with no argument, one of every type, pairs, and expression references.
  const small = VALUES.filter((_, i) => i % 2 === 0);
  for (const f of FUNCTIONS) {
    out.push([`${f}()`, 0]);
    for (const v of [...VALUES, ...EXPREFS]) out.push([`${f}(${v})`, 0]);
    for (const v of small) for (const w of [...small, ...EXPREFS]) out.push([`${f}(${v}, ${w})`, 0]);
    for (const e of EXPREFS)
      out.push([`${f}(${e}, Contents)`, 0], [`${f}(Contents, ${e})`, 0], [`${f}(@, ${e})`, 2]);
    out.push([`${f}(a, a, a)`, 0]);
  }
  // to_number as Python reads text.
  for (const t of [
    "'1'",
    "' 7 '",
    "'1_000'",
    "'1__0'",
    "'1.5'",
    "'.5'",
    "'5.'",
    "'1e3'",
    "'0x10'",
    "''",
    "'inf'",
    "'-Infinity'",
    "'nan'",
    "'١٢٣'",
    "'+3'",
    "'1e400'",
    "'abc'",
    "'2.0'",
  ])
    out.push([`to_number(${t})`, 0], [`to_string(to_number(${t}))`, 0], [`floor(to_number(${t}))`, 0]);
  // Unknown functions where they are always evaluated.
  for (const f of ["nope", "lenght", "startswith"]) out.push([`${f}(@)`, 0], [`${f}(a, 'x')`, 0]);
  for (const t of STRUCTURE) for (let i = 0; i < DOCUMENTS.length; i++) out.push([t, i]);
  const rnd = prng(31);
  for (let n = 0; n < 3000; n++) {
    const len = 1 + Math.floor(rnd() * 6);
    let e = "";
    for (let k = 0; k < len; k++) e += BITS[Math.floor(rnd() * BITS.length)];
    out.push([e, Math.floor(rnd() * DOCUMENTS.length)]);
  }
  return out;
}

function tagged(v: unknown): unknown {
  if (typeof v === "number" && !Number.isFinite(v))
    return { $float: Number.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf" };
  if (v instanceof ExpRef) return { $unserializable: "_Expression" };
  if (Array.isArray(v)) return v.map(tagged);
  if (v && typeof v === "object")
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, tagged(x)]));
  return v === undefined ? null : v;
}

function kitOutcome(expression: string, document: unknown): Outcome {
  let compiled: ReturnType<typeof compileExpression>;
  try {
    compiled = compileExpression(expression);
  } catch (e) {
    assert.ok(e instanceof KitError, `${expression}: not a KitError: ${e}`);
    if (e.code === "jmespath.function") return { error: "function" };
    if (e.code === "jmespath.empty") return { error: "syntax" };
    if (e.code === "jmespath.syntax")
      return { error: "syntax", position: (e.cause as JmesError | undefined)?.position };
    return { error: e.code };
  }
  try {
    return { ok: tagged(compiled.search(document)) };
  } catch (e) {
    assert.ok(e instanceof KitError && e.code === "jmespath.runtime", `${expression}: ${e}`);
    const cause = e.cause;
    if (cause instanceof PyRuntimeError) return { error: "runtime", python: cause.pyClass };
    return { error: (cause as JmesError | undefined)?.kind ?? "runtime" };
  }
}

describe("search is boto3's: jmespath.py and the kit on a generated matrix", () => {
  let all: [string, number][];
  let expected: Outcome[];
  let version: string;
  before(() => {
    all = cases();
    const r = spawnSync(ensureSandboxPython(), [path.join(__dirname, "jmespath_runner.py")], {
      input: JSON.stringify({ cases: all, documents: DOCUMENTS }),
      encoding: "utf8",
      maxBuffer: 256 << 20,
    });
    assert.equal(r.status, 0, r.stderr);
    // str() of an expression reference carries a memory address: the one part that cannot agree.
    const stdout = r.stdout.replace(/(_Expression object) at 0x[0-9a-f]+/g, "$1");
    ({ outcomes: expected, version } = JSON.parse(stdout) as { outcomes: Outcome[]; version: string });
  });

  it("gives the same result or the same error for every expression and document", () => {
    const differences: string[] = [];
    let refusedUpFront = 0;
    all.forEach(([expression, doc], i) => {
      const got = kitOutcome(expression, DOCUMENTS[doc]);
      const want = expected[i];
      // The documented difference: an unknown function is refused before any request.
      if ("error" in got && got.error === "function" && !("error" in want && want.error !== "function")) {
        if ("ok" in want) refusedUpFront++;
        return;
      }
      // A blank expression is refused as empty, with no position: the kind is what must agree.
      if ("error" in got && "error" in want && got.position === undefined) delete want.position;
      try {
        assert.deepStrictEqual(got, want);
      } catch {
        differences.push(
          `${JSON.stringify(expression)} on document ${doc}: boto3 ${JSON.stringify(want)}, kit ${JSON.stringify(got)}`,
        );
      }
    });
    assert.ok(all.length > 10_000, `the matrix has ${all.length} cases`);
    assert.deepEqual(
      differences.slice(0, 40),
      [],
      `${differences.length} differences from jmespath ${version}`,
    );
    assert.ok(
      refusedUpFront < 50,
      `${refusedUpFront} unknown-function cases that jmespath.py never evaluated`,
    );
  });

  it("covers what the issue named: ordering of other types gives null, [:::] is a syntax error", () => {
    const at = (e: string) => expected[all.findIndex(([x, d]) => x === e && d === 0)];
    assert.deepEqual(at("`true` < `false`"), { ok: null });
    assert.deepEqual(at("`[1, 2]` >= `[]`"), { ok: null });
    assert.deepEqual(kitOutcome("`true` < `false`", {}), { ok: null });
    assert.deepEqual(kitOutcome("[:::]", []), at("[:::]"));
    assert.equal((at("[:::]") as { error: string }).error, "syntax");
  });
});
