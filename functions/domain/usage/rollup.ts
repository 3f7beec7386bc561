/**
 * The hourly rollup (usage-rollup): per recent-store shard, each hour whose windows can no longer
 * change is folded into the day items the usage report and the anomaly watch read, once per hour
 * instead of once per window. In that order, per hour:
 *
 * 1. the call index items (one per organization, environment and hour): idempotent;
 * 2. the counters, ADDed to the existing day items (per key and per organization and environment),
 *    each item marked with the hour (`rolledUpTo`) in the same write, which only takes an hour above
 *    the item's mark: an item belongs to one organization, so to one shard, whose hours are rolled
 *    up one after the other, so a retried hour skips the items its failed attempt added to. The
 *    key's day item of its latest call also gets that call in its `lastUsed` set;
 * 2b. the key item's lastUsedAt (moved forward only), once per key and day rather than once per
 *    key and hour: only when the day item's set was empty before (the key's first rolled-up hour
 *    of that day), or when the mark refused the write (a retried hour: its failed attempt may have
 *    stopped before this). So the key item always points at the key's latest day with rolled-up
 *    calls, and that day item's set holds the latest of them (last-use.ts reads both);
 * 3. the anomaly watch on the key totals those writes return (its failure is logged, not retried:
 *    the key's next hour checks again, as a retried hour would count its counters twice);
 * 4. the marker (forward only): readers then take the hour from the day items, no longer from the
 *    recent windows.
 *
 * A failure before the marker retries the whole hour at the next run: every step is harmless to
 * repeat (the counters by their mark). Two runs at the same moment would race on the marker and the
 * anomaly watch, so the function runs with a reserved concurrency of 1.
 */
import { USAGE_ROLLUP_GRACE_SECONDS } from '../../definition/usage';
import { inParallel } from '../in-parallel';
import type { KeyEnvironment } from '../keys/key-token';
import { watchAnomalies } from './anomaly-watch';
import { dayOf } from './days';
import type { CallSectionRef, CounterUpdate, OrgWindow, UsageStore } from './usage-model';
import { HOUR_MS, hourOf, nextHour } from './window';

export interface LastUsedStore {
  /** Moves lastUsedAt forward (never back) for keys that still exist. */
  recordLastUsed(keyId: string, at: string): Promise<void>;
}

export interface CallIndexEntry {
  organizationId: string;
  environment: KeyEnvironment;
  /** The hour the windows were filed under (not necessarily their calls' hour). */
  hour: string;
  sections: CallSectionRef[];
}

/** The recent store as the rollup uses it. */
export interface RollupSource {
  /** The last hour of the shard folded into the day items, if any. */
  marker(shard: number): Promise<string | undefined>;
  /** The hour of the shard's oldest recent window, if any: where a first rollup starts. */
  oldestHour(shard: number): Promise<string | undefined>;
  /** Every organization's windows of the shard filed under the hour. */
  hourWindows(shard: number, hour: string): Promise<OrgWindow[]>;
  putCallIndex(entries: readonly CallIndexEntry[]): Promise<void>;
  /** Moves the marker to `hour`, never back. */
  advanceMarker(shard: number, hour: string): Promise<void>;
}

export interface RollupDeps {
  source: RollupSource;
  usage: UsageStore;
  lastUsed: LastUsedStore;
  shards: number;
  graceSeconds?: number;
  /** Anomaly checks that failed; the hour is still rolled up. */
  onAnomalyCheckError?: (error: unknown) => void;
}

export interface HourRollup {
  shard: number;
  hour: string;
  windows: number;
  counterItems: number;
  lastUsedWrites: number;
  indexItems: number;
  anomalies: number;
}

/** The last hour that is due at `now`: ended more than the grace period ago. */
function lastDueHour(now: number, graceSeconds = USAGE_ROLLUP_GRACE_SECONDS): string {
  return hourOf(now - graceSeconds * 1000 - HOUR_MS);
}

/** The shard's hours to roll up at `now`, oldest first: after the marker, up to the last due hour. */
async function dueHours(source: RollupSource, shard: number, now: number, graceSeconds?: number) {
  const last = lastDueHour(now, graceSeconds);
  const marker = await source.marker(shard);
  const first = marker === undefined ? await source.oldestHour(shard) : nextHour(marker);
  const hours: string[] = [];
  if (first === undefined) return { hours, last };
  for (let hour = first; hour <= last; hour = nextHour(hour)) hours.push(hour);
  return { hours, last, marker };
}

/**
 * Rolls up every due hour of every shard; a failed shard does not stop the others. `lagHours`: how
 * many due hours the furthest-behind shard has left, after the run (0 when every shard is at the
 * last due hour), for the alarm on a rollup that no longer moves on.
 */
