/**
 * The command line's grammar: the commands, the options each takes, and the checks that turn a
 * mistyped one into a usage error before anything is loaded or fetched. It imports nothing heavy,
 * so `flatfiles --help` and a usage error start at once.
 */
import { parseArgs } from "node:util";
import { KitError } from "../util/errors";
import { closestNames } from "../util/suggest";
import { safe } from "./output";

export const USAGE = `flatfiles: Polygon/Massive flat files from the terminal (sandbox when .env has no keys)

  flatfiles ls [prefix]                      list one level: asset classes, datasets, years...
  flatfiles dates <dataset> <from> <to>      the days a dataset has between two dates
  flatfiles get <dataset> <date> [<to>]      download a day, or every day of a range, into the cache
        [--dry-run] [--parquet] [-j files]   (list first / also build the Parquet lake / files at once)
        [--lake folder|s3://bucket/prefix]   (where --parquet puts the lake; -j also sets conversions at once)
  flatfiles head <dataset> <date> [-n rows] [--ticker T | --underlying U] [--columns a,b]
        [--times ny|utc|raw]                 the first rows of a day (of one ticker, or of one
                                             underlying's option contracts), as wide as the terminal
  flatfiles config                           which endpoint and key source are in use

  dataset: asset/name, for example us_stocks_sip/day_aggs_v1; dates: YYYY-MM-DD
  options: -f, --format table|csv|json (ls, dates, get, head; default table)
           -n, --rows N   rows for head (default 10);  -t, --ticker T;  -u, --underlying U
           (options datasets: O:U… contracts);  -c, --columns a,b: these columns, in this order
           --times ny|utc|raw: timestamps in New York time (default), UTC, or nanoseconds as in
           the file (--raw-times is --times raw);  -h, --help
  sizes: 1 kB = 1,000 bytes, 1 MB = 10^6, 1 GB = 10^9`;

export const OPTIONS = {
  rows: { type: "string", short: "n" },
  ticker: { type: "string", short: "t" },
  underlying: { type: "string", short: "u" },
  format: { type: "string", short: "f" },
  columns: { type: "string", short: "c" },
  times: { type: "string" },
  "raw-times": { type: "boolean" },
  "dry-run": { type: "boolean" },
  parquet: { type: "boolean" },
  jobs: { type: "string", short: "j" },
  lake: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export type OptionName = keyof typeof OPTIONS;
export type Values = { [K in OptionName]?: (typeof OPTIONS)[K]["type"] extends "boolean" ? boolean : string };

export interface CommandSpec {
  /** Positional arguments: at least `min`, at most `max`, described by `needs` when too few. */
  min: number;
  max: number;
  needs: string;
  /** The options it takes besides --help; any other is a usage error. */
  options: readonly OptionName[];
}

/** Every command, with what it takes: the test matrix is generated from this table. */
export const COMMANDS: Readonly<Record<string, CommandSpec>> = {
  ls: { min: 0, max: 1, needs: "", options: ["format"] },
  dates: { min: 3, max: 3, needs: "a dataset and two dates", options: ["format"] },
  get: {
    min: 2,
    max: 3,
    needs: "a dataset and a date (or two, for a range)",
    options: ["format", "dry-run", "parquet", "jobs", "lake"],
  },
  head: {
    min: 2,
    max: 2,
    needs: "a dataset and a date",
    options: ["format", "rows", "ticker", "underlying", "columns", "times", "raw-times"],
  },
  config: { min: 0, max: 0, needs: "", options: [] },
};

export const FORMATS = ["table", "csv", "json"] as const;
export type Format = (typeof FORMATS)[number];

/** A usage mistake, in one line: what was wrong, and where the whole grammar is. */
export function usage(message: string): never {
  throw new KitError("cli.usage", `${message} ("flatfiles --help" shows every command and option.)`);
}

/** ` (did you mean "x"?)`, or nothing when no candidate is close. */
export function didYouMean(typed: string, candidates: Iterable<string>, show = (c: string) => c): string {
  const close = closestNames(typed, candidates, 2);
  return close.length ? ` (did you mean ${close.map(show).join(" or ")}?)` : "";
}

/** The message for an option parseArgs does not know, with the closest one it does. */
function unknownOption(message: string): string {
  const m = /^Unknown option '(-{1,2})([^']*)'/.exec(message);
  if (!m) return message.replace(/\. To specify.*$/s, "");
  const [dashes, name] = [m[1], m[2]];
  const long = Object.keys(OPTIONS);
  const short = Object.values(OPTIONS).flatMap((o) => ("short" in o ? [o.short] : []));
  const hint =
    dashes === "--" ? didYouMean(name, long, (c) => `--${c}`) : didYouMean(name, short, (c) => `-${c}`);
  return `Unknown option '${shown(`${dashes}${name}`)}'${hint}.`;
}

/** A value the user typed, shortened for a message, its control characters written out. */
export function shown(value: string, n = 40): string {
  return safe(value.length > n ? `${value.slice(0, n)}…` : value);
}

export interface CommandLine {
  command: string | undefined;
  args: string[];
  values: Values;
}

/** The command line, or a usage error that says what was wrong with it. */
export function parseCommandLine(argv: string[]): CommandLine {
  let parsed: ReturnType<
    typeof parseArgs<{ args: string[]; allowPositionals: true; options: typeof OPTIONS }>
  >;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  } catch (e) {
    return usage(unknownOption((e as Error).message));
  }
  const [command, ...args] = parsed.positionals;
  const values = parsed.values as Values;
  if (values.help || !command) return { command: undefined, args, values };
  const spec = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!spec)
    usage(
      `Unknown command "${shown(command)}"${didYouMean(command, Object.keys(COMMANDS), (c) => `"${c}"`)}. Commands: ${Object.keys(COMMANDS).join(", ")}.`,
    );
  if (args.length < spec.min) usage(`"flatfiles ${command}" needs ${spec.needs}.`);
  if (args.length > spec.max)
    usage(
      `"flatfiles ${command}" takes at most ${spec.max} arguments; "${shown(args[spec.max])}" is one too many.`,
    );
  const given = (Object.keys(values) as OptionName[]).filter((o) => o !== "help" && values[o] !== undefined);
  const foreign = given.find((o) => !spec.options.includes(o));
  if (foreign)
    usage(
      `--${foreign} is not an option of "flatfiles ${command}"${spec.options.length ? ` (it takes ${spec.options.map((o) => `--${o}`).join(", ")})` : ""}.`,
    );
  return { command, args, values };
}

/** --format, checked; table unless asked otherwise. */
export function formatOf(values: Values): Format {
  const f = values.format ?? "table";
  if (!(FORMATS as readonly string[]).includes(f))
    usage(`--format must be table, csv or json, not "${shown(f)}".`);
  return f as Format;
}

/** A whole-number option within bounds, or a usage error naming it. */
export function wholeOption(name: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n <= 0 || n > max)
    usage(
      `--${name} must be a whole number from 1 to ${max.toLocaleString("en-US")}, not "${shown(value)}".`,
    );
  return n;
}
