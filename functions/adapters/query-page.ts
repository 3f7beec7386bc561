/** One page of a DynamoDB Query, with a sealed cursor bound to the list being read. */
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
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
  /** For a query of a keys-only index: the table whose items the page's entries are read from. */
  itemsFrom?: string,
): Promise<Page<T>> {
  if (!cursors) throw new Error('This store was built without a CursorCodec, so it cannot list; pass one.');
  const startKey = await decodeCursor(cursors, page.cursor, query, partition);
  const result = await client.send(new QueryCommand({ ...query, Limit: page.limit, ExclusiveStartKey: startKey }));
  const nextCursor = await encodeCursor(cursors, result.LastEvaluatedKey, query);
  const entries = result.Items ?? [];
  const items = itemsFrom ? await itemsOf(client, itemsFrom, entries) : entries;
  return { items: items.map(toItem), ...(nextCursor && { nextCursor }) };
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

/** BatchGetItem takes at most this many keys. */
const BATCH_GET_KEYS = 100;
const BATCH_GET_ATTEMPTS = 6;

/**
 * The table items of index entries, in the entries' order: the indexes copy keys (and a few
 * filtered attributes) only, so a list reads its page's items by key. Items deleted since the
 * index was read are left out. Eventually consistent, like the index read before it: half a read
 * unit per item of up to 4 KB.
 */
export async function itemsOf(
  client: DynamoDBDocumentClient,
  tableName: string,
  entries: readonly Record<string, unknown>[],
): Promise<Record<string, unknown>[]> {
  const found = new Map<string, Record<string, unknown>>();
  const id = (key: Record<string, unknown>) => `${key.pk}\u0000${key.sk}`;
  const keys = entries.map((entry) => ({ pk: entry.pk, sk: entry.sk }));
  for (let start = 0; start < keys.length; start += BATCH_GET_KEYS) {
    let pending: Record<string, unknown>[] | undefined = keys.slice(start, start + BATCH_GET_KEYS);
    for (let attempt = 0; pending && pending.length > 0; attempt++) {
      if (attempt === BATCH_GET_ATTEMPTS)
        throw new Error(`BatchGetItem left ${pending.length} keys unread after ${attempt} attempts`);
      // Unprocessed keys mean throttling: back off before asking again, as the SDK does for errors.
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt));
      const result: BatchGetCommandOutput = await client.send(
        new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending } } }),
      );
      for (const item of result.Responses?.[tableName] ?? []) found.set(id(item), item);
      pending = result.UnprocessedKeys?.[tableName]?.Keys;
    }
  }
  return keys.flatMap((key) => {
    const item = found.get(id(key));
    return item ? [item] : [];
  });
}

/**
 * One page of a gsi1 partition, newest first: how every per-owner listing on the table reads. The
 * index gives the page's keys, one BatchGetItem their items.
 */
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
    tableName,
  );
}
