/**
 * Seeds many keys straight into the table with BatchWriteItem (25 per request, several requests
 * in flight), in the stored layout of DynamoKeyStore, and counts the items a scan reads.
 */
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { keyItem } from '../../functions/adapters/dynamo-key-store';
import type { ApiKeyRecord } from '../../functions/domain/keys/key-model';

const DAY_MS = 24 * 3600 * 1000;

export function seedKey(index: number, organizationId: string, createdAt: Date, periodDays = 182): ApiKeyRecord {
  const id = `key_${String(index).padStart(16, '0')}`;
  return {
    id,
    organizationId,
    name: `Seeded ${index}`,
    secretHash: 'x',
    last8: String(index).padStart(8, '0').slice(-8),
    environment: 'live',
    status: 'active',
    permissions: ['read'],
    accounts: '*',
    createdAt: createdAt.toISOString(),
    createdBy: 'mem_seed',
    rotationDueAt: new Date(createdAt.getTime() + periodDays * DAY_MS).toISOString(),
    version: 1,
  };
}

export async function seedKeys(
  client: DynamoDBDocumentClient,
  tableName: string,
  records: ApiKeyRecord[],
  concurrency = 8,
): Promise<void> {
  const batches: ApiKeyRecord[][] = [];
  for (let start = 0; start < records.length; start += 25) batches.push(records.slice(start, start + 25));
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      const batch = batches[next++] as ApiKeyRecord[];
      let requests = batch.map((record) => ({ PutRequest: { Item: keyItem(record) } }));
      while (requests.length > 0) {
        const { UnprocessedItems } = await client.send(
          new BatchWriteCommand({ RequestItems: { [tableName]: requests } }),
        );
        requests = (UnprocessedItems?.[tableName] ?? []) as typeof requests;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** Counts the items DynamoDB reads (ScannedCount) for Query and Scan requests sent through the client. */
export function countItemsRead(client: DynamoDBDocumentClient) {
  const counts = { requests: 0, itemsRead: 0 };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      const name = String(context.commandName ?? '');
      if (name === 'QueryCommand' || name === 'ScanCommand') {
        counts.requests++;
        counts.itemsRead += Number((result.output as { ScannedCount?: number }).ScannedCount ?? 0);
      } else if (name === 'GetItemCommand') {
        counts.requests++;
        counts.itemsRead += (result.output as { Item?: unknown }).Item ? 1 : 0;
      } else if (name === 'BatchGetItemCommand') {
        counts.requests++;
        const responses = (result.output as { Responses?: Record<string, unknown[]> }).Responses ?? {};
        counts.itemsRead += Object.values(responses).reduce((sum, items) => sum + items.length, 0);
      }
      return result;
    },
    { step: 'initialize', name: 'itemsReadCounter' },
  );
  return counts;
}
