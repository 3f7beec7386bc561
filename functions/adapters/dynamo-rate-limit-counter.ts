/**
 * RateLimitCounter on DynamoDB: one item per key and window (pk `RATE#<keyId>`, sk the window's
 * start in epoch seconds), incremented with one atomic ADD that returns the new count. DynamoDB
 * does the counting, so the count is exact however many Lambda instances serve the key.
 *
 * Nothing ever reads these items: a window's sort key is never reused, so an item that TTL has not
 * deleted yet (or never will, in dynalite) is simply never touched again.
 */
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { RateLimitCounter } from '../domain/rate-limit';

export const rateCounterKey = (keyId: string, windowStart: number) => ({
  pk: `RATE#${keyId}`,
  sk: String(windowStart),
});

export class DynamoRateLimitCounter implements RateLimitCounter {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async increment(keyId: string, windowStart: number, expiresAt: number): Promise<number> {
    const { Attributes } = await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: rateCounterKey(keyId, windowStart),
        UpdateExpression: 'ADD #count :one SET #ttl = :ttl',
        ExpressionAttributeNames: { '#count': 'count', '#ttl': 'ttl' },
        ExpressionAttributeValues: { ':one': 1, ':ttl': expiresAt },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const count = Attributes?.count;
    if (typeof count !== 'number') throw new Error(`The rate counter of ${keyId} returned no count.`);
    return count;
  }
}
