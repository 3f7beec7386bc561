/**
 * What readers add to the day items: the recent windows the hourly rollup has not folded in yet.
 * The day items hold every hour up to the rollup's marker and the windows hold exactly the hours
 * after it (RecentUsageStore.organizationWindows), so their sum counts every call once, a minute
 * (the usage window, plus delivery) after it was made rather than an hour. Exact between rollups:
 * while a rollup is writing the hour of an organization's shard (seconds, once an hour), its day
 * items hold part of that hour and the windows all of it, so a report read then may count part of
 * the hour twice until the marker moves (a later read is exact again).
 */
import type { Caller } from '../caller';
import type { ApiKeyRecord } from '../keys/key-model';
import type { DayCounters, DaysQuery, RecentOrgWindow, RecentUsageStore } from './usage-model';

/**
 * The day counters plus the windows' counters of the days from `from` to `to`, oldest first: the
 * organization's (every key of the environment), or with `keyId` that key's alone. A window of
 * another organization or environment adds nothing, whatever the store hands over.
 */
export function withRecentUsage(
  days: readonly DayCounters[],
  windows: readonly RecentOrgWindow[],
  query: DaysQuery,
): DayCounters[] {
  const sums = new Map(days.map(({ day, counters }) => [day, { ...counters }]));
  for (const window of windows) {
    if (window.organizationId !== query.organizationId || window.environment !== query.environment) continue;
    for (const [keyId, { days: keyDays }] of Object.entries(window.keys)) {
      if (query.keyId !== undefined && keyId !== query.keyId) continue;
      for (const [day, counters] of Object.entries(keyDays)) {
        if (day < query.from || day > query.to) continue;
        let sum = sums.get(day);
        if (!sum) {
          sum = {};
          sums.set(day, sum);
        }
        for (const [name, count] of Object.entries(counters)) sum[name] = (sum[name] ?? 0) + count;
      }
    }
  }
  return [...sums].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([day, counters]) => ({ day, counters }));
}

type UsedKey = Pick<ApiKeyRecord, 'id' | 'organizationId' | 'environment' | 'lastUsedAt'>;

/**
 * A function that moves a key's `lastUsedAt` up to its latest call in the windows, never back: the
 * rollup writes the stored value an hour late, and may have written a later one than a window a
 * reader still gets (a late object is filed under a later hour than its calls').
 */
export function latestUse(windows: readonly RecentOrgWindow[]): <K extends UsedKey>(key: K) => K {
  const latest = new Map<string, number>();
  for (const window of windows) {
    for (const [keyId, { lastUsed }] of Object.entries(window.keys)) {
      const scope = `${window.organizationId}/${window.environment}/${keyId}`;
      if (lastUsed > (latest.get(scope) ?? Number.NEGATIVE_INFINITY)) latest.set(scope, lastUsed);
    }
  }
  return (key) => {
    const recent = latest.get(`${key.organizationId}/${key.environment}/${key.id}`);
    if (recent === undefined || (key.lastUsedAt !== undefined && Date.parse(key.lastUsedAt) >= recent)) return key;
    return { ...key, lastUsedAt: new Date(recent).toISOString() };
  };
}

/**
 * Reads the caller's windows once, for every key a response shows. Call it before reading the
 * keys: the rollup writes an hour's lastUsedAt before it moves the marker past that hour, so a key
 * read after the windows holds whatever they no longer show, and lastUsedAt never goes back
 * between two responses (read the other way round, a rollup in between could hide the hour from
 * both). The caller's environment suffices: a caller only ever sees keys of its own organization
 * and environment (key-service.ts), and a key's calls are its environment's.
 */
export async function latestUseOf(
  recent: Pick<RecentUsageStore, 'organizationWindows'>,
  caller: Pick<Caller, 'organizationId' | 'environment'>,
) {
  return latestUse(await recent.organizationWindows(caller.organizationId, caller.environment));
}
