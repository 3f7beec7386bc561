/**
 * What readers add to the day items: the recent windows the hourly rollup has not folded in yet.
 * The day items hold every hour up to the rollup's marker and the windows hold exactly the hours
 * after it (RecentUsageStore.organizationWindows), so their sum counts every call once, a minute
 * (the usage window, plus delivery) after it was made rather than an hour. Exact between rollups:
 * while a rollup is writing the hour of an organization's shard (seconds, once an hour), its day
 * items hold part of that hour and the windows all of it, so a report read then may count part of
 * the hour twice until the marker moves (a later read is exact again).
 */
import type { DayCounters, DaysQuery, RecentOrgWindow } from './usage-model';

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
