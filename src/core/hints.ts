/** Levenshtein edit distance (insertions, deletions, substitutions), capped: answers max+1 once beyond `max`. */
export function editDistance(a: string, b: string, max = Number.MAX_SAFE_INTEGER): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  // Typed arrays read 0, never undefined, so the row arithmetic needs no assertions.
  let prev = Int32Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = new Int32Array(b.length + 1);
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur[j] = v;
      rowMin = Math.min(rowMin, v);
    }
    if (rowMin > max) return max + 1;
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

/**
 * The known word nearest to `word` within `max` edits (ties: the first in `known`), or undefined.
 * Only a near miss is suggested: never `word` itself, never a word a whole edit budget away from a short one.
 */
export function nearest(word: string, known: Iterable<string>, max = 2): string | undefined {
  let best: string | undefined;
  let bestD = max + 1;
  for (const k of known) {
    if (k === word) continue;
    const d = editDistance(word, k, max);
    if (d < bestD && d < Math.max(k.length, word.length)) {
      best = k;
      bestD = d;
    }
  }
  return best;
}

/** "; did you mean 'x'?" for a near miss, else the empty string. */
export function didYouMean(word: string, known: Iterable<string>, max = 2): string {
  const hit = nearest(word, known, max);
  return hit === undefined ? '' : `; did you mean '${hit}'?`;
}
