/**
 * The recent usage windows and the call index on DynamoDB.
 *
 * - `USAGE#RECENT#<shard>` / `<hour>#<windowId>#<part>`: one window's organizations of the shard
 *   (shard = usageShardOf(organization)), `data` = gzip of the JSON of their OrgWindow[] (Binary),
 *   a part per 300 KB of it (nearly always one); `ttl` 48 hours. `<hour>` is the hour the window is
 *   filed under (see putWindow).
 * - `USAGE#RECENT#<shard>` / `ROLLED_UP`: the marker, `hour` = the last hour folded into the day
 *   items; it only moves forward.
 * - `ORG#<org>#USAGE` / `CALLS#<env>#<hour>#<part>`: the call index of an organization's environment
 *   for an hour that was rolled up: `sections` = gzip of the JSON of its CallSectionRef[]; `ttl` as
 *   long as the call-log objects.
 *
 * Readers take the hours up to the marker from the day items and the call index, and the hours
 * after it from the windows, reading the marker first, so every window counts once.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { CALL_LOG_OBJECT_RETENTION_DAYS, USAGE_RECENT_RETENTION_HOURS, USAGE_RECENT_SHARDS } from '../definition/usage';
import type { Clock } from '../domain/clock';
import { inParallel } from '../domain/in-parallel';
import type { KeyEnvironment } from '../domain/keys/key-token';
import { DAY_MS } from '../domain/usage/days';
import type { CallIndexEntry, RollupSource } from '../domain/usage/rollup';
import type {
  CallIndexSource,
  CallSectionRef,
  OrgWindow,
  RecentOrgWindow,
  RecentUsageStore,
  UsageWindow,
} from '../domain/usage/usage-model';
import { HOUR_MS, hourOf, hourStart, nextHour, usageShardOf, windowShards } from '../domain/usage/window';
import { writeIfCondition } from './conditional';
import { itemsOf, queryAll } from './query-page';

/** Gzipped bytes per item: DynamoDB items end at 400 KB, keys and other attributes included. */
export const MAX_PART_BYTES = 300_000;
const MARKER = 'ROLLED_UP';
/** Sorts after every hour (`2026-…`) and before the marker. */
const AFTER_HOURS = '9999';
const WRITES_AT_ONCE = 8;

const SHARD_PREFIX = 'USAGE#RECENT#';
const shardPartition = (shard: number) => `${SHARD_PREFIX}${shard}`;
const markerKey = (shard: number) => ({ pk: shardPartition(shard), sk: MARKER });
const organizationUsage = (organizationId: string) => `ORG#${organizationId}#USAGE`;
const callIndexPrefix = (environment: KeyEnvironment) => `CALLS#${environment}#`;
const windowSortKey = (hour: string, windowId: string, part: number) => `${hour}#${windowId}#${part}`;

const gzipJson = (value: unknown) => gzipSync(JSON.stringify(value));
const gunzipJson = <T>(bytes: unknown): T => JSON.parse(gunzipSync(bytes as Uint8Array).toString('utf8')) as T;

/**
 * The organizations as gzipped parts of at most `limit` bytes: halves until each part fits, an
 * organization with very many keys split by keys (its call section goes with the first half).
 */
export function windowParts(organizations: readonly OrgWindow[], limit = MAX_PART_BYTES): Buffer[] {
  const whole = gzipJson(organizations);
  if (whole.length <= limit) return [whole];
  if (organizations.length > 1) {
    const half = Math.ceil(organizations.length / 2);
    return [...windowParts(organizations.slice(0, half), limit), ...windowParts(organizations.slice(half), limit)];
  }
  const [organization] = organizations as [OrgWindow];
  const keys = Object.entries(organization.keys);
  if (keys.length < 2) throw new Error(`One key's usage in one window is over ${limit} bytes gzipped`);
  const half = Math.ceil(keys.length / 2);
  const { calls, ...rest } = organization;
  return [
    ...windowParts([{ ...rest, ...(calls && { calls }), keys: Object.fromEntries(keys.slice(0, half)) }], limit),
    ...windowParts([{ ...rest, keys: Object.fromEntries(keys.slice(half)) }], limit),
  ];
}

/** Sections as gzipped parts of at most `limit` bytes. */
function sectionParts(sections: readonly CallSectionRef[], limit = MAX_PART_BYTES): Buffer[] {
  const whole = gzipJson(sections);
  if (whole.length <= limit || sections.length < 2) return [whole];
  const half = Math.ceil(sections.length / 2);
  return [...sectionParts(sections.slice(0, half), limit), ...sectionParts(sections.slice(half), limit)];
}

interface StoredWindow {
  windowId: string;
  createdAt: number;
  organizations: OrgWindow[];
}

