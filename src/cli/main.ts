#!/usr/bin/env node
/**
 * `flatfiles`: the kit's library from a terminal. `flatfiles --help` lists the commands.
 *
 * This entry parses the command line and loads only the command it names (one module per
 * command in `commands/`), so `--help` or a usage error starts at once and `ls` never loads
 * polars. Commands write through an `Io`, which lets the tests run them in-process.
 */
import "./floor"; // the Node.js floor, before anything else loads: one line below it
import { KitError, UNEXPECTED, stackOf, unexpectedError } from "../util/errors";
import { type Values, USAGE, parseCommandLine } from "./args";
import { safe, safeLines } from "./output";
import type { Io } from "./session";

type Command = (args: string[], values: Values, io: Io) => Promise<void>;

const LOAD: Record<string, () => Promise<Command>> = {
  ls: async () => (await import("./commands/ls")).ls,
  dates: async () => (await import("./commands/dates")).dates,
  get: async () => (await import("./commands/get")).get,
  head: async () => (await import("./commands/head")).head,
  config: async () => (await import("./commands/config")).config,
};

/**
 * Output to the process's own streams. A command that reads `signal` stops itself on Ctrl-C
 * (downloads end resumable); for one that never reads it, Ctrl-C leaves at once.
 */
export function processIo(stop?: AbortController): Io & { honoursStop(): boolean } {
  let honoured = false;
  return {
    out: (s) => process.stdout.write(`${s}\n`),
    err: (s) => process.stderr.write(s),
    live: process.stderr.isTTY === true,
    width: process.stdout.isTTY ? process.stdout.columns : undefined,
    get signal() {
      honoured = stop !== undefined;
      return stop?.signal;
    },
    honoursStop: () => honoured,
  };
}

export async function main(argv: string[], io: Io = processIo()): Promise<void> {
  const { command, args, values } = parseCommandLine(argv);
  if (!command) return io.out(USAGE);
  const run = await LOAD[command]();
  await run(args, values, io);
}

/** Messages the kit lays out over several lines itself (a list of failed days). */
const MULTILINE = new Set(["cli.failed-days"]);

/**
 * What the terminal shows for a failure. An expected one (a KitError: a mistyped date, a wrong
 * key, a dataset outside the plan) is one line, because the message says what to do and a
 * stack would bury it. Anything else is a bug, and its stack is what makes it fixable: the
 * message, a line saying it is a bug, and the stack, always (a bug may not happen twice).
 * With FLATFILES_DEBUG=1 an expected error also shows the stacks of its causes (the SDK error
 * behind an aws.* message), for a problem the advice does not solve. Control characters are
 * written out: a message can quote what a hostile endpoint sent.
 */
export function failureReport(e: unknown, debug: boolean): string {
  const text = e instanceof KitError ? e.message : e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  const line = `flatfiles: ${e instanceof KitError && MULTILINE.has(e.code) ? safeLines(text) : safe(text)}\n`;
  const bug = unexpectedError(e);
  if (bug !== null) {
    // An `unexpected` KitError's message already says it is most likely a bug.
    const note =
      e instanceof KitError && e.code === UNEXPECTED
        ? ""
        : "flatfiles: this is a bug in flatfiles-kit: please report it, with the stack trace below.\n";
    return `${line}${note}${safeLines(stackOf(bug))}\n`;
  }
  if (!debug) return line;
  const causes: string[] = [];
  for (
    let c = (e as Error).cause;
    c !== undefined && causes.length < 5;
    c = (c as { cause?: unknown })?.cause
  )
    causes.push(`caused by: ${safeLines(stackOf(c))}\n`);
  return line + causes.join("");
}

/** 2 for a usage mistake, 130 after Ctrl-C (as shells report SIGINT), 1 otherwise. */
export function exitCode(e: unknown): number {
  if (e instanceof KitError && e.code === "cli.usage") return 2;
  if (e instanceof KitError && (e.code === "cli.interrupted" || e.code === "download.aborted")) return 130;
  return 1;
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
  // Ctrl-C stops downloads where they are (their finished pieces stay recorded, so the same
  // command resumes); a second Ctrl-C leaves at once.
  const stop = new AbortController();
  const io = processIo(stop);
  process.on("SIGINT", () => {
    if (stop.signal.aborted || !io.honoursStop()) process.exit(130);
    process.stderr.write("\nflatfiles: stopping (Ctrl-C again to leave at once)…\n");
    stop.abort(new KitError("cli.interrupted", "Stopped by Ctrl-C."));
  });
  // On success the process ends by itself once stdout is flushed (an exit could cut a pipe short).
  main(process.argv.slice(2), io).catch((e) => {
    // Exit once the report is written: to a pipe (`2>&1 | less`, a CI log) the write is
    // asynchronous, and exiting at once cut a long report at 64-128 kB, mid-line.
    process.stderr.write(failureReport(e, process.env.FLATFILES_DEBUG === "1"), () =>
      process.exit(exitCode(e)),
    );
  });
}
