/**
 * "Did you mean": the candidates closest to what was typed, by edit distance, for messages that
 * name a mistyped option, column or name. Only close ones are offered: a suggestion far from
 * what was typed reads as a non sequitur.
 */

/** Levenshtein distance (the words compared here are short: the quadratic cost is nothing). */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}

/**
 * Up to `n` candidates within a third of the typed word's length (at least 1, at most 3 edits),
 * or starting with it; closest first.
 */
export function closestNames(typed: string, candidates: Iterable<string>, n = 3): string[] {
  const t = typed.toLowerCase();
  const limit = Math.min(3, Math.max(1, Math.floor(t.length / 3)));
  return [...new Set(candidates)]
    .map((c) => ({
      c,
      d: c.toLowerCase().startsWith(t) && t.length >= 2 ? 0.5 : editDistance(t, c.toLowerCase()),
    }))
    .filter((x) => x.d <= limit)
    .sort((a, b) => a.d - b.d || a.c.localeCompare(b.c))
    .slice(0, n)
    .map((x) => x.c);
}
