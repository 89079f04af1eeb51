/**
 * What the CLI writes, in the three forms a reader wants: a table for a person, CSV and JSON for
 * a script. Everything printed passes through `safe`: keys, values and messages can come from a
 * hostile endpoint, and a terminal obeys control characters (colours, cursor moves, a cleared
 * screen, a fake row after a newline, text reversed by a bidi override).
 */
import type { Format } from "./args";

/**
 * C0 controls and DEL, C1 controls, the bidi embeddings, overrides, isolates and marks, and the
 * Unicode line and paragraph separators: everything a terminal may act on instead of showing.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is its job
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const NAMED: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t", "\u001b": "\\e" };

function escapeOne(c: string): string {
  if (Object.hasOwn(NAMED, c)) return NAMED[c];
  const code = c.charCodeAt(0);
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, "0")}`
    : `\\u${code.toString(16).padStart(4, "0")}`;
}

/** Text with every control character written out visibly (`\e[31m`, `\n`, `\u202e`). */
export function safe(text: string): string {
  return text.replace(UNSAFE, escapeOne);
}

/** Like `safe`, keeping the newlines of a text the kit itself laid out (usage, a stack). */
export function safeLines(text: string): string {
  return text.split("\n").map(safe).join("\n");
}

export type Row = Record<string, unknown>;

function columnsOf(rows: readonly Row[], columns?: readonly string[]): string[] {
  if (columns) return [...columns];
  const cols: string[] = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!cols.includes(k)) cols.push(k);
  return cols;
}

/** A value as text: exact for big integers, ISO for dates, empty for nothing. */
function plain(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "bigint") return v.toString();
  if (v instanceof Date) return v.toISOString();
  if (typeof v === "object") return JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x));
  return String(v);
}

/** For a person: numbers right-aligned and rounded to 3 decimals where long. */
function forTable(v: unknown): string {
  if (typeof v === "number" && !Number.isInteger(v)) return String(Math.round(v * 1000) / 1000 + 0);
  return safe(plain(v));
}

function textTable(rows: readonly Row[], cols: string[]): string {
  const cells = rows.map((r) => cols.map((c) => forTable(r[c])));
  const numeric = cols.map((c) => rows.length > 0 && rows.every((r) => isNumber(r[c])));
  const heads = cols.map(safe);
  const width = heads.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i].length)));
  const line = (vals: string[]) =>
    vals
      .map((v, i) => (numeric[i] ? v.padStart(width[i]) : v.padEnd(width[i])))
      .join("  ")
      .trimEnd();
  return [line(heads), line(width.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n");
}

function isNumber(v: unknown): boolean {
  return typeof v === "number" || typeof v === "bigint" || v === null || v === undefined;
}

/**
 * Text a spreadsheet would run as a formula: `=`, `+`, `-` or `@` first (and a tab or carriage
 * return before one). Keys, tickers and reasons can come from a hostile endpoint, and a CSV is
 * opened in Excel or LibreOffice, which runs `=HYPERLINK(...)` or `@SUM(...)` on sight.
 */
const FORMULA = /^[=+\-@\t\r]/;

/**
 * RFC 4180: a field with a comma, a quote or a line break is quoted, its quotes doubled. Text
 * that starts like a formula gets a leading `'` (OWASP's advice, which spreadsheets show as
 * text); numbers are values, not text, so a negative price stays a number.
 */
function csvField(v: unknown): string {
  const text = plain(v);
  const s = safe(typeof v === "string" && FORMULA.test(text) ? `'${text}` : text);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * JSON escapes C0 controls itself; C1 controls, bidi marks and the line separators it leaves as
 * they are, which is valid JSON but not safe on a terminal, so they are written as \\u escapes
 * (the parsed value is the same). Big integers are written as exact numbers.
 */
function jsonValue(v: unknown): string {
  if (typeof v === "bigint") return v.toString();
  if (v === undefined) return "null";
  if (typeof v === "number" && !Number.isFinite(v)) return "null";
  const text = JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x)) ?? "null";
  return text.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function jsonRows(rows: readonly Row[], cols: string[]): string {
  if (!rows.length) return "[]";
  const lines = rows.map((r) => `{${cols.map((c) => `${jsonValue(c)}:${jsonValue(r[c])}`).join(",")}}`);
  return `[\n${lines.join(",\n")}\n]`;
}

/**
 * The columns of a table that fit in `width` characters: taken in `rank` order (the columns a
 * reader looks at first), each while the line still fits, then shown in their own order. The
 * first ranked column is always kept, even alone too wide.
 */
export function fitColumns(
  rows: readonly Row[],
  cols: readonly string[],
  width: number,
  rank: readonly string[],
): { shown: string[]; hidden: string[] } {
  const need = new Map(
    cols.map((c) => [c, Math.max(safe(c).length, ...rows.map((r) => forTable(r[c]).length))]),
  );
  const order = [...rank.filter((c) => need.has(c)), ...cols.filter((c) => !rank.includes(c))];
  const keep = new Set<string>();
  let used = 0;
  for (const c of order) {
    const extra = need.get(c)! + (keep.size ? 2 : 0);
    if (keep.size && used + extra > width) continue;
    keep.add(c);
    used += extra;
  }
  return { shown: cols.filter((c) => keep.has(c)), hidden: cols.filter((c) => !keep.has(c)) };
}

/** Text broken at spaces into lines of at most `width` characters (a longer word keeps its line). */
export function wrap(text: string, width: number): string {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  lines.push(line);
  return lines.join("\n");
}

/** Rows in the chosen form; `columns` fixes the order (and the header of an empty CSV). */
export function render(rows: readonly Row[], format: Format, columns?: readonly string[]): string {
  const cols = columnsOf(rows, columns);
  if (format === "json") return jsonRows(rows, cols);
  if (format === "csv")
    return [cols.map(csvField).join(","), ...rows.map((r) => cols.map((c) => csvField(r[c])).join(","))].join(
      "\n",
    );
  return textTable(rows, cols);
}

/** Bytes for a person, as everywhere in the kit (decimal units: 1 MB = 10^6 bytes). */
export { formatBytes as sizeText } from "../util/bytes";
