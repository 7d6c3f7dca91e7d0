/** "Did you mean" helpers for error messages. */

function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0] as number;
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j] as number;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      previous[j] = Math.min(above + 1, (previous[j - 1] as number) + 1, diagonal + cost);
      diagonal = above;
    }
  }
  return previous[b.length] as number;
}

/** Up to `limit` candidates close to `wanted` (small edit distance or a shared prefix), closest first. */
export function closestNames(wanted: string, candidates: Iterable<string>, limit = 3): string[] {
  const threshold = Math.max(2, Math.floor(wanted.length / 3));
  const scored: { name: string; score: number }[] = [];
  for (const name of new Set(candidates)) {
    const prefixRelated = wanted.length >= 3 && (name.startsWith(wanted) || wanted.startsWith(name));
    if (prefixRelated) {
      scored.push({ name, score: name === wanted ? 0 : 1 });
      continue;
    }
    // The distance is at least the length difference: skip the quadratic table (a 100 KB word costs seconds).
    if (Math.abs(wanted.length - name.length) > threshold) continue;
    const distance = editDistance(wanted, name);
    if (distance <= threshold) scored.push({ name, score: distance });
  }
  scored.sort((x, y) => x.score - y.score || x.name.localeCompare(y.name));
  return scored.slice(0, limit).map((entry) => entry.name);
}
