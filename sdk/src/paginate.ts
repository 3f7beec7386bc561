/** `for await` over every item of a cursor-paged list: `{ items, nextCursor }`, as all lists answer. */

export interface Page<T> {
  items: readonly T[];
  nextCursor?: string | null;
}

/**
 * Calls `fetchPage` with no cursor, then with each page's `nextCursor` until there is none; pages
 * are fetched as the loop asks for them, so breaking out early fetches no more.
 */
export async function* paginate<T>(fetchPage: (cursor: string | undefined) => Promise<Page<T>>): AsyncGenerator<T> {
  let cursor: string | undefined;
  const seen = new Set<string>();
  do {
    const page = await fetchPage(cursor);
    yield* page.items;
    cursor = page.nextCursor ?? undefined;
    // A server handing back a cursor twice would loop forever: stop loudly instead.
    if (cursor !== undefined) {
      if (seen.has(cursor)) throw new Error(`paginate: the list returned the cursor ${cursor} twice`);
      seen.add(cursor);
    }
  } while (cursor !== undefined);
}
