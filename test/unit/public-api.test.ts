/**
 * The main entry (src/index.ts → dist/index.js, `import * as kit from "../dist"`) is the kit's
 * public API: what the notebooks and their solutions use is there, each export is documented,
 * and test tooling is not (it is in src/testing.ts → `flatfiles-kit/testing`).
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { PACKAGE_ROOT } from "../../src/util/paths";

interface ExportStatement {
  line: number;
  names: string[];
  /** The names exported as values (not `type`). */
  values: string[];
  doc: string | null;
}

/** The export statements of an entry file, each with the line just above it if that is a one-line doc comment. */
function exportsOf(file: string): { statements: ExportStatement[]; star: boolean } {
  const lines = fs.readFileSync(file, "utf8").split("\n");
  const statements: ExportStatement[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^export\b/.test(lines[i])) continue;
    const first = i;
    let text = lines[i];
    while (!/;\s*$/.test(text) && i + 1 < lines.length) text += ` ${lines[++i]}`;
    // A lazy export (src/util/lazy.ts) names the function it stands for: `export const x = mod.fn("x"...);`.
    const lazy = /^export const (\w+) = \w+\.fn\("(\w+)"[^;]*\);$/.exec(text.trim());
    if (lazy) {
      assert.equal(lazy[1], lazy[2], `${path.basename(file)}:${first + 1}: a lazy export under another name`);
      const above = (lines[first - 1] ?? "").trim();
      const doc = /^\/\*\*\s.*\S\s*\*\/$/.test(above) ? above : null;
      statements.push({ line: first + 1, names: [lazy[1]], values: [lazy[1]], doc });
      continue;
    }
    const m = /^export\s+(type\s+)?\{([^}]*)\}\s*from\s*"[^"]+";$/.exec(text.trim());
    assert.ok(m, `${path.basename(file)}:${first + 1}: an export the test cannot read: ${text}`);
    const specifiers = m[2]
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    const exported = (s: string) =>
      s
        .replace(/^type\s+/, "")
        .split(/\s+as\s+/)
        .pop()!;
    const names = specifiers.map(exported);
    const values = m[1] ? [] : specifiers.filter((s) => !/^type\s/.test(s)).map(exported);
    const above = (lines[first - 1] ?? "").trim();
    const doc = /^\/\*\*\s.*\S\s*\*\/$/.test(above) ? above : null;
    statements.push({ line: first + 1, names, values, doc });
  }
  return { statements, star: lines.some((l) => /^export\s*\*/.test(l)) };
}

const INDEX = path.join(PACKAGE_ROOT, "src", "index.ts");
const TESTING = path.join(PACKAGE_ROOT, "src", "testing.ts");
const main = exportsOf(INDEX);
const mainNames = main.statements.flatMap((s) => s.names);

/** Test and benchmark tooling: in src/testing.ts, never in the main entry. */
const TOOLING = [
  "startProxy",
  "startFaultProxy",
  "startSandbox",
  "SLOW_DOWN",
  "ProxyHooks",
  "Proxy",
  "Fault",
  "Sandbox",
  "StartOptions",
  "readSandboxState",
  "SandboxState",
  "sandboxStateFile",
];

/** Every `kit.X` a notebook's code or a solution uses. */
function kitNamesUsed(): Map<string, string[]> {
  const used = new Map<string, string[]>();
  const files = [
    ...fs
      .readdirSync(path.join(PACKAGE_ROOT, "notebooks"))
      .filter((f) => f.endsWith(".ipynb"))
      .map((f) => path.join("notebooks", f)),
    ...fs
      .readdirSync(path.join(PACKAGE_ROOT, "docs", "solutions"))
      .filter((f) => f.endsWith(".md"))
      .map((f) => path.join("docs", "solutions", f)),
  ];
  for (const file of files) {
    for (const m of fs.readFileSync(path.join(PACKAGE_ROOT, file), "utf8").matchAll(/\bkit\.(\w+)/g)) {
      used.set(m[1], [...new Set([...(used.get(m[1]) ?? []), file])]);
    }
  }
  return used;
}

