#!/usr/bin/env node
/**
 * `flatfiles`: the kit's library from a terminal. `flatfiles --help` lists the commands.
 */
import "../util/node-version"; // the Node.js floor, before anything else loads
import { parseArgs } from "node:util";
import { flatFilesClient } from "../aws/clients";
import { explainAwsError } from "../aws/explain";
import { describeConfig, loadConfig } from "../config/env";
import { downloadDay, listDays } from "../flatfiles/catalog";
import { findDataset } from "../flatfiles/datasets";
import { loadDay, scanDays } from "../flatfiles/load";
import pl from "nodejs-polars";
import { textTable } from "../notebook/display";
import { progressReporter } from "../notebook/progress";
import { getPaginator } from "../paginator/engine";
import { KitError, UNEXPECTED, stackOf, unexpectedError } from "../util/errors";

const USAGE = `flatfiles: Polygon/Massive flat files from the terminal (sandbox when .env has no keys)

  flatfiles ls [prefix]                      list one level: asset classes, datasets, years...
  flatfiles dates <dataset> <from> <to>      the days a dataset has between two dates
  flatfiles get <dataset> <date>             download a day into the cache, print its path
  flatfiles head <dataset> <date> [-n rows] [--ticker T | --underlying U]
                                             print the first rows of a day (of one ticker, or
                                             of one underlying's option contracts)
  flatfiles config                           which endpoint and key source are in use

  dataset: asset/name, for example us_stocks_sip/day_aggs_v1; dates: YYYY-MM-DD
  options: -n, --rows N   rows for head (default 10);  -t, --ticker T;  -u, --underlying U
           (options datasets: O:U… contracts);  -h, --help`;

const COMMANDS = ["ls", "dates", "get", "head", "config"];

function usage(message: string): never {
  throw new KitError("cli.usage", `${message}\n\n${USAGE}`);
}

const OPTIONS = {
  rows: { type: "string", short: "n" },
  ticker: { type: "string", short: "t" },
  underlying: { type: "string", short: "u" },
  help: { type: "boolean", short: "h" },
} as const;

/** The command line, or a usage error that says what was wrong with it. */
function parseCommandLine(argv: string[]) {
  try {
    return parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  } catch (e) {
    return usage((e as Error).message.replace(/\. To specify.*$/, ""));
  }
}

export async function main(
  argv: string[],
  out: (s: string) => void = (s) => process.stdout.write(s + "\n"),
): Promise<void> {
  const parsed = parseCommandLine(argv);
  const [command, ...args] = parsed.positionals;
  if (parsed.values.help || !command) return out(USAGE);
  if (!COMMANDS.includes(command)) usage(`Unknown command "${command}". Commands: ${COMMANDS.join(", ")}.`);
  const need = (n: number, what: string) =>
    args.length >= n || usage(`"flatfiles ${command}" needs ${what}.`);

  const config = loadConfig();
  const client = flatFilesClient(config);
  try {
    if (command === "config") return out(describeConfig(config));
    if (command === "ls") {
      const prefix = args[0] ? args[0].replace(/\/?$/, "/") : "";
      const r = await getPaginator(client, "list_objects_v2")
        .paginate({ Bucket: config.bucket, Prefix: prefix, Delimiter: "/" })
        .buildFullResult()
        .catch((e: unknown) => {
          // Explained again with the configuration's context: the bucket came from
          // FLATFILES_BUCKET, and a StartingToken hint means nothing on a command line.
          const cause = e instanceof KitError && e.code.startsWith("aws.") ? e.cause : undefined;
          throw cause
            ? explainAwsError(cause, {
                endpoint: config.endpoint,
                bucket: config.bucket,
                bucketFrom: "config",
                action: `listing "${prefix}"`,
              })
            : e;
        });
      const rows = [
        ...((r.CommonPrefixes ?? []) as { Prefix: string }[]).map((p) => ({ name: p.Prefix, size: "" })),
        ...((r.Contents ?? []) as { Key: string; Size: number }[]).map((o) => ({
          name: o.Key,
          size: String(o.Size),
        })),
      ];
      if (!rows.length) return out(`Nothing under "${prefix}". Try \`flatfiles ls\` to see the top level.`);
      return out(textTable(rows, { maxRows: 1000 }));
    }
    if (command === "dates") {
      need(3, "a dataset and two dates");
      const days = await listDays({ client, bucket: config.bucket }, args[0], args[1], args[2]);
      const rows = days.map((d) => ({ date: d.date, bytes: d.size, key: d.key }));
      return out(
        days.length
          ? textTable(rows, { maxRows: rows.length })
          : `No files for ${args[0]} between ${args[1]} and ${args[2]}.`,
      );
    }
    need(2, "a dataset and a date");
    // Flags first: a bad --rows must not cost a download.
    const rows = Number(parsed.values.rows ?? 10);
    if (!Number.isInteger(rows) || rows <= 0)
      usage(`--rows must be a whole number above zero, not "${parsed.values.rows}".`);
    const dataset = findDataset(args[0]);
    const only = headFilter(parsed.values.ticker, parsed.values.underlying, dataset.asset);
    // The bucket decides which days exist: the day's month is listed before anything is fetched.
    const file = await downloadDay({ client, bucket: config.bucket }, dataset, args[1], {
      onProgress: progressReporter("get"),
    });
    if (command === "get") return out(file.path);
    // A filter reads the day's Parquet copy lazily: one underlying of a big options day never
    // loads the rest of it.
    const df = only
      ? scanDays([file.path], dataset)
          .filter(only.expr)
          .drop("window_start_utc", "window_start_ny")
          .collectSync()
      : loadDay(file.path, dataset, { datetimes: false });
    out(textTable(df.head(rows).toRecords() as Record<string, unknown>[], { maxRows: rows }));
    out(`(${df.height.toLocaleString("en-US")} rows${only ? ` of ${only.what}` : " in all"})`);
  } catch (e) {
    throw e instanceof KitError
      ? e
      : explainAwsError(e, { endpoint: config.endpoint, bucket: config.bucket, bucketFrom: "config" });
  } finally {
    client.destroy();
  }
}

