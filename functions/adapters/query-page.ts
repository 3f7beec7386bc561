/** One page of a DynamoDB Query, with a sealed cursor bound to the list being read. */
import { type DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { CursorCodec } from '../domain/cursors';
import type { Page, PageRequest } from '../domain/keys/key-model';
import { decodeCursor, encodeCursor } from './cursor';

/** `cursors` is optional in stores that are also built where nothing pages (the authorizer, the CLI). */
export async function queryPage<T>(
  client: DynamoDBDocumentClient,
  cursors: CursorCodec | undefined,
  query: Omit<QueryCommandInput, 'Limit' | 'ExclusiveStartKey'>,
  page: PageRequest,
  partition: Record<string, string>,
  toItem: (item: Record<string, unknown>) => T,
): Promise<Page<T>> {
  if (!cursors) throw new Error('This store was built without a CursorCodec, so it cannot list; pass one.');
  const startKey = await decodeCursor(cursors, page.cursor, query, partition);
  const result = await client.send(new QueryCommand({ ...query, Limit: page.limit, ExclusiveStartKey: startKey }));
  const nextCursor = await encodeCursor(cursors, result.LastEvaluatedKey, query);
  return { items: (result.Items ?? []).map(toItem), ...(nextCursor && { nextCursor }) };
}

/** Every item a Query matches, page after page, as they come: for reads bounded by their key range. */
export async function* queryAll(
  client: DynamoDBDocumentClient,
  query: Omit<QueryCommandInput, 'ExclusiveStartKey'>,
): AsyncIterable<Record<string, unknown>> {
  let startKey: Record<string, unknown> | undefined;
  do {
    const result = await client.send(new QueryCommand({ ...query, ExclusiveStartKey: startKey }));
    yield* result.Items ?? [];
    startKey = result.LastEvaluatedKey;
  } while (startKey);
}

/** One page of a gsi1 partition, newest first: how every per-owner listing on the table reads. */
export function newestFirstPage<T>(
  client: DynamoDBDocumentClient,
  cursors: CursorCodec | undefined,
  tableName: string,
  gsi1pk: string,
  page: PageRequest,
  toItem: (item: Record<string, unknown>) => T,
): Promise<Page<T>> {
  return queryPage(
    client,
    cursors,
    {
      TableName: tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': gsi1pk },
      ScanIndexForward: false,
    },
    page,
    { gsi1pk },
    toItem,
  );
}