export class DynamoRecentUsageStore implements RecentUsageStore, RollupSource, CallIndexSource {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock,
    private readonly shards = USAGE_RECENT_SHARDS,
  ) {}

  /**
   * One PutItem per shard with data (and part), after one BatchGetItem of those shards' markers.
   * A window is filed under the hour of its object's creation, unless the rollup has passed that
   * hour: then under the current hour (or the one after the marker, if later), so it is still
   * counted, by the next rollup. A window already written under its own hour before that rollup (a
   * redelivery) was counted by it and is not written again.
   */
  async putWindow(window: UsageWindow): Promise<void> {
    const byShard = windowShards(window, this.shards);
    if (byShard.size === 0) return;
    const markers = await this.markers([...byShard.keys()]);
    const now = this.clock().getTime();
    const ownHour = hourOf(window.createdAt);
    const writes: (() => Promise<unknown>)[] = [];
    for (const [shard, organizations] of byShard) {
      const marker = markers.get(shard);
      let hour = ownHour;
      if (marker !== undefined && ownHour <= marker) {
        if (await this.exists(shard, windowSortKey(ownHour, window.id, 0))) continue;
        const current = hourOf(now);
        const afterMarker = nextHour(marker);
        hour = current > afterMarker ? current : afterMarker;
      }
      const ttl = Math.floor((Math.max(now, window.createdAt) + USAGE_RECENT_RETENTION_HOURS * HOUR_MS) / 1000);
      windowParts(organizations).forEach((data, part) => {
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
      });
    }
    await inParallel(writes, WRITES_AT_ONCE);
  }

  async organizationWindows(organizationId: string, environment: KeyEnvironment): Promise<RecentOrgWindow[]> {
    const shard = usageShardOf(organizationId, this.shards);
    const marker = await this.marker(shard);
    return this.windowsAfter(shard, marker, organizationId, environment);
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

  private async *storedWindows(shard: number, from: string, to: string): AsyncIterable<StoredWindow> {
    const items = queryAll(this.client, {
      TableName: this.tableName,
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

  private async markers(shards: readonly number[]): Promise<Map<number, string>> {
    const items = await itemsOf(this.client, this.tableName, shards.map(markerKey));
    const markers = new Map<number, string>();
    for (const item of items) {
      const shard = Number(String(item.pk).slice(SHARD_PREFIX.length));
      if (typeof item.hour === 'string') markers.set(shard, item.hour);
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
    })) {
      return String(item.sk).slice(0, 13);
    }
    return undefined;
  }

  async hourWindows(shard: number, hour: string): Promise<OrgWindow[]> {
    const organizations: OrgWindow[] = [];
    for await (const stored of this.storedWindows(shard, `${hour}#`, `${hour}#~`)) {
      organizations.push(...stored.organizations);
    }
    return organizations;
  }

  async putCallIndex(entries: readonly CallIndexEntry[]): Promise<void> {
    const writes = entries.flatMap((entry) => {
      const ttl = Math.floor((hourStart(entry.hour) + CALL_LOG_OBJECT_RETENTION_DAYS * DAY_MS) / 1000);
      const newestFirst = [...entry.sections].sort((a, b) => b.to - a.to);
      return sectionParts(newestFirst).map((sections, part) => () => {
        const item = {
          pk: organizationUsage(entry.organizationId),
          sk: `${callIndexPrefix(entry.environment)}${entry.hour}#${part}`,
          type: 'call-index',
          sections,
          ttl,
        };
        return this.client.send(new PutCommand({ TableName: this.tableName, Item: item }));
      });
    });
    await inParallel(writes, WRITES_AT_ONCE);
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

  /**
   * Newest first by their newest call. A window filed under an hour holds no call after that hour's
   * end, so once an hour's sections are read, every buffered section newer than that hour's start
   * can go: none still unread is newer.
   */
  async *callSections(query: {
    organizationId: string;
    environment: KeyEnvironment;
    since: number;
    until: number;
  }): AsyncIterable<CallSectionRef> {
    const { organizationId, environment, since, until } = query;
    const wanted = (section: CallSectionRef) => section.to >= since && section.from <= until;
    const shard = usageShardOf(organizationId, this.shards);
    const marker = await this.marker(shard);
    const buffer = (await this.windowsAfter(shard, marker, organizationId, environment)).flatMap((window) =>
      window.calls && wanted(window.calls) ? [window.calls] : [],
    );
    const release = function* (from: number) {
      buffer.sort((a, b) => b.to - a.to);
      while (buffer.length > 0 && (buffer[0] as CallSectionRef).to >= from) yield buffer.shift() as CallSectionRef;
    };
    if (marker === undefined) {
      yield* release(Number.NEGATIVE_INFINITY);
      return;
    }
    yield* release(hourStart(nextHour(marker)));
    const prefix = callIndexPrefix(environment);
    const items = queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: {
        ':pk': organizationUsage(organizationId),
        ':from': `${prefix}${hourOf(since)}`,
        ':to': `${prefix}${marker}#~`,
      },
      ScanIndexForward: false,
    });
    for await (const item of items) {
      const hour = String(item.sk).slice(prefix.length, prefix.length + 13);
      buffer.push(...gunzipJson<CallSectionRef[]>(item.sections).filter(wanted));
      yield* release(hourStart(hour));
    }
    yield* release(Number.NEGATIVE_INFINITY);
  }
}
