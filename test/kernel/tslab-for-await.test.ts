/**
 * Top-level `for await` in the kit's kernel. tslab 1.0.22 wraps a cell in an async function only
 * when TypeScript reports "await only allowed in async functions" (1308), which `for await`
 * never triggers; patches/tslab+1.0.22.patch (applied by `npm install`) detects it too. These
 * tests run cells through tslab's own converter and executor, as its kernel does. The same patch
 * lets a shorthand property (`{ client }`) name an earlier cell's variable.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type Converter, createConverter } from "tslab/dist/converter";
import { createExecutor, type Executor } from "tslab/dist/executor";

describe("tslab: top-level for await (patched)", () => {
  let conv: Converter;
  let exec: Executor;
  const errors: string[] = [];
  const logs: unknown[] = [];

  /** Run a cell as the kernel does; fail with what the kernel would have printed. */
  async function cell(src: string): Promise<void> {
    errors.length = 0;
    const ok = await exec.execute(src);
    assert.ok(ok, `cell failed:\n${src}\n--\n${errors.join("\n")}`);
    assert.deepEqual(errors, []);
  }

  before(() => {
    conv = createConverter({ isJS: false, isBrowser: false });
    const convs = { node: conv, browser: conv, close: () => conv.close() };
    exec = createExecutor(process.cwd(), convs, {
      log: (...a: unknown[]) => logs.push(a.length === 1 ? a[0] : a),
      error: (...a: unknown[]) => errors.push(a.map(String).join(" ")),
    });
  });
  after(() => exec?.close());

  it("runs a for await at the top level of a cell", async () => {
    await cell(`
let closed = 0;
async function* gen(n = 3) {
  try {
    for (let i = 1; i <= n; i++) { await new Promise((r) => setTimeout(r, 1)); yield i; }
  } finally {
    closed++;
  }
}`);
    await cell(`let total = 0;\nfor await (const x of gen()) total += x;`);
    assert.equal(exec.locals.total, 6);
    assert.equal(exec.locals.closed, 1);
  });

  it("stops at break and closes the generator", async () => {
    await cell(`
let seen: number[] = [];
for await (const x of gen(10)) {
  seen.push(x);
  if (x === 2) break;
}`);
    assert.deepEqual(exec.locals.seen, [1, 2]);
    assert.equal(exec.locals.closed, 2);
  });

  it("counts a for await nested in top-level if, try and blocks", async () => {
    await cell(`
let nested = 0;
if (nested === 0) {
  try {
    { for await (const x of gen(2)) nested += x; }
  } finally {
    nested *= 10;
  }
}`);
    assert.equal(exec.locals.nested, 30);
  });

  it("leaves a for await inside an async function alone (not wrapped twice)", async () => {
    const src = `async function sum(n: number) {\n  let t = 0;\n  for await (const x of gen(n)) t += x;\n  return t;\n}`;
    assert.equal(
      conv.convert("", "async function* g() {}\n" + src.replace("gen(n)", "g()")).hasToplevelAwait,
      false,
    );
    const method = "class Summer { async sum() { for await (const x of [1]) {} } }";
    assert.equal(conv.convert("", method).hasToplevelAwait, false);
    const arrow = "const f = async () => { for await (const x of [1]) {} };";
    assert.equal(conv.convert("", arrow).hasToplevelAwait, false);
    await cell(src);
    await cell(`const four = await sum(2) + 1;`);
    assert.equal(exec.locals.four, 4);
  });

  it("passes an earlier cell's variable through a shorthand property, as in { client, pageSize }", async () => {
    // Unpatched, tslab leaves `client` bare, and the cell fails with "client is not defined".
    await cell(`const client = "the S3 client";\nconst pageSize = 7;`);
    await cell(`const options = { client, pageSize, extra: 1 };\nconst inner = (() => ({ client }))();`);
    assert.deepEqual(exec.locals.options, { client: "the S3 client", pageSize: 7, extra: 1 });
    assert.deepEqual(exec.locals.inner, { client: "the S3 client" });
  });

  it("shows the value of a last expression after a for await", async () => {
    logs.length = 0;
    await cell(`let last = 0;\nfor await (const x of gen(3)) last = x;\nlast * 100`);
    assert.deepEqual(logs, [300]);
  });
});
