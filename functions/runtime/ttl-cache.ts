/** Memoizes an async lookup per key for a while; plan and sub-account changes show within the TTL. */
export function ttlCache<V>(
  load: (key: string) => Promise<V>,
  ttlMs: number,
  now: () => number = Date.now,
  /** Past this many entries the cache starts over, so a stream of distinct keys cannot grow it without end. */
  maxEntries = Number.POSITIVE_INFINITY,
) {
  const entries = new Map<string, { value: Promise<V>; expires: number }>();
  return (key: string): Promise<V> => {
    const hit = entries.get(key);
    if (hit && hit.expires > now()) return hit.value;
    if (entries.size >= maxEntries) entries.clear();
    const value = load(key);
    entries.set(key, { value, expires: now() + ttlMs });
    value.catch(() => entries.delete(key));
    return value;
  };
}
