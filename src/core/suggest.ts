/**
 * "Did you mean …?" for names a user typed: pipelines, datasets, flags, columns. Edit distance
 * (Damerau: a swap of two neighbours counts once), plus a bonus for names that contain what was typed.
 */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number): number => d[i]?.[j] ?? 0;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, at(i - 2, j - 2) + 1);
      (d[i] as number[])[j] = v;
    }
  }
  return at(a.length, b.length);
}

/**
 * The candidates closest to `typed`, best first: within a distance of about a third of the name's length
 * (at least 2), or containing / contained in it once a common prefix such as `finra.otc_transparency.` is
 * ignored. Empty when nothing is close, so the caller falls back to listing the valid names.
 */
export function closestNames(typed: string, candidates: readonly string[], max = 3): string[] {
  const t = typed.toLowerCase();
  const typedTail = t.slice(t.lastIndexOf('.') + 1);
  const scored = candidates.map((c) => {
    const lc = c.toLowerCase();
    const tail = lc.slice(lc.lastIndexOf('.') + 1);
    const dist = Math.min(editDistance(t, lc), editDistance(typedTail, tail));
    const contains =
      typedTail.length >= 3 && (tail.includes(typedTail) || (typedTail.includes(tail) && tail.length >= 3));
    const limit = Math.max(2, Math.floor(Math.min(typedTail.length, tail.length) / 3));
    return { c, score: contains ? Math.min(dist, 1) : dist, limit };
  });
  const close = scored.filter((s) => s.score <= s.limit).sort((a, b) => a.score - b.score || a.c.localeCompare(b.c));
  // Only the best: `--fiel` suggests --file (1 edit), not also --tier (2 edits).
  const best = close[0]?.score;
  return close
    .filter((s) => s.score === best)
    .slice(0, max)
    .map((s) => s.c);
}

/** ` Did you mean 'x'?` (or `'x' or 'y'`), or '' when nothing is close. */
export function didYouMean(typed: string, candidates: readonly string[], quote = (s: string) => `'${s}'`): string {
  const close = closestNames(typed, candidates, 2);
  return close.length === 0 ? '' : ` Did you mean ${close.map(quote).join(' or ')}?`;
}
