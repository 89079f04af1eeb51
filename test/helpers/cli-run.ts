/**
 * The `flatfiles` command run in-process, as its entry runs it (same parsing, same failure
 * report and exit code), with stdout and stderr captured: hundreds of runs cost what a few
 * processes would.
 */
import { exitCode, failureReport, main } from "../../src/cli/main";

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** Runs one command; `env` is set around it, so runs that pass one must not overlap. */
export async function runCli(argv: string[], env: Record<string, string | undefined> = {}): Promise<CliRun> {
  let out = "";
  let err = "";
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  try {
    await main(argv, { out: (s) => (out += `${s}\n`), err: (s) => (err += s), live: false });
    return { code: 0, out, err };
  } catch (e) {
    return { code: exitCode(e), out, err: err + failureReport(e, false) };
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** RFC 4180 CSV into rows of fields (quoted fields may hold commas, quotes and line breaks). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  const endField = () => {
    row.push(field);
    field = "";
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted && c === '"' && text[i + 1] === '"') {
      field += '"';
      i++;
    } else if (quoted && c === '"') quoted = false;
    else if (quoted) field += c;
    else if (c === '"') quoted = true;
    else if (c === ",") endField();
    else if (c === "\n") {
      endField();
      rows.push(row);
      row = [];
    } else field += c;
  }
  if (field || row.length) {
    endField();
    rows.push(row);
  }
  return rows;
}
