/**
 * The rollup writes a key item's lastUsedAt only on the key's first rolled-up hour of a day
 * (functions/domain/usage/rollup.ts). The run's hour starts a day, the one hour in which every
 * active key is a first: it is made a typical hour instead. Before it, each key active in it (of
 * the shards the rollup folds) gets an element in its day item's `lastUsed` set, as an earlier
 * hour of the day would have left; the day's first hours are then added, modelled: a 24th of the
 * keys active in the day, one write unit each (a key item is below 1 KB).
 */
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { usageItemKey } from '../../functions/adapters/dynamo-usage-store';
import { inParallel } from '../../functions/domain/in-parallel';
import { dayOf } from '../../functions/domain/usage/days';
import { usageShardOf } from '../../functions/domain/usage/window';
import type { FunctionUsage } from './aws-requests';
import { simulatedKeyId, simulatedOrganizationId } from './pipeline';
import type { SimulatedCall } from './traffic';

/** The keys of the calls whose organizations are on the first `shards` shards, with their organizations. */
export function keysOnShards(calls: Iterable<SimulatedCall>, size: number, shards: number): Map<string, string> {
  const keys = new Map<string, string>();
  for (const call of calls) {
    if (call.key < 0) continue;
    const organizationId = simulatedOrganizationId(size, call.organization);
    if (usageShardOf(organizationId) < shards) keys.set(simulatedKeyId(size, call.key), organizationId);
  }
  return keys;
}

/** Each key's day item of `at`'s day holds `at` in its `lastUsed` set: the day had a rolled-up hour. */
export async function seedEarlierHour(
  client: DynamoDBDocumentClient,
  tableName: string,
  keys: ReadonlyMap<string, string>,
  at: number,
) {
  const day = dayOf(at);
  await inParallel(
    [...keys].map(([keyId, organizationId]) => async () => {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: usageItemKey({ kind: 'key', organizationId, keyId, day }),
          UpdateExpression: 'ADD lastUsed :at',
          ExpressionAttributeValues: { ':at': new Set([at]) },
        }),
      );
    }),
    16,
  );
}

/** The key item writes of the keys' first rolled-up hours, a 24th of a day's, on the rollup's usage. */
export function addFirstHoursOfDay(usage: FunctionUsage, keysActiveInDay: number) {
  const writes = keysActiveInDay / 24;
  const name = 'dynamoDb UpdateItem KEY#… (modelled: first hour of a day)';
  usage.requests.set(name, (usage.requests.get(name) ?? 0) + writes);
  usage.writeUnits += writes;
}
