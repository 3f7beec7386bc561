/**
 * Deliveries and the events they carry, on the platform table. A delivery is one item with its
 * attempts in a list (at most a handful, each with at most 2 KB of response), listed per endpoint
 * through gsi1, newest first, across DELIVERY_LIST_SHARDS partitions so that a busy endpoint's
 * list takes no single partition's write limit (functions/adapters/sharded-list.ts). The index
 * copies only `status` and `ttl`, which the list filters on; attempts never touch it. Both expire after DELIVERY_RETENTION_DAYS through the table's TTL.
 * An event's data is stored as the JSON text it was published as, so every attempt signs the
 * same bytes.
 */

import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DELIVERY_LIST_SHARDS } from '../definition/table';
import type { CursorCodec } from '../domain/cursors';
import type { Page, PageRequest } from '../domain/keys/key-model';
import { DELIVERY_RETENTION_DAYS } from '../domain/webhooks/fanout';
import type {
  Delivery,
  DeliveryAttempt,
  DeliveryStatus,
  DeliveryStore,
  EventStore,
  PublishedEvent,
} from '../domain/webhooks/webhook-model';
import { isConditionFailure } from './conditional';
import { type ShardedList, shardedNewestFirstPage, shardedOldestFrom, shardedPartitionKey } from './sharded-list';

export const deliveryKey = (id: string) => ({ pk: `DELIVERY#${id}`, sk: 'DELIVERY' });
const deliveriesOf = (tableName: string, webhookId: string): ShardedList => ({
  tableName,
  name: `WEBHOOK#${webhookId}#DELIVERIES`,
  shards: DELIVERY_LIST_SHARDS,
});
export const eventKey = (id: string) => ({ pk: `EVENT#${id}`, sk: 'EVENT' });
const expiresAt = (createdAt: string) => Math.floor(Date.parse(createdAt) / 1000) + DELIVERY_RETENTION_DAYS * 86_400;

export class DynamoDeliveryStore implements DeliveryStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly cursors?: CursorCodec,
  ) {}

  async get(id: string): Promise<Delivery | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: deliveryKey(id), ConsistentRead: true }),
    );
    return Item ? toDelivery(Item) : undefined;
  }

  async createIfAbsent(delivery: Delivery): Promise<Delivery> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...deliveryKey(delivery.id),
            gsi1pk: shardedPartitionKey(deliveriesOf(this.tableName, delivery.webhookId), delivery.id),
            gsi1sk: `${delivery.createdAt}#${delivery.id}`,
            type: 'delivery',
            ttl: expiresAt(delivery.createdAt),
            attemptCount: delivery.attempts.length,
            ...delivery,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return delivery;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return (await this.get(delivery.id)) ?? delivery;
    }
  }

  async recordAttempt(
    id: string,
    previousAttempts: number,
    attempt: DeliveryAttempt,
    next: { status: DeliveryStatus; nextAttemptAt?: string },
  ): Promise<boolean> {
    const sets = [
      'attempts = list_append(attempts, :attempt)',
      'attemptCount = :count',
      '#status = :status',
      'updatedAt = :at',
    ];
    const values: Record<string, unknown> = {
      ':attempt': [attempt],
      ':count': previousAttempts + 1,
      ':previous': previousAttempts,
      ':status': next.status,
      ':pending': 'pending',
      ':at': attempt.at,
    };
    if (next.nextAttemptAt) {
      sets.push('nextAttemptAt = :next');
      values[':next'] = next.nextAttemptAt;
    }
    return this.update(
      id,
      `SET ${sets.join(', ')}${next.nextAttemptAt ? '' : ' REMOVE nextAttemptAt'}`,
      values,
      '#status = :pending AND attemptCount = :previous',
    );
  }

  async fail(id: string, reason: string, at: string): Promise<void> {
    await this.update(
      id,
      'SET #status = :failed, failureReason = :reason, updatedAt = :at REMOVE nextAttemptAt',
      { ':failed': 'failed', ':reason': reason, ':at': at, ':pending': 'pending' },
      '#status = :pending',
    );
  }

  async reopen(id: string, attemptsRead: number, extraAttempts: number, at: string): Promise<boolean> {
    return this.update(
      id,
      'SET #status = :pending, maxAttempts = attemptCount + :extra, updatedAt = :at REMOVE nextAttemptAt, failureReason',
      { ':pending': 'pending', ':extra': extraAttempts, ':at': at, ':read': attemptsRead },
      '#status <> :pending AND attemptCount = :read',
    );
  }

  async markRequeued(id: string, read: { attempts: number; updatedAt: string }, at: string): Promise<boolean> {
    return this.update(
      id,
      'SET nextAttemptAt = :at, updatedAt = :at',
      { ':pending': 'pending', ':at': at, ':read': read.attempts, ':readAt': read.updatedAt },
      '#status = :pending AND attemptCount = :read AND updatedAt = :readAt',
    );
  }

  /** Expired deliveries are filtered out: DynamoDB's TTL deletes them only some time after. */
  async listByWebhook(
    webhookId: string,
    page: PageRequest,
    filter: { status?: DeliveryStatus } = {},
  ): Promise<Page<Delivery>> {
    const now = Math.floor(Date.now() / 1000);
    return shardedNewestFirstPage(
      this.client,
      this.cursors,
      deliveriesOf(this.tableName, webhookId),
      page,
      {
        expression: filter.status ? '#ttl > :now AND #status = :status' : '#ttl > :now',
        names: { '#ttl': 'ttl', ...(filter.status && { '#status': 'status' }) },
        values: { ':now': now, ...(filter.status && { ':status': filter.status }) },
      },
      toDelivery,
    );
  }

  async failedSince(webhookId: string, since: string, limit: number): Promise<Delivery[]> {
    const failed = { expression: '#status = :failed', names: { '#status': 'status' }, values: { ':failed': 'failed' } };
    const items = await shardedOldestFrom(this.client, deliveriesOf(this.tableName, webhookId), since, failed, limit);
    return items.map(toDelivery);
  }

  private async update(id: string, expression: string, values: Record<string, unknown>, condition: string) {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: deliveryKey(id),
          UpdateExpression: expression,
          ConditionExpression: `attribute_exists(pk) AND ${condition}`,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}

export class DynamoEventStore implements EventStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async put(event: PublishedEvent): Promise<void> {
    const { data, ...rest } = event;
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...eventKey(event.id),
            ...rest,
            // `type` names the item kind on this table; the event's own type goes here.
            eventType: event.type,
            type: 'event',
            ttl: expiresAt(event.timestamp),
            data: JSON.stringify(data),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async get(id: string): Promise<PublishedEvent | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: eventKey(id), ConsistentRead: true }),
    );
    return Item ? toEvent(Item) : undefined;
  }
}

export function toDelivery(item: Record<string, unknown>): Delivery {
  const {
    pk: _pk,
    sk: _sk,
    gsi1pk: _g1,
    gsi1sk: _g2,
    type: _type,
    ttl: _ttl,
    attemptCount: _count,
    ...delivery
  } = item;
  return delivery as unknown as Delivery;
}

export function toEvent(item: Record<string, unknown>): PublishedEvent {
  return {
    id: item.id,
    organizationId: item.organizationId,
    environment: item.environment,
    type: item.eventType,
    timestamp: item.timestamp,
    // A retried test delivery is still marked as one.
    ...(item.test === true && { test: true }),
    data: JSON.parse(item.data as string),
  } as PublishedEvent;
}
