/**
 * Does a committed notebook still show what its code produces? Outputs are compared after
 * masking what legitimately changes between runs: ports, timings and counts (digits), random
 * EC2 ids, signatures, the sandbox's state-file path.
 */
import { type Notebook, join } from "./notebook-file";

export function normalise(text: string): string {
  return text
    .replace(/127\.0\.0\.1:\d+/g, "127.0.0.1:PORT")
    .replace(/\S*\.sandbox\/[\w.-]*state\.json/g, "STATE_FILE")
    .replace(/\b(i|r)-[0-9a-f]{17}\b/g, "$1-ID")
    .replace(/\b(?=[0-9a-f]*\d)[0-9a-f]{8,}\b/gi, "HEX") // signatures, request ids
    .replace(/\d[\d,.]*/g, "#"); // counts, timings, sizes (1,004 and 998 alike)
}

/** Each code cell's outputs as comparable text: output type, MIME types, normalised content. */
export function outputSignature(nb: Notebook): string[] {
  return nb.cells
    .filter((c) => c.cell_type === "code")
    .map((c) =>
      (c.outputs ?? [])
        .map((o) => {
          const data = Object.entries(o.data ?? {})
            .filter(([mime]) => mime.startsWith("text/"))
            .map(([mime, v]) => `${mime}:${normalise(join(v))}`);
          const images = Object.keys(o.data ?? {}).filter((m) => m.startsWith("image/"));
          return [
            o.output_type,
            o.name ?? "",
            normalise(join(o.text)),
            ...data,
            ...images,
            o.ename ?? "",
          ].join("|");
        })
        .join("\n"),
    );
}

/** The first code cell whose outputs differ, or null when they all match. */
export function firstDifference(
  committed: Notebook,
  fresh: Notebook,
): { cell: number; committed: string; fresh: string } | null {
  const a = outputSignature(committed);
  const b = outputSignature(fresh);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i])
      return {
        cell: i + 1,
        committed: (a[i] ?? "(no cell)").slice(0, 600),
        fresh: (b[i] ?? "(no cell)").slice(0, 600),
      };
  }
  return null;
}
