// "Did you mean": the closest candidate by edit distance (insertions, deletions, substitutions
// and swaps of neighbours), accepted only when close enough to be a likely typo.

/** Optimal-string-alignment distance; stops early once every entry of a row exceeds `limit`. */
export function editDistance(a: string, b: string, limit = Infinity): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2]! + 1);
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > limit) return limit + 1;
    prev2 = prev;
    prev = cur;
  }
  return prev[b.length]!;
}

/** Largest distance still accepted as a typo of a name of this length. */
export function typoLimit(name: string): number {
  return name.length <= 2 ? 1 : name.length <= 5 ? 2 : 3;
}

/**
 * The candidate closest to `name`, or undefined when none is within the typo limit.
 * Case-only differences count as distance 0.5 so `Net` finds `net` before `nets`.
 * Ties go to the earlier candidate, so callers list the most plausible kinds first.
 */
export function didYouMean(name: string, candidates: Iterable<string>): string | undefined {
  const limit = typoLimit(name);
  let best: string | undefined;
  let bestD = Infinity;
  const lower = name.toLowerCase();
  for (const c of candidates) {
    if (c === name) continue;
    const d = c.toLowerCase() === lower ? 0.5 : editDistance(name, c, limit);
    if (d <= limit && d < bestD && d < c.length) {
      best = c;
      bestD = d;
    }
  }
  return best;
}