/** The rows `head` keeps: one ticker, or the contracts of one underlying (OCC symbols O:<U><YYMMDD><C|P><strike>). */
function headFilter(
  ticker: string | undefined,
  underlying: string | undefined,
  asset: string,
): { expr: pl.Expr; what: string } | null {
  if (ticker !== undefined && underlying !== undefined) usage("Give --ticker or --underlying, not both.");
  if (ticker !== undefined) {
    if (!ticker.trim()) usage("--ticker needs a ticker, for example --ticker AAPL.");
    return { expr: pl.col("ticker").eq(pl.lit(ticker)), what: ticker };
  }
  if (underlying === undefined) return null;
  if (asset !== "us_options_opra")
    usage(`--underlying is for options datasets (us_options_opra/...), not ${asset}.`);
  // OCC roots are 1-6 letters or digits, no dots (BRK.B's options are BRKB).
  if (!/^[A-Z0-9]{1,6}$/i.test(underlying))
    usage(`--underlying takes an option root such as SPY (1-6 letters or digits), not "${underlying}".`);
  const u = underlying.toUpperCase();
  return {
    expr: pl.col("ticker").str.contains(`^O:${u}\\d{6}[CP]\\d{8}$`),
    what: `${underlying.toUpperCase()} options`,
  };
}

/**
 * What the terminal shows for a failure. An expected one (a KitError: a mistyped date, a wrong
 * key, a dataset outside the plan) is one line, because the message says what to do and a
 * stack would bury it. Anything else is a bug, and its stack is what makes it fixable: the
 * message, a line saying it is a bug, and the stack, always (a bug may not happen twice).
 * With FLATFILES_DEBUG=1 an expected error also shows the stacks of its causes (the SDK error
 * behind an aws.* message), for a problem the advice does not solve.
 */
function failureReport(e: unknown, debug: boolean): string {
  const text = e instanceof KitError ? e.message : e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  const line = `flatfiles: ${text}\n`;
  const bug = unexpectedError(e);
  if (bug !== null) {
    // An `unexpected` KitError's message already says it is most likely a bug.
    const note =
      e instanceof KitError && e.code === UNEXPECTED
        ? ""
        : "flatfiles: this is a bug in flatfiles-kit: please report it, with the stack trace below.\n";
    return `${line}${note}${stackOf(bug)}\n`;
  }
  if (!debug) return line;
  const causes: string[] = [];
  for (
    let c = (e as Error).cause;
    c !== undefined && causes.length < 5;
    c = (c as { cause?: unknown })?.cause
  )
    causes.push(`caused by: ${stackOf(c)}\n`);
  return line + causes.join("");
}

if (require.main === module) {
  // `flatfiles dates … | head -1` closes the pipe early: that is the reader being done, not an
  // error. A full disk or another write failure is one line, not a stack trace.
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(0);
    process.stderr.write(
      `flatfiles: cannot write the output (${e.code ?? e.message}${e.code === "ENOSPC" ? ": the disk is full" : ""}).\n`,
    );
    process.exit(1);
  });
  main(process.argv.slice(2)).catch((e) => {
    process.stderr.write(failureReport(e, process.env.FLATFILES_DEBUG === "1"));
    process.exit(e instanceof KitError && e.code === "cli.usage" ? 2 : 1);
  });
}
