/**
 * EndpointSlots on DynamoDB: one counter item per organization and environment, taken with a
 * conditional increment (`count < limit`) and given back with a conditional decrement
 * (`count > 0`). DynamoDB applies each atomically, so the limit holds however many creates run at
 * once, without transactions (which dynalite lacks).
 *
 * The counter errs high, never low. A process that dies between taking a slot and writing its
 * endpoint, or between deleting an endpoint and giving its slot back, leaves the count one above
 * the endpoints that exist: the organization can make one endpoint fewer, never one more. A
 * refused reservation recounts the endpoints once the counter has been quiet for SETTLE_MS, longer
 * than any request that could still be writing, and lowers the count to what exists.
 */
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type Clock, systemClock } from '../domain/clock';
import { ConcurrentModificationError } from '../domain/errors';
import type { KeyEnvironment } from '../domain/keys/key-token';
import type { EndpointSlots, WebhookStore } from '../domain/webhooks/webhook-model';
import { isConditionFailure } from './conditional';

export const SETTLE_MS = 5 * 60_000;
const MAX_TRIES = 4;

export const endpointSlotsKey = (organizationId: string, environment: KeyEnvironment) => ({
  pk: `WEBHOOK_SLOTS#${organizationId}#${environment}`,
  sk: 'WEBHOOK_SLOTS',
});

interface Counter {
  count: number;
  updatedAt: string;
}

export class DynamoEndpointSlots implements EndpointSlots {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly endpoints: Pick<WebhookStore, 'allOfOrganization'>,
    private readonly clock: Clock = systemClock,
  ) {}

  async reserve(organizationId: string, environment: KeyEnvironment, limit: number): Promise<boolean> {
    const key = endpointSlotsKey(organizationId, environment);
    for (let attempt = 0; attempt < MAX_TRIES; attempt += 1) {
      if (
        await this.conditionalUpdate(key, 'SET #count = #count + :one', '#count < :limit', {
          ':one': 1,
          ':limit': limit,
        })
      )
        return true;
      // Refused: the counter is full, missing (made before counters), or freed a slot just now.
      const counter = await this.read(key);
      if (!counter) await this.seed(key, organizationId, environment);
      else if (counter.count >= limit && !(await this.correct(key, counter, organizationId, environment))) return false;
    }
    throw new ConcurrentModificationError(
      `The ${environment} webhook endpoints of this organization changed at the same time; retry.`,
    );
  }

  async release(organizationId: string, environment: KeyEnvironment): Promise<void> {
    // An organization without a counter has none to give back: seeding counts what exists.
    await this.conditionalUpdate(
      endpointSlotsKey(organizationId, environment),
      'SET #count = #count - :one',
      '#count > :zero',
      {
        ':one': 1,
        ':zero': 0,
      },
    );
  }

  private async read(key: Record<string, string>): Promise<Counter | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
    );
    return Item && { count: Item.count as number, updatedAt: Item.updatedAt as string };
  }

  /** A first counter holds the endpoints made before it existed; a concurrent seed is as good. */
  private async seed(key: Record<string, string>, organizationId: string, environment: KeyEnvironment) {
    const count = (await this.endpoints.allOfOrganization(organizationId, environment)).length;
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...key, type: 'webhook_slots', count, updatedAt: this.clock().toISOString() },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  /**
   * Lowers a full counter to the endpoints that exist, if it has been quiet for SETTLE_MS and
   * still is at the write; true if the reservation is worth trying again.
   */
  private async correct(
    key: Record<string, string>,
    counter: Counter,
    organizationId: string,
    environment: KeyEnvironment,
  ): Promise<boolean> {
    if (this.clock().getTime() - Date.parse(counter.updatedAt) < SETTLE_MS) return false;
    const existing = (await this.endpoints.allOfOrganization(organizationId, environment)).length;
    if (existing >= counter.count) return false;
    await this.conditionalUpdate(key, 'SET #count = :existing', '#count = :read AND updatedAt = :readAt', {
      ':existing': existing,
      ':read': counter.count,
      ':readAt': counter.updatedAt,
    });
    // Corrected, or changed by someone else meanwhile: either way the next try decides.
    return true;
  }

  /** An update of an existing counter that also stamps it; false when the condition does not hold. */
  private async conditionalUpdate(
    key: Record<string, string>,
    expression: string,
    condition: string,
    values: Record<string, unknown>,
  ): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: `${expression}, updatedAt = :now`,
          ConditionExpression: `attribute_exists(pk) AND ${condition}`,
          ExpressionAttributeNames: { '#count': 'count' },
          ExpressionAttributeValues: { ':now': this.clock().toISOString(), ...values },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
