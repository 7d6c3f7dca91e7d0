/**
 * A list that nearly always holds one item, kept without an array until it
 * holds two: nodes that live as long as the dump save an array per node.
 * Items must not be arrays themselves.
 */
export type CompactList<T> = T | T[] | undefined;

export function itemsOf<T>(list: CompactList<T>): T[] {
  if (list === undefined) return [];
  return Array.isArray(list) ? list : [list];
}

/** The list with `item` added at the end (the same array when it already was one). */
export function withItem<T>(list: CompactList<T>, item: T): CompactList<T> {
  if (list === undefined) return item;
  if (Array.isArray(list)) {
    list.push(item);
    return list;
  }
  return [list, item];
}
