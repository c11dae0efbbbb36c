// Async iteration over the API's cursor-paginated lists: each page's cursor comes from the last item (or the
// answer's `next`), and the iteration ends on a short page or a null cursor.

/** One page: its items and the cursor of the next page (null when this was the last). */
export interface Page<T> { items: T[]; next: string | null }

/** Iterates every item of every page, fetching a page only when the previous one is used up. */
export async function* paginate<T>(fetchPage: (cursor: string | undefined) => Promise<Page<T>>): AsyncGenerator<T, void, undefined> {
  let cursor: string | undefined;
  const seen = new Set<string>();
  while (true) {
    const page = await fetchPage(cursor);
    yield* page.items;
    if (!page.next || !page.items.length) return;
    if (seen.has(page.next)) throw new Error(`pagination cursor ${page.next} came back twice: the list would never end`);
    seen.add(page.next);
    cursor = page.next;
  }
}

/** The next cursor of a list that answers only items: the last item's key when the page was full, else null. */
export function cursorOf<T>(items: T[], limit: number, key: (last: T) => string): string | null {
  return items.length >= limit && items.length > 0 ? key(items[items.length - 1]) : null;
}
