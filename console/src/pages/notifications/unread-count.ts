import { useEffect, useState } from 'preact/hooks';
import { useConsole } from '../../app/context';

/** How many notifications the badge looks at: the newest page. More unread than this shows as this many. */
export const UNREAD_WINDOW = 100;
const REFRESH_MS = 5 * 60_000;

const listeners = new Set<() => void>();

/** Tells every badge to count again (after marking one read). */
export function notificationsChanged(): void {
  for (const listener of listeners) listener();
}

/**
 * The unread notifications of the environment shown, for the nav badge: undefined until known and
 * for members, who may not read notifications (the API answers them 403).
 */
export function useUnreadCount(): number | undefined {
  const { api, me } = useConsole();
  const [count, setCount] = useState<number>();
  useEffect(() => {
    if (me.role === 'member') return;
    let current = true;
    const load = () =>
      api
        .GET('/v1/notifications', { params: { query: { limit: UNREAD_WINDOW } } })
        .then((page) => current && setCount(page.items.filter((item) => !item.read).length))
        // A badge is no place for an error; the page itself shows one.
        .catch(() => undefined);
    void load();
    listeners.add(load);
    const timer = setInterval(load, REFRESH_MS);
    return () => {
      current = false;
      listeners.delete(load);
      clearInterval(timer);
    };
  }, [api, me.role]);
  return count;
}
