/**
 * Rich output in a tslab notebook, plain text anywhere else.
 *
 * HTML tables rather than SVG or scripts: classic Notebook shows an untrusted notebook's HTML
 * (sanitised) but hides its SVG, and a notebook executed headless is untrusted.
 */
type TslabDisplay = {
  html(s: string): void;
  png(b: Uint8Array): void;
  text(s: string): void;
  markdown(s: string): void;
};
type TslabModule = { display: TslabDisplay; newDisplay(): TslabDisplay };

let tslabModule: TslabModule | null | undefined;

/** The tslab module when running inside a tslab kernel, else null. */
export function tslab(): TslabModule | null {
  if (tslabModule === undefined) {
    try {
      // Required lazily: outside a tslab kernel (the CLI, tests) tslab is not there to load.
      const jupyter = require("tslab/dist/jupyter") as { lastWriteDisplayData: unknown };
      tslabModule = jupyter.lastWriteDisplayData ? (require("tslab") as TslabModule) : null;
    } catch {
      tslabModule = null;
    }
  }
  return tslabModule;
}

export function inNotebook(): boolean {
  return tslab() !== null;
}

export function escapeHtml(s: unknown): string {
  return String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") {
    // `+ 0` turns a rounded -0 into 0: a table should not show "-0".
    const x = (Number.isInteger(v) ? v : Math.round(v * 1000) / 1000) + 0;
    return Number.isInteger(x) ? x.toLocaleString("en-US") : String(x);
  }
  if (typeof v === "bigint") return v.toString();
  if (v instanceof Date) return v.toISOString();
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

export type Row = Record<string, unknown>;

/** An HTML table of rows (objects), columns in first-seen order. */
export function htmlTable(
  objects: readonly object[],
  options: { caption?: string; maxRows?: number } = {},
): string {
  const rows = objects as readonly Row[];
  const max = options.maxRows ?? 50;
  const cols: string[] = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!cols.includes(k)) cols.push(k);
  const shown = rows.slice(0, max);
  const head = cols.map((c) => `<th>${escapeHtml(c)}</th>`).join("");
  const body = shown
    .map((r) => `<tr>${cols.map((c) => `<td>${escapeHtml(cell(r[c]))}</td>`).join("")}</tr>`)
    .join("\n");
  const more = rows.length > max ? `<p>… ${rows.length - max} more rows (${rows.length} in all)</p>` : "";
  const caption = options.caption ? `<caption>${escapeHtml(options.caption)}</caption>` : "";
  return `<table>${caption}<thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>${more}`;
}

/** A plain-text table, for terminals and for the text/plain copy of notebook output. */
export function textTable(objects: readonly object[], options: { maxRows?: number } = {}): string {
  const rows = objects as readonly Row[];
  const max = options.maxRows ?? 50;
  const cols: string[] = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!cols.includes(k)) cols.push(k);
  const shown = rows.slice(0, max).map((r) => cols.map((c) => cell(r[c])));
  const width = cols.map((c, i) => Math.max(c.length, ...shown.map((r) => r[i].length)));
  const line = (vals: string[]) =>
    vals
      .map((v, i) => v.padEnd(width[i]))
      .join("  ")
      .trimEnd();
  const out = [line(cols), line(width.map((w) => "-".repeat(w))), ...shown.map(line)];
  if (rows.length > max) out.push(`… ${rows.length - max} more rows (${rows.length} in all)`);
  return out.join("\n");
}

/** Show rows as a table: HTML in a notebook, text elsewhere. */
export function showTable(
  rows: readonly object[],
  options: { caption?: string; maxRows?: number } = {},
): void {
  const t = tslab();
  if (t) t.display.html(htmlTable(rows, options));
  else console.log((options.caption ? `${options.caption}\n` : "") + textTable(rows, options));
}

/** Show a short note: markdown in a notebook, text elsewhere. */
export function showNote(markdown: string): void {
  const t = tslab();
  if (t) t.display.markdown(markdown);
  else console.log(markdown);
}

/** Show a PNG image (charts, diagrams); outside a notebook, say where it would be. */
export function showPng(png: Uint8Array, altText = "image"): void {
  const t = tslab();
  if (t) t.display.png(png);
  else console.log(`[${altText}: PNG, ${png.byteLength} bytes]`);
}

/**
 * A polars DataFrame as an HTML table in a notebook: datetimes written in their own time zone
 * (polars hands JavaScript plain UTC Dates), 64-bit integers exactly.
 */
export function showFrame(
  df: { height: number; columns: string[]; dtypes: unknown[]; head(n: number): unknown },
  options: { caption?: string; maxRows?: number } = {},
): void {
  // Required when a frame is shown, so that importing the display helpers does not load polars.
  const pl = require("nodejs-polars") as typeof import("nodejs-polars").default;
  const max = options.maxRows ?? 10;
  const head = df.head(max) as import("nodejs-polars").DataFrame;
  const datetimes = df.columns.filter((_, i) => String(df.dtypes[i]).includes("Datetime"));
  // A Date (an expiration, a session's end) comes to JavaScript as a UTC midnight Date: print the day.
  const dates = df.columns.filter((_, i) => /^(DataType\()?Date\)?$/.test(String(df.dtypes[i])));
  const formats = [
    ...datetimes.map((c) => pl.col(c).dt.strftime("%Y-%m-%d %H:%M:%S %Z").alias(c)),
    ...dates.map((c) => pl.col(c).dt.strftime("%Y-%m-%d").alias(c)),
  ];
  const shown = formats.length ? head.withColumns(...formats) : head;
  const caption =
    options.caption ?? `${df.height.toLocaleString("en-US")} rows${df.height > max ? `, first ${max}` : ""}`;
  showTable(shown.toRecords() as Row[], { caption, maxRows: max });
}
