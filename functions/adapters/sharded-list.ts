/**
 * A gsi1 list written across several partitions and read back as one, newest first. An item's
 * partition comes from a hash of its id, so writes spread evenly and each partition takes 1/n of
 * the list's index writes. A page queries every partition for up to `limit` entries below the
 * cursor and merges them; the cursor is a position in the merged order (a `gsi1sk`), sealed like
 * every other cursor and bound to the list.
 */
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { type CursorCodec, invalidCursor } from '../domain/cursors';
import type { Page, PageRequest } from '../domain/keys/key-model';
import { decodeCursor, encodeCursor, type ListQuery } from './cursor';
import { itemsOf, queryAll } from './query-page';

export interface ShardedList {
  tableName: string;
  /** The list's name; partition 0 goes by it alone, so entries written before sharding are in it. */
  name: string;
  shards: number;
}

/** A filter on projected attributes, applied by DynamoDB within each partition. */
export interface ListFilter {
  expression: string;
  names: Record<string, string>;
  values: Record<string, unknown>;
}

export function shardOf(id: string, shards: number): number {
  let hash = 0;
  for (const char of id) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return hash % shards;
}

export const partitionOf = (name: string, shard: number) => (shard === 0 ? name : `${name}#${shard}`);

/** The gsi1pk an item with this id is written under. */
export const shardedPartitionKey = (list: Pick<ShardedList, 'name' | 'shards'>, id: string) =>
  partitionOf(list.name, shardOf(id, list.shards));

type Entry = Record<string, unknown> & { gsi1sk: string };

/** One partition's answer: its entries and, when it stopped early, the position it stopped at. */
export interface PartitionRead {
  entries: Entry[];
  stoppedAt?: string;
}

/**
 * Merges the partitions' answers into one page, newest first. Every partition that stopped early
 * has read everything down to its stop, so the merge is complete down to the newest such stop
 * (the boundary); entries below it wait for the next page. Returns the page and where the next
 * one starts below, if anything may be left.
 */
export function mergeNewestFirst(reads: readonly PartitionRead[], limit: number) {
  const stops = reads.flatMap((read) => (read.stoppedAt === undefined ? [] : [read.stoppedAt]));
  const boundary = stops.length > 0 ? stops.reduce((a, b) => (a > b ? a : b)) : undefined;
  const candidates = reads
    .flatMap((read) => read.entries)
    .filter((entry) => boundary === undefined || entry.gsi1sk >= boundary)
    .sort((a, b) => (a.gsi1sk < b.gsi1sk ? 1 : a.gsi1sk > b.gsi1sk ? -1 : 0));
  const page = candidates.slice(0, limit);
  const last = page.at(-1);
  const below = candidates.length > limit && last ? last.gsi1sk : boundary;
  return { page, ...(below !== undefined && { below }) };
}

/** What a cursor of this list is bound to: the list as a whole, whatever partitions it spans. */
const listQuery = (list: ShardedList): ListQuery => ({
  TableName: list.tableName,
  IndexName: 'gsi1',
  KeyConditionExpression: 'gsi1pk = :pk',
  ExpressionAttributeValues: { ':pk': list.name },
  ScanIndexForward: false,
});

export async function shardedNewestFirstPage<T>(
  client: DynamoDBDocumentClient,
  cursors: CursorCodec | undefined,
  list: ShardedList,
  page: PageRequest,
  filter: ListFilter | undefined,
  toItem: (item: Record<string, unknown>) => T,
): Promise<Page<T>> {
  if (!cursors) throw new Error('This store was built without a CursorCodec, so it cannot list; pass one.');
  const bound = listQuery(list);
  const start = await decodeCursor(cursors, page.cursor, bound, {});
  if (start && (Object.keys(start).length !== 1 || typeof start.gsi1sk !== 'string')) throw invalidCursor();
  const reads = await Promise.all(
    Array.from({ length: list.shards }, async (_, shard): Promise<PartitionRead> => {
      const result = await client.send(
        new QueryCommand({
          TableName: list.tableName,
          IndexName: 'gsi1',
          KeyConditionExpression: start ? 'gsi1pk = :pk AND gsi1sk < :below' : 'gsi1pk = :pk',
          ...(filter && { FilterExpression: filter.expression, ExpressionAttributeNames: filter.names }),
          ExpressionAttributeValues: {
            ':pk': partitionOf(list.name, shard),
            ...(start && { ':below': start.gsi1sk }),
            ...filter?.values,
          },
          ScanIndexForward: false,
          Limit: page.limit,
        }),
      );
      const stoppedAt = result.LastEvaluatedKey?.gsi1sk as string | undefined;
      return { entries: (result.Items ?? []) as Entry[], ...(stoppedAt !== undefined && { stoppedAt }) };
    }),
  );
  const { page: entries, below } = mergeNewestFirst(reads, page.limit);
  const nextCursor = await encodeCursor(cursors, below === undefined ? undefined : { gsi1sk: below }, bound);
  const items = await itemsOf(client, list.tableName, entries);
  return { items: items.map(toItem), ...(nextCursor && { nextCursor }) };
}

/** The oldest `limit` entries at or after `from` over every partition, oldest first, read by key. */
export async function shardedOldestFrom(
  client: DynamoDBDocumentClient,
  list: ShardedList,
  from: string,
  filter: ListFilter,
  limit: number,
): Promise<Record<string, unknown>[]> {
  const perShard = await Promise.all(
    Array.from({ length: list.shards }, async (_, shard) => {
      const entries: Entry[] = [];
      for await (const entry of queryAll(client, {
        TableName: list.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk >= :from',
        FilterExpression: filter.expression,
        ExpressionAttributeNames: filter.names,
        ExpressionAttributeValues: { ':pk': partitionOf(list.name, shard), ':from': from, ...filter.values },
      })) {
        entries.push(entry as Entry);
        if (entries.length >= limit) break;
      }
      return entries;
    }),
  );
  const oldest = perShard
    .flat()
    .sort((a, b) => (a.gsi1sk < b.gsi1sk ? -1 : a.gsi1sk > b.gsi1sk ? 1 : 0))
    .slice(0, limit);
  return itemsOf(client, list.tableName, oldest);
}
