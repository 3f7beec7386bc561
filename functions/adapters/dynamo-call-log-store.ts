/**
 * CallLogStore on DynamoDB: a key's packed calls in their own partition
 * (`ORG#<org>#KEY#<keyId>#CALLS`), sorted by `<minute>#<batch>#<part>`, so the newest calls are a
 * descending Query away. Items carry `ttl`; DynamoDB deletes them some time after 7 days, and reads
 * filter older calls out meanwhile. Written with BatchWriteItem, 25 items per request. A key has
 * one environment, so its partition holds only that environment's calls; the report checks that
 * the key is of the caller's environment before reading it.
 */

import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { chunks, inParallel } from '../domain/in-parallel';
import { decodeCalls, encodeCalls } from '../domain/usage/call-log';
import type { CallLogItem, CallLogStore } from '../domain/usage/usage-model';
import { queryAll } from './query-page';

const BATCH_WRITE_LIMIT = 25;
const MAX_ATTEMPTS = 6;
/** Items read per Query page; a page is at most 1 MB anyway. */
const READ_PAGE = 20;

const callsPartition = (organizationId: string, keyId: string) => `ORG#${organizationId}#KEY#${keyId}#CALLS`;

export class DynamoCallLogStore implements CallLogStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly pause: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {}

  async put(items: CallLogItem[]): Promise<void> {
    const requests = items.map((item) => ({
      PutRequest: {
        Item: {
          pk: callsPartition(item.organizationId, item.keyId),
          sk: `${item.minute}#${item.id}`,
          type: 'calls',
          organizationId: item.organizationId,
          keyId: item.keyId,
          minute: item.minute,
          calls: encodeCalls(item.calls),
          ttl: item.expiresAt,
        },
      },
    }));
    await inParallel(
      chunks(requests, BATCH_WRITE_LIMIT).map((batch) => () => this.writeAll(batch)),
      4,
    );
  }

  /** BatchWriteItem may leave items unprocessed under load: retry those with backoff. */
  private async writeAll(batch: { PutRequest: { Item: Record<string, unknown> } }[]): Promise<void> {
    let pending = batch;
    for (let attempt = 1; pending.length > 0; attempt++) {
      const result = await this.client.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: pending } }));
      pending = (result.UnprocessedItems?.[this.tableName] ?? []) as typeof pending;
      if (pending.length === 0) return;
      if (attempt >= MAX_ATTEMPTS) throw new Error(`${pending.length} call log items stayed unprocessed`);
      await this.pause(50 * 2 ** attempt);
    }
  }

  async *newestFirst(query: {
    organizationId: string;
    keyId: string;
    fromMinute: string;
    toMinute: string;
  }): AsyncIterable<CallLogItem> {
    const items = queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: {
        ':pk': callsPartition(query.organizationId, query.keyId),
        ':from': query.fromMinute,
        // `~` sorts after every character of a batch id, so the whole minute is included.
        ':to': `${query.toMinute}#~`,
      },
      ScanIndexForward: false,
      Limit: READ_PAGE,
    });
    for await (const item of items) {
      yield {
        organizationId: String(item.organizationId),
        keyId: String(item.keyId),
        minute: String(item.minute),
        id: String(item.sk).slice(String(item.minute).length + 1),
        calls: decodeCalls(String(item.calls)),
        expiresAt: Number(item.ttl),
      };
    }
  }
}
