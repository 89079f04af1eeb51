/**
 * A download's options, resolved once into one complete settings object, which every layer
 * (downloadFile, downloadFiles, downloadRange, the CLI) passes on whole. Options were copied
 * field by field between layers before, and a field left out of one copy (`timeouts` in
 * downloadRange) silently fell back to its default. Every default lives in DOWNLOAD_DEFAULTS,
 * the one place the docs' table is generated from (`defaultsTable`).
 */
import { DEFAULT_TIMEOUTS, type Timeouts, timeoutsOf } from "../../aws/timeouts";
import { formatBytes } from "../../util/bytes";
import { KitError } from "../../util/errors";
import { wholeNumber } from "../../util/validate";
import { cacheDirOf } from "./cache-path";
import type { DownloadOptions, Progress } from "./types";

/** The defaults of every download option (the cache folder's is its own: FLATFILES_CACHE_DIR, else ~/.cache/flatfiles-kit/files). */
export const DOWNLOAD_DEFAULTS = Object.freeze({
  /** Bytes per ranged GET. */
  partSize: 8 << 20,
  /** Ranged GETs in flight per file: "adaptive" learns it per endpoint (link.ts). */
  concurrency: "adaptive" as number | "adaptive",
  /** Files at once in `downloadFiles`. */
  files: 16,
  /** Files at once in `downloadRange` (and `flatfiles get`). */
  rangeFiles: 4,
  timeouts: Object.freeze({ firstByteMs: DEFAULT_TIMEOUTS.firstByteMs, idleMs: DEFAULT_TIMEOUTS.idleMs }),
});

/** Bounds of each numeric option: what a plan can hold (a piece per 64 KiB at least, S3's 5 GiB part at most). */
export const DOWNLOAD_BOUNDS = Object.freeze({
  partSize: [64 << 10, 5 * 1024 ** 3] as const,
  concurrency: [1, 64] as const,
  files: [1, 64] as const,
});

/** Every option a download takes, resolved: nothing left to default further down. */
export interface DownloadSettings {
  cacheDir: string;
  partSize: number;
  /** Fixed GETs in flight per file, or undefined: the endpoint's adaptive link. */
  concurrency: number | undefined;
  /** Files at once (downloadFiles, downloadRange). */
  files: number;
  timeouts: Required<Timeouts>;
  signal: AbortSignal | undefined;
  onProgress: ((p: Progress) => void) | undefined;
  /** The function the caller called, named in messages that say which option to change. */
  via: string;
}

/** The option names a download takes (a typo among them is refused, not ignored). */
export const DOWNLOAD_OPTION_NAMES = [
  "cacheDir",
  "partSize",
  "concurrency",
  "files",
  "timeouts",
  "signal",
  "onProgress",
] as const satisfies readonly (keyof DownloadSettings)[];

/** What a wrong argument was, for a message: its type, never its content. */
export function kindOf(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "an array" : typeof value;
}

/** An AbortSignal, from this realm or another (a notebook's, a test runner's): by its shape. */
function isSignal(value: unknown): value is AbortSignal {
  const s = value as AbortSignal | null;
  return (
    typeof s === "object" &&
    s !== null &&
    typeof s.aborted === "boolean" &&
    typeof s.addEventListener === "function"
  );
}

/**
 * The options, checked before anything touches the network or the disk, with every default
 * filled in. `known` lists the option names the caller's function takes besides the download's
 * (downloadRange's `parquet`, `onDay`…): any other name is a typo and is refused.
 */
