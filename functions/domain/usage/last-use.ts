/**
 * A key's last use: what every view of `lastUsedAt` shows (GET /v1/keys, a key's page, the answers
 * of PATCH, the status changes and rotate) and where the call log starts. The latest of:
 *
 * 1. the key item's lastUsedAt, which the hourly rollup writes at most once per key and day (on the
 *    key's first rolled-up hour of a day, or a retried hour: rollup.ts), so it is always on the
 *    key's latest day with rolled-up calls;
 * 2. that day's key item in the usage partition, whose `lastUsed` set the rollup adds the key's
 *    latest call of every rolled-up hour to (one BatchGetItem for a page of keys);
 * 3. the key's latest call in the recent windows, the hours the rollup has not folded in yet.
 *
 * Read the windows first, then the keys, then the day items: the rollup writes an hour's day item
 * and key item before it moves the marker past that hour, so whatever the windows no longer show
 * is on the key and day items read after them, and lastUsedAt never goes back between two
 * responses (read the other way round, a rollup in between could hide the hour from both).
 */
import type { Caller } from '../caller';
import type { ApiKeyRecord } from '../keys/key-model';
import { dayOf } from './days';
import type { RecentOrgWindow, RecentUsageStore, UsageStore } from './usage-model';

type UsedKey = Pick<ApiKeyRecord, 'id' | 'organizationId' | 'environment' | 'lastUsedAt'>;

/** The keys, each with its last use as lastUsedAt (never earlier than the stored one). */
export type LatestUse = <K extends UsedKey>(keys: readonly K[]) => Promise<K[]>;

/** Where the last use is read from, besides the key itself. */
export interface LastUseStores {
  recent: Pick<RecentUsageStore, 'organizationWindows'>;
  usage: Pick<UsageStore, 'latestUses'>;
}

/**
 * The last use of keys read after these windows. The windows of another organization or
 * environment add nothing, whatever the store hands over. No day item is read for keys without a
 * stored lastUsedAt (no rolled-up call).
 */
export function latestUse(windows: readonly RecentOrgWindow[], usage: LastUseStores['usage']): LatestUse {
  const recent = new Map<string, number>();
  for (const window of windows) {
    for (const [keyId, { lastUsed }] of Object.entries(window.keys)) {
      const scope = `${window.organizationId}/${window.environment}/${keyId}`;
      if (lastUsed > (recent.get(scope) ?? Number.NEGATIVE_INFINITY)) recent.set(scope, lastUsed);
    }
  }
  return async (keys) => {
    const dayOfKey = (key: UsedKey) => (key.lastUsedAt === undefined ? undefined : dayOf(Date.parse(key.lastUsedAt)));
    const days = keys.flatMap((key) => {
      const day = dayOfKey(key);
      return day === undefined ? [] : [{ organizationId: key.organizationId, keyId: key.id, day }];
    });
    const rolledUp = days.length === 0 ? new Map<string, number>() : await usage.latestUses(days);
    return keys.map((key) => {
      const stored = key.lastUsedAt === undefined ? Number.NEGATIVE_INFINITY : Date.parse(key.lastUsedAt);
      const latest = Math.max(
        stored,
        rolledUp.get(`${key.id}/${dayOfKey(key)}`) ?? Number.NEGATIVE_INFINITY,
        recent.get(`${key.organizationId}/${key.environment}/${key.id}`) ?? Number.NEGATIVE_INFINITY,
      );
      return latest > stored ? { ...key, lastUsedAt: new Date(latest).toISOString() } : key;
    });
  };
}

/**
 * Reads the caller's windows once, for every key a response shows; call it before reading the
 * keys. The caller's environment suffices: a caller only ever sees keys of its own organization
 * and environment (key-service.ts), and a key's calls are its environment's.
 */
export async function latestUseOf(
  stores: LastUseStores,
  caller: Pick<Caller, 'organizationId' | 'environment'>,
): Promise<LatestUse> {
  return latestUse(await stores.recent.organizationWindows(caller.organizationId, caller.environment), stores.usage);
}

/** One key with its last use. */
export async function withLatestUse<K extends UsedKey>(latest: LatestUse, key: K): Promise<K> {
  return (await latest([key]))[0] ?? key;
}
