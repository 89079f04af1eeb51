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

/** Every text an executed notebook shows, for checks on what a reader sees. */
export function outputText(nb: Notebook): string {
  return nb.cells
    .flatMap((c) => c.outputs ?? [])
    .map((o) =>
      [
        join(o.text),
        ...Object.entries(o.data ?? {})
          .filter(([k]) => k.startsWith("text/"))
          .map(([, v]) => join(v)),
        o.evalue ?? "",
        ...(o.traceback ?? []),
      ].join("\n"),
    )
    .join("\n");
}
