/**
 * Pagination cursors: DynamoDB's LastEvaluatedKey, base64url-encoded. A cursor is checked against
 * the partition being read, so a crafted cursor cannot start a read in another organization.
 */
import { ValidationError } from '../domain/errors';

type StartKey = Record<string, string>;

export function encodeCursor(lastEvaluatedKey: Record<string, unknown> | undefined): string | undefined {
  return lastEvaluatedKey ? Buffer.from(JSON.stringify(lastEvaluatedKey)).toString('base64url') : undefined;
}

export function decodeCursor(cursor: string | undefined, partition: StartKey): StartKey | undefined {
  if (cursor === undefined) return undefined;
  const invalid = () =>
    new ValidationError([
      { field: 'cursor', message: 'is not valid here; pass the nextCursor value of the previous page' },
    ]);
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch (error) {
    throw Object.assign(invalid(), { cause: error });
  }
  if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded)) throw invalid();
  const entries = Object.entries(decoded);
  if (entries.length > 4 || entries.some(([, value]) => typeof value !== 'string')) throw invalid();
  const key = decoded as StartKey;
  for (const [name, value] of Object.entries(partition)) if (key[name] !== value) throw invalid();
  return key;
}
