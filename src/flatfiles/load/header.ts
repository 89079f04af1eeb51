/**
 * A file's header: its column names, and which registry columns they mean. Every name comes from
 * the file, so every lookup by name uses own properties only (`columnOf`, Sets): a column named
 * `constructor` or `__proto__` is an unknown column like any other.
 */
import { KitError } from "../../util/errors";
import { type Column, type Dataset, DATASETS, columnOf } from "../datasets";

export type Warn = (message: string) => void;

/** Longest header line accepted: real ones are under 200 bytes; a longer one is not a flat file's. */
export const MAX_HEADER_BYTES = 64 << 10;

export function clip(text: string, max = 160): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** Where the first invalid UTF-8 sequence of `bytes` starts, or -1 when they are valid. */
export function invalidUtf8At(bytes: Uint8Array, from = 0, to = bytes.length): number {
  for (let i = from; i < to; ) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    const n = b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (n < 0) return i;
    for (let k = 1; k <= n; k++) if (i + k >= to || (bytes[i + k] & 0xc0) !== 0x80) return i;
    // Overlong three- and four-byte forms, surrogates and code points above U+10FFFF.
    const b1 = bytes[i + 1];
    if (
      (b === 0xe0 && b1 < 0xa0) ||
      (b === 0xed && b1 > 0x9f) ||
      (b === 0xf0 && b1 < 0x90) ||
      (b === 0xf4 && b1 > 0x8f)
    )
      return i;
    i += n + 1;
  }
  return -1;
}

/** The message for invalid UTF-8 at byte `at` of `bytes`, whose first byte is on line `firstLine`. */
export function utf8Error(
  file: string,
  bytes: Uint8Array,
  from: number,
  at: number,
  firstLine: number,
): KitError {
  let line = firstLine;
  for (let i = from; i < at; i++) if (bytes[i] === 10) line++;
  return new KitError(
    "load.encoding",
    `${file}, line ${line} is not valid UTF-8 (byte 0x${bytes[at].toString(16).padStart(2, "0")}), which flat files always are. The file is damaged or was saved in another encoding: download it again.`,
  );
}

/**
 * The header's column names: a UTF-8 byte-order mark, a CR before the newline, quotes, spaces
 * and capitals are all things a file edited by hand or by another tool may have.
 */
export function readHeader(csv: Buffer, file: string): { names: string[]; end: number } {
  const start = csv[0] === 0xef && csv[1] === 0xbb && csv[2] === 0xbf ? 3 : 0;
  const nl = csv.indexOf(10, start);
  const end = nl < 0 ? csv.length : nl;
  // A CR with more after it on the same line: lines end with CR alone, so this "line" is the file.
  const cr = csv.subarray(start, Math.min(end, start + MAX_HEADER_BYTES + 1)).indexOf(13);
  if (cr >= 0 && start + cr < end - 1) {
    throw new KitError(
      "load.header",
      `${file} ends its lines with CR alone (old Mac style), so its lines cannot be told apart; flat files end lines with LF. Convert the line endings (for example \`tr '\\r' '\\n'\`) or download the file again.`,
    );
  }
  if (end - start > MAX_HEADER_BYTES) {
    throw new KitError(
      "load.header",
      `${file}: the header line is longer than ${MAX_HEADER_BYTES.toLocaleString("en-US")} bytes, which no flat file's is. The file is damaged or is not a flat file: download it again.`,
    );
  }
  const bad = invalidUtf8At(csv, start, end);
  if (bad >= 0) throw utf8Error(file, csv, start, bad, 1);
  const line = csv.subarray(start, end).toString("utf8").replace(/\r$/, "");
  if (!line.trim()) {
    throw new KitError("load.header", `${file} has no header line (it is empty): download it again.`);
  }
  const names = line.split(",").map((n) =>
    n
      .trim()
      .replace(/^"(.*)"$/, "$1")
      .trim()
      .toLowerCase(),
  );
  const blank = names.findIndex((n) => !n);
  if (blank >= 0) {
    throw new KitError(
      "load.header",
      `${file}: column ${blank + 1} of the header has no name (header: "${clip(line)}").`,
    );
  }
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup)
    throw new KitError(
      "load.header",
      `${file}: the header names the column "${clip(dup, 60)}" twice (header: "${clip(line)}").`,
    );
  return { names, end: nl < 0 ? csv.length : nl + 1 };
}

/** Which columns of the registry a file's header means, with a warning for the unexpected ones. */
export function columnsFor(names: string[], dataset: Dataset, file: string, warn: Warn): Column[] {
  const expected = new Set(dataset.layouts.flatMap((l) => l.columns));
  const unexpected = names.filter((n) => !expected.has(n));
  if (!names.includes("ticker") || unexpected.length * 2 > names.length) {
    const same = DATASETS.find((d) => d.layouts.some((l) => l.columns.join() === names.join()));
    const hint = same ? ` It looks like ${same.id}: load it as that.` : "";
    throw new KitError(
      "load.columns",
      `${file} does not look like ${dataset.id}: its header is "${clip(names.join(","))}", ` +
        `while ${dataset.id} files have "${dataset.layouts[0].columns.join(",")}".${hint}`,
    );
  }
  for (const n of unexpected) {
    const typed = columnOf(n);
    warn(
      `${file}: column "${clip(n, 60)}" is not in any known layout of ${dataset.id}; ` +
        (typed.certainty === "uncertain" && typed.type === "string"
          ? "kept as text."
          : `typed as ${typed.type} by its name.`),
    );
  }
  return names.map(columnOf);
}
