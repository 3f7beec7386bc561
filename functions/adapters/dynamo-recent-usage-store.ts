/**
 * The recent usage windows and the rollup's markers on DynamoDB.
 *
 * - `USAGE#RECENT#<shard>` / `<hour>#<windowId>#<part>`: one window's organizations of the shard
 *   (shard = usageShardOf(organization)), `data` = gzip of the JSON of their OrgWindow[] (Binary),
 *   a part per 300 KB of it (nearly always one); `ttl` 48 hours. `<hour>` is the hour the window is
 *   filed under (see putWindow).
 * - `USAGE#RECENT#<shard>` / `LATE#<windowId>`: the hour a late window was filed under, so every
 *   retry files it there (rare: objects ingested 2 minutes or more after their hour ended); see
 *   dynamo-late-window-claims.ts.
 * - `USAGE#RECENT#<shard>` / `ROLLED_UP`: the marker, `hour` = the last hour folded into the day
 *   items; it only moves forward.
 * - The call index (`ORG#<org>#USAGE` / `CALLS#…`): dynamo-call-index.ts; this store writes and
 *   reads it through DynamoCallIndex, so the rollup and the call log keep one store.
 *
 * Readers take the hours up to the marker from the day items and the call index, and the hours
 * after it from the windows, reading the marker first, so every window counts once.
 */
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { USAGE_LATE_AFTER_SECONDS, USAGE_RECENT_RETENTION_HOURS, USAGE_RECENT_SHARDS } from '../definition/usage';
import type { Clock } from '../domain/clock';
import { inParallel } from '../domain/in-parallel';
import type { KeyEnvironment } from '../domain/keys/key-token';
import type { CallIndexEntry, RollupSource } from '../domain/usage/rollup';
import type {
  CallIndexSource,
  CallSectionRef,
  OrgWindow,
  RecentCalls,
  RecentOrgWindow,
  RecentUsageStore,
  UsageWindow,
} from '../domain/usage/usage-model';
import { HOUR_MS, hourOf, hourStart, nextHour, usageShardOf, windowShards } from '../domain/usage/window';
import { logger } from '../runtime/logger';
import { writeIfCondition } from './conditional';
import { type CallSectionsQuery, DynamoCallIndex } from './dynamo-call-index';
import { DynamoLateWindowClaims } from './dynamo-late-window-claims';
import { queryAll } from './query-page';
import {
  gunzipJson,
  gzipJson,
  MAX_PART_BYTES,
  shardOfPartition,
  shardPartition,
  WRITES_AT_ONCE,
} from './recent-usage-items';

const MARKER = 'ROLLED_UP';
/** Sorts after every hour (`2026-…`) and before the marker. */
const AFTER_HOURS = '9999';
const MARKER_READ_ATTEMPTS = 6;

const markerKey = (shard: number) => ({ pk: shardPartition(shard), sk: MARKER });
const windowSortKey = (hour: string, windowId: string, part: number) => `${hour}#${windowId}#${part}`;

/**
 * Whether the rollup of `hour` may be running when a window written at `now` lands: it starts
 * USAGE_ROLLUP_GRACE_SECONDS after the hour's end, and a window written now may land up to
 * usage-ingest's timeout later (USAGE_LATE_AFTER_SECONDS keeps a minute between the two).
 */
function isLate(hour: string, now: number): boolean {
  return now >= hourStart(hour) + HOUR_MS + USAGE_LATE_AFTER_SECONDS * 1000;
}

/**
 * The organizations as gzipped parts of at most `limit` bytes: halves until each part fits, an
 * organization with very many keys split by keys (its call section goes with the first half).
 * Never throws, so one organization never fails the window of all the others: what does not fit
 * even alone (one key's counters, or a call section's reference, over `limit`) is left out and
 * handed to `dropped`.
 */
export function windowParts(
  organizations: readonly OrgWindow[],
  limit = MAX_PART_BYTES,
  dropped: (organization: OrgWindow) => void = () => undefined,
): Buffer[] {
  const whole = gzipJson(organizations);
  if (whole.length <= limit) return [whole];
  const split = (...halves: OrgWindow[][]) => halves.flatMap((half) => windowParts(half, limit, dropped));
  if (organizations.length > 1) {
    const half = Math.ceil(organizations.length / 2);
    return split(organizations.slice(0, half), organizations.slice(half));
  }
  const [organization] = organizations as [OrgWindow];
  const keys = Object.entries(organization.keys);
  const { calls, ...rest } = organization;
  if (keys.length < 2) {
    if (calls && keys.length === 1)
      return split([{ ...rest, calls, keys: {} }], [{ ...rest, keys: organization.keys }]);
    dropped(organization);
    return [];
  }
  const half = Math.ceil(keys.length / 2);
  return split(
    [{ ...rest, ...(calls && { calls }), keys: Object.fromEntries(keys.slice(0, half)) }],
    [{ ...rest, keys: Object.fromEntries(keys.slice(half)) }],
  );
}

interface StoredWindow {
  windowId: string;
  createdAt: number;
  organizations: OrgWindow[];
}

