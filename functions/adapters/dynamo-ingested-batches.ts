/**
 * The ledger of counted access log batches: one small item per batch, `USAGE_BATCH#<batchId>` /
 * `BATCH`, deleted by TTL after the DLQ's retention (14 days), so a redrive within it is still
 * recognized. Batch ids are hashes, so the items spread over partitions. Per batch: one
 * strongly consistent GetItem (1 read unit) and one conditional UpdateItem (1 write unit).
 */
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../domain/clock';
import type { IngestedBatches } from '../domain/usage/ingest-once';
import { writeIfCondition } from './conditional';

const KEEP_SECONDS = 14 * 24 * 3600;

export class DynamoIngestedBatches implements IngestedBatches {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock,
  ) {}

  async counted(batchId: string): Promise<boolean> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keyOf(batchId), ConsistentRead: true }),
    );
    return Item !== undefined;
  }

  markCounted(batchId: string): Promise<boolean> {
    const now = this.clock();
    return writeIfCondition(
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keyOf(batchId),
          UpdateExpression: 'SET countedAt = :countedAt, #ttl = :ttl',
          ConditionExpression: 'attribute_not_exists(pk)',
          ExpressionAttributeNames: { '#ttl': 'ttl' },
          ExpressionAttributeValues: {
            ':countedAt': now.toISOString(),
            ':ttl': Math.floor(now.getTime() / 1000) + KEEP_SECONDS,
          },
        }),
      ),
    );
  }
}

const keyOf = (batchId: string) => ({ pk: `USAGE_BATCH#${batchId}`, sk: 'BATCH' });
