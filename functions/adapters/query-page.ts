/** One page of a DynamoDB Query, with the cursor checked against the partition being read. */
import { type DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Page, PageRequest } from '../domain/keys/key-model';
import { decodeCursor, encodeCursor } from './cursor';

export async function queryPage<T>(
  client: DynamoDBDocumentClient,
  query: Omit<QueryCommandInput, 'Limit' | 'ExclusiveStartKey'>,
  page: PageRequest,
  partition: Record<string, string>,
  toItem: (item: Record<string, unknown>) => T,
): Promise<Page<T>> {
  const result = await client.send(
    new QueryCommand({ ...query, Limit: page.limit, ExclusiveStartKey: decodeCursor(page.cursor, partition) }),
  );
  const nextCursor = encodeCursor(result.LastEvaluatedKey);
  return { items: (result.Items ?? []).map(toItem), ...(nextCursor && { nextCursor }) };
}
