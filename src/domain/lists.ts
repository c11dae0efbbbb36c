// Maps of lists: grouping items by a key without copying the list on every add.

/** Appends `value` to the list of `key` in `map`, creating the list on first use. */
export function appendTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** The items grouped by `key`, each group in the items' order. */
export function groupBy<K, V>(items: readonly V[], key: (item: V) => K): Map<K, V[]> {
  const map = new Map<K, V[]>();
  for (const item of items) appendTo(map, key(item), item);
  return map;
}
