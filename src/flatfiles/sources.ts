/**
 * Where the kit's beliefs about the real flat files come from. Every fact in `datasets.ts` and
 * `calendar.ts` names one of these, with how sure we are, so a reader can check it and a
 * maintainer knows which beliefs to distrust first when a real listing disagrees.
 */

/**
 * - `certain`: seen in a published file or stated by the vendor's own documentation.
 * - `evidence`: the best public evidence (community code, issue threads, several consistent
 *   reports) but not the vendor's word; the kit acts on it and lets the bucket overrule it.
 * - `uncertain`: a guess; the kit never refuses anything on its strength alone.
 */
export type Certainty = "certain" | "evidence" | "uncertain";

export interface Source {
  title: string;
  /** A document's address, or `repository path` for a file in a public repository. */
  where: string;
}

export interface Fact<T> {
  value: T;
  source: keyof typeof SOURCES;
  certainty: Certainty;
}

export const SOURCES = {
  "massive-docs": {
    title: "Massive (formerly Polygon.io) flat-files documentation, dataset pages and their sample files",
    where: "https://massive.com/docs/flat-files (formerly https://polygon.io/docs/flat-files)",
  },
  "published-samples": {
    title: "Published sample files and real file heads, copied into this repository with their provenance",
    where: "test/fixtures/published/SOURCES.md",
  },
  "community-code": {
    title:
      "Open-source readers of flat files that match headers exactly, and real rows in their tests (named per file)",
    where: "test/fixtures/published/SOURCES.md (massive-speedup, inventories, issue threads)",
  },
  "bucket-listing": {
    title: "Listings of the real bucket reported by users with flat-files keys (team notes, late 2026)",
    where: "shared reference notes: flat-files-facts.md",
  },
  "nyse-calendar": {
    title: "NYSE holidays and closings; cross-checked with exchange_calendars' XNYS session list",
    where: "https://www.nyse.com/markets/hours-calendars; test/fixtures/calendars/SOURCES.md",
  },
  "cme-calendar": {
    title:
      "CME Globex trading hours and holiday calendar (sessions open the evening before their trade date)",
    where: "https://www.cmegroup.com/trading-hours.html; test/fixtures/calendars/SOURCES.md",
  },
  "massive-changelog": {
    title:
      "Massive announcements: fractional share volumes in stocks files from 2026-02-23; the rename on 2025-10-30",
    where: "https://massive.com/blog (announcements)",
  },
} as const satisfies Record<string, Source>;

export type SourceId = keyof typeof SOURCES;

/** Shorthand for a fact in a data table. */
export function fact<T>(value: T, source: SourceId, certainty: Certainty): Fact<T> {
  return { value, source, certainty };
}
