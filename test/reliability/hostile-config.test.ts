/**
 * Configuration is parsed, not pattern-matched: every variable `.env.example` documents, given
 * hostile and careless values, in the environment and in `.env`. Each value either works or gives
 * one line that names the variable (a `config.*` KitError, never "unexpected", never a raw
 * Node error), and no output, error or printed configuration ever holds the secret inside it.
 * A variable added to `.env.example` is tried here without a new line of test.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { inspect } from "node:util";
import { describeConfig, kitEnv, loadConfig } from "../../src/config/env";
import { configRows } from "../../src/notebook/setup-check";
import { MESSAGE_LIMIT } from "../../src/util/errors";
import { PACKAGE_ROOT } from "../../src/util/paths";

const MARK = "S3cr3tMark/Ab+Cd";
const KEYS = { FLATFILES_ACCESS_KEY_ID: "AKIDEXAMPLE", FLATFILES_SECRET_ACCESS_KEY: "wJalrXUtnFEMIK7MDENG" };
const noSandbox = { FLATFILES_SANDBOX_STATE: path.join(os.tmpdir(), "no-such-sandbox-state.json") };

const HOSTILE: [string, string][] = [
  ["a URL with user and password, the secret holding /", `https://AKIDEXAMPLE:${MARK}@files.massive.com`],
  ["user and password without a scheme", `AKIDEXAMPLE:${MARK}@files.massive.com`],
  ["a secret pasted into the wrong line", `${MARK}wJalrXUtnFEMIK7MDENGbPxRfiCY`],
  ["spaces inside", "us east 1"],
  ["a port out of range", "https://files.massive.com:99999"],
  ["a port that is not a number", "https://files.massive.com:https"],
  ["a zero-width space", "files\u200b.massive"],
  ["an escape sequence", "x\u001b[2Jy"],
  ["a line break inside", "first\nsecond"],
  ["a home-relative path", "~/flatfiles-x"],
  ["another user's home", "~root/x"],
  ["a path that climbs", "../../../../etc/passwd"],
  ["capitals", "HTTPS://FILES.MASSIVE.COM/"],
  ["a path, a query and a fragment", "https://files.massive.com/flatfiles?x=1#y"],
  ["an empty-looking value", "  "],
  ["quotes around nothing", '""'],
  ["the text null", "null"],
  ["a negative number", "-1"],
  ["100,000 characters", "a".repeat(100_000)],
];

function variables(): string[] {
  const text = fs.readFileSync(path.join(PACKAGE_ROOT, ".env.example"), "utf8");
  return [...text.matchAll(/^([A-Z_]+)=/gm)].map((m) => m[1]);
}

/** Everything the configuration shows of itself once loaded. */
function printed(c: ReturnType<typeof loadConfig>): string {
  return [describeConfig(c), JSON.stringify(configRows(c)), inspect(c, { depth: 5 }), JSON.stringify(c)].join(
    "\n",
  );
}

function tryConfig(name: string, value: string, where: "environment" | ".env"): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kit-hostile-"));
  const vars = { ...KEYS, [name]: value };
  let env: NodeJS.ProcessEnv = { ...noSandbox, ...vars };
  if (where === ".env") {
    // dotenv reads one line per variable: a value with a line break is written quoted.
    const line = (k: string, v: string) => `${k}=${/[\n"#]/.test(v) ? `'${v}'` : v}`;
    fs.writeFileSync(
      path.join(dir, ".env"),
      `${Object.entries(vars)
        .map(([k, v]) => line(k, v))
        .join("\n")}\n`,
    );
    env = { ...noSandbox };
  }
  try {
    kitEnv(dir, env);
    const c = loadConfig({ env, cwd: dir });
    const shown = printed(c);
    assert.ok(!shown.includes(MARK), `${name}: the secret is printed:\n${shown}`);
    return "works";
  } catch (e) {
    const err = e as Error & { code?: string };
    const what = `${name}=${JSON.stringify(value.slice(0, 60))} in ${where}`;
    assert.equal(err.name, "KitError", `${what}: not a KitError: ${err.stack}`);
    assert.match(String(err.code), /^config\./, `${what}: ${err.code}: ${err.message}`);
    assert.ok(err.message.includes(name), `${what}: the message does not name ${name}: ${err.message}`);
    assert.ok(!err.message.includes("\n"), `${what}: more than one line: ${err.message}`);
    assert.ok(!err.message.includes(MARK), `${what}: the secret is echoed: ${err.message}`);
    assert.ok(!/bug in flatfiles-kit/.test(err.message), `${what}: reported as a bug`);
    assert.ok(err.message.length <= MESSAGE_LIMIT, `${what}: ${err.message.length} characters`);
    return err.code!;
  }
}

describe("every variable in .env.example, given hostile values", () => {
  it(".env.example documents the kit's variables", () => assert.ok(variables().length >= 9));
  for (const name of variables()) {
    it(name, () => {
      const outcomes = new Set<string>();
      for (const [, value] of HOSTILE)
        for (const where of ["environment", ".env"] as const) outcomes.add(tryConfig(name, value, where));
      // Every variable refuses something: a variable nothing is checked for would say "works" to all.
      assert.ok(
        [...outcomes].some((o) => o !== "works"),
        `${name} accepted every hostile value`,
      );
    });
  }
});