/** The src/ modules a file imports, transitively (static imports, `require` and `import()` of relative paths). */
function importGraph(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = fs.readFileSync(file, "utf8");
    for (const m of text.matchAll(
      /(?:from\s+|import\s*\(\s*|require\s*\(\s*|^import\s+)"(\.{1,2}\/[^"]+)"/gm,
    )) {
      const base = path.resolve(path.dirname(file), m[1]);
      const target = [`${base}.ts`, path.join(base, "index.ts"), base].find(
        (f) => fs.existsSync(f) && fs.statSync(f).isFile(),
      );
      if (target) visit(target);
    }
  };
  visit(entry);
  return seen;
}

describe("the main entry (src/index.ts)", () => {
  it("re-exports names one by one (no `export *`), each name once", () => {
    assert.equal(main.star, false);
    assert.ok(
      main.statements.every((s) => s.names.length === 1),
      "one name per export statement, each with its own comment",
    );
    const dupes = mainNames.filter((n, i) => mainNames.indexOf(n) !== i);
    assert.deepEqual(dupes, []);
  });

  it("gives every export a one-line doc comment", () => {
    const bare = main.statements.filter((s) => !s.doc).map((s) => `line ${s.line}: ${s.names.join(", ")}`);
    assert.deepEqual(bare, []);
  });

  it("exports at run time exactly the value names index.ts lists", async () => {
    const kit = (await import("../../src/index")) as Record<string, unknown>;
    const values = main.statements.flatMap((s) => s.values);
    assert.deepEqual(
      Object.keys(kit)
        .filter((k) => k !== "default" && k !== "__esModule")
        .sort(),
      [...values].sort(),
    );
    for (const name of values) assert.notEqual(kit[name], undefined, `${name} is exported but undefined`);
  });

  it("exports no test or benchmark tooling", async () => {
    const kit = (await import("../../src/index")) as Record<string, unknown>;
    for (const name of TOOLING) {
      assert.ok(!mainNames.includes(name), `${name} is test tooling: export it from src/testing.ts`);
      assert.ok(!(name in kit), `${name} is test tooling, yet the main entry exports it at run time`);
    }
  });

  it("does not load the sandbox launcher, its data generator or tsx", () => {
    const graph = importGraph(INDEX);
    const rel = [...graph].map((f) => path.relative(PACKAGE_ROOT, f));
    for (const tooling of [
      "src/sandbox/launcher.ts",
      "src/sandbox/seed.ts",
      "src/sandbox/python.ts",
      "src/testing.ts",
    ]) {
      assert.ok(!rel.includes(tooling), `the main entry reaches ${tooling}`);
    }
    const tsx = rel.filter((f) =>
      /require\(\s*["']tsx/.test(fs.readFileSync(path.join(PACKAGE_ROOT, f), "utf8")),
    );
    assert.deepEqual(tsx, [], "library code reachable from the main entry requires tsx (a dev dependency)");
  });

  it("has every kit.X that a notebook or a solution uses", () => {
    const missing = [...kitNamesUsed()]
      .filter(([name]) => !mainNames.includes(name))
      .map(([name, files]) => `${name} (${files.join(", ")})`);
    assert.deepEqual(missing, []);
  });

  it("keeps the teaching throttler's old name, as the same function", async () => {
    const kit = await import("../../src/index");
    assert.equal(kit.startThrottlingProxy, kit.startTeachingThrottler);
  });
});

describe("the testing entry (src/testing.ts, flatfiles-kit/testing)", () => {
  const testing = exportsOf(TESTING);

  it("documents each export and has the tooling the tests and benchmarks use", async () => {
    assert.equal(testing.star, false);
    assert.deepEqual(
      testing.statements.filter((s) => !s.doc).map((s) => s.line),
      [],
    );
    const mod = (await import("../../src/testing")) as Record<string, unknown>;
    for (const name of [
      "startSandbox",
      "startProxy",
      "startFaultProxy",
      "readSandboxState",
      "sandboxStateFile",
    ]) {
      assert.equal(typeof mod[name], "function", name);
    }
    assert.equal((mod.SLOW_DOWN as { status: number }).status, 503);
  });
});