export async function rollUp(deps: RollupDeps, now: number) {
  const rolled: HourRollup[] = [];
  const failures: { shard: number; error: unknown }[] = [];
  let lagHours = 0;
  for (let shard = 0; shard < deps.shards; shard++) {
    try {
      rolled.push(...(await rollUpShard(deps, shard, now)));
    } catch (error) {
      failures.push({ shard, error });
      lagHours = Math.max(lagHours, await hoursLeft(deps.source, shard, now, deps.graceSeconds));
    }
  }
  return { rolled, failures, lagHours };
}

/** The due hours a shard has left (a shard that rolled up has none); unknown ones (reads failing) count as 0. */
async function hoursLeft(source: RollupSource, shard: number, now: number, graceSeconds?: number) {
  try {
    return (await dueHours(source, shard, now, graceSeconds)).hours.length;
  } catch {
    // The run fails on this shard anyway: usage-rollup's Errors alarm reports it.
    return 0;
  }
}

export async function rollUpShard(deps: RollupDeps, shard: number, now: number): Promise<HourRollup[]> {
  const { hours, last, marker } = await dueHours(deps.source, shard, now, deps.graceSeconds);
  const rolled: HourRollup[] = [];
  for (const hour of hours) {
    const windows = await deps.source.hourWindows(shard, hour);
    // An hour without windows needs no marker of its own: the one after the loop covers it.
    if (windows.length === 0) continue;
    rolled.push(await rollUpHour(deps, shard, hour, windows));
    await deps.source.advanceMarker(shard, hour);
  }
  const latest = rolled.at(-1)?.hour ?? marker;
  if (hours.length > 0 && (latest === undefined || latest < last)) await deps.source.advanceMarker(shard, last);
  return rolled;
}

const LAST_USED_AT_ONCE = 8;

async function rollUpHour(deps: RollupDeps, shard: number, hour: string, windows: readonly OrgWindow[]) {
  const sums = sumHour(windows);
  const index = [...sums.sections.values()].map((entry) => ({ ...entry, hour }));
  await deps.source.putCallIndex(index);
  const totals = await deps.usage.add(sums.updates, { watermark: hour });
  const keyWrites = totals.flatMap(({ keyId, lastUses, retried }) => {
    const at = sums.lastUsed.get(keyId);
    if (lastUses === undefined || at === undefined || !(retried || lastUses === 1)) return [];
    return [() => deps.lastUsed.recordLastUsed(keyId, new Date(at).toISOString())];
  });
  await inParallel(keyWrites, LAST_USED_AT_ONCE);
  let anomalies = 0;
  try {
    anomalies = await watchAnomalies(deps.usage, totals, sums.environments);
  } catch (error) {
    deps.onAnomalyCheckError?.(error);
  }
  return {
    shard,
    hour,
    windows: windows.length,
    counterItems: sums.updates.length,
    lastUsedWrites: keyWrites.length,
    indexItems: index.length,
    anomalies,
  } satisfies HourRollup;
}

/** An hour's windows summed per (organization, environment, day) and (organization, key, day). */
export function sumHour(windows: readonly OrgWindow[]) {
  const updates = new Map<string, CounterUpdate>();
  const lastUsed = new Map<string, number>();
  const environments = new Map<string, KeyEnvironment>();
  const organizations = new Map<string, string>();
  const sections = new Map<string, Omit<CallIndexEntry, 'hour'>>();
  const add = (id: string, scope: CounterUpdate['scope'], counters: Record<string, number>) => {
    let update = updates.get(id);
    if (!update) {
      update = { scope, counters: {} };
      updates.set(id, update);
    }
    for (const [name, count] of Object.entries(counters)) update.counters[name] = (update.counters[name] ?? 0) + count;
  };
  for (const window of windows) {
    const { organizationId, environment } = window;
    for (const [keyId, { lastUsed: at, days }] of Object.entries(window.keys)) {
      lastUsed.set(keyId, Math.max(lastUsed.get(keyId) ?? Number.NEGATIVE_INFINITY, at));
      environments.set(keyId, environment);
      organizations.set(keyId, organizationId);
      for (const [day, counters] of Object.entries(days)) {
        add(`key\n${organizationId}\n${keyId}\n${day}`, { kind: 'key', organizationId, keyId, day }, counters);
        add(
          `org\n${organizationId}\n${environment}\n${day}`,
          { kind: 'organization', organizationId, environment, day },
          counters,
        );
      }
    }
    if (window.calls) {
      const id = `${organizationId}\n${environment}`;
      const entry = sections.get(id) ?? { organizationId, environment, sections: [] };
      entry.sections.push(window.calls);
      sections.set(id, entry);
    }
  }
  // The key's latest call goes to the day item of its own day: readers look there (last-use.ts).
  for (const [keyId, at] of lastUsed) {
    const update = updates.get(`key\n${organizations.get(keyId)}\n${keyId}\n${dayOf(at)}`);
    if (update) update.lastUsed = at;
  }
  return { updates: [...updates.values()], lastUsed, environments, sections };
}
