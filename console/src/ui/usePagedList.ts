import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { errorMessage } from './errors';

export type FetchPage<T> = (cursor?: string) => Promise<{ items: readonly T[]; nextCursor?: string | null }>;

export interface PagedList<T> {
  /** Null until the first page is read. */
  items: T[] | null;
  hasMore: boolean;
  loading: boolean;
  /** The API's message when a page could not be read. */
  problem?: string;
  reload: () => void;
  more: () => void;
  /** Puts an item changed by an action (e.g. marked read) in place of the one with its id. */
  replace: (item: T & { id: string }) => void;
}

/**
 * A cursor-paged list (`{ items, nextCursor }`, as every list of the API answers): the first page
 * when mounted and whenever `fetchPage` changes (memoize it with useCallback and list what it reads),
 * the next page on `more()`. An answer overtaken by a later reload is dropped.
 */
export function usePagedList<T>(fetchPage: FetchPage<T>): PagedList<T> {
  const [items, setItems] = useState<T[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [problem, setProblem] = useState<string>();
  const generation = useRef(0);

  const read = useCallback(
    async (after?: string) => {
      const current = after ? generation.current : ++generation.current;
      setLoading(true);
      try {
        const page = await fetchPage(after);
        if (current !== generation.current) return;
        setItems((shown) => (after ? [...(shown ?? []), ...page.items] : [...page.items]));
        setCursor(page.nextCursor ?? null);
        setProblem(undefined);
      } catch (error) {
        if (current === generation.current) setProblem(errorMessage(error));
      } finally {
        if (current === generation.current) setLoading(false);
      }
    },
    [fetchPage],
  );

  useEffect(() => {
    void read();
  }, [read]);

  return {
    items,
    hasMore: cursor !== null,
    loading,
    problem,
    reload: () => void read(),
    more: () => cursor && void read(cursor),
    replace: (item) =>
      setItems((shown) => shown?.map((old) => ((old as { id?: string }).id === item.id ? item : old)) ?? null),
  };
}
