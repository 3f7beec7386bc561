/**
 * UsageStore on DynamoDB. Daily counters sit in the organization's usage partition:
 *
 * - `ORG#<org>#USAGE` / `DAY#<day>`: the organization's live day, with each live key's request count;
 * - `ORG#<org>#USAGE` / `ENV#test#DAY#<day>`: the organization's sandbox day, likewise;
 * - `ORG#<org>#USAGE` / `KEY#<keyId>#DAY#<day>`: one key's day (a key has one environment);
 * - `STAGE#<stage>#USAGE` / `DAY#<day>`: calls no key could be attributed to (401s, unknown routes).
 *
 * Organization days written before usage was counted per environment hold both environments'
 * calls under `DAY#<day>`, so they read as live.
 *
 * A range of days is one Query (at most 366 items). Counters are added with one UpdateItem ADD per
 * item; an item with very many counters is updated in a few chunks, since an update expression is
 * limited to 4 KB.
 */

import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { USAGE_RETENTION_DAYS } from '../definition/usage';
import type { KeyEnvironment } from '../domain/keys/key-token';
import { isCounterName } from '../domain/usage/counters';
import { DAY_MS, dayStart } from '../domain/usage/days';
import type { CounterScope, CounterUpdate, DayCounters, DaysQuery, UsageStore } from '../domain/usage/usage-model';
import { queryAll } from './query-page';

/** Counters per UpdateItem: `#a123 :a123, ` is 13 characters, so 200 of them stay well below 4 KB. */
const COUNTERS_PER_UPDATE = 200;
/** Concurrent writes per batch. */
const CONCURRENCY = 8;

const organizationUsage = (organizationId: string) => `ORG#${organizationId}#USAGE`;
/** The sort key prefix of an organization's days in an environment; live keeps the original `DAY#`. */
const organizationDays = (environment: KeyEnvironment) => (environment === 'live' ? 'DAY#' : `ENV#${environment}#DAY#`);

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

  async add(updates: CounterUpdate[]): Promise<void> {
    const writes = updates.flatMap((update) =>
      chunks(Object.entries(update.counters), COUNTERS_PER_UPDATE).map(
        (counters) => () => this.addToItem(update.scope, counters),
      ),
    );
    await inParallel(writes, CONCURRENCY);
  }

  private async addToItem(scope: CounterScope, counters: [string, number][]): Promise<void> {
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
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: usageItemKey(scope),
        UpdateExpression: `SET #type = :type, #day = :day, #ttl = :ttl ADD ${adds.join(', ')}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
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

function dayCountersOf(item: Record<string, unknown>): DayCounters {
  const counters: Record<string, number> = {};
  for (const [name, value] of Object.entries(item)) {
    if (isCounterName(name) && typeof value === 'number') counters[name] = value;
  }
  return { day: String(item.day), counters };
}

export function chunks<T>(values: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let index = 0; index < values.length; index += size) result.push(values.slice(index, index + size));
  return result;
}

/** Runs the tasks, at most `limit` at a time; fails with the first failure once all have settled. */
export async function inParallel(tasks: (() => Promise<unknown>)[], limit: number): Promise<void> {
  let next = 0;
  const errors: unknown[] = [];
  const worker = async () => {
    while (next < tasks.length) {
      const task = tasks[next++] as () => Promise<unknown>;
      await task().catch((error: unknown) => errors.push(error));
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  if (errors.length > 0) throw errors[0];
}
