/**
 * An in-memory recent usage store for the unit tests: what readers get (RecentUsageStore) and what
 * the real rollup (rollup.ts) reads and moves (RollupSource), filed as DynamoRecentUsageStore files
 * windows: under their object's hour, or after the marker when the rollup has passed that hour.
 * Rolled-up windows stay stored (as items do until their TTL), so a reader that counted them again
 * would show it.
 */
import { USAGE_RECENT_SHARDS } from '../../functions/definition/usage';
import type { Clock } from '../../functions/domain/clock';
import type { KeyEnvironment } from '../../functions/domain/keys/key-token';
import type { AccessCall } from '../../functions/domain/usage/access-call';
import { type CallIndexEntry, type RollupSource, rollUp } from '../../functions/domain/usage/rollup';
import type {
  OrgWindow,
  RecentOrgWindow,
  RecentUsageStore,
  UsageStore,
  UsageWindow,
} from '../../functions/domain/usage/usage-model';
import { buildUsageWindow, hourOf, nextHour, usageShardOf, windowShards } from '../../functions/domain/usage/window';
import { MemoryLastUsedStore, MemoryUsageStore } from './usage-memory';

interface Filed {
  shard: number;
  hour: string;
  windowId: string;
  createdAt: number;
  organizations: OrgWindow[];
}

export class MemoryRecentUsageStore implements RecentUsageStore, RollupSource {
  readonly shards = USAGE_RECENT_SHARDS;
  private readonly filed: Filed[] = [];
  private readonly markers = new Map<number, string>();
  readonly callIndex: CallIndexEntry[] = [];
  /** organizationWindows calls: the readers' cost. */
  reads = 0;

  constructor(private readonly clock: Clock = () => new Date()) {}

  async putWindow(window: UsageWindow): Promise<void> {
    for (const [shard, organizations] of windowShards(window, this.shards)) {
      const marker = this.markers.get(shard);
      let hour = hourOf(window.createdAt);
      if (marker !== undefined && hour <= marker) {
        // Already written under its own hour before that hour was rolled up: counted by it.
        if (this.filed.some((each) => each.shard === shard && each.hour === hour && each.windowId === window.id)) {
          continue;
        }
        const current = hourOf(this.clock().getTime());
        hour = current > nextHour(marker) ? current : nextHour(marker);
      }
      const same = this.filed.findIndex((each) => each.shard === shard && each.windowId === window.id);
      if (same >= 0) this.filed.splice(same, 1);
      const { id: windowId, createdAt } = window;
      this.filed.push({ shard, hour, windowId, createdAt, organizations: structuredClone(organizations) });
    }
  }

  async organizationWindows(organizationId: string, environment: KeyEnvironment): Promise<RecentOrgWindow[]> {
    this.reads++;
    const shard = usageShardOf(organizationId, this.shards);
    const marker = this.markers.get(shard) ?? '';
    return this.filed
      .filter((each) => each.shard === shard && each.hour > marker)
      .flatMap(({ windowId, createdAt, organizations }) =>
        organizations
          .filter((each) => each.organizationId === organizationId && each.environment === environment)
          .map((each) => ({ ...structuredClone(each), windowId, createdAt })),
      )
      .sort((a, b) => a.createdAt - b.createdAt || (a.windowId < b.windowId ? -1 : 1));
  }

  async marker(shard: number): Promise<string | undefined> {
    return this.markers.get(shard);
  }

  async oldestHour(shard: number): Promise<string | undefined> {
    return this.filed
      .filter((each) => each.shard === shard)
      .map((each) => each.hour)
      .sort()[0];
  }

  async hourWindows(shard: number, hour: string): Promise<OrgWindow[]> {
    return this.filed
      .filter((each) => each.shard === shard && each.hour === hour)
      .flatMap((each) => structuredClone(each.organizations));
  }

  async putCallIndex(entries: readonly CallIndexEntry[]): Promise<void> {
    this.callIndex.push(...structuredClone(entries));
  }

  async advanceMarker(shard: number, hour: string): Promise<void> {
    if ((this.markers.get(shard) ?? '') < hour) this.markers.set(shard, hour);
  }
}

/**
 * The usage pipeline past the access log, in memory unless given stores: `ingest` is usage-ingest's
 * window of an access-log object created at `createdAt`, `rollUp` the real hourly rollup run at `now`.
 */
export function aUsagePipeline(
  clock: Clock,
  stores: { usage?: UsageStore; recent?: RecentUsageStore & RollupSource } = {},
) {
  const usage = stores.usage ?? new MemoryUsageStore();
  const recent = stores.recent ?? new MemoryRecentUsageStore(clock);
  const lastUsed = new MemoryLastUsedStore();
  let windows = 0;
  return {
    usage,
    recent,
    lastUsed,
    ingest: (calls: readonly AccessCall[], createdAt = clock().getTime()) =>
      recent.putWindow(buildUsageWindow({ id: `window-${windows++}`, createdAt, calls })),
    async rollUp(now = clock().getTime()) {
      const { failures } = await rollUp({ source: recent, usage, lastUsed, shards: USAGE_RECENT_SHARDS }, now);
      if (failures.length > 0) throw failures[0]?.error;
    },
  };
}
