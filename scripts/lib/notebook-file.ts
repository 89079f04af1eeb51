/** Reading and writing .ipynb files (nbformat 4) without Jupyter. */
import * as fs from "node:fs";

export interface Cell {
  id?: string;
  cell_type: "markdown" | "code";
  source: string[] | string;
  metadata: Record<string, unknown>;
  outputs?: Output[];
  execution_count?: number | null;
}

export interface Output {
  output_type: "stream" | "display_data" | "execute_result" | "error";
  name?: string;
  text?: string[] | string;
  data?: Record<string, string | string[]>;
  ename?: string;
  evalue?: string;
  traceback?: string[];
}

export interface Notebook {
  cells: Cell[];
  metadata: Record<string, unknown>;
  nbformat: number;
  nbformat_minor: number;
}

export function readNotebook(file: string): Notebook {
  return JSON.parse(fs.readFileSync(file, "utf8")) as Notebook;
}

export const join = (s: string[] | string | undefined): string => (Array.isArray(s) ? s.join("") : (s ?? ""));

/** Split text into nbformat's list of lines, each keeping its newline. */
export function lines(text: string): string[] {
  return text.split(/(?<=\n)/);
}

export const TSLAB_METADATA = {
  kernelspec: { display_name: "TypeScript (tslab)", language: "typescript", name: "tslab" },
  language_info: {
    codemirror_mode: { mode: "typescript", name: "javascript", typescript: true },
    file_extension: ".ts",
    mimetype: "text/typescript",
    name: "typescript",
    version: "3.7.2",
  },
};

/** Build a notebook from alternating markdown and code texts (authoring helper). */
export function notebookFrom(cells: { md?: string; code?: string }[]): Notebook {
  return {
    cells: cells.map((c, i) => {
      const id = `cell-${String(i + 1).padStart(2, "0")}`;
      return c.md !== undefined
        ? { id, cell_type: "markdown", metadata: {}, source: lines(c.md.trim()) }
        : { id, cell_type: "code", metadata: {}, source: lines(c.code!.trim()), outputs: [], execution_count: null };
    }),
    metadata: TSLAB_METADATA,
    nbformat: 4,
    nbformat_minor: 5,
  };
}

/** Every text an executed notebook shows, for checks on what a reader sees. */
export function outputText(nb: Notebook): string {
  return nb.cells
    .flatMap((c) => c.outputs ?? [])
    .map((o) => [join(o.text), ...Object.entries(o.data ?? {}).filter(([k]) => k.startsWith("text/")).map(([, v]) => join(v)), o.evalue ?? "", ...(o.traceback ?? [])].join("\n"))
    .join("\n");
}
