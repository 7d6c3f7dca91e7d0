/**
 * Order-aware comparison of two rule lists of one chain by key: which keys
 * only one side has (added, removed) and which common rules changed their
 * relative order (moved). Common rules are paired occurrence by occurrence;
 * the longest run that kept its order stays put (a longest increasing
 * subsequence, O(n log n), so 50 000-rule chains stay fast); the rest moved.
 */
export interface SequenceDiff<T> {
  added: T[];
  removed: T[];
  moved: { old: T; now: T }[];
}

export function diffSequence<T>(old: readonly T[], now: readonly T[], keyOf: (item: T) => string): SequenceDiff<T> {
  const waiting = new Map<string, number[]>();
  old.forEach((item, index) => {
    const key = keyOf(item);
    const list = waiting.get(key);
    if (list) list.push(index);
    else waiting.set(key, [index]);
  });
  const added: T[] = [];
  const pairs: { oldIndex: number; now: T }[] = [];
  for (const item of now) {
    const list = waiting.get(keyOf(item));
    const oldIndex = list?.shift();
    if (oldIndex === undefined) added.push(item);
    else pairs.push({ oldIndex, now: item });
  }
  const paired = new Set(pairs.map((pair) => pair.oldIndex));
  const removed = old.filter((_, index) => !paired.has(index));
  const stays = longestIncreasing(pairs.map((pair) => pair.oldIndex));
  const moved = pairs.filter((_, index) => !stays.has(index)).map((pair) => ({ old: old[pair.oldIndex] as T, now: pair.now }));
  return { added, removed, moved };
}

/** Positions (in `values`) of one longest strictly increasing subsequence. */
function longestIncreasing(values: readonly number[]): Set<number> {
  const tails: number[] = [];
  const previous: number[] = new Array<number>(values.length).fill(-1);
  values.forEach((value, index) => {
    let low = 0;
    let high = tails.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((values[tails[middle] as number] as number) < value) low = middle + 1;
      else high = middle;
    }
    if (low > 0) previous[index] = tails[low - 1] as number;
    tails[low] = index;
  });
  const result = new Set<number>();
  for (let at = tails[tails.length - 1] ?? -1; at >= 0; at = previous[at] as number) result.add(at);
  return result;
}
