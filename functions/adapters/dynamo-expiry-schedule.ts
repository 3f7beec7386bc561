/**
 * The expiry schedule in the platform's table, with no index of its own: entries sit under one
 * partition per UTC hour of their expiry (`EXPIRIES#2026-12-01T04`), sorted by expiry, so the
 * sweep reads the next quarter hour with one or two Queries. Each entry is deleted by TTL a day
 * after its expiry.
 */
import { type DynamoDBDocumentClient, PutCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  type ExpiringKey,
  type ExpiryScheduleStore,
  hourBucketOf,
  hourBucketsBetween,
  type KeyExpiry,
} from '../domain/key-expiry/schedule';
import type { KeyEnvironment } from '../domain/keys/key-token';
import { writeIfCondition } from './conditional';
import { queryAll } from './query-page';

const DAY_SECONDS = 24 * 3600;

export function expiryItemKey(expiry: KeyExpiry) {
  const expiresAt = new Date(expiry.expiresAt).toISOString();
  return { pk: `EXPIRIES#${hourBucketOf(expiresAt)}`, sk: `${expiresAt}#${expiry.keyId}` };
}

export class DynamoExpirySchedule implements ExpiryScheduleStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async put(expiry: KeyExpiry, queuedAt?: string): Promise<void> {
    const expiresAt = new Date(expiry.expiresAt).toISOString();
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...expiryItemKey(expiry),
          type: 'key-expiry',
          keyId: expiry.keyId,
          environment: expiry.environment,
          expiresAt,
          ttl: Math.floor(Date.parse(expiresAt) / 1000) + DAY_SECONDS,
          ...(queuedAt && { queuedAt }),
        },
      }),
    );
  }

  async *unqueuedBetween(from: Date, to: Date): AsyncIterable<KeyExpiry> {
    for (const bucket of hourBucketsBetween(from, to)) {
      const items = queryAll(this.client, {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        FilterExpression: 'attribute_not_exists(queuedAt)',
        ExpressionAttributeValues: {
          ':pk': `EXPIRIES#${bucket}`,
          ':from': from.toISOString(),
          // After every `<to>#<keyId>`: '~' sorts after the key id's letters and digits.
          ':to': `${to.toISOString()}#~`,
        },
      });
      for await (const item of items) {
        yield {
          keyId: item.keyId as string,
          environment: item.environment as KeyEnvironment,
          expiresAt: item.expiresAt as string,
        };
      }
    }
  }

  async markQueued(expiry: KeyExpiry, at: string): Promise<boolean> {
    return writeIfCondition(
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: expiryItemKey(expiry),
          UpdateExpression: 'SET queuedAt = :at',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(queuedAt)',
          ExpressionAttributeValues: { ':at': at },
        }),
      ),
    );
  }

  /** A deleted entry (TTL) needs no unmarking. */
  async unmarkQueued(expiry: KeyExpiry): Promise<void> {
    await writeIfCondition(
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: expiryItemKey(expiry),
          UpdateExpression: 'REMOVE queuedAt',
          ConditionExpression: 'attribute_exists(pk)',
        }),
      ),
    );
  }
}

/**
 * Every key whose expiresAt is after `now`, by one Scan of the table: only for scheduling the
 * expiries of keys written before the schedule existed, once per stack (`keys schedule-expiries`).
 */
export async function* keysExpiringAfter(
  client: DynamoDBDocumentClient,
  tableName: string,
  now: Date,
): AsyncIterable<ExpiringKey> {
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: '#type = :key AND expiresAt > :now',
        ProjectionExpression: 'id, environment, expiresAt',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: { ':key': 'key', ':now': now.toISOString() },
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) yield item as ExpiringKey;
    startKey = page.LastEvaluatedKey;
  } while (startKey);
}
