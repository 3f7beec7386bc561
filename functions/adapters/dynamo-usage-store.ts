/**
 * UsageStore on DynamoDB. Daily counters sit in the organization's usage partition:
 *
 * - `ORG#<org>#USAGE` / `DAY#<day>`: the organization's live day, with each live key's request count;
 * - `ORG#<org>#USAGE` / `ENV#test#DAY#<day>`: the organization's sandbox day, likewise;
 * - `ORG#<org>#USAGE` / `KEY#<keyId>#DAY#<day>`: one key's day (a key has one environment), with
 *   `anomalyBaseline`, its 7-day average, once the anomaly check worked it out;
 * - `ORG#<org>#USAGE` / `ANOMALY#<environment>#<day>#<keyId>`: a key flagged on a day;
 * - `STAGE#<stage>#USAGE` / `DAY#<day>`: calls no key could be attributed to (401s, unknown routes).
 *
 * Organization days written before usage was counted per environment hold both environments'
 * calls under `DAY#<day>`, so they read as live.
 *
 * A range of days is one Query (at most 366 items). Counters are added with one UpdateItem ADD per
 * item; an item with very many counters is updated in a few chunks, since an update expression is
 * limited to 4 KB. The rollup's writes also set `rolledUpTo` (`<hour>#<chunk>`) on condition that it
 * was lower, so a retried hour adds nothing twice; items written before it have none.
 */

import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { USAGE_ANOMALY, USAGE_RETENTION_DAYS } from '../definition/usage';
import { chunks, inParallel } from '../domain/in-parallel';
import type { KeyEnvironment } from '../domain/keys/key-token';
import type { Anomaly } from '../domain/usage/anomaly';
import { isCounterName, summarize } from '../domain/usage/counters';
import { DAY_MS, dayStart } from '../domain/usage/days';
import type {
  CounterScope,
  CounterUpdate,
  DayCounters,
  DaysQuery,
  KeyDay,
  KeyDayTotal,
  UsageStore,
} from '../domain/usage/usage-model';
import { isConditionFailure } from './conditional';
import { itemsOf, queryAll } from './query-page';

/** Counters per UpdateItem: `#a123 :a123, ` is 13 characters, so 200 of them stay well below 4 KB. */
const COUNTERS_PER_UPDATE = 200;
/** Concurrent writes per batch. */
const CONCURRENCY = 8;

/** An organization's usage partition: its day items, and the call index (dynamo-call-index.ts). */
export const organizationUsage = (organizationId: string) => `ORG#${organizationId}#USAGE`;
/** The sort key prefix of an organization's days in an environment; live keeps the original `DAY#`. */
const organizationDays = (environment: KeyEnvironment) => (environment === 'live' ? 'DAY#' : `ENV#${environment}#DAY#`);

const anomalyKey = (organizationId: string, environment: KeyEnvironment, day: string, keyId: string) => ({
  pk: organizationUsage(organizationId),
  sk: `ANOMALY#${environment}#${day}#${keyId}`,
});

export function usageItemKey(scope: CounterScope): { pk: string; sk: string } {
  switch (scope.kind) {
    case 'organization':
      return { pk: organizationUsage(scope.organizationId), sk: `${organizationDays(scope.environment)}${scope.day}` };
    case 'key':
      return { pk: organizationUsage(scope.organizationId), sk: `KEY#${scope.keyId}#DAY#${scope.day}` };
    case 'stage':
      return { pk: `STAGE#${scope.stage}#USAGE`, sk: `DAY#${scope.day}` };
  }
}

