/**
 * DynamoDB's LastEvaluatedKey as a sealed cursor (functions/domain/cursors.ts). A cursor is bound
 * to the list it came from: the table, the index, the key condition with its values and the
 * direction. These stay the same from page to page; filters do not take part, since they may hold
 * the current time. A cursor of another partition (another organization, another environment) or
 * of another key range on the same partition is refused before any read.
 */
import type { QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { type CursorCodec, invalidCursor } from '../domain/cursors';

type StartKey = Record<string, string>;
export type ListQuery = Pick<
  QueryCommandInput,
  'TableName' | 'IndexName' | 'KeyConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'
> & { ScanIndexForward?: boolean };

export function listOf(query: ListQuery): string {
  const condition = query.KeyConditionExpression ?? '';
  const references = [...new Set(condition.match(/[:#][A-Za-z0-9_]+/g) ?? [])].sort();
  const bound = references.map((reference) => [
    reference,
    reference.startsWith(':')
      ? query.ExpressionAttributeValues?.[reference]
      : query.ExpressionAttributeNames?.[reference],
  ]);
  return JSON.stringify([query.TableName, query.IndexName ?? null, condition, bound, query.ScanIndexForward !== false]);
}

export async function encodeCursor(
  codec: CursorCodec,
  lastEvaluatedKey: Record<string, unknown> | undefined,
  query: ListQuery,
): Promise<string | undefined> {
  return lastEvaluatedKey ? codec.seal(lastEvaluatedKey, listOf(query)) : undefined;
}

export async function decodeCursor(
  codec: CursorCodec,
  cursor: string | undefined,
  query: ListQuery,
  partition: StartKey,
): Promise<StartKey | undefined> {
  if (cursor === undefined) return undefined;
  const key = await codec.open(cursor, listOf(query));
  // Only what encodeCursor sealed for this list opens; the shape is checked all the same.
  if (typeof key !== 'object' || key === null || Array.isArray(key)) throw invalidCursor();
  const entries = Object.entries(key);
  if (entries.length > 4 || entries.some(([, value]) => typeof value !== 'string')) throw invalidCursor();
  const startKey = key as StartKey;
  for (const [name, value] of Object.entries(partition)) if (startKey[name] !== value) throw invalidCursor();
  return startKey;
}
