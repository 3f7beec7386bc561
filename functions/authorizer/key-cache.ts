/**
 * A short-lived in-memory cache of key records per authorizer instance. API Gateway already caches
 * answers per (key, source IP); this absorbs the misses it still sends (new client IPs, a flush).
 * Its TTL bounds how long a revoked key can outlive a cache flush, so it stays well under a second.
 */
import type { ApiKeyRecord } from '../domain/keys/key-model';

export function cachedKeyLookup(
  load: (keyId: string) => Promise<ApiKeyRecord | undefined>,
  ttlMs: number,
  now: () => number = Date.now,
  maxEntries = 10_000,
) {
  const entries = new Map<string, { record: ApiKeyRecord | undefined; expires: number }>();
  return async (keyId: string) => {
    const hit = entries.get(keyId);
    if (hit && hit.expires > now()) return hit.record;
    const record = await load(keyId);
    if (ttlMs > 0) {
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string);
      entries.set(keyId, { record, expires: now() + ttlMs });
    }
    return record;
  };
}