export class DynamoUsageStore implements UsageStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async add(updates: CounterUpdate[], options: { watermark?: string } = {}): Promise<KeyDayTotal[]> {
    const { watermark } = options;
    const totals = new Map<string, KeyDayTotal>();
    const record = (update: CounterUpdate, item: Record<string, unknown> | undefined, retried: boolean) => {
      const { scope } = update;
      if (scope.kind !== 'key' || !item) return;
      const { organizationId, keyId, day } = scope;
      const total: KeyDayTotal = {
        organizationId,
        keyId,
        day,
        requests: summarize(dayCountersOf(item).counters).requests,
      };
      if (typeof item.anomalyBaseline === 'number') total.baseline = item.anomalyBaseline;
      if (update.lastUsed !== undefined) total.lastUses = lastUsesOf(item).length;
      if (retried) total.retried = true;
      // An item split into chunks answers each write; the last one seen holds every chunk.
      const id = `${organizationId}/${keyId}/${day}`;
      if (total.requests >= (totals.get(id)?.requests ?? 0)) totals.set(id, total);
    };
    const writes = updates.map((update) => async () => {
      const counters = Object.entries(update.counters);
      // A retried rollup must chunk an item's counters as the attempt before it did.
      if (watermark !== undefined) counters.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      // One chunk after the other: with a watermark, each chunk's must be above the one before.
      let retried = false;
      for (const [index, chunk] of chunks(counters, COUNTERS_PER_UPDATE).entries()) {
        const mark = watermark === undefined ? undefined : `${watermark}#${String(index).padStart(4, '0')}`;
        const lastUsed = index === 0 ? update.lastUsed : undefined;
        const written = await this.addToItem(update.scope, chunk, mark, lastUsed);
        retried ||= written.refused;
        record(update, written.item, retried);
      }
    });
    await inParallel(writes, CONCURRENCY);
    return [...totals.values()];
  }

  /**
   * Key items answer with the item after the write, for the anomaly check; this costs no read.
   * With a `mark`, the item keeps it (`rolledUpTo`) and takes the adds only below it: an item at
   * or above it has them already (a retried rollup hour), and a key item is then read instead.
   */
  private async addToItem(scope: CounterScope, counters: [string, number][], mark?: string, lastUsed?: number) {
    const names: Record<string, string> = { '#type': 'type', '#day': 'day', '#ttl': 'ttl' };
    const values: Record<string, unknown> = {
      ':type': 'usage',
      ':day': scope.day,
      ':ttl': Math.floor((dayStart(scope.day) + USAGE_RETENTION_DAYS * DAY_MS) / 1000),
    };
    const adds = counters.map(([name, amount], index) => {
      names[`#a${index}`] = name;
      values[`:a${index}`] = amount;
      return `#a${index} :a${index}`;
    });
    if (lastUsed !== undefined) {
      names['#lastUsed'] = 'lastUsed';
      values[':lastUsed'] = new Set([lastUsed]);
      adds.push('#lastUsed :lastUsed');
    }
    let sets = '#type = :type, #day = :day, #ttl = :ttl';
    if (mark !== undefined) {
      names['#mark'] = 'rolledUpTo';
      values[':mark'] = mark;
      sets += ', #mark = :mark';
    }
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: usageItemKey(scope),
          UpdateExpression: `SET ${sets} ADD ${adds.join(', ')}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ...(mark !== undefined && { ConditionExpression: 'attribute_not_exists(#mark) OR #mark < :mark' }),
          ...(scope.kind === 'key' && { ReturnValues: 'ALL_NEW' as const }),
        }),
      );
      return { item: Attributes, refused: false };
    } catch (error) {
      if (mark === undefined || !isConditionFailure(error)) throw error;
      if (scope.kind !== 'key') return { item: undefined, refused: true };
      // Only on a retried hour. dynalite answers no item with ReturnValuesOnConditionCheckFailure,
      // so the item is read, strongly consistent so that it holds the earlier attempt's adds.
      const { Item } = await this.client.send(
        new GetCommand({ TableName: this.tableName, Key: usageItemKey(scope), ConsistentRead: true }),
      );
      return { item: Item, refused: true };
    }
  }

  /** One BatchGetItem per 100 days (eventually consistent: the reader read the key item the same way). */
  async latestUses(days: readonly KeyDay[]): Promise<Map<string, number>> {
    const latest = new Map<string, number>();
    if (days.length === 0) return latest;
    const items = await itemsOf(
      this.client,
      this.tableName,
      days.map((day) => usageItemKey({ kind: 'key', ...day })),
    );
    for (const item of items) {
      const uses = lastUsesOf(item);
      const keyId = /^KEY#(.+)#DAY#/.exec(String(item.sk))?.[1];
      if (uses.length > 0 && keyId !== undefined) latest.set(`${keyId}/${String(item.day)}`, Math.max(...uses));
    }
    return latest;
  }

  async setAnomalyBaseline(day: Pick<KeyDayTotal, 'organizationId' | 'keyId' | 'day'>, average: number) {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: usageItemKey({ kind: 'key', ...day }),
        UpdateExpression: 'SET anomalyBaseline = if_not_exists(anomalyBaseline, :average)',
        ExpressionAttributeValues: { ':average': average },
      }),
    );
  }

  /** Only ever raises the count: batches of one key may be ingested out of order. */
  async putAnomaly(organizationId: string, environment: KeyEnvironment, anomaly: Anomaly): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: anomalyKey(organizationId, environment, anomaly.day, anomaly.keyId),
          UpdateExpression:
            'SET #type = :type, keyId = :keyId, #day = :day, requests = :requests, sevenDayAverage = :average, factor = :factor, #ttl = :ttl',
          ConditionExpression: 'attribute_not_exists(requests) OR requests < :requests',
          ExpressionAttributeNames: { '#type': 'type', '#day': 'day', '#ttl': 'ttl' },
          ExpressionAttributeValues: {
            ':type': 'anomaly',
            ':keyId': anomaly.keyId,
            ':day': anomaly.day,
            ':requests': anomaly.requests,
            ':average': anomaly.sevenDayAverage,
            ':factor': anomaly.factor,
            ':ttl': Math.floor((dayStart(anomaly.day) + (USAGE_ANOMALY.baselineDays + 1) * DAY_MS) / 1000),
          },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async anomalies(query: { organizationId: string; environment: KeyEnvironment; day: string }): Promise<Anomaly[]> {
    const anomalies: Anomaly[] = [];
    const items = queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: {
        ':pk': organizationUsage(query.organizationId),
        ':prefix': anomalyKey(query.organizationId, query.environment, query.day, '').sk,
      },
    });
    for await (const item of items) {
      const { keyId, day, requests, sevenDayAverage, factor } = item as unknown as Anomaly;
      anomalies.push({ keyId, day, requests, sevenDayAverage, factor });
    }
    return anomalies;
  }

  days(query: DaysQuery): Promise<DayCounters[]> {
    const prefix = query.keyId ? `KEY#${query.keyId}#DAY#` : organizationDays(query.environment);
    return this.queryDays(organizationUsage(query.organizationId), prefix, query.from, query.to);
  }

  stageDays(query: { stage: string; from: string; to: string }): Promise<DayCounters[]> {
    return this.queryDays(`STAGE#${query.stage}#USAGE`, 'DAY#', query.from, query.to);
  }

  private async queryDays(pk: string, prefix: string, from: string, to: string): Promise<DayCounters[]> {
    const days: DayCounters[] = [];
    const items = queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': pk, ':from': `${prefix}${from}`, ':to': `${prefix}${to}` },
    });
    for await (const item of items) days.push(dayCountersOf(item));
    return days;
  }
}

/** The elements of an item's `lastUsed` number set (the document client reads it as a Set). */
function lastUsesOf(item: Record<string, unknown>): number[] {
  return item.lastUsed instanceof Set ? [...item.lastUsed].map(Number) : [];
}

function dayCountersOf(item: Record<string, unknown>): DayCounters {
  const counters: Record<string, number> = {};
  for (const [name, value] of Object.entries(item)) {
    if (isCounterName(name) && typeof value === 'number') counters[name] = value;
  }
  return { day: String(item.day), counters };
}
