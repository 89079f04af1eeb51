import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export interface BenchResult {
  name: string;
  rows: Record<string, string | number>[];
  notes?: string;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function fmt(v: string | number): string {
  if (typeof v !== "number") return v;
  return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2);
}

export function markdown(r: BenchResult): string {
  const cols = [...new Set(r.rows.flatMap((x) => Object.keys(x)))];
  const lines = [
    `### ${r.name}`,
    "",
    `| ${cols.join(" | ")} |`,
    `|${cols.map(() => "---").join("|")}|`,
    ...r.rows.map((x) => `| ${cols.map((c) => (x[c] === undefined ? "" : fmt(x[c]))).join(" | ")} |`),
  ];
  if (r.notes) lines.push("", r.notes);
  return lines.join("\n");
}

export function machine(): string {
  return `${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

export function save(results: BenchResult[], dir = path.join(__dirname, "results")): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `latest.json`);
  fs.writeFileSync(
    file,
    JSON.stringify({ date: new Date().toISOString(), machine: machine(), results }, null, 2),
  );
  return file;
}
