/**
 * A hostile endpoint cannot drive the terminal through the CLI: keys and values holding ESC
 * sequences, newlines, carriage returns, other C0 and C1 controls or bidi overrides are printed
 * written out (`\e[31m`, `\n`, `\u202e`) by every command that prints them, in every format,
 * and the messages that quote them too. The bucket is the sandbox's scratch bucket, filled here.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import * as zlib from "node:zlib";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { FORMATS } from "../../src/cli/args";
import { type CliRun, parseCsv, runCli } from "../helpers/cli-run";
import { sandboxS3, sandboxState } from "../helpers/sandbox";

const BUCKET = "kit-scratch";
const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "kit-cli-hostile-"));
/** What a terminal acts on; a newline is allowed only as the end of an output line. */
const CONTROL =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is its job
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/** A folder of its own, so keys left by earlier runs in the same sandbox do not count. */
const P = `evil-${process.pid}-${Date.now()}`;
// moto refuses a key with a newline, and gives a carriage return back as a newline (XML).
const KEYS = [
  `${P}/\u001b[31mred`,
  `${P}/bell\u0007`,
  `${P}/bidi\u202etxt.exe`,
  `${P}/c1\u009b2J`,
  `${P}/cr\rfake-row 999`,
  `${P}/tab\tx`,
  `${P}/sep\u2028x`,
];
const FOLDER_KEY = `${P}/\u001b[2Jdir/x`;
const DAY_KEY = "us_stocks_sip/day_aggs_v1/2024/03/2024-03-15.csv.gz";
const EVIL_TICKER = "EV\u001b]0;pwned\u0007IL\u202e\u009b2J";

function env() {
  const s = sandboxState();
  return {
    FLATFILES_TARGET: "massive",
    FLATFILES_ENDPOINT: s.endpoint,
    FLATFILES_BUCKET: BUCKET,
    FLATFILES_REGION: s.region,
    FLATFILES_ACCESS_KEY_ID: s.accessKeyId,
    FLATFILES_SECRET_ACCESS_KEY: s.secretAccessKey,
    FLATFILES_CACHE_DIR: cacheDir,
  };
}

const cli = (...argv: string[]) => runCli(argv, env());

function clean(r: CliRun, what: string): void {
  for (const [name, text] of [
    ["stdout", r.out],
    ["stderr", r.err],
  ]) {
    const m = CONTROL.exec(text);
    assert.equal(
      m,
      null,
      `${what}: ${name} holds U+${m?.[0].charCodeAt(0).toString(16)}: ${JSON.stringify(text)}`,
    );
  }
}

describe("CLI output from a hostile endpoint", () => {
  before(async () => {
    const s3 = sandboxS3();
    for (const Key of [...KEYS, FOLDER_KEY])
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: "x" }));
    // A column no layout has, named with an ESC sequence: the table's header and the warning.
    const csv = `ticker,volume,open,close,high,low,window_start,transactions,x\u001b[31m\n${EVIL_TICKER},100,1,2,3,0.5,1710509400000000000,7,a\nAAPL,200,1,2,3,0.5,1710509400000000000,9,b\n`;
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: DAY_KEY, Body: zlib.gzipSync(csv) }));
    s3.destroy();
  });

  it("ls writes control characters in keys and folders out, in every format", async () => {
    for (const format of FORMATS) {
      const r = await cli("ls", `${P}/`, "--format", format);
      assert.equal(r.code, 0, r.err);
      clean(r, `ls --format ${format}`);
      if (format === "json") {
        const names = (JSON.parse(r.out) as { name: string }[]).map((x) => x.name);
        // The data is intact: JSON's escapes parse back to the keys (CR came back as LF).
        assert.ok(names.includes(`${P}/\u001b[31mred`) && names.includes(`${P}/\u001b[2Jdir/`), r.out);
        assert.ok(names.includes(`${P}/cr\nfake-row 999`), r.out);
      } else {
        assert.match(r.out, /\/\\e\[31mred/);
        assert.match(r.out, /\/\\e\[2Jdir\//);
        assert.match(r.out, /\/bidi\\u202etxt\.exe/);
        assert.match(r.out, /\/c1\\x9b2J/);
        assert.match(r.out, /\/bell\\x07/);
        assert.match(r.out, /\/cr\\nfake-row 999/, "no fake row after a newline");
        assert.doesNotMatch(r.out, /^fake-row/m);
        assert.match(r.out, new RegExp(`^${P}/`, "m"));
      }
      if (format === "csv")
        assert.equal(parseCsv(r.out.trimEnd()).length, 1 + KEYS.length + 1, "one line a key");
    }
  });

  it("dates, get and head write a hostile ticker out; messages quoting hostile values too", async () => {
    const runs: [string, CliRun][] = [];
    for (const format of FORMATS) {
      runs.push([
        `dates ${format}`,
        await cli("dates", "us_stocks_sip/day_aggs_v1", "2024-03-15", "2024-03-15", "--format", format),
      ]);
      runs.push([
        `get ${format}`,
        await cli("get", "us_stocks_sip/day_aggs_v1", "2024-03-15", "--format", format),
      ]);
      runs.push([
        `head ${format}`,
        await cli("head", "us_stocks_sip/day_aggs_v1", "2024-03-15", "--format", format),
      ]);
    }
    runs.push(["get range", await cli("get", "us_stocks_sip/day_aggs_v1", "2024-03-14", "2024-03-15")]);
    runs.push(["ls nothing", await cli("ls", `${P}/\u001b[31mnone\u202e`)]);
    runs.push(["bad dataset", await cli("head", "us_stocks_sip/\u001b[31mday\u009b", "2024-03-15")]);
    runs.push([
      "bad ticker",
      await cli("head", "us_options_opra/day_aggs_v1", "2024-03-15", "-u", "\u001b[2J"),
    ]);
    for (const [what, r] of runs) clean(r, what);
    const byName = Object.fromEntries(runs);
    for (const format of ["table", "csv"])
      assert.match(byName[`head ${format}`].out, /EV\\e\]0;pwned\\x07IL\\u202e\\x9b2J/);
    const rows = JSON.parse(byName["head json"].out) as { ticker: string }[];
    assert.equal(rows[0].ticker, EVIL_TICKER, "JSON keeps the value exactly");
    assert.match(byName["head table"].out, /^ticker .* x\\e\[31m$/m, "the column's name");
    assert.match(
      byName["dates table"].err + byName["get table"].err + byName["head table"].err,
      /column "x\\e\[31m" is not in any known layout/,
    );
    assert.match(byName["ls nothing"].out, new RegExp(`Nothing under "${P}/\\\\e\\[31mnone\\\\u202e/"`));
    // Escaped once, by whichever comes first: KitError's own cap (\u001b) or the CLI's writer (\e).
    assert.match(
      byName["bad dataset"].err,
      /Unknown dataset "us_stocks_sip\/\\(e|u001b)\[31mday\\(x9b|u009b)"/,
    );
    assert.match(byName["bad ticker"].err, /not "\\e\[2J"/);
  });
});