export class DynamoRecentUsageStore implements RecentUsageStore, RollupSource, CallIndexSource {
  private readonly claims: DynamoLateWindowClaims;
  private readonly callIndex: DynamoCallIndex;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock,
    private readonly shards = USAGE_RECENT_SHARDS,
    /** Gzipped bytes per window item; smaller in tests, to make parts of small windows. */
    private readonly partBytes = MAX_PART_BYTES,
  ) {
    this.claims = new DynamoLateWindowClaims(client, tableName);
    this.callIndex = new DynamoCallIndex(client, tableName, this);
  }

  /**
   * One PutItem per shard with data (and part), after one BatchGetItem of those shards' markers.
   * A window is filed under the hour of its object's creation while that hour's rollup cannot have
   * started (see `isLate`). Otherwise (a late or retried object) it is filed under an hour the
   * rollup cannot be reading yet, recorded in a claim item (`LATE#<windowId>`) so that every retry
   * files it under the same hour; a part found already filed (under its own hour, or its claimed
   * one) is not written again: the rollup of that hour counts it, or has counted it. Parts are
   * checked one by one, since an attempt may have failed between them.
   */
  async putWindow(window: UsageWindow): Promise<void> {
    const byShard = windowShards(window, this.shards);
    if (byShard.size === 0) return;
    const markers = await this.markers([...byShard.keys()]);
    // An object is never ingested before it was created: a clock behind that (a virtual one) is ignored.
    const now = Math.max(this.clock().getTime(), window.createdAt);
    const writes: (() => Promise<unknown>)[] = [];
    for (const [shard, organizations] of byShard) {
      const parts = windowParts(organizations, this.partBytes, (left) =>
        logger.error("Left out of a usage window what does not fit in an item: this organization's usage is short", {
          organizationId: left.organizationId,
          environment: left.environment,
          windowId: window.id,
          keys: Object.keys(left.keys),
          calls: left.calls !== undefined,
        }),
      );
      const filing = await this.hourToFile(shard, window, markers.get(shard), now, parts.length);
      if (filing === undefined) continue;
      const { hour } = filing;
      const ttl = Math.floor((now + USAGE_RECENT_RETENTION_HOURS * HOUR_MS) / 1000);
      for (const part of filing.parts) {
        const data = parts[part] as Buffer;
        const item = {
          pk: shardPartition(shard),
          sk: windowSortKey(hour, window.id, part),
          type: 'usage-window',
          windowId: window.id,
          createdAt: window.createdAt,
          data,
          ttl,
        };
        writes.push(() => this.client.send(new PutCommand({ TableName: this.tableName, Item: item })));
      }
    }
    await inParallel(writes, WRITES_AT_ONCE);
  }

  /**
   * The hour to file the window's shard items under, and which of its `count` parts to file there;
   * undefined when every part is filed already. A part filed under any hour claimed before (the
   * claim keeps them all) is not filed again: that hour's rollup counts it, or has counted it.
   */
  private async hourToFile(
    shard: number,
    window: UsageWindow,
    marker: string | undefined,
    now: number,
    count: number,
  ): Promise<{ hour: string; parts: number[] } | undefined> {
    const own = hourOf(window.createdAt);
    const open = (hour: string) => (marker === undefined || hour > marker) && !isLate(hour, now);
    let parts = Array.from({ length: count }, (_, part) => part);
    if (open(own)) return { hour: own, parts };
    const checked = new Set<string>();
    // Drops the parts filed under any of these hours not checked yet; the hour to file under is
    // left out: writing a part there again rewrites the same item.
    const dropFiled = async (hours: Iterable<string>, filingUnder?: string) => {
      for (const hour of hours) {
        if (checked.has(hour) || hour === filingUnder || parts.length === 0) continue;
        parts = await this.unfiled(shard, hour, window.id, parts);
        checked.add(hour);
      }
    };
    await dropFiled([own]);
    if (parts.length === 0) return undefined;
    const current = hourOf(now);
    const candidate = marker === undefined || current > nextHour(marker) ? current : nextHour(marker);
    let claim = await this.claims.claim(shard, window.id, candidate, now);
    for (let attempt = 0; claim.latest !== candidate; attempt++) {
      // An earlier attempt claimed an hour and failed before filing every part there.
      if (open(claim.latest)) {
        await dropFiled(claim.hours, claim.latest);
        return parts.length === 0 ? undefined : { hour: claim.latest, parts };
      }
      await dropFiled(claim.hours);
      if (parts.length === 0) return undefined;
      if (attempt === 3) throw new Error(`The late window ${window.id}'s claim keeps moving`);
      claim = await this.claims.move(shard, window.id, claim.latest, candidate);
    }
    await dropFiled(claim.hours, candidate);
    return parts.length === 0 ? undefined : { hour: candidate, parts };
  }

  /** The parts of the window not filed under `hour`: a strongly consistent GetItem each (rarely more than one). */
  private async unfiled(shard: number, hour: string, windowId: string, parts: readonly number[]) {
    const filed = await Promise.all(parts.map((part) => this.exists(shard, windowSortKey(hour, windowId, part))));
    return parts.filter((_, index) => !filed[index]);
  }

  async recentCalls(organizationId: string, environment: KeyEnvironment): Promise<RecentCalls> {
    const shard = usageShardOf(organizationId, this.shards);
    const after = await this.marker(shard);
    return { after, windows: await this.windowsAfter(shard, after, organizationId, environment) };
  }

  async organizationWindows(organizationId: string, environment: KeyEnvironment): Promise<RecentOrgWindow[]> {
    return (await this.recentCalls(organizationId, environment)).windows;
  }

  /** The organization's windows in hours after `marker`, oldest first; other organizations' never leave. */
  private async windowsAfter(
    shard: number,
    marker: string | undefined,
    organizationId: string,
    environment: KeyEnvironment,
  ): Promise<RecentOrgWindow[]> {
    const windows: RecentOrgWindow[] = [];
    const from = marker === undefined ? '0' : `${marker}#~`;
    for await (const stored of this.storedWindows(shard, from, AFTER_HOURS)) {
      for (const organization of stored.organizations) {
        if (organization.organizationId !== organizationId || organization.environment !== environment) continue;
        windows.push({ ...organization, windowId: stored.windowId, createdAt: stored.createdAt });
      }
    }
    return windows.sort((a, b) => a.createdAt - b.createdAt || (a.windowId < b.windowId ? -1 : 1));
  }

  /**
   * `consistent` for the rollup: a window written just before it and not yet visible to an
   * eventually consistent read would be lost once the marker passes its hour.
   */
  private async *storedWindows(
    shard: number,
    from: string,
    to: string,
    consistent = false,
  ): AsyncIterable<StoredWindow> {
    const items = queryAll(this.client, {
      TableName: this.tableName,
      ...(consistent && { ConsistentRead: true }),
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': shardPartition(shard), ':from': from, ':to': to },
    });
    for await (const item of items) {
      yield {
        windowId: String(item.windowId),
        createdAt: Number(item.createdAt),
        organizations: gunzipJson<OrgWindow[]>(item.data),
      };
    }
  }

  async marker(shard: number): Promise<string | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: markerKey(shard), ConsistentRead: true }),
    );
    return typeof Item?.hour === 'string' ? Item.hour : undefined;
  }

  /**
   * The shards' markers in one strongly consistent BatchGetItem (at most 16 keys, 1 RU each): a
   * marker read stale just after a rollup would file a window under an hour already rolled up.
   */
  private async markers(shards: readonly number[]): Promise<Map<number, string>> {
    const markers = new Map<number, string>();
    let pending: Record<string, unknown>[] | undefined = shards.map(markerKey);
    for (let attempt = 0; pending && pending.length > 0; attempt++) {
      if (attempt === MARKER_READ_ATTEMPTS) throw new Error(`${pending.length} rollup markers stayed unread`);
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt));
      const result: BatchGetCommandOutput = await this.client.send(
        new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true } } }),
      );
      for (const item of result.Responses?.[this.tableName] ?? []) {
        const shard = shardOfPartition(item.pk);
        if (typeof item.hour === 'string') markers.set(shard, item.hour);
      }
      pending = result.UnprocessedKeys?.[this.tableName]?.Keys;
    }
    return markers;
  }

  private async exists(shard: number, sk: string): Promise<boolean> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: shardPartition(shard), sk },
        ProjectionExpression: 'pk',
        ConsistentRead: true,
      }),
    );
    return Item !== undefined;
  }

  async oldestHour(shard: number): Promise<string | undefined> {
    for await (const item of queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': shardPartition(shard), ':from': '0', ':to': AFTER_HOURS },
      ProjectionExpression: 'sk',
      Limit: 1,
      ConsistentRead: true,
    })) {
      return String(item.sk).slice(0, 13);
    }
    return undefined;
  }

  async hourWindows(shard: number, hour: string): Promise<OrgWindow[]> {
    const organizations: OrgWindow[] = [];
    for await (const stored of this.storedWindows(shard, `${hour}#`, `${hour}#~`, true)) {
      organizations.push(...stored.organizations);
    }
    return organizations;
  }

  /** The call index (dynamo-call-index.ts), written by the rollup with the hour it folds in. */
  putCallIndex(entries: readonly CallIndexEntry[]): Promise<void> {
    return this.callIndex.putCallIndex(entries);
  }

  async advanceMarker(shard: number, hour: string): Promise<void> {
    await writeIfCondition(
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: markerKey(shard),
          UpdateExpression: 'SET #type = :type, #hour = :hour',
          ConditionExpression: 'attribute_not_exists(#hour) OR #hour < :hour',
          ExpressionAttributeNames: { '#type': 'type', '#hour': 'hour' },
          ExpressionAttributeValues: { ':type': 'usage-marker', ':hour': hour },
        }),
      ),
    );
  }

  /** The call index and the windows after the marker, for the call log (dynamo-call-index.ts). */
  callSections(query: CallSectionsQuery): AsyncIterable<CallSectionRef> {
    return this.callIndex.callSections(query);
  }
}
