/**
 * "Did you mean": the candidates closest to what was typed, by edit distance, for messages that
 * name a mistyped option, column or name. Only close ones are offered: a suggestion far from
 * what was typed reads as a non sequitur.
 */

/**
 * Edit distance with two neighbours swapped counting as one edit ("pirce" is one from "price"),
 * the commonest typing slip (optimal string alignment; the words compared here are short).
 */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.length][b.length];
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