export function resolveDownloadOptions(
  options: DownloadOptions & { files?: number } = {},
  defaults: { files: number } = { files: DOWNLOAD_DEFAULTS.files },
  known: readonly string[] = [],
  via = "downloadFile",
): DownloadSettings {
  if (typeof options !== "object" || options === null || Array.isArray(options))
    throw new KitError(
      "options.type",
      `The options are ${kindOf(options)}: pass an object, or leave them out.`,
    );
  const unknown = Object.keys(options).filter(
    (k) => !(DOWNLOAD_OPTION_NAMES as readonly string[]).includes(k) && !known.includes(k),
  );
  if (unknown.length)
    throw new KitError(
      "options.unknown",
      `Unknown download option${unknown.length > 1 ? "s" : ""} ${unknown.map((k) => JSON.stringify(k.slice(0, 40))).join(", ")}: the options are ${[...DOWNLOAD_OPTION_NAMES, ...known].join(", ")}.`,
    );
  const { signal, onProgress } = options as { signal?: unknown; onProgress?: unknown };
  // Checked here, not where they are first used: by then a request is out and a lock is held.
  if (signal !== undefined && !isSignal(signal))
    throw new KitError(
      "options.signal",
      `signal is ${kindOf(signal)}, not an AbortSignal: pass controller.signal (const controller = new AbortController()), or leave signal out.`,
    );
  if (onProgress !== undefined && typeof onProgress !== "function")
    throw new KitError(
      "options.callback",
      `onProgress is ${kindOf(onProgress)}: pass a function, or leave onProgress out.`,
    );
  const concurrency = options.concurrency as number | "adaptive" | undefined;
  return {
    cacheDir: cacheDirOf(options.cacheDir),
    partSize: wholeNumber(
      "partSize",
      options.partSize ?? DOWNLOAD_DEFAULTS.partSize,
      ...DOWNLOAD_BOUNDS.partSize,
    ),
    concurrency:
      concurrency === undefined || concurrency === "adaptive"
        ? undefined
        : wholeNumber("concurrency", concurrency, ...DOWNLOAD_BOUNDS.concurrency),
    files: wholeNumber("files", options.files ?? defaults.files, ...DOWNLOAD_BOUNDS.files),
    timeouts: timeoutsOf(options.timeouts),
    signal: signal as AbortSignal | undefined,
    onProgress: onProgress as ((p: Progress) => void) | undefined,
    via,
  };
}

// Sizes in the one unit the kit uses everywhere (decimal), with the exact count beside it.
const size = (n: number) => `${formatBytes(n)} (${n.toLocaleString("en-US")} bytes)`;
const time = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`);

/** The defaults as a Markdown table, for the docs (a test keeps the docs' copy equal to this). */
export function defaultsTable(): string {
  const d = DOWNLOAD_DEFAULTS;
  const rows: [string, string, string][] = [
    ["cacheDir", "FLATFILES_CACHE_DIR, else ~/.cache/flatfiles-kit/files", "a folder"],
    ["partSize", size(d.partSize), `${size(DOWNLOAD_BOUNDS.partSize[0])} to 5 GiB`],
    [
      "concurrency",
      `${d.concurrency} (learnt per endpoint)`,
      `${DOWNLOAD_BOUNDS.concurrency.join(" to ")}, or "adaptive"`,
    ],
    ["files (downloadFiles)", String(d.files), DOWNLOAD_BOUNDS.files.join(" to ")],
    ["files (downloadRange, flatfiles get)", String(d.rangeFiles), DOWNLOAD_BOUNDS.files.join(" to ")],
    ["timeouts.firstByteMs", time(d.timeouts.firstByteMs), "1 ms to 1 hour"],
    ["timeouts.idleMs", time(d.timeouts.idleMs), "1 ms to 1 hour"],
    ["signal", "none", "an AbortSignal"],
    ["onProgress", "none", "a function"],
  ];
  return [
    "| option | default | allowed |",
    "|---|---|---|",
    ...rows.map(
      (r) =>
        `| \`${r[0].split(" ")[0]}\`${r[0].includes(" ") ? ` ${r[0].slice(r[0].indexOf(" ") + 1)}` : ""} | ${r[1]} | ${r[2]} |`,
    ),
  ].join("\n");
}
